// Background extraction when a project opens (AutoExtractor over core's
// planAutoExtraction): the default model at 1 frame/s first, then 2 and 3 at
// background priority, each configuration evaluated and listed in the
// Experiments view when done; the status bar says what runs and offers Cancel;
// cancelling leaves the feature store and the profile folder consistent and
// Resume picks up from the store; the setting turns it off.
#include <QAction>
#include <QDir>
#include <QLabel>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

#include "UiTestSupport.h"
#include "ui/AutoExtractor.h"
#include "ui/ExperimentsView.h"
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

}  // namespace

class TestAutoExtraction : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void opensAndExtractsLowestRateFirst();
    void cancelKeepsTheCacheConsistentAndResumes();
    void settingTurnsItOff();

private:
    QString freshProject(const QString& name);
    QTemporaryDir dir_;
    QStringList clips_;
};

void TestAutoExtraction::initTestCase()
{
    test::initTestApplication();
    QSettings().clear();
    const QString weights = test::mobileNetWeights();
    if (weights.isEmpty())
        QSKIP("mobilenetv2-12-int8.onnx not found under TRAILERLAB_SHARED_DIR/models");
    clips_ = test::makeClips(dir_.path(), 4, 2.0);
}

QString TestAutoExtraction::freshProject(const QString& name)
{
    // The synthetic project lists the clips in a manifest; models {mobilenetv2}, fps {1, 2, 3}.
    return test::makeProject(dir_.filePath(name), clips_);
}

void TestAutoExtraction::opensAndExtractsLowestRateFirst()
{
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
    QCOMPARE(argumentsAt(started, 0), allThree);  // 1 fps first, then the rest in order
    QCOMPARE(argumentsAt(finished, 0), allThree);
    for (const auto& call : finished)
        QVERIFY2(call.at(1).toBool(), qPrintable(call.at(2).toString()));
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
    QCOMPARE(titles, (QStringList{"Extract mobilenetv2-fps1 (automatic)", "Extract mobilenetv2-fps2 (automatic, background)",
                                  "Extract mobilenetv2-fps3 (automatic, background)"}));

    // Reopening: nothing is missing, nothing runs.
    QVERIFY(test::openAndWait(window, project));
    QVERIFY(!autoX->running());
    QCOMPARE(started.size(), 3);
}

void TestAutoExtraction::cancelKeepsTheCacheConsistentAndResumes()
{
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
    QVERIFY(test::filesUnder(dir_.filePath("off/cache/profiles"), {"mobilenetv2*"}).isEmpty());
    QSettings().remove(AutoExtractor::settingKey());
}

QTEST_MAIN(TestAutoExtraction)
#include "tst_autoextraction.moc"
