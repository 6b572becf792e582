// Trailer view: the keyframe strip is sampled in the background at the chosen
// rate, a keyframe click seeks the player, playback highlights the nearest
// keyframe, and a rate seen before comes back from the cache.
#include <QDoubleSpinBox>
#include <QSignalSpy>
#include <QTest>

#include "UiTestSupport.h"
#include "ui/AutoExtractor.h"
#include "ui/JobRunner.h"
#include "ui/MainWindow.h"
#include "ui/TrailerView.h"
#include "ui/Workbench.h"

using namespace tl::ui;

class TestTrailer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void stripSamplesAtTheRate();
    void keyframeClickSeeksThePlayer();
    void nearestKeyframeIsHighlighted();
    void changingTheRateResamplesAndCaches();
    void missingTrailerShowsWhatToDo();
    void cleanupTestCase();

private:
    QTemporaryDir dir_;
    std::unique_ptr<MainWindow> window_;
    QString firstItem_;
};

void TestTrailer::initTestCase()
{
    test::initTestApplication();
    QSettings().clear();
    QSettings().setValue(AutoExtractor::settingKey(), false);  // no background extraction beside the player
    const QStringList clips = test::makeClips(dir_.path(), 2, 4.0);
    const QString project = test::makeProject(dir_.filePath("demo"), clips);
    window_ = std::make_unique<MainWindow>(tl::ui::test::noDialogs());
    window_->resize(1400, 900);
    window_->show();
    QVERIFY(test::openAndWait(*window_, project));
    QCOMPARE(window_->workbench()->project()->videoOf.size(), std::size_t(2));
    firstItem_ = QString::fromStdString(window_->workbench()->project()->videoOf.begin()->first);
}

void TestTrailer::cleanupTestCase()
{
    window_.reset();
}

void TestTrailer::stripSamplesAtTheRate()
{
    TrailerView* trailer = window_->trailerView();
    QSignalSpy ready(trailer, &TrailerView::keyframesReady);
    window_->playItem(firstItem_);
    trailer->player()->pause();
    QVERIFY(ready.wait(10000));
    // 4 s at 1 frame/s: targets 0, 1, 2, 3 s.
    QCOMPARE(ready.at(0).at(0).toInt(), 4);
    const auto& keyframes = trailer->strip()->keyframes();
    QCOMPARE(keyframes.size(), std::size_t(4));
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(keyframes[static_cast<std::size_t>(i)].ms, qint64(1000 * i));
        QVERIFY(!keyframes[static_cast<std::size_t>(i)].thumbnail.isNull());
    }
}

void TestTrailer::keyframeClickSeeksThePlayer()
{
    TrailerView* trailer = window_->trailerView();
    KeyframeStrip* strip = trailer->strip();
    QVERIFY(strip->count() == 4);
    // Wait until the video is open so the seek can take effect.
    QTRY_COMPARE_WITH_TIMEOUT(trailer->player()->state(), VideoPlayer::State::Paused, 10000);
    const QRect rect = strip->visualItemRect(strip->item(2));
    QVERIFY(rect.isValid());
    QTest::mouseClick(strip->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(trailer->lastSeekRequest(), qint64(2000));
    QCOMPARE(strip->highlighted(), 2);
    // Frame-exact: the frame at 2 s is shown and the clock stands there.
    QTRY_COMPARE_WITH_TIMEOUT(trailer->player()->shownTime(), 2.0, 5000);
    QCOMPARE(trailer->player()->position(), qint64(2000));
}

void TestTrailer::nearestKeyframeIsHighlighted()
{
    KeyframeStrip* strip = window_->trailerView()->strip();
    QCOMPARE(strip->highlightNearest(2600), 3);
    QCOMPARE(strip->highlightNearest(1400), 1);
    QCOMPARE(strip->highlightNearest(0), 0);
    QCOMPARE(strip->currentRow(), 0);
    // Playback drives it through positionChanged.
    TrailerView* trailer = window_->trailerView();
    trailer->seek(3100);
    QTRY_COMPARE_WITH_TIMEOUT(strip->highlighted(), 3, 5000);
}

void TestTrailer::changingTheRateResamplesAndCaches()
{
    TrailerView* trailer = window_->trailerView();
    QSignalSpy ready(trailer, &TrailerView::keyframesReady);
    trailer->fpsBox()->setValue(2.0);
    QVERIFY(trailer->samplingPending());  // sampled in the background
    QVERIFY(ready.wait(10000));
    QCOMPARE(trailer->strip()->count(), 8);
    // The frame shown at 0.5 s of a 25 fps clip is frame 12 (0.48 s).
    QCOMPARE(trailer->strip()->keyframes()[1].ms, qint64(480));

    const int jobsBefore = window_->jobs()->model()->rowCount();
    trailer->fpsBox()->setValue(1.0);
    // Back to a rate already sampled: immediate, no new job.
    QVERIFY(!trailer->samplingPending());
    QCOMPARE(trailer->strip()->count(), 4);
    QCOMPARE(window_->jobs()->model()->rowCount(), jobsBefore);
}

void TestTrailer::missingTrailerShowsWhatToDo()
{
    TrailerView* trailer = window_->trailerView();
    // An item without a trailer: no crash, no source, an explanation.
    QString without;
    for (std::uint32_t i = 0; i < window_->workbench()->project()->data.items.size(); ++i) {
        const QString id = QString::fromStdString(window_->workbench()->project()->data.items.id(i));
        if (window_->workbench()->videoOf(id).isEmpty()) {
            without = id;
            break;
        }
    }
    window_->playItem(without);
    QCOMPARE(trailer->player()->state(), VideoPlayer::State::Empty);
    QVERIFY(trailer->player()->file().isEmpty());
    QCOMPARE(trailer->strip()->count(), 0);
    trailer->togglePlay();  // harmless
    // A manifest entry whose file vanished.
    trailer->setItem("x", "Gone", dir_.filePath("gone.mp4"));
    QVERIFY(trailer->player()->file().isEmpty());
    QVERIFY(trailer->messageText().contains("not found"));
}

QTEST_MAIN(TestTrailer)
#include "tst_trailer.moc"
