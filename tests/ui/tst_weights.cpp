// Weights on a fresh machine, through the GUI: with no environment variable, an
// empty data folder ($XDG_DATA_HOME) and the program started from some other
// folder, opening a project runs no failed job and Run experiment works (the
// model registry finds the MobileNetV2 file: in a source build the checkout's
// reference models folder). Extraction > Import Weights… copies a file into the
// data folder; the Experiments view and a restarted window use that copy, and a
// copy changed after its import is refused. A project whose model has no weights
// starts nothing and says which menu to use, not which command-line flag.
#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include "UiTestSupport.h"
#include "core/features/Sha256.h"
#include "core/project/Project.h"
#include "ui/AutoExtractor.h"
#include "ui/ExperimentsController.h"
#include "ui/ExperimentsView.h"
#include "ui/ExtractionView.h"
#include "ui/JobRunner.h"
#include "ui/MainWindow.h"
#include "ui/Workbench.h"

using namespace tl::ui;

namespace {

QStringList failedJobs(MainWindow& window)
{
    QStringList out;
    for (const auto& r : window.jobs()->model()->records())
        if (r.status == JobStatus::Failed)
            out << r.title + ": " + r.message;
    return out;
}

bool runExperiment(MainWindow& window)
{
    ExperimentsView* view = window.experimentsView();
    view->fpsField()->setText("1");
    view->kField()->setText("5:10:5");
    QSignalSpy finished(window.experimentsController(), &ExperimentsController::experimentFinished);
    QTest::mouseClick(view->runButton(), Qt::LeftButton);
    if (!finished.wait(90000))
        return false;
    return finished.at(0).at(0).toBool();
}

}  // namespace

class TestWeights : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void freshMachineRunsNoFailedJobAndRunWorks();
    void importReachesEveryViewAndSurvivesARestart();
    void withoutWeightsNothingFailsAndTheGuiSaysWhatToDo();

private:
    QString dataModels() const { return dir_.filePath("xdg/trailerlab/models"); }
    QTemporaryDir dir_;
    QStringList clips_;
    QString checkoutOnnx_;
};

void TestWeights::initTestCase()
{
    test::initTestApplication();
    QSettings().clear();
    checkoutOnnx_ = test::mobileNetWeights();
    if (checkoutOnnx_.isEmpty())
        QSKIP("mobilenetv2-12-int8.onnx not found under TRAILERLAB_SHARED_DIR/models (the checkout's reference folder)");
    // A fresh machine: an empty data folder, started from elsewhere.
    qputenv("XDG_DATA_HOME", dir_.filePath("xdg").toUtf8());
    QVERIFY(QDir().mkpath(dir_.filePath("elsewhere")));
    QVERIFY(QDir::setCurrent(dir_.filePath("elsewhere")));
    QVERIFY(QDir().mkpath(dir_.filePath("clips")));
    clips_ = test::makeClips(dir_.filePath("clips"), 2, 1.0);
}

void TestWeights::freshMachineRunsNoFailedJobAndRunWorks()
{
    const QString project = test::makeProject(dir_.filePath("fresh"), clips_);  // mobilenetv2 at 1, 2, 3 fps
    MainWindow window(tl::ui::test::noDialogs());
    window.show();
    QSignalSpy queueDone(window.autoExtractor(), &AutoExtractor::queueFinished);
    window.openProject(project);
    QVERIFY(queueDone.wait(90000));
    QCOMPARE(window.autoExtractor()->completed(),
             (QStringList{"mobilenetv2-fps1", "mobilenetv2-fps2", "mobilenetv2-fps3"}));
    QVERIFY(window.autoExtractor()->missingWeights().isEmpty());
    QVERIFY2(failedJobs(window).isEmpty(), qPrintable(failedJobs(window).join('\n')));
    QVERIFY2(window.extractionView()->weightsLabel()->text().contains("mobilenetv2-12-int8.onnx"),
             qPrintable(window.extractionView()->weightsLabel()->text()));
    QVERIFY2(runExperiment(window), qPrintable(window.experimentsView()->runStatusLabel()->text()));
    QVERIFY2(failedJobs(window).isEmpty(), qPrintable(failedJobs(window).join('\n')));
    QVERIFY(!QFileInfo::exists(dataModels()));  // nothing was written to the data folder
}

void TestWeights::importReachesEveryViewAndSurvivesARestart()
{
    const QString project = test::makeProject(dir_.filePath("import"), clips_);
    QSettings().setValue(AutoExtractor::settingKey(), false);
    auto window = std::make_unique<MainWindow>(tl::ui::test::noDialogs());
    window->show();
    QVERIFY(test::openAndWait(*window, project));
    // The Extraction menu offers the import.
    QAction* action = window->menuBar()->findChild<QAction*>(QStringLiteral("ImportWeightsAction"));
    QVERIFY(action);
    QCOMPARE(action->text().remove('&'), QStringLiteral("Import Weights…"));

    ExtractionView* extraction = window->extractionView();
    QVERIFY2(extraction->importWeightsFrom(checkoutOnnx_), qPrintable(extraction->statusLabel()->text()));
    const QString copy = dataModels() + "/mobilenetv2-12-int8.onnx";
    QVERIFY(QFileInfo::exists(copy));
    QVERIFY(QFileInfo::exists(dataModels() + "/index.json"));
    QVERIFY2(extraction->weightsLabel()->text().contains(copy), qPrintable(extraction->weightsLabel()->text()));
    QVERIFY(extraction->weightsLabel()->text().contains("your data folder"));

    // The Experiments view uses the imported copy: changed behind the registry's back, it is refused.
    {
        QFile f(copy);
        QVERIFY(f.open(QIODevice::Append));
        f.write("x");
    }
    QVERIFY(!runExperiment(*window));
    const QString refused = window->experimentsView()->runStatusLabel()->text();
    QVERIFY2(refused.contains("changed since it was imported"), qPrintable(refused));
    // Importing again repairs it, and the run works.
    QVERIFY(extraction->importWeightsFrom(checkoutOnnx_));
    QVERIFY2(runExperiment(*window), qPrintable(window->experimentsView()->runStatusLabel()->text()));
    QCOMPARE(window->experimentsController()->report()->configurations.at(0).provenance,
             "pretrained:mobilenetv2-12-int8.onnx sha256=" + tl::features::sha256File(copy.toStdString()));

    // A restart (settings wiped too) still finds the import: it lives in the registry's index.
    window.reset();
    QSettings().clear();
    QSettings().setValue(AutoExtractor::settingKey(), false);
    MainWindow again;
    again.show();
    QVERIFY(test::openAndWait(again, project));
    QVERIFY2(again.extractionView()->weightsLabel()->text().contains(copy),
             qPrintable(again.extractionView()->weightsLabel()->text()));
    QSettings().remove(AutoExtractor::settingKey());
    QDir(dataModels()).removeRecursively();
}

void TestWeights::withoutWeightsNothingFailsAndTheGuiSaysWhatToDo()
{
    const QString file = test::makeProject(dir_.filePath("vgg"), clips_);
    tl::Project project = tl::loadProject(file.toStdString());
    project.models = {"vgg11"};  // no VGG weights anywhere
    tl::saveProject(project, project.file);
    MainWindow window(tl::ui::test::noDialogs());
    window.show();
    QVERIFY(window.autoExtractor()->enabled());
    QVERIFY(test::openAndWait(window, file));
    QTRY_COMPARE(window.autoExtractor()->missingWeights(), QStringList{"vgg11"});
    QVERIFY(!window.autoExtractor()->running());
    const QString status = window.autoExtractor()->statusText();
    QVERIFY2(status.contains("Extraction > Import Weights…"), qPrintable(status));
    // No frame extraction was started; the soundtracks (which need no weights) were.
    for (const auto& r : window.jobs()->model()->records())
        QVERIFY2(!r.title.startsWith("Extract") || r.title == "Extract audio (automatic, background)", qPrintable(r.title));
    QVERIFY2(failedJobs(window).isEmpty(), qPrintable(failedJobs(window).join('\n')));

    // The Extraction view, with VGG11 chosen, says which button and which menu.
    ExtractionView* extraction = window.extractionView();
    extraction->modelBox()->setCurrentIndex(extraction->modelBox()->findData("vgg11"));
    const QString advice = extraction->provenanceLabel()->text();
    QVERIFY2(advice.contains("Import Weights…") && advice.contains("Extraction > Import Weights…"), qPrintable(advice));
    QVERIFY2(!advice.contains("--") && !advice.contains('$'), qPrintable(advice));
    QVERIFY2(extraction->provenanceLabel()->toolTip().contains(dataModels() + "/vgg11.safetensors"),
             qPrintable(extraction->provenanceLabel()->toolTip()));

    // Run experiment fails with GUI words and the places looked in.
    QVERIFY(!runExperiment(window));
    const QString message = window.experimentsView()->runStatusLabel()->text();
    QVERIFY2(message.contains("Extraction &gt; Import Weights…") || message.contains("Extraction > Import Weights…"),
             qPrintable(message));
    QVERIFY2(message.contains("vgg11.safetensors"), qPrintable(message));
    QVERIFY2(!message.contains("--weights") && !message.contains("trailerlab-cli"), qPrintable(message));

    // An import reaches the background extraction at once: it plans again and starts vgg11
    // (this file is no real VGG, so that job fails, with the loader's message).
    const QString fake = dir_.filePath("vgg11.safetensors");
    {
        QFile f(fake);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not really weights");
    }
    QSignalSpy started(window.autoExtractor(), &AutoExtractor::configurationStarted);
    QSignalSpy queueDone(window.autoExtractor(), &AutoExtractor::queueFinished);
    QVERIFY(extraction->importWeightsFrom(fake));
    QVERIFY(extraction->weightsLabel()->text().contains(dataModels() + "/vgg11.safetensors"));
    QVERIFY(started.count() > 0 || started.wait(10000));
    QCOMPARE(started.at(0).at(0).toString(), QStringLiteral("vgg11-fps1"));
    QVERIFY(queueDone.count() > 0 || queueDone.wait(30000));
    QVERIFY(window.autoExtractor()->missingWeights().isEmpty());
    QDir(dataModels()).removeRecursively();
}

QTEST_MAIN(TestWeights)
#include "tst_weights.moc"
