// Background extraction when a project opens (AutoExtractor over core's
// planAutoExtraction): the default model at 1 frame/s first, then the
// soundtracks' audio descriptors, then 2 and 3 fps at background priority, each
// configuration evaluated and listed in the Experiments view when done; the
// status bar says what runs and offers Cancel; cancelling leaves the feature
// store and the profile folder consistent and Resume picks up from the store;
// the setting turns it off. The sound: one audio.csv row per trailer with sound,
// the fused configurations listed; silent trailers are reported and not tried
// again; the Extraction view's own audio run takes the sound over from the queue.
// (The frame configurations need the shared MobileNetV2 weights; without them
// the queue holds the soundtracks only, and the tests of the sound still run.)
#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QStatusBar>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

#include "UiTestSupport.h"
#include "core/features/ModelRegistry.h"
#include "ui/AutoExtractor.h"
#include "ui/ExperimentsView.h"
#include "ui/ExtractionView.h"
#include "ui/JobRunner.h"
#include "ui/MainWindow.h"
#include "ui/Workbench.h"

using namespace tl::ui;

namespace {

QStringList argumentsAt(const QSignalSpy& spy, int column)
{
    QStringList out;
    for (const auto& call : spy)
        out << call.at(column).toString();
    return out;
}

const QStringList allThree{"mobilenetv2-fps1", "mobilenetv2-fps2", "mobilenetv2-fps3"};
// The queue's order: the soundtracks right after the first frame configuration.
const QStringList withSound{"mobilenetv2-fps1", "audio", "mobilenetv2-fps2", "mobilenetv2-fps3"};

// The item ids of a profile CSV's rows (after its header item_id,...).
QStringList rowIds(const QString& csv)
{
    QFile file(csv);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {QStringLiteral("(cannot read %1)").arg(csv)};
    QStringList ids;
    const QStringList lines = QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
    for (int i = 0; i < lines.size(); ++i)
        ids << (i == 0 ? QStringLiteral("header:") + lines[i].section(',', 0, 0) : lines[i].section(',', 0, 0));
    return ids;
}

const JobRecord* jobTitled(JobRunner& jobs, const QString& title)
{
    for (const auto& r : jobs.model()->records())
        if (r.title == title)
            return &r;
    return nullptr;
}

}  // namespace

class TestAutoExtraction : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void opensAndExtractsLowestRateFirst();
    void cancelKeepsTheCacheConsistentAndResumes();
    void settingTurnsItOff();
    void extractsTheSoundtracksAfterTheFirstFrameConfiguration();
    void silentTrailersAreReportedAndNotTriedAgain();
    void extractionViewsAudioRunTakesTheSoundOver();
    void cancellingTheSoundWritesNothingAndResumes();

private:
    QString freshProject(const QString& name);
    QTemporaryDir dir_;
    QStringList clips_;       // no soundtrack
    QStringList soundClips_;  // 1-3 with a soundtrack, 4 without
    bool weights_ = false;    // the MobileNetV2 weights are there: the frame configurations run too
};

void TestAutoExtraction::initTestCase()
{
    test::initTestApplication();
    QSettings().clear();
    // What the plan will find (the registry: data folder, installed, the checkout's reference folder).
    weights_ = tl::features::ModelRegistry::standard({}).find("mobilenetv2").found();
    clips_ = test::makeClips(dir_.path(), 4, 2.0);
    soundClips_ = test::makeClips(dir_.filePath(QStringLiteral("sound-clips")), 4, 1.0, 3);
}

QString TestAutoExtraction::freshProject(const QString& name)
{
    // The synthetic project lists the clips in a manifest; models {mobilenetv2}, fps {1, 2, 3}.
    return test::makeProject(dir_.filePath(name), clips_);
}

void TestAutoExtraction::opensAndExtractsLowestRateFirst()
{
    if (!weights_)
        QSKIP("mobilenetv2-12-int8.onnx not found by the model registry (e.g. under TRAILERLAB_SHARED_DIR/models)");
    const QString project = freshProject("first");
    MainWindow window(tl::ui::test::noDialogs());
    window.show();
    AutoExtractor* autoX = window.autoExtractor();
    QVERIFY(autoX->enabled());  // on by default
    QSignalSpy started(autoX, &AutoExtractor::configurationStarted);
    QSignalSpy finished(autoX, &AutoExtractor::configurationFinished);
    QSignalSpy status(autoX, &AutoExtractor::statusChanged);
    QSignalSpy queueDone(autoX, &AutoExtractor::queueFinished);
    window.openProject(project);

    // Running: the status bar names the configuration and counts clips, with a Cancel link.
    QTRY_VERIFY_WITH_TIMEOUT(autoX->running(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(window.backgroundStatusLabel()->isVisible(), 10000);
    QVERIFY2(window.backgroundStatusLabel()->text().contains("Extracting mobilenetv2 @ 1 fps in the background: "),
             qPrintable(window.backgroundStatusLabel()->text()));
    QVERIFY(window.backgroundStatusLabel()->text().contains("/4 clips"));
    QVERIFY(window.backgroundStatusLabel()->text().contains("href=\"cancel\""));

    QVERIFY(queueDone.wait(90000));
    QCOMPARE(queueDone.at(0).at(0).toBool(), false);
    // 1 fps first, then the soundtracks (these clips have none), then the rest in order.
    QCOMPARE(argumentsAt(started, 0), withSound);
    QCOMPARE(argumentsAt(finished, 0), withSound);
    for (const auto& call : finished)
        if (call.at(0).toString() != "audio")
            QVERIFY2(call.at(1).toBool(), qPrintable(call.at(2).toString()));
    QCOMPARE(finished.at(1).at(1).toBool(), false);
    QCOMPARE(finished.at(1).at(2).toString(), AutoExtractor::noSoundMessage());
    QCOMPARE(autoX->completed(), allThree);
    QVERIFY(!autoX->running());
    QVERIFY(!window.backgroundStatusLabel()->isVisible());
    bool counted = false;
    for (const auto& call : status)
        counted = counted || call.at(0).toString().contains(QRegularExpression("@ 2 fps in the background: [1-4]/4 clips"));
    QVERIFY(counted);

    // Each configuration was evaluated and is listed in the Experiments view; the views follow 1 fps.
    Workbench* wb = window.workbench();
    for (const auto& name : allThree)
        QVERIFY2(wb->model(name) != nullptr, qPrintable(name));
    QCOMPARE(wb->activeSource(), QStringLiteral("mobilenetv2-fps1"));
    QStringList listed;
    QTableWidget* table = window.experimentsView()->table();
    for (int r = 0; r < table->rowCount(); ++r)
        listed << table->item(r, 0)->text();
    for (const auto& name : allThree)
        QVERIFY2(listed.contains(name), qPrintable(listed.join(',')));
    // The first ran as an ordinary job, the others at background priority; all listed as done.
    QStringList titles;
    for (const auto& r : window.jobs()->model()->records())
        if (r.title.startsWith("Extract ")) {
            titles << r.title;
            QCOMPARE(r.status, JobStatus::Done);
        }
    QCOMPARE(titles, (QStringList{"Extract mobilenetv2-fps1 (automatic)", "Extract audio (automatic, background)",
                                  "Extract mobilenetv2-fps2 (automatic, background)",
                                  "Extract mobilenetv2-fps3 (automatic, background)"}));

    // Reopening: nothing is missing (the silent soundtracks are recorded), nothing runs.
    QVERIFY(test::openAndWait(window, project));
    QVERIFY(!autoX->running());
    QCOMPARE(started.size(), 4);
}

void TestAutoExtraction::cancelKeepsTheCacheConsistentAndResumes()
{
    if (!weights_)
        QSKIP("mobilenetv2-12-int8.onnx not found by the model registry (e.g. under TRAILERLAB_SHARED_DIR/models)");
    const QString project = freshProject("cancel");
    const QString cache = dir_.filePath("cancel/cache");
    MainWindow window(tl::ui::test::noDialogs());
    window.show();
    AutoExtractor* autoX = window.autoExtractor();
    QSignalSpy queueDone(autoX, &AutoExtractor::queueFinished);
    // Cancel 2 fps once its first clip is done (through the status bar's link).
    bool cancelled = false;
    connect(autoX, &AutoExtractor::statusChanged, this, [&](const QString& text, const QString& action) {
        if (!cancelled && action == "cancel" && text.contains(QRegularExpression("@ 2 fps in the background: [1-3]/4"))) {
            cancelled = true;
            Q_EMIT window.backgroundStatusLabel()->linkActivated("cancel");
        }
    });
    window.openProject(project);
    QVERIFY(queueDone.wait(90000));
    QVERIFY2(cancelled, "2 fps finished before it could be cancelled");
    QCOMPARE(queueDone.at(0).at(0).toBool(), true);
    QCOMPARE(autoX->completed(), QStringList{"mobilenetv2-fps1"});
    QVERIFY(!autoX->running());
    QTRY_COMPARE(window.jobs()->runningCount(), 0);
    // The job list says cancelled; the status bar offers Resume.
    const auto& records = window.jobs()->model()->records();
    auto it = std::find_if(records.begin(), records.end(),
                           [](const JobRecord& r) { return r.title.startsWith("Extract mobilenetv2-fps2"); });
    QVERIFY(it != records.end());
    QCOMPARE(it->status, JobStatus::Cancelled);
    QVERIFY2(window.backgroundStatusLabel()->text().contains("href=\"resume\""),
             qPrintable(window.backgroundStatusLabel()->text()));
    // Consistent: whole store entries only (4 for 1 fps, 1-3 for 2 fps), no profile for 2 or 3 fps.
    QVERIFY(test::filesUnder(cache, {"*.tmp", "*.part"}).isEmpty());
    const int entries = static_cast<int>(test::filesUnder(cache + "/features", {"*.safetensors"}).size());
    QVERIFY2(entries >= 5 && entries <= 7, qPrintable(QString::number(entries)));
    QCOMPARE(test::filesUnder(cache + "/profiles", {"mobilenetv2*.npy"}).size(), 1);
    QVERIFY(window.workbench()->source("mobilenetv2-fps1"));
    QVERIFY(!window.workbench()->source("mobilenetv2-fps2"));

    // Resume: plans 2 and 3 fps only, and 2 fps reads its finished clips from the store.
    QSignalSpy started(autoX, &AutoExtractor::configurationStarted);
    Q_EMIT window.backgroundStatusLabel()->linkActivated("resume");
    QVERIFY(queueDone.wait(90000));
    QCOMPARE(queueDone.at(1).at(0).toBool(), false);
    QCOMPARE(argumentsAt(started, 0), (QStringList{"mobilenetv2-fps2", "mobilenetv2-fps3"}));
    QCOMPARE(test::filesUnder(cache + "/profiles", {"mobilenetv2*.npy"}).size(), 3);
    QCOMPARE(test::filesUnder(cache + "/features", {"*.safetensors"}).size(), 12);  // 4 clips x 3 rates, none twice
}

void TestAutoExtraction::settingTurnsItOff()
{
    const QString project = freshProject("off");
    {
        MainWindow window(tl::ui::test::noDialogs());
        auto* action = window.findChild<QAction*>("AutoExtractAction");
        QVERIFY(action);
        QVERIFY(action->isChecked());
        action->trigger();  // the Extraction menu's toggle
        QVERIFY(!window.autoExtractor()->enabled());
    }
    MainWindow window(tl::ui::test::noDialogs());  // persisted
    QVERIFY(!window.findChild<QAction*>("AutoExtractAction")->isChecked());
    QVERIFY(test::openAndWait(window, project));
    QTest::qWait(200);
    QVERIFY(!window.autoExtractor()->running());
    for (const auto& r : window.jobs()->model()->records())
        QVERIFY2(!r.title.startsWith("Extract"), qPrintable(r.title));
    QVERIFY(test::filesUnder(dir_.filePath("off/cache/profiles"), {"mobilenetv2*", "audio*"}).isEmpty());
    QSettings().remove(AutoExtractor::settingKey());
}

void TestAutoExtraction::extractsTheSoundtracksAfterTheFirstFrameConfiguration()
{
    // Items 1-3 have a soundtrack, item 4 has none.
    const QString project = test::makeProject(dir_.filePath("sound"), soundClips_);
    const QString profiles = dir_.filePath("sound/cache/profiles");
    MainWindow window(tl::ui::test::noDialogs());
    window.show();
    AutoExtractor* autoX = window.autoExtractor();
    QSignalSpy started(autoX, &AutoExtractor::configurationStarted);
    QSignalSpy finished(autoX, &AutoExtractor::configurationFinished);
    QSignalSpy status(autoX, &AutoExtractor::statusChanged);
    QSignalSpy queueDone(autoX, &AutoExtractor::queueFinished);
    window.openProject(project);
    QVERIFY(queueDone.wait(90000));
    QCOMPARE(queueDone.at(0).at(0).toBool(), false);
    const QStringList expected = weights_ ? withSound : QStringList{"audio"};
    QCOMPARE(argumentsAt(started, 0), expected);
    QCOMPARE(argumentsAt(finished, 0), expected);
    for (const auto& call : finished)
        QVERIFY2(call.at(1).toBool(), qPrintable(call.at(0).toString() + ": " + call.at(2).toString()));
    // The audio's message counts the trailers without sound.
    QCOMPARE(finished.at(expected.indexOf("audio")).at(2).toString(), QStringLiteral("1 of 4 trailers without sound"));
    QCOMPARE(autoX->completed(), expected);
    QVERIFY(!autoX->running());
    bool counted = false;
    for (const auto& call : status)
        counted = counted || call.at(0).toString().contains(QRegularExpression(
                                 "^Extracting the soundtracks' audio descriptors in the background: [0-4]/4 trailers$"));
    QVERIFY(counted);
    if (!weights_)  // then nothing is said after the sound but where to get the weights
        QVERIFY2(autoX->statusText().contains("Import Weights"), qPrintable(autoX->statusText()));

    // One row per trailer with sound; nothing recorded as silent.
    QCOMPARE(rowIds(profiles + "/audio.csv"), (QStringList{"header:item_id", "1", "2", "3"}));
    QFile noAudio(profiles + "/audio.no-audio.txt");  // extractAudioProfiles' list of the silent ones
    QVERIFY(noAudio.open(QIODevice::ReadOnly));
    QCOMPARE(noAudio.readAll(), QByteArray("4\n"));
    QVERIFY(!QFileInfo::exists(profiles + "/audio.none.json"));

    // The sound is a configuration with its model, and every picture configuration has its fused twin.
    Workbench* wb = window.workbench();
    QVERIFY(wb->source("audio"));
    QVERIFY(wb->model("audio"));
    QStringList pictures{"synthetic-visual"};
    if (weights_)
        pictures << allThree;
    for (const auto& visual : pictures) {
        QVERIFY2(wb->source(visual + "+audio"), qPrintable(visual));
        QTRY_VERIFY2_WITH_TIMEOUT(wb->model(visual + "+audio"), qPrintable(visual), 30000);
    }
    QVERIFY(wb->activeSource() != QStringLiteral("audio"));  // the views follow pictures, not the sound
    const JobRecord* job = jobTitled(*window.jobs(), "Extract audio (automatic, background)");
    QVERIFY(job);
    QCOMPARE(job->status, JobStatus::Done);

    // Reopening: audio.csv is there, nothing runs.
    QVERIFY(test::openAndWait(window, project));
    QVERIFY(!autoX->running());
    QCOMPARE(started.size(), expected.size());
}

void TestAutoExtraction::silentTrailersAreReportedAndNotTriedAgain()
{
    const QString project = freshProject("silent");  // four clips without a soundtrack
    const QString profiles = dir_.filePath("silent/cache/profiles");
    MainWindow window(tl::ui::test::noDialogs());
    window.show();
    AutoExtractor* autoX = window.autoExtractor();
    QSignalSpy started(autoX, &AutoExtractor::configurationStarted);
    QSignalSpy finished(autoX, &AutoExtractor::configurationFinished);
    QSignalSpy queueDone(autoX, &AutoExtractor::queueFinished);
    QString said;  // the status bar's message when the sound is done
    connect(autoX, &AutoExtractor::configurationFinished, this, [&](const QString& name) {
        if (name == "audio")
            said = window.statusBar()->currentMessage();
    });
    window.openProject(project);
    QVERIFY(queueDone.wait(90000));
    QCOMPARE(queueDone.at(0).at(0).toBool(), false);  // the queue finished, not cancelled
    const QStringList expected = weights_ ? withSound : QStringList{"audio"};
    QCOMPARE(argumentsAt(started, 0), expected);
    QCOMPARE(argumentsAt(finished, 0), expected);
    const auto audio = finished.at(expected.indexOf("audio"));
    QCOMPARE(audio.at(1).toBool(), false);
    QCOMPARE(audio.at(2).toString(), QStringLiteral("no trailer has sound"));
    QCOMPARE(autoX->completed(), weights_ ? allThree : QStringList{});
    QVERIFY2(said.contains("no trailer has sound") && !said.contains("failed"), qPrintable(said));
    // Nothing written but the record of the trailers checked.
    QVERIFY(!QFileInfo::exists(profiles + "/audio.csv"));
    QFile marker(profiles + "/audio.none.json");
    QVERIFY(marker.open(QIODevice::ReadOnly));
    const QJsonArray checked = QJsonDocument::fromJson(marker.readAll()).object().value("trailers").toArray();
    QCOMPARE(checked.size(), 4);
    QCOMPARE(checked.at(0).toObject().value("id").toString(), QStringLiteral("1"));
    QVERIFY(!window.workbench()->source("audio"));
    const JobRecord* job = jobTitled(*window.jobs(), "Extract audio (automatic, background)");
    QVERIFY(job);
    QCOMPARE(job->status, JobStatus::Done);  // no failure in the job list either

    // A second plan does not queue the sound: Extract Missing Configurations Now, and reopening.
    const auto plan = tl::session::planAutoExtraction(window.workbench()->project()->project,
                                                      tl::session::existingProfiles(window.workbench()->project()->project));
    for (const auto& p : plan)
        QVERIFY2(!p.audio(), "audio planned again for the same silent trailers");
    autoX->start();
    QVERIFY(!autoX->running());
    QVERIFY(test::openAndWait(window, project));
    QTest::qWait(100);
    QVERIFY(!autoX->running());
    QCOMPARE(started.size(), expected.size());
}

void TestAutoExtraction::extractionViewsAudioRunTakesTheSoundOver()
{
    const QString project = test::makeProject(dir_.filePath("takeover"), soundClips_);
    const QString profiles = dir_.filePath("takeover/cache/profiles");
    MainWindow window(tl::ui::test::noDialogs());
    window.show();
    AutoExtractor* autoX = window.autoExtractor();
    ExtractionView* view = window.extractionView();
    view->modelBox()->setCurrentIndex(view->modelBox()->findData(QStringLiteral("audio")));
    QVERIFY(view->audioChosen());
    QSignalSpy finished(autoX, &AutoExtractor::configurationFinished);
    QSignalSpy queueDone(autoX, &AutoExtractor::queueFinished);
    QSignalSpy viewDone(view, &ExtractionView::finished);
    // The user starts the view's audio run while the queue's is running.
    bool takenOver = false;
    connect(autoX, &AutoExtractor::configurationStarted, this, [&](const QString& name) {
        if (name != "audio" || takenOver)
            return;
        QVERIFY(autoX->currentJob() != 0);
        takenOver = true;
        view->start();
        QVERIFY(view->audioRunning());
    });
    window.openProject(project);
    QVERIFY(queueDone.count() > 0 || queueDone.wait(90000));
    QVERIFY(takenOver);
    QCOMPARE(queueDone.at(0).at(0).toBool(), false);  // the frames (if any) went on
    const QStringList names = argumentsAt(finished, 0);
    QVERIFY2(names.contains("audio"), qPrintable(names.join(',')));
    const auto audio = finished.at(names.indexOf("audio"));
    QCOMPARE(audio.at(1).toBool(), false);
    QCOMPARE(audio.at(2).toString(), AutoExtractor::leftToViewMessage());
    QVERIFY(!autoX->completed().contains("audio"));
    // While the view's run goes on, a new plan leaves the sound to it.
    if (view->running()) {
        autoX->start();
        QVERIFY(!autoX->pending().contains("audio"));
        QVERIFY(autoX->current() != QStringLiteral("audio"));
    }
    QVERIFY(viewDone.count() > 0 || viewDone.wait(60000));
    QCOMPARE(viewDone.at(0).at(0).toBool(), true);
    QVERIFY(!view->audioRunning());
    // One writer: the queue's job was cancelled (nothing written), the view's wrote audio.csv.
    const JobRecord* queued = jobTitled(*window.jobs(), "Extract audio (automatic, background)");
    QVERIFY(queued);
    QTRY_COMPARE(queued->status, JobStatus::Cancelled);
    const JobRecord* viewJob = jobTitled(*window.jobs(), "Extract audio descriptors");
    QVERIFY(viewJob);
    QCOMPARE(viewJob->status, JobStatus::Done);
    QCOMPARE(rowIds(profiles + "/audio.csv"), (QStringList{"header:item_id", "1", "2", "3"}));
    QVERIFY(test::filesUnder(profiles, {"*.tmp"}).isEmpty());
    QTRY_VERIFY(window.workbench()->source("audio"));
    QTRY_VERIFY_WITH_TIMEOUT(queueDone.count() >= 1 && !autoX->running(), 30000);
}

void TestAutoExtraction::cancellingTheSoundWritesNothingAndResumes()
{
    const QString project = test::makeProject(dir_.filePath("cancel-sound"), soundClips_);
    const QString profiles = dir_.filePath("cancel-sound/cache/profiles");
    MainWindow window(tl::ui::test::noDialogs());
    window.show();
    AutoExtractor* autoX = window.autoExtractor();
    QSignalSpy finished(autoX, &AutoExtractor::configurationFinished);
    QSignalSpy queueDone(autoX, &AutoExtractor::queueFinished);
    // Cancel (the status bar's link) as soon as the sound starts.
    bool cancelled = false;
    connect(autoX, &AutoExtractor::configurationStarted, this, [&](const QString& name) {
        if (name == "audio" && !cancelled) {
            cancelled = true;
            Q_EMIT window.backgroundStatusLabel()->linkActivated("cancel");
        }
    });
    window.openProject(project);
    QVERIFY(queueDone.count() > 0 || queueDone.wait(90000));
    QVERIFY(cancelled);
    QCOMPARE(queueDone.at(0).at(0).toBool(), true);
    QCOMPARE(finished.last().at(0).toString(), QStringLiteral("audio"));
    QCOMPARE(finished.last().at(2).toString(), QStringLiteral("cancelled"));
    QCOMPARE(autoX->completed(), weights_ ? QStringList{"mobilenetv2-fps1"} : QStringList{});
    QCOMPARE(autoX->statusText(), AutoExtractor::soundCancelledText());
    QCOMPARE(autoX->action(), QStringLiteral("resume"));
    const JobRecord* job = jobTitled(*window.jobs(), "Extract audio (automatic, background)");
    QVERIFY(job);
    QTRY_COMPARE(job->status, JobStatus::Cancelled);
    // Nothing written: no profile, no sidecar, no no-sound record, no temporary file.
    QVERIFY2(test::filesUnder(profiles, {"audio*", "*.tmp"}).isEmpty(),
             qPrintable(test::filesUnder(profiles, {"audio*", "*.tmp"}).join(',')));
    QVERIFY(!window.workbench()->source("audio"));

    // Resume plans the sound again (and what else is missing) and writes it.
    QSignalSpy started(autoX, &AutoExtractor::configurationStarted);
    Q_EMIT window.backgroundStatusLabel()->linkActivated("resume");
    QVERIFY(queueDone.wait(90000));
    QCOMPARE(queueDone.at(1).at(0).toBool(), false);
    const QStringList resumed =
        weights_ ? QStringList{"mobilenetv2-fps2", "audio", "mobilenetv2-fps3"} : QStringList{"audio"};
    QCOMPARE(argumentsAt(started, 0), resumed);
    QCOMPARE(rowIds(profiles + "/audio.csv"), (QStringList{"header:item_id", "1", "2", "3"}));
    QVERIFY(window.workbench()->model("audio"));
}

QTEST_MAIN(TestAutoExtraction)
#include "tst_autoextraction.moc"
