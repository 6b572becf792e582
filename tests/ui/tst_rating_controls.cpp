// Rating from everywhere, as a classroom would: a new playground user rates trailers
// with the star controls and keys of the trailer view and the library, gets a
// recommendation list in the explorer, rates one of its recommendations in place,
// and undoes. After every step each control shows the user's rating as the edited
// ratings hold it, and every recommendation and neighbour the explorer shows equals a
// full recompute: the project file read back from disk, its overlay applied, and the
// CF model built from scratch (CfModel::build). The map is recomputed after an edit
// and the edited user's point carries a trail from where it was.
#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

#include <cmath>

#include "UiTestSupport.h"
#include "core/eval/CfModel.h"
#include "core/project/RatingOverlay.h"
#include "ui/JobRunner.h"
#include "ui/LibraryView.h"
#include "ui/MainWindow.h"
#include "ui/MapCanvas.h"
#include "ui/MapView.h"
#include "ui/StarRating.h"
#include "ui/TrailerView.h"
#include "ui/UserExplorerView.h"
#include "ui/Workbench.h"

using namespace tl::ui;

class TestRatingControls : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void starWidgetAsksAndShows();
    void trailerViewRatesAsTheSelectedUser();
    void libraryStarsAndKeys();
    void recommendationsAppearAndEqualARecompute();
    void rateARecommendationInPlace();
    void mapFollowsTheEdit();
    void undoRestoresEveryControl();
    void cleanupTestCase();

private:
    bool waitForModel() const;
    // The model built from scratch on the ratings the project file on disk says.
    std::shared_ptr<const tl::CfModel> recompute() const;
    // Every recommendation and neighbour shown for the current user equals `model`'s.
    void expectExplorerEquals(const tl::CfModel& model) const;
    // The library's star cell of an item shows `model`'s training rating (and the edit mark).
    void expectLibraryShows(const tl::CfModel& model, std::uint32_t item, bool edited) const;
    void clickLibraryStar(std::uint32_t item, int star) const;
    std::uint32_t item(int n) const { return items_[static_cast<std::size_t>(n)]; }
    // Whether the project file on disk holds an edit of the playground user's rating of item.
    bool inOverlay(std::uint32_t item) const;
    QString itemId(int n) const;

    QTemporaryDir dir_;
    QString project_;
    std::unique_ptr<MainWindow> window_;
    std::uint32_t user_ = 0;
    std::vector<std::uint32_t> items_;  // the trailers the playground user rates, in order
};

void TestRatingControls::initTestCase()
{
    test::initTestApplication();
    QSettings().clear();
    QVERIFY(dir_.isValid());
    project_ = test::makeProject(dir_.filePath("demo"));
    window_ = std::make_unique<MainWindow>(tl::ui::test::noDialogs());
    window_->resize(1366, 768);
    window_->show();
    QVERIFY(test::openAndWait(*window_, project_));
    Workbench* wb = window_->workbench();
    wb->setK(5);
    // Items with a profile in the active configuration, far apart in the catalog.
    const auto model = wb->model(wb->activeSource());
    QVERIFY(model);
    for (std::uint32_t i = 0; i < wb->project()->data.items.size() && items_.size() < 6; i += 7)
        if (wb->profiledItems(wb->activeSource()).contains(QString::fromStdString(wb->project()->data.items.id(i))))
            items_.push_back(i);
    QCOMPARE(items_.size(), std::size_t(6));
}

void TestRatingControls::cleanupTestCase()
{
    window_.reset();
}

bool TestRatingControls::waitForModel() const
{
    return test::waitForActiveModel(*window_->workbench());
}

QString TestRatingControls::itemId(int n) const
{
    return QString::fromStdString(window_->workbench()->project()->data.items.id(item(n)));
}

bool TestRatingControls::inOverlay(std::uint32_t item) const
{
    const auto& pd = *window_->workbench()->project();
    for (const auto& e : tl::loadProject(project_.toStdString()).ratingEdits)
        if (e.user == pd.data.users.id(user_) && e.item == pd.data.items.id(item))
            return true;
    return false;
}

std::shared_ptr<const tl::CfModel> TestRatingControls::recompute() const
{
    Workbench* wb = window_->workbench();
    const auto source = tl::loadProjectData(tl::loadProject(project_.toStdString()));
    const auto edited = tl::withOverlay(*source);
    const tl::FeatureMatrix features = tl::loadContent(*edited, *wb->source(wb->activeSource()));
    tl::CfModelSettings settings;
    settings.ks = edited->ks;
    settings.kMax = edited->ks.back();
    return tl::CfModel::build(edited->data, edited->split, features, settings);
}

void TestRatingControls::expectExplorerEquals(const tl::CfModel& model) const
{
    Workbench* wb = window_->workbench();
    const UserExplorerView* view = window_->userView();
    const auto expected = model.recommend(user_, wb->k(), 10);
    const QListWidget* recs = view->recommendationsList();
    QCOMPARE(recs->count(), static_cast<int>(expected.size()));
    for (int r = 0; r < recs->count(); ++r) {
        const auto& e = expected[static_cast<std::size_t>(r)];
        QCOMPARE(recs->item(r)->data(Qt::UserRole + 1).toUInt(), e.item);
        QVERIFY2(std::abs(recs->item(r)->data(Qt::UserRole + 2).toFloat() - e.prediction) < 1e-4f,
                 qPrintable(QStringLiteral("recommendation %1").arg(r)));
        QVERIFY(recs->item(r)->text().contains(QString::number(static_cast<double>(e.prediction), 'f', 2)));
    }
    QStringList shown, neighbours;
    const QTableWidget* t = view->neighboursTable();
    for (int r = 0; r < t->rowCount(); ++r)
        shown << t->item(r, 1)->text();
    for (const auto& [n, corated] : model.neighbours(user_, wb->k()))
        neighbours << QString::fromStdString(wb->project()->data.users.id(n.user));
    QCOMPARE(shown, neighbours);
}

void TestRatingControls::expectLibraryShows(const tl::CfModel& model, std::uint32_t item, bool edited) const
{
    const LibraryView* library = window_->libraryView();
    const int row = library->rowOfItem(item);
    QVERIFY(row >= 0);
    const QModelIndex cell = library->tableView()->model()->index(row, LibraryView::Rating);
    const auto rating = model.train().rating(user_, item);
    QCOMPARE(cell.data(StarDelegate::kStarsRole).toInt(), rating ? static_cast<int>(std::lround(*rating)) : 0);
    QCOMPARE(cell.data(StarDelegate::kEditedRole).toBool(), edited);
}

void TestRatingControls::clickLibraryStar(std::uint32_t item, int star) const
{
    QTableView* table = window_->libraryView()->tableView();
    const QModelIndex cell = table->model()->index(window_->libraryView()->rowOfItem(item), LibraryView::Rating);
    table->scrollTo(cell);
    const QRect rect = table->visualRect(cell);
    QVERIFY(rect.isValid());
    // The delegate paints into the cell less a small margin: find the x of the star's centre.
    const QRect area = rect.adjusted(4, 2, -4, -2);
    int first = -1, last = -1;
    for (int x = area.left(); x <= area.right(); ++x)
        if (StarRating::starAt(area, x) == star) {
            first = first < 0 ? x : first;
            last = x;
        }
    QVERIFY(first >= 0);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, QPoint((first + last) / 2, rect.center().y()));
}

void TestRatingControls::starWidgetAsksAndShows()
{
    StarRating stars;
    stars.resize(stars.sizeHint());
    QSignalSpy asked(&stars, &StarRating::ratingRequested);
    stars.setRating(3.f, false);
    QCOMPARE(stars.stars(), 3);
    // Passive: a click asks, and shows nothing new by itself.
    QTest::mouseClick(&stars, Qt::LeftButton, {}, stars.starRect(5).center());
    QCOMPARE(asked.count(), 1);
    QCOMPARE(asked.takeFirst().at(0).toInt(), 5);
    QCOMPARE(stars.stars(), 3);
    // The set star again removes the rating.
    QTest::mouseClick(&stars, Qt::LeftButton, {}, stars.starRect(3).center());
    QCOMPARE(asked.takeFirst().at(0).toInt(), 0);
    QTest::mouseClick(&stars, Qt::LeftButton, {}, stars.starRect(1).center());
    QCOMPARE(asked.takeFirst().at(0).toInt(), 1);
    // Keys: 1-5, 0, Delete; others pass.
    const std::pair<Qt::Key, int> keys[] = {{Qt::Key_4, 4}, {Qt::Key_0, 0}, {Qt::Key_Delete, 0}, {Qt::Key_2, 2}};
    for (const auto& [key, value] : keys) {
        QTest::keyClick(&stars, key);
        QCOMPARE(asked.takeFirst().at(0).toInt(), value);
    }
    QTest::keyClick(&stars, Qt::Key_7);
    QTest::keyClick(&stars, Qt::Key_1, Qt::ControlModifier);
    QCOMPARE(asked.count(), 0);
    QCOMPARE(stars.focusPolicy(), Qt::StrongFocus);
    // Rounded to whole stars; an edit is marked.
    stars.setRating(3.6f, true);
    QCOMPARE(stars.stars(), 4);
    QVERIFY(stars.isEdited());
    stars.setRating(std::nullopt, false);
    QCOMPARE(stars.stars(), 0);
    // Every star has its own place, left to right.
    for (int n = 1; n < StarRating::kStars; ++n)
        QVERIFY(stars.starRect(n).right() < stars.starRect(n + 1).left());
}

void TestRatingControls::trailerViewRatesAsTheSelectedUser()
{
    Workbench* wb = window_->workbench();
    const auto users = wb->project()->data.users.size();
    wb->addPlaygroundUser();
    QVERIFY(waitForModel());
    user_ = wb->user();
    QCOMPARE(user_, static_cast<std::uint32_t>(users));
    QVERIFY(wb->isPlaygroundUser(user_));
    QCOMPARE(window_->userView()->recommendationsList()->count(), 0);  // no rating, no profile

    TrailerView* trailer = window_->trailerView();
    StarRating* stars = trailer->ratingControl();
    window_->playItem(itemId(0));
    QVERIFY2(trailer->ratingText().startsWith(QStringLiteral("Rating as playground-1")), qPrintable(trailer->ratingText()));
    QVERIFY(stars->isEnabled());
    QCOMPARE(stars->stars(), 0);
    // A click on the fifth star rates 5, as the playground user.
    QTest::mouseClick(stars, Qt::LeftButton, {}, stars->starRect(5).center());
    QCOMPARE(wb->editCount(), 1);
    QCOMPARE(stars->stars(), 5);
    QVERIFY(stars->isEdited());
    QVERIFY(waitForModel());
    // Keys on the control: the next trailer rated 4.
    window_->playItem(itemId(1));
    QCOMPARE(stars->stars(), 0);
    stars->setFocus();
    QTest::keyClick(stars, Qt::Key_4);
    QCOMPARE(wb->editCount(), 2);
    QCOMPARE(stars->stars(), 4);
    QVERIFY(waitForModel());
    const auto model = recompute();
    QCOMPARE(model->train().rating(user_, item(0)), std::optional<float>(5.f));
    QCOMPARE(model->train().rating(user_, item(1)), std::optional<float>(4.f));
    expectExplorerEquals(*model);
    // The shown trailer follows the selected user: another user's (source) rating, unmarked.
    const std::uint32_t other = 0;
    wb->setUser(other);
    QVERIFY(trailer->ratingText().startsWith(QStringLiteral("Rating as %1").arg(QString::fromStdString(wb->project()->data.users.id(other)))));
    QCOMPARE(stars->stars(), model->train().rating(other, item(1)) ? static_cast<int>(std::lround(*model->train().rating(other, item(1)))) : 0);
    QVERIFY(!stars->isEdited());
    wb->setUser(user_);
    QCOMPARE(stars->stars(), 4);
}

void TestRatingControls::libraryStarsAndKeys()
{
    Workbench* wb = window_->workbench();
    LibraryView* library = window_->libraryView();
    window_->raiseView(library);
    QTableView* table = library->tableView();
    // A star clicked in the "Your rating" column.
    clickLibraryStar(item(2), 1);
    QCOMPARE(wb->editCount(), 3);
    QVERIFY(waitForModel());
    // Keys on the selected row: 2, then 0 removes it again, then 3.
    table->setFocus();
    table->setCurrentIndex(table->model()->index(library->rowOfItem(item(3)), LibraryView::Title));
    QTest::keyClick(table, Qt::Key_2);
    QCOMPARE(wb->editCount(), 4);
    QVERIFY(waitForModel());
    auto model = recompute();
    QCOMPARE(model->train().rating(user_, item(3)), std::optional<float>(2.f));
    QTest::keyClick(table, Qt::Key_0);
    QVERIFY(waitForModel());
    model = recompute();
    QVERIFY(!model->train().rating(user_, item(3)));
    expectLibraryShows(*model, item(3), inOverlay(item(3)));
    QTest::keyClick(table, Qt::Key_3);
    QVERIFY(waitForModel());
    model = recompute();
    for (int n = 0; n < 4; ++n)
        expectLibraryShows(*model, item(n), true);
    expectLibraryShows(*model, item(5), false);  // unrated
    QCOMPARE(model->train().rating(user_, item(2)), std::optional<float>(1.f));
    QCOMPARE(model->train().rating(user_, item(3)), std::optional<float>(3.f));
}

void TestRatingControls::recommendationsAppearAndEqualARecompute()
{
    UserExplorerView* view = window_->userView();
    window_->raiseView(view);
    QVERIFY(view->recommendationsList()->count() > 0);
    QVERIFY(view->neighboursTable()->rowCount() > 0);
    expectExplorerEquals(*recompute());
}

void TestRatingControls::rateARecommendationInPlace()
{
    Workbench* wb = window_->workbench();
    UserExplorerView* view = window_->userView();
    QListWidget* recs = view->recommendationsList();
    StarRating* stars = view->recommendationRating();
    QVERIFY(recs->count() > 1);
    const int edits = wb->editCount();
    // Stars: the first recommendation rated 5 with a click.
    recs->setCurrentRow(0);
    const auto first = recs->item(0)->data(Qt::UserRole + 1).toUInt();
    QVERIFY(stars->isEnabled());
    QCOMPARE(stars->stars(), 0);
    QTest::mouseClick(stars, Qt::LeftButton, {}, stars->starRect(5).center());
    QCOMPARE(wb->editCount(), edits + 1);
    QVERIFY(waitForModel());
    auto model = recompute();
    QCOMPARE(model->train().rating(user_, first), std::optional<float>(5.f));
    expectExplorerEquals(*model);
    // The list updated: a rated trailer is no recommendation.
    for (int r = 0; r < recs->count(); ++r)
        QVERIFY(recs->item(r)->data(Qt::UserRole + 1).toUInt() != first);
    // Keys on the list.
    recs->setFocus();
    recs->setCurrentRow(0);
    const auto second = recs->item(0)->data(Qt::UserRole + 1).toUInt();
    QTest::keyClick(recs, Qt::Key_2);
    QVERIFY(waitForModel());
    model = recompute();
    QCOMPARE(model->train().rating(user_, second), std::optional<float>(2.f));
    expectExplorerEquals(*model);
}

void TestRatingControls::mapFollowsTheEdit()
{
    Workbench* wb = window_->workbench();
    MapView* map = window_->mapView();
    map->methodBox()->setCurrentIndex(map->methodBox()->findData(QStringLiteral("pca")));
    window_->findChild<QDockWidget*>(QStringLiteral("MapDock"))->raise();
    QTRY_VERIFY_WITH_TIMEOUT(map->ready(), 30000);
    const auto before = map->positionOf(user_);
    QVERIFY(before);  // the playground user has a profile: it is on the map
    {
        const int p = map->canvas()->selectedPoint();
        QVERIFY(p >= 0);
        QVERIFY(map->canvas()->points()[static_cast<std::size_t>(p)].playground);  // drawn as a playground user
    }
    // Rate one more trailer 1 from the library (keys): the map is recomputed, the user moves.
    QSignalSpy mapped(map, &MapView::mapReady);
    QTableView* table = window_->libraryView()->tableView();
    table->setCurrentIndex(table->model()->index(window_->libraryView()->rowOfItem(item(5)), LibraryView::Title));
    QTest::keyClick(table, Qt::Key_1);
    QVERIFY(waitForModel());
    QVERIFY(QTest::qWaitFor([&] { return !mapped.isEmpty(); }, 30000));
    QCOMPARE(map->movedUser(), std::optional<std::uint32_t>(user_));
    const auto after = map->positionOf(user_);
    QVERIFY(after);
    QCOMPARE(map->movedFrom(), before);
    QVERIFY(std::hypot(after->x() - before->x(), after->y() - before->y()) > 1e-9);
    // The canvas draws the trail from where it was to the user's point.
    const int trail = map->canvas()->trailPoint();
    QVERIFY(trail >= 0);
    const MapCanvasPoint& p = map->canvas()->points()[static_cast<std::size_t>(trail)];
    QVERIFY(p.user && p.playground);
    QCOMPARE(p.index, user_);
    QCOMPARE(p.position, *after);
    QCOMPARE(map->canvas()->trailOrigin(), before);
    // The trail belongs to that map: a t-SNE map (other coordinates) has none; back on PCA it is there again.
    mapped.clear();
    map->methodBox()->setCurrentIndex(map->methodBox()->findData(QStringLiteral("tsne")));
    QVERIFY(QTest::qWaitFor([&] { return !mapped.isEmpty(); }, 60000));
    QVERIFY(!map->movedUser());
    QCOMPARE(map->canvas()->trailPoint(), -1);
    map->methodBox()->setCurrentIndex(map->methodBox()->findData(QStringLiteral("pca")));
    QVERIFY(map->ready());
    QCOMPARE(map->movedUser(), std::optional<std::uint32_t>(user_));
    QCOMPARE(map->canvas()->trailPoint(), trail);
    // The map's model is the edited one: the user's mean on it is the edited ratings'.
    const auto model = recompute();
    QCOMPARE(wb->model(wb->activeSource())->train().userCount(user_), model->train().userCount(user_));
}

void TestRatingControls::undoRestoresEveryControl()
{
    Workbench* wb = window_->workbench();
    const int edits = wb->editCount();
    // Undo the last edit (item 5 rated 1): every control shows it unrated again.
    wb->undoStack()->undo();
    QCOMPARE(wb->editCount(), edits - 1);
    QCOMPARE(wb->user(), user_);
    QVERIFY(waitForModel());
    auto model = recompute();
    QVERIFY(!model->train().rating(user_, item(5)));
    expectLibraryShows(*model, item(5), false);
    window_->playItem(itemId(5));
    QCOMPARE(window_->trailerView()->ratingControl()->stars(), 0);
    window_->raiseView(window_->userView());
    expectExplorerEquals(*model);
    // Undo everything back to before the playground user: no edit is left.
    while (wb->undoStack()->canUndo())
        wb->undoStack()->undo();
    QCOMPARE(wb->editCount(), 0);
    QCOMPARE(wb->playgroundUserCount(), 0);
    QVERIFY(waitForModel());
    QVERIFY(!window_->trailerView()->ratingControl()->isEdited());
    // Redo brings the first rating back, marked as an edit in the trailer view and the library.
    wb->undoStack()->redo();  // the playground user
    wb->undoStack()->redo();  // item 0 rated 5
    QVERIFY(waitForModel());
    QCOMPARE(wb->user(), user_);
    window_->playItem(itemId(0));
    QCOMPARE(window_->trailerView()->ratingControl()->stars(), 5);
    QVERIFY(window_->trailerView()->ratingControl()->isEdited());
    model = recompute();
    expectLibraryShows(*model, item(0), true);
}

QTEST_MAIN(TestRatingControls)
#include "tst_rating_controls.moc"
