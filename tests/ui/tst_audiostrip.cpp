// The audio strip under the trailer player: it draws the soundtrack where it
// is (a half-silent track: no waveform over the silence, the tone's mel band
// bright), maps clicks to times, and in the trailer view follows seeks and
// playback, marks the keyframes, seeks on a click, and says when there is no sound.
#include <QSignalSpy>
#include <QTest>

#include <cmath>

#include "UiTestSupport.h"
#include "core/audio/AudioOverview.h"
#include "ui/AudioStrip.h"
#include "ui/JobRunner.h"
#include "ui/KeyframeStrip.h"
#include "ui/TrailerView.h"
#include "ui/VideoPlayer.h"

using namespace tl::ui;

class TestAudioStrip : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void drawsTheTrackWhereItIs();
    void clickSeeksToTheTimeUnderIt();
    void trailerWithoutSoundSaysSoAndFollowsSeeks();
    void realTrailerWithSoundFollowsPlayback();
};

namespace {

// 1 s of silence, then 1 s of a 1 kHz tone at half scale.
std::shared_ptr<const tl::audio::AudioOverview> halfSilent()
{
    std::vector<float> x(tl::audio::kAudioSampleRate, 0.0f);
    for (int i = 0; i < tl::audio::kAudioSampleRate; ++i)
        x.push_back(static_cast<float>(0.5 * std::sin(2 * M_PI * 1000.0 * i / tl::audio::kAudioSampleRate)));
    return std::make_shared<tl::audio::AudioOverview>(tl::audio::audioOverviewOf(x, tl::audio::kAudioSampleRate, {}));
}

int toneBand()
{
    const auto edges = tl::audio::melBandEdgesHz(tl::audio::kAudioSampleRate);
    int best = 0;
    for (int b = 1; b < tl::audio::kMelBands; ++b)
        if (std::abs(edges[static_cast<std::size_t>(b) + 1] - 1000.0) <
            std::abs(edges[static_cast<std::size_t>(best) + 1] - 1000.0))
            best = b;
    return best;
}

bool reddish(QRgb c)
{
    return qRed(c) > 180 && qGreen(c) < 90 && qBlue(c) < 90;
}

}  // namespace

void TestAudioStrip::initTestCase()
{
    test::initTestApplication();
    VideoPlayer::setAudioFactory([] { return std::unique_ptr<AudioOutput>(); });  // no sound device in tests
}

void TestAudioStrip::drawsTheTrackWhereItIs()
{
    AudioStrip strip;
    strip.resize(402, strip.height());
    strip.setOverview(halfSilent());
    QVERIFY(strip.hasSound());
    QCOMPARE(strip.duration(), qint64(2000));  // the track's length until the player says otherwise
    strip.setPosition(500);
    strip.setKeyframeTimes({250, 1750});
    const QImage image = strip.grab().toImage();
    if (qEnvironmentVariableIsSet("AUDIOSTRIP_DUMP"))
        image.save(qEnvironmentVariable("AUDIOSTRIP_DUMP"));
    const QRect plot = strip.plotRect();
    // Waveform: over the silence only the mid line; over the tone a full-height bar.
    const int quiet = strip.xForMs(700), loud = strip.xForMs(1500);  // away from the keyframe ticks
    // Inside the 34-px waveform band (middle row 17), scaled to the peak: the tone spans 16 px either side,
    // its RMS 11.
    const int waveTop = plot.top() + 12, waveMid = plot.top() + 21;
    QCOMPARE(image.pixel(quiet, waveTop), image.pixel(quiet, plot.top() + 4));  // background only
    QVERIFY(image.pixel(loud, waveTop) != image.pixel(quiet, waveTop));
    QVERIFY(image.pixel(loud, waveMid) != image.pixel(quiet, waveMid));
    // Spectrogram: the tone's band is brighter than the top band at the same time, and than silence.
    const int spectrumTop = plot.top() + 34, spectrumHeight = plot.bottom() - spectrumTop + 1;
    const auto yOfBand = [&](int band) {
        return spectrumTop + static_cast<int>((tl::audio::kMelBands - 1 - band + 0.5) * spectrumHeight / tl::audio::kMelBands);
    };
    const int y = yOfBand(toneBand());
    QVERIFY(qGray(image.pixel(loud, y)) > qGray(image.pixel(loud, yOfBand(tl::audio::kMelBands - 1))) + 60);
    QVERIFY(qGray(image.pixel(loud, y)) > qGray(image.pixel(strip.xForMs(600), y)) + 60);
    // The playhead at 500 ms, nothing red elsewhere.
    QVERIFY(reddish(image.pixel(strip.xForMs(500), plot.center().y())));
    QVERIFY(!reddish(image.pixel(strip.xForMs(1500), plot.center().y())));
    // The player's duration, once known, sets the time axis.
    strip.setDuration(4000);
    QCOMPARE(strip.xForMs(2000), plot.left() + static_cast<int>(std::lround((plot.width() - 1) / 2.0)));
}

void TestAudioStrip::clickSeeksToTheTimeUnderIt()
{
    AudioStrip strip;
    strip.resize(602, strip.height());
    strip.setDuration(60000);
    QSignalSpy seek(&strip, &AudioStrip::seekRequested);
    for (qint64 target : {0LL, 12345LL, 45000LL, 60000LL}) {
        const int x = strip.xForMs(target);
        QTest::mouseClick(&strip, Qt::LeftButton, {}, QPoint(x, strip.plotRect().center().y()));
        QCOMPARE(seek.count(), 1);
        const qint64 got = seek.takeFirst().at(0).toLongLong();
        // One pixel is 100 ms here.
        QVERIFY2(std::abs(got - target) <= 60000 / (strip.plotRect().width() - 1) / 2 + 1,
                 qPrintable(QStringLiteral("%1 -> %2").arg(target).arg(got)));
        QCOMPARE(strip.msForX(x), got);
    }
    // Without a time axis a click asks for nothing.
    strip.setDuration(0);
    QTest::mouseClick(&strip, Qt::LeftButton, {}, strip.plotRect().center());
    QCOMPARE(seek.count(), 0);
}

void TestAudioStrip::trailerWithoutSoundSaysSoAndFollowsSeeks()
{
    QTemporaryDir dir;
    const QStringList clips = test::makeClips(dir.path(), 1, 4.0);
    JobRunner jobs;
    TrailerView view(&jobs);
    view.resize(900, 700);
    view.show();
    QSignalSpy audio(&view, &TrailerView::audioOverviewReady);
    QSignalSpy keyframes(&view, &TrailerView::keyframesReady);
    view.openFile(clips.first());
    QVERIFY(audio.count() > 0 || audio.wait(10000));
    QCOMPARE(audio.takeFirst().at(0).toBool(), false);
    AudioStrip* strip = view.audioStrip();
    QVERIFY(!strip->hasSound());
    QCOMPARE(QString::fromStdString(strip->overview()->decode.noAudioReason), QStringLiteral("no audio stream"));
    // The keyframes are marked on the audio strip too.
    QVERIFY(keyframes.count() > 0 || keyframes.wait(10000));
    QCOMPARE(strip->keyframeTimes().size(), view.strip()->keyframes().size());
    QCOMPARE(strip->keyframeTimes().back(), view.strip()->keyframes().back().ms);
    QTRY_COMPARE_WITH_TIMEOUT(strip->duration(), view.player()->duration(), 10000);
    QVERIFY(strip->duration() >= 3900);
    // A seek moves the playhead and highlights the nearest keyframe's tick.
    view.seek(2600);
    QCOMPARE(strip->position(), qint64(2600));
    QVERIFY(view.strip()->highlighted() >= 0);
    QCOMPARE(strip->highlightedKeyframe(), view.strip()->highlighted());
    QCOMPARE(strip->keyframeTimes()[static_cast<std::size_t>(strip->highlightedKeyframe())],
             view.strip()->keyframes()[static_cast<std::size_t>(view.strip()->highlighted())].ms);
    QTRY_COMPARE_WITH_TIMEOUT(view.player()->position(), qint64(2600), 10000);
    // A click on the strip seeks the player there.
    const int x = strip->xForMs(1000);
    QTest::mouseClick(strip, Qt::LeftButton, {}, QPoint(x, strip->plotRect().center().y()));
    QCOMPARE(view.lastSeekRequest(), strip->msForX(x));
    QCOMPARE(strip->position(), strip->msForX(x));
    QVERIFY(std::abs(view.lastSeekRequest() - 1000) <= 10);
    // Back to the same trailer: the overview comes from the cache, without a job.
    view.setItem({}, {}, {});
    QVERIFY(!strip->overview());
    QVERIFY(strip->keyframeTimes().empty());
    view.openFile(clips.first());
    QVERIFY(!view.audioPending());
    QCOMPARE(audio.count(), 1);
}

void TestAudioStrip::realTrailerWithSoundFollowsPlayback()
{
    // realshort.mp4: 1.2 s with an AAC sound track.
    const QString video = QStringLiteral(TRAILERLAB_SHARED_DIR "/videos/realshort.mp4");
    if (!QFile::exists(video))
        QSKIP("shared videos not found");
    JobRunner jobs;
    TrailerView view(&jobs);
    view.resize(900, 700);
    view.show();
    QSignalSpy audio(&view, &TrailerView::audioOverviewReady);
    view.openFile(video);
    QVERIFY(audio.count() > 0 || audio.wait(10000));
    QCOMPARE(audio.takeFirst().at(0).toBool(), true);
    const auto& overview = *view.audioStrip()->overview();
    QVERIFY(overview.hasAudio());
    QVERIFY(std::abs(overview.seconds() - 1.2) < 0.15);
    QCOMPARE(overview.columns, static_cast<std::size_t>(std::ceil(overview.samples / double(overview.columnSamples))));
    view.player()->play();
    QTRY_VERIFY_WITH_TIMEOUT(view.player()->position() > 400, 10000);
    view.player()->pause();
    QTRY_COMPARE_WITH_TIMEOUT(view.audioStrip()->position(), view.player()->position(), 5000);
}

QTEST_MAIN(TestAudioStrip)
#include "tst_audiostrip.moc"
