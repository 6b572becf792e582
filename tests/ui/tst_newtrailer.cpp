// A trailer nobody has rated: a video dropped on the library is placed in the active
// configuration in the background and the dialog lists the users it suits in the order
// of a direct cosine per user; a row selects its user; the project file records the
// video and it comes back on reopening; a genre configuration says why it cannot place
// a video, and a file that is no video names the file and the reason. Several files
// dropped at once are each placed and listed with their best-suited users; a dropped
// file that cannot be added is named with its reason.
#include <QComboBox>
#include <QDir>
#include <QDropEvent>
#include <QListWidget>
#include <QMimeData>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>
#include <QUrl>

#include <algorithm>
#include <cmath>

#include "UiTestSupport.h"
#include "core/eval/CfModel.h"
#include "core/eval/FrameScores.h"
#include "core/experiment/NewTrailer.h"
#include "core/experiment/ProjectExtraction.h"
#include "core/project/Project.h"
#include "ui/AutoExtractor.h"
#include "ui/LibraryView.h"
#include "ui/MainWindow.h"
#include "ui/NewTrailerDialog.h"
#include "ui/Workbench.h"

using namespace tl::ui;

namespace {

const QString kConfiguration = QStringLiteral("mobilenetv2-fps1-random");

void dropOn(QWidget* target, const QStringList& files)
{
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString& file : files)
        urls << QUrl::fromLocalFile(file);
    mime.setUrls(urls);
    const QPoint at = target->rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &drop);
}

// The users a video suits, by brute force: its profile from the core, a direct cosine per
// user, in (-cos, user) order (equal to 12 decimals: a tie, by user index).
std::vector<tl::UserMatch> directRanking(const Workbench& wb, const QString& video)
{
    const auto model = wb.model(kConfiguration);
    const tl::NewTrailerProfile placed = tl::newTrailerProfile(
        *wb.project(), *wb.source(kConfiguration), model->settings().normalization, video.toStdString());
    std::vector<tl::UserMatch> expected;
    for (std::uint32_t u = 0; u < model->train().users; ++u) {
        const Eigen::VectorXd mup = tl::userProfileExact(*model, u);
        if (mup.norm() > 0)
            expected.push_back({u, mup.dot(placed.profile) / (mup.norm() * placed.profile.norm())});
    }
    std::sort(expected.begin(), expected.end(), [](const tl::UserMatch& a, const tl::UserMatch& b) {
        const double ka = std::round(a.similarity * 1e12), kb = std::round(b.similarity * 1e12);
        return ka != kb ? ka > kb : a.user < b.user;
    });
    return expected;
}

}  // namespace

class TestNewTrailer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void droppedVideoListsUsersInTheDirectOrder();
    void addedVideosComeBackOnReopening();
    void genreAndBrokenFilesSayWhy();
    void severalDroppedAreEachPlaced();
    void cleanupTestCase();

private:
    QTemporaryDir dir_;
    QString projectFile_;
    QStringList clips_;
    QString newClip_;
    std::unique_ptr<MainWindow> window_;
};

void TestNewTrailer::initTestCase()
{
    test::initTestApplication();
    QSettings().clear();
    QSettings().setValue(AutoExtractor::settingKey(), false);
    QVERIFY(QDir().mkpath(dir_.filePath("clips")) && QDir().mkpath(dir_.filePath("new")));
    clips_ = test::makeClips(dir_.filePath("clips"), 3, 3.0);
    // A trailer outside the project: made like the others, never listed in its manifest.
    newClip_ = test::makeClips(dir_.filePath("new"), 1, 2.0).front();
    projectFile_ = test::makeProject(dir_.filePath("demo"), clips_);
    const tl::Project project = tl::loadProject(projectFile_.toStdString());
    const auto data = tl::loadProjectData(project);
    tl::ExtractionSettings settings;
    settings.model.model = "mobilenetv2";
    settings.model.randomSeed = 5;
    settings.model.device = tl::ComputeDevice::cpu();
    QCOMPARE(QString::fromStdString(tl::runExtraction(*data, settings).configuration), kConfiguration);

    window_ = std::make_unique<MainWindow>(tl::ui::test::noDialogs());
    window_->resize(1366, 768);
    window_->show();
    QVERIFY(test::openAndWait(*window_, projectFile_));
    Workbench* wb = window_->workbench();
    wb->setActiveSource(kConfiguration);
    QVERIFY(QTest::qWaitFor([&] { return wb->model(kConfiguration) != nullptr; }, 30000));
}

void TestNewTrailer::cleanupTestCase()
{
    window_.reset();
}

void TestNewTrailer::droppedVideoListsUsersInTheDirectOrder()
{
    Workbench* wb = window_->workbench();
    NewTrailerDialog* dialog = window_->newTrailerDialog();
    QVERIFY(dialog);
    QCOMPARE(dialog->videoChooser()->count(), 0);
    QSignalSpy shown(dialog, &NewTrailerDialog::rankingShown);
    dropOn(window_->libraryView(), {newClip_});
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->videoChooser()->count(), 1);
    QVERIFY(QTest::qWaitFor([&] { return !shown.isEmpty(); }, 60000));
    QVERIFY2(dialog->statusText().contains(QFileInfo(newClip_).fileName()), qPrintable(dialog->statusText()));

    const std::vector<tl::UserMatch> expected = directRanking(*wb, newClip_);
    QVERIFY(!expected.empty());
    const auto& ranking = dialog->ranking();
    QCOMPARE(ranking.size(), expected.size());
    QTableWidget* table = dialog->usersTable();
    QCOMPARE(table->rowCount(), std::min<int>(NewTrailerDialog::kShown, int(expected.size())));
    const auto& users = wb->project()->data.users;
    for (int r = 0; r < table->rowCount(); ++r) {
        QCOMPARE(ranking[std::size_t(r)].user, expected[std::size_t(r)].user);
        QVERIFY(std::abs(ranking[std::size_t(r)].similarity - expected[std::size_t(r)].similarity) < 1e-9);
        QCOMPARE(table->item(r, 1)->text(), QString::fromStdString(users.id(expected[std::size_t(r)].user)));
        QCOMPARE(table->item(r, 2)->text(), QString::number(expected[std::size_t(r)].similarity, 'f', 4));
    }
    // A row selects its user in the workbench (the explorer follows it).
    const int row = std::min(2, table->rowCount() - 1);
    QSignalSpy userChanged(wb, &Workbench::userChanged);
    const QRect cell = table->visualItemRect(table->item(row, 1));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(wb->user(), expected[std::size_t(row)].user);
}

void TestNewTrailer::addedVideosComeBackOnReopening()
{
    const tl::Project onDisk = tl::loadProject(projectFile_.toStdString());
    QCOMPARE(onDisk.addedVideos.size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(onDisk.addedVideos.front().string()), QFileInfo(newClip_).absoluteFilePath());
    // The ratings and the manifest are the project's own, untouched.
    QCOMPARE(tl::readManifest(onDisk.manifest).size(), std::size_t(clips_.size()));
    // Adding it again records it once.
    window_->addTrailer(newClip_);
    QCOMPARE(tl::loadProject(projectFile_.toStdString()).addedVideos.size(), std::size_t(1));

    window_->workbench()->closeProject();
    QCOMPARE(window_->newTrailerDialog()->videoChooser()->count(), 0);
    QVERIFY(test::openAndWait(*window_, projectFile_));
    QCOMPARE(window_->newTrailerDialog()->videoChooser()->count(), 1);
    QCOMPARE(window_->newTrailerDialog()->videoChooser()->currentData().toString(),
             QFileInfo(newClip_).absoluteFilePath());
}

void TestNewTrailer::genreAndBrokenFilesSayWhy()
{
    Workbench* wb = window_->workbench();
    NewTrailerDialog* dialog = window_->newTrailerDialog();
    wb->setActiveSource(QStringLiteral("genre"));
    QVERIFY2(dialog->statusText().contains(QStringLiteral("genres")), qPrintable(dialog->statusText()));
    QCOMPARE(dialog->usersTable()->rowCount(), 0);

    wb->setActiveSource(kConfiguration);
    QVERIFY(QTest::qWaitFor([&] { return wb->model(kConfiguration) != nullptr; }, 30000));
    const QString text = dir_.filePath("notes.mp4");
    {
        QFile f(text);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a video\n");
    }
    QVERIFY(dialog->addVideo(text));
    QVERIFY(QTest::qWaitFor([&] { return dialog->statusText().contains(QStringLiteral("not placed")); }, 30000));
    QVERIFY2(dialog->statusText().contains(QStringLiteral("notes.mp4")), qPrintable(dialog->statusText()));
    QVERIFY(!dialog->addVideo(dir_.filePath("missing.mp4")));
    QVERIFY2(dialog->statusText().contains(QStringLiteral("missing.mp4: file not found")),
             qPrintable(dialog->statusText()));
}

void TestNewTrailer::severalDroppedAreEachPlaced()
{
    Workbench* wb = window_->workbench();
    NewTrailerDialog* dialog = window_->newTrailerDialog();
    QVERIFY(QDir().mkpath(dir_.filePath("more")));
    const QStringList more = test::makeClips(dir_.filePath("more"), 2, 2.0);
    const int before = dialog->videoChooser()->count();
    const QString missing = dir_.filePath("more/gone.mp4");
    dropOn(window_->libraryView(), {more[0], missing, more[1]});
    // Both videos are added (the first chosen), the missing file is named with its reason.
    QCOMPARE(dialog->videoChooser()->count(), before + 2);
    QCOMPARE(dialog->videoChooser()->currentData().toString(), QFileInfo(more[0]).absoluteFilePath());
    QVERIFY2(dialog->notAddedText().contains(QStringLiteral("gone.mp4: file not found")), qPrintable(dialog->notAddedText()));
    QCOMPARE(tl::loadProject(projectFile_.toStdString()).addedVideos.size(), std::size_t(before + 2));
    // Each is placed in turn, without being chosen: the overview lists its best users.
    QListWidget* overview = dialog->overviewList();
    QCOMPARE(overview->count(), before + 2);
    const auto rowOf = [&](const QString& video) {
        for (int r = 0; r < overview->count(); ++r)
            if (overview->item(r)->data(Qt::UserRole).toString() == QFileInfo(video).absoluteFilePath())
                return r;
        return -1;
    };
    QVERIFY(QTest::qWaitFor([&] {
        return !dialog->busy() && overview->item(rowOf(more[1]))->text().contains(QStringLiteral("best: "));
    }, 60000));
    const auto& users = wb->project()->data.users;
    for (const QString& video : more) {
        const std::vector<tl::UserMatch> expected = directRanking(*wb, video);
        QVERIFY(expected.size() >= 3);
        const QString text = overview->item(rowOf(video))->text();
        for (std::size_t r = 0; r < 3; ++r)
            QVERIFY2(text.contains(QStringLiteral("%1 (%2)")
                                       .arg(QString::fromStdString(users.id(expected[r].user)))
                                       .arg(expected[r].similarity, 0, 'f', 4)),
                     qPrintable(text));
        // Choosing it shows its whole ranking at once (already placed).
        overview->setCurrentRow(rowOf(video));
        QCOMPARE(dialog->ranking().size(), expected.size());
        QCOMPARE(dialog->ranking().front().user, expected.front().user);
    }
}

QTEST_MAIN(TestNewTrailer)
#include "tst_newtrailer.moc"
