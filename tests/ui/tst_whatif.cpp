// What-if editing in the user explorer: ratings set and removed with keys 1-5 / 0 in
// its tables, a playground user, Edit > Undo / Redo / Reset, the overlay saved in the
// project file and reloaded. After every step each number the explorer shows (the
// neighbours in order, the test predictions, the recommendations and their
// predictions, the user's ratings) equals an independent computation: the project file
// read back from disk and its edits replayed through the incremental WhatIfModel on the
// source training ratings. The highlight of the last edit equals the difference of the
// neighbour lists before and after it.
#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QSettings>
#include <QTableWidget>
#include <QTest>
#include <QUndoStack>

#include <cmath>
#include <fstream>
#include <iterator>

#include "UiTestSupport.h"
#include "core/eval/WhatIf.h"
#include "core/project/RatingOverlay.h"
#include "ui/JobRunner.h"
#include "ui/MainWindow.h"
#include "ui/UserExplorerView.h"
#include "ui/Workbench.h"

using namespace tl::ui;

class TestWhatIf : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void keysSetAndRemoveRatings();
    void undoRedoRestore();
    void playgroundUserGetsRecommendations();
    void overlayIsSavedAndReloaded();
    void resetDropsEverythingAndUndoes();
    void cleanupTestCase();

private:
    bool waitForModel() const;
    // Every number shown for the current user equals the file's edits replayed incrementally.
    void expectShownEqualsRecompute() const;
    QStringList shownNeighbours() const;
    QHash<std::uint32_t, float> shownPredictions() const;  // test ratings and recommendations
    QAction* editAction(const QString& text) const;
    QString projectText() const;
    QTemporaryDir dir_;
    QString project_;
    std::unique_ptr<MainWindow> window_;
    std::uint32_t user_ = 0;
};

void TestWhatIf::initTestCase()
{
    test::initTestApplication();
    QSettings().clear();
    QVERIFY(dir_.isValid());
    project_ = test::makeProject(dir_.filePath("demo"));
    window_ = std::make_unique<MainWindow>(tl::ui::test::noDialogs());
    window_->resize(1366, 768);
    window_->show();
    QVERIFY(test::openAndWait(*window_, project_));
    window_->raiseView(window_->userView());
}

void TestWhatIf::cleanupTestCase()
{
    window_.reset();
}

bool TestWhatIf::waitForModel() const
{
    return test::waitForActiveModel(*window_->workbench());
}

QString TestWhatIf::projectText() const
{
    std::ifstream in(project_.toStdString());
    return QString::fromStdString(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
}

QStringList TestWhatIf::shownNeighbours() const
{
    QStringList ids;
    const QTableWidget* t = window_->userView()->neighboursTable();
    for (int r = 0; r < t->rowCount(); ++r)
        ids << t->item(r, 1)->text();
    return ids;
}

QHash<std::uint32_t, float> TestWhatIf::shownPredictions() const
{
    QHash<std::uint32_t, float> shown;
    const QTableWidget* t = window_->userView()->predictionsTable();
    for (int r = 0; r < t->rowCount(); ++r)
        shown.insert(t->item(r, 0)->data(Qt::UserRole).toUInt(), t->item(r, 2)->data(Qt::UserRole).toFloat());
    const QListWidget* recs = window_->userView()->recommendationsList();
    for (int r = 0; r < recs->count(); ++r)
        shown.insert(recs->item(r)->data(Qt::UserRole + 1).toUInt(), recs->item(r)->data(Qt::UserRole + 2).toFloat());
    return shown;
}

QAction* TestWhatIf::editAction(const QString& text) const
{
    for (QAction* menu : window_->menuBar()->actions())
        if (menu->text() == QStringLiteral("&Edit"))
            for (QAction* a : menu->menu()->actions())
                if (a->text().startsWith(text))
                    return a;
    return nullptr;
}

void TestWhatIf::expectShownEqualsRecompute() const
{
    Workbench* wb = window_->workbench();
    UserExplorerView* view = window_->userView();
    const std::uint32_t user = wb->user();
    const int k = wb->k();
    // Independent: the project file from disk, its edits replayed on the source training ratings.
    const auto source = tl::loadProjectData(tl::loadProject(project_.toStdString()));
    const tl::FeatureMatrix features = tl::loadContent(*source, *wb->source(wb->activeSource()));
    tl::WhatIfSettings settings;
    settings.k = k;
    tl::WhatIfModel model(source->data, source->split.train, features, settings);
    const tl::ResolvedOverlay overlay = tl::resolveOverlay(source->project, source->data);
    for (std::size_t n = 0; n < overlay.newUsers.size(); ++n)
        model.addUser();
    for (const auto& e : overlay.edits)
        model.apply({e.user, e.item, e.rating});
    QCOMPARE(static_cast<std::size_t>(wb->project()->data.users.size()), model.users());
    QCOMPARE(wb->editCount(), static_cast<int>(source->project.ratingEdits.size()));
    const auto& ids = wb->project()->data.users;

    QStringList expectedNeighbours;
    for (const auto& n : model.neighbours(user))
        expectedNeighbours << QString::fromStdString(ids.id(n.user));
    QCOMPARE(shownNeighbours(), expectedNeighbours);

    const QTableWidget* tests = view->predictionsTable();
    for (int r = 0; r < tests->rowCount(); ++r) {
        const auto item = tests->item(r, 0)->data(Qt::UserRole).toUInt();
        QVERIFY(!model.train().rating(user, item));  // a test rating is not a training rating
        const float expected = model.predict(user, item);
        QVERIFY2(std::abs(tests->item(r, 2)->data(Qt::UserRole).toFloat() - expected) < 1e-4f, qPrintable(QString::number(r)));
        QCOMPARE(tests->item(r, 2)->text(), QString::number(expected, 'f', 2));
    }

    const QListWidget* recs = view->recommendationsList();
    const auto expectedRecs = model.recommend(user, 10);
    QCOMPARE(recs->count(), static_cast<int>(expectedRecs.size()));
    for (int r = 0; r < recs->count(); ++r) {
        QCOMPARE(recs->item(r)->data(Qt::UserRole + 1).toUInt(), expectedRecs[static_cast<std::size_t>(r)].item);
        QVERIFY(std::abs(recs->item(r)->data(Qt::UserRole + 2).toFloat() - expectedRecs[static_cast<std::size_t>(r)].prediction) <
                1e-4f);
    }

    const QTableWidget* ratings = view->ratingsTable();
    QCOMPARE(ratings->rowCount(), static_cast<int>(model.items()));
    for (int r = 0; r < ratings->rowCount(); ++r) {
        const auto item = ratings->item(r, 0)->data(Qt::UserRole).toUInt();
        const auto rating = model.train().rating(user, item);
        QCOMPARE(ratings->item(r, 1)->text(), rating ? QString::number(static_cast<double>(*rating), 'g', 3) : QString());
    }
}

void TestWhatIf::keysSetAndRemoveRatings()
{
    Workbench* wb = window_->workbench();
    UserExplorerView* view = window_->userView();
    wb->setK(5);
    // A user with test ratings.
    for (std::uint32_t u = 0; u < wb->project()->data.users.size(); ++u) {
        wb->setUser(u);
        if (view->predictionsTable()->rowCount() >= 2)
            break;
    }
    user_ = wb->user();
    QVERIFY(view->predictionsTable()->rowCount() >= 2);
    QVERIFY(!view->editsLabel()->isVisible());
    QVERIFY(!projectText().contains(QStringLiteral("rating_edits")));

    // Rate a test item 1 (it becomes a training rating: the what-if).
    QTableWidget* tests = view->predictionsTable();
    const auto item = tests->item(0, 0)->data(Qt::UserRole).toUInt();
    const QStringList before = shownNeighbours();
    const auto predictionsBefore = shownPredictions();
    tests->setFocus();
    tests->selectRow(0);
    QTest::keyClick(tests, Qt::Key_1);
    QCOMPARE(wb->editCount(), 1);
    QVERIFY(waitForModel());
    QCOMPARE(wb->user(), user_);
    expectShownEqualsRecompute();
    QVERIFY(projectText().contains(QStringLiteral("rating_edits")));
    QVERIFY(view->editsLabel()->isVisible());
    QVERIFY(view->editsLabel()->text().startsWith(QStringLiteral("1 what-if edit (not in the source ratings)")));
    // The highlight is the difference of the lists.
    const QStringList after = shownNeighbours();
    QSet<QString> entered;
    for (auto v : view->enteredNeighbours())
        entered.insert(QString::fromStdString(wb->project()->data.users.id(v)));
    QSet<QString> expectedEntered;
    for (const auto& id : after)
        if (!before.contains(id))
            expectedEntered.insert(id);
    QCOMPARE(entered, expectedEntered);
    QCOMPARE(view->leftNeighbours().size(), static_cast<qsizetype>(expectedEntered.size()));
    // Moved: the items shown before and after whose prediction changed, with the value before.
    const auto predictionsAfter = shownPredictions();
    QHash<std::uint32_t, float> expectedMoved;
    for (auto it = predictionsAfter.cbegin(); it != predictionsAfter.cend(); ++it)
        if (predictionsBefore.contains(it.key()) && std::abs(predictionsBefore[it.key()] - it.value()) > 5e-4f)
            expectedMoved.insert(it.key(), predictionsBefore[it.key()]);
    QVERIFY(!expectedMoved.isEmpty());  // rating a 1 moves the user's profile and predictions
    QCOMPARE(view->movedPredictions(), expectedMoved);
    // The rated item is now first among the ratings... of value 1 it is last of the rated ones: find it.
    QTableWidget* ratings = view->ratingsTable();
    int row = -1;
    for (int r = 0; r < ratings->rowCount(); ++r)
        if (ratings->item(r, 0)->data(Qt::UserRole).toUInt() == item)
            row = r;
    QVERIFY(row >= 0);
    QCOMPARE(ratings->item(row, 1)->text(), QStringLiteral("1"));
    QCOMPARE(ratings->item(row, 2)->text(), QStringLiteral("edited"));

    // Remove the user's best training rating with 0 in the ratings table.
    ratings->setFocus();
    ratings->selectRow(0);
    QVERIFY(!ratings->item(0, 1)->text().isEmpty());
    QTest::keyClick(ratings, Qt::Key_0);
    QCOMPARE(wb->editCount(), 2);
    QVERIFY(waitForModel());
    expectShownEqualsRecompute();
    // A recommendation rated 5.
    QListWidget* recs = view->recommendationsList();
    if (recs->count() > 0) {
        recs->setFocus();
        recs->setCurrentRow(0);
        QTest::keyClick(recs, Qt::Key_5);
        QCOMPARE(wb->editCount(), 3);
        QVERIFY(waitForModel());
        expectShownEqualsRecompute();
        QVERIFY(view->editsLabel()->text().startsWith(QStringLiteral("3 what-if edits")));
    }
}

void TestWhatIf::undoRedoRestore()
{
    Workbench* wb = window_->workbench();
    const int edits = wb->editCount();
    QVERIFY(edits >= 2);
    const QStringList now = shownNeighbours();
    QAction* undo = editAction(QStringLiteral("&Undo"));
    QAction* redo = editAction(QStringLiteral("&Redo"));
    QVERIFY(undo && redo);
    QCOMPARE(undo->shortcut(), QKeySequence(QKeySequence::Undo));
    QCOMPARE(redo->shortcut(), QKeySequence(QKeySequence::Redo));
    for (int n = edits - 1; n >= 0; --n) {
        undo->trigger();
        QCOMPARE(wb->editCount(), n);
        QVERIFY(waitForModel());
        expectShownEqualsRecompute();
    }
    QVERIFY(!projectText().contains(QStringLiteral("rating_edits")));
    QVERIFY(!window_->userView()->editsLabel()->isVisible());
    for (int n = 1; n <= edits; ++n) {
        redo->trigger();
        QCOMPARE(wb->editCount(), n);
    }
    QVERIFY(waitForModel());
    expectShownEqualsRecompute();
    QCOMPARE(shownNeighbours(), now);
}

void TestWhatIf::playgroundUserGetsRecommendations()
{
    Workbench* wb = window_->workbench();
    UserExplorerView* view = window_->userView();
    const auto users = wb->project()->data.users.size();
    editAction(QStringLiteral("&New Playground User"))->trigger();
    QVERIFY(waitForModel());
    QCOMPARE(wb->project()->data.users.size(), users + 1);
    QCOMPARE(wb->user(), static_cast<std::uint32_t>(users));
    QVERIFY(wb->isPlaygroundUser(wb->user()));
    QCOMPARE(view->userBox()->currentText(), QStringLiteral("playground-1"));
    QCOMPARE(view->recommendationsList()->count(), 0);  // no ratings, no profile
    QVERIFY(view->ratingsTable()->isVisible());  // the explorer shows what a new user can do: rate
    expectShownEqualsRecompute();
    // Rate three trailers from the ratings table (all unrated: titles in order).
    QTableWidget* ratings = view->ratingsTable();
    const int stars[] = {5, 4, 1};
    for (int n = 0; n < 3; ++n) {
        // Rated rows come first: the next unrated row is at n.
        ratings->setFocus();
        ratings->selectRow(n);
        QTest::keyClick(ratings, static_cast<Qt::Key>(Qt::Key_0 + stars[n]));
        QVERIFY(waitForModel());
    }
    expectShownEqualsRecompute();
    QVERIFY(view->recommendationsList()->count() > 0);
    QVERIFY(view->neighboursTable()->rowCount() > 0);
}

void TestWhatIf::overlayIsSavedAndReloaded()
{
    Workbench* wb = window_->workbench();
    const int edits = wb->editCount();
    const std::uint32_t user = wb->user();
    const QStringList neighbours = shownNeighbours();
    QVERIFY(projectText().contains(QStringLiteral("playground-1")));
    QVERIFY(test::openAndWait(*window_, project_));
    QCOMPARE(wb->editCount(), edits);
    QCOMPARE(wb->playgroundUserCount(), 1);
    wb->setK(5);
    wb->setUser(user);
    QVERIFY(waitForModel());
    QCOMPARE(shownNeighbours(), neighbours);
    expectShownEqualsRecompute();

    // Export: the source ratings with the edits, the playground user's three ratings among them.
    const QString csv = dir_.filePath("edited.csv");
    wb->exportEditedRatings(csv);
    tl::Dataset exported;
    tl::readRatings(csv.toStdString(), exported);
    const auto playground = exported.users.find("playground-1");
    QVERIFY(playground);
    int count = 0;
    for (const auto& r : exported.ratings)
        count += r.user == *playground;
    QCOMPARE(count, 3);
}

void TestWhatIf::resetDropsEverythingAndUndoes()
{
    Workbench* wb = window_->workbench();
    const int edits = wb->editCount();
    QVERIFY(edits > 0);
    editAction(QStringLiteral("Re&set"))->trigger();
    QCOMPARE(wb->editCount(), 0);
    QCOMPARE(wb->playgroundUserCount(), 0);
    QVERIFY(waitForModel());
    QVERIFY(!projectText().contains(QStringLiteral("rating_edits")));
    QVERIFY(!projectText().contains(QStringLiteral("playground")));
    expectShownEqualsRecompute();
    wb->undoStack()->undo();
    QCOMPARE(wb->editCount(), edits);
    QVERIFY(waitForModel());
    expectShownEqualsRecompute();
}

QTEST_MAIN(TestWhatIf)
#include "tst_whatif.moc"
