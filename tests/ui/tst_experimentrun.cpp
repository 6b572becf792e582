// The Experiments view's Run button runs the paper's experiment through the GUI
// path (a background job over core runExperiment + writeExperimentReport, the
// same as `trailerlab-cli experiment PROJECT`): the results table, the chart
// and the report folder hold exactly the numbers of runExperiment called
// directly on the same project; Cancel stops a run and says so.
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>

#include <set>

#include "UiTestSupport.h"
#include "core/experiment/Experiment.h"
#include "ui/AutoExtractor.h"
#include "ui/ChartAdapter.h"
#include "ui/ExperimentsController.h"
#include "ui/ExperimentsView.h"
#include "ui/JobRunner.h"
#include "ui/MainWindow.h"
#include "ui/Workbench.h"

using namespace tl::ui;

namespace {

QString readAll(const QString& file)
{
    QFile f(file);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

}  // namespace

class TestExperimentRun : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void runFillsTheTableWithTheCliNumbers();
    void cancelStopsTheRun();
    void cleanupTestCase() { window_.reset(); }

private:
    QTemporaryDir dir_;
    QString project_;
    QString weights_;
    std::unique_ptr<MainWindow> window_;
};

void TestExperimentRun::initTestCase()
{
    test::initTestApplication();
    QSettings().clear();
    QSettings().setValue(AutoExtractor::settingKey(), false);  // this test runs the extraction itself
    weights_ = test::mobileNetWeights();
    if (weights_.isEmpty())
        QSKIP("mobilenetv2-12-int8.onnx not found under TRAILERLAB_SHARED_DIR/models");
    const QStringList clips = test::makeClips(dir_.path(), 3, 2.0);
    project_ = test::makeProject(dir_.filePath("demo"), clips);
    window_ = std::make_unique<MainWindow>(tl::ui::test::noDialogs());
    window_->resize(1400, 900);
    window_->show();
    QVERIFY(test::openAndWait(*window_, project_));
}

void TestExperimentRun::runFillsTheTableWithTheCliNumbers()
{
    ExperimentsView* view = window_->experimentsView();
    ExperimentsController* run = window_->experimentsController();
    // The fields start from the project file.
    QCOMPARE(view->modelsField()->text(), QStringLiteral("mobilenetv2"));
    QCOMPARE(view->fpsField()->text(), QStringLiteral("1,2,3"));
    QCOMPARE(view->kField()->text(), QStringLiteral("5:100:5"));
    view->fpsField()->setText("1,2");
    view->kField()->setText("5:30:5");
    QSignalSpy finished(run, &ExperimentsController::experimentFinished);
    QTest::mouseClick(view->runButton(), Qt::LeftButton);
    QVERIFY(run->experimentRunning());
    QVERIFY(!view->runButton()->isEnabled());
    QVERIFY(view->cancelButton()->isEnabled());
    QVERIFY(finished.wait(90000));
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(view->runStatusLabel()->text()));
    QVERIFY(run->report().has_value());
    const tl::ExperimentReport& gui = *run->report();
    // The run's configurations reach the live views too (their profiles are in <cache>/profiles).
    QTRY_VERIFY_WITH_TIMEOUT(window_->workbench()->model("mobilenetv2-fps2") != nullptr, 30000);

    // runExperiment called directly, as trailerlab-cli experiment PROJECT --fps 1,2 --k 5:30:5 does.
    tl::ExperimentOptions options;
    options.models = {"mobilenetv2"};
    options.fps = {1, 2};
    options.ks = {5, 10, 15, 20, 25, 30};
    options.weightsDir = QFileInfo(weights_).absolutePath().toStdString();
    const tl::ExperimentReport direct = tl::runExperiment(tl::loadProject(project_.toStdString()), options);

    QCOMPARE(gui.table.size(), direct.table.size());
    QCOMPARE(gui.results.rows.size(), direct.results.rows.size());
    for (std::size_t i = 0; i < direct.results.rows.size(); ++i) {
        const auto& a = gui.results.rows[i];
        const auto& b = direct.results.rows[i];
        QCOMPARE(a.method, b.method);
        QCOMPARE(a.k, b.k);
        // Exact equality, not a tolerance: the same computation on the same data.
        QVERIFY2(a.metrics.rmse == b.metrics.rmse && a.metrics.mae == b.metrics.mae &&
                     a.metrics.fromNeighbours == b.metrics.fromNeighbours && a.metrics.precision == b.metrics.precision &&
                     a.metrics.recall == b.metrics.recall && a.metrics.ndcg == b.metrics.ndcg,
                 qPrintable(QString::fromStdString(b.method) + " K=" + QString::number(b.k)));
    }
    // 2 configurations + genre + 4 rating k-NN + 4 baselines and svd.
    QCOMPARE(direct.table.size(), std::size_t(12));
    QTableWidget* table = view->resultsTable();
    QCOMPARE(table->rowCount(), static_cast<int>(direct.table.size()));
    QCOMPARE(view->tabs()->currentWidget(), table);
    std::set<std::string> configurations;
    for (std::size_t i = 0; i < direct.table.size(); ++i) {
        const auto& r = direct.table[i];
        const int row = static_cast<int>(i);
        QCOMPARE(table->item(row, ExperimentsView::ResultMethod)->text(), QString::fromStdString(r.method));
        QCOMPARE(table->item(row, ExperimentsView::ResultBestK)->text(),
                 r.bestK ? QString::number(r.bestK) : QStringLiteral("–"));
        QCOMPARE(table->item(row, ExperimentsView::ResultRmse)->text(), QString::asprintf("%.4f", r.metrics.rmse));
        QCOMPARE(table->item(row, ExperimentsView::ResultMae)->text(), QString::asprintf("%.4f", r.metrics.mae));
        QCOMPARE(table->item(row, ExperimentsView::ResultFromNeighbours)->text(),
                 QString::asprintf("%.3f", r.metrics.fromNeighbours));
        QCOMPARE(table->item(row, ExperimentsView::ResultPrecision)->text(), QString::asprintf("%.4f", r.metrics.precision));
        QCOMPARE(table->item(row, ExperimentsView::ResultRecall)->text(), QString::asprintf("%.4f", r.metrics.recall));
        QCOMPARE(table->item(row, ExperimentsView::ResultNdcg)->text(), QString::asprintf("%.4f", r.metrics.ndcg));
        if (r.method.rfind("mobilenetv2", 0) == 0) {
            configurations.insert(r.method);
            // Real weights, as the run's summary records (not guessed from the provenance text).
            const QString source = table->item(row, ExperimentsView::ResultSource)->text();
            QVERIFY2(source.contains("pretrained weights") && !source.contains("RANDOM"), qPrintable(source));
        }
    }
    QCOMPARE(configurations, (std::set<std::string>{"mobilenetv2-fps1", "mobilenetv2-fps2"}));

    // The chart: one curve per method with neighbours, one reference line per baseline.
    std::set<std::string> withK, withoutK;
    for (const auto& r : direct.results.rows)
        (r.k ? withK : withoutK).insert(r.method);
    QCOMPARE(view->chart()->curveCount(), static_cast<int>(withK.size() + withoutK.size()));
    QVERIFY(view->chart()->curveNames().contains("mobilenetv2-fps2"));

    // The report folder holds the CLI's files with the same numbers.
    const QString folder = run->reportFolder();
    QCOMPARE(folder, QDir(dir_.filePath("demo")).filePath("reports/experiment"));
    const QString directFolder = dir_.filePath("direct-report");
    tl::writeExperimentReport(direct, directFolder.toStdString());
    for (const char* name : {"table.md", "table.csv", "results.csv", "rmse_vs_k.svg"})
        QCOMPARE(readAll(folder + "/" + name), readAll(directFolder + "/" + name));
    QVERIFY(QFile::exists(folder + "/results.json"));
    QVERIFY(view->runStatusLabel()->text().contains(folder));
}

void TestExperimentRun::cancelStopsTheRun()
{
    ExperimentsView* view = window_->experimentsView();
    ExperimentsController* run = window_->experimentsController();
    view->fpsField()->setText("4");  // not extracted yet: real work to cancel
    QSignalSpy finished(run, &ExperimentsController::experimentFinished);
    run->runExperiment();
    QVERIFY(run->experimentRunning());
    QTest::mouseClick(view->cancelButton(), Qt::LeftButton);
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QVERIFY(!run->experimentRunning());
    QVERIFY(view->runButton()->isEnabled());
    QVERIFY2(view->runStatusLabel()->text().contains("cancelled"), qPrintable(view->runStatusLabel()->text()));
    // The previous results stay on screen.
    QVERIFY(run->report().has_value());
    QCOMPARE(view->resultsTable()->rowCount(), 12);
    // A bad field is reported, nothing runs.
    view->kField()->setText("ten");
    run->runExperiment();
    QVERIFY(!run->experimentRunning());
    QVERIFY(view->runStatusLabel()->text().contains("Cannot run"));
}

QTEST_MAIN(TestExperimentRun)
#include "tst_experimentrun.moc"
