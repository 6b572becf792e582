// The Experiments view's model options: the content methods, the rating-only
// models, the split, the cold-start share and K on validation reach the core's
// ExperimentOptions through the CLI's parsers; the results table shows the rows
// under the CLI's names with how each row's hyper-parameters were chosen, and the
// cold-start tab the cold-start table; vbpr's SGD reports per-epoch progress in
// the Jobs list and a Cancel stops it within a short time, leaving no result.
// A synthetic project without trailers (genres only): no shared data needed.
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>

#include <algorithm>

#include "UiTestSupport.h"
#include "core/experiment/Experiment.h"
#include "ui/AutoExtractor.h"
#include "ui/ExperimentsController.h"
#include "ui/ExperimentsView.h"
#include "ui/JobRunner.h"
#include "ui/MainWindow.h"
#include "ui/Workbench.h"

using namespace tl::ui;

class TestExperimentMethods : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void optionsFollowTheView();
    void rowsByTheCliNamesWithTheirTuning();
    void vbprShowsEpochProgressAndCancelsPromptly();
    void cleanupTestCase() { window_.reset(); }

private:
    void tickOnly(const QStringList& methods);
    QTemporaryDir dir_;
    QString project_;
    std::unique_ptr<MainWindow> window_;
};

void TestExperimentMethods::initTestCase()
{
    test::initTestApplication();
    QSettings().clear();
    QSettings().setValue(AutoExtractor::settingKey(), false);
    // Large enough that vbpr's 20 epochs take about a second: a cancel lands mid-training.
    tl::SyntheticSpec spec;
    spec.users = 600;
    spec.items = 800;
    spec.ratings = 60000;
    spec.features = 8;
    spec.latentDims = 4;
    spec.genres = 6;
    spec.seed = 5;
    project_ = test::makeProject(dir_.filePath("p"), {}, spec);
    window_ = std::make_unique<MainWindow>(tl::ui::test::noDialogs());
    window_->resize(1366, 768);
    window_->show();
    QVERIFY(test::openAndWait(*window_, project_, 60000));
}

void TestExperimentMethods::tickOnly(const QStringList& methods)
{
    ExperimentsView* view = window_->experimentsView();
    for (const char* name : {"paper", "paper-baseline", "item-knn", "hybrid", "vbpr"}) {
        QCheckBox* box = view->methodBox(QString::fromLatin1(name));
        QVERIFY(box);
        QVERIFY(!box->toolTip().isEmpty());
        box->setChecked(methods.contains(QString::fromLatin1(name)));
    }
}

void TestExperimentMethods::optionsFollowTheView()
{
    ExperimentsView* view = window_->experimentsView();
    ExperimentsController* run = window_->experimentsController();
    // Defaults: the CLI's (paper, rating-only models, the project's split, no cold start, K on test).
    QCOMPARE(view->checkedMethods(), QStringList{"paper"});
    QVERIFY(view->ratingModelsBox()->isChecked());
    QCOMPARE(view->splitField()->text(), QStringLiteral("holdout:0.2"));
    QCOMPARE(view->coldStartSpin()->value(), 0.0);
    QVERIFY(!view->validateKBox()->isChecked());
    for (QWidget* w : std::initializer_list<QWidget*>{view->ratingModelsBox(), view->splitField(), view->coldStartSpin(),
                                                      view->validateKBox()})
        QVERIFY(!w->toolTip().isEmpty());
    auto options = run->experimentOptions();
    QVERIFY(options);
    QVERIFY(options->eval.methods == std::vector<tl::ContentMethod>{tl::ContentMethod::Paper});
    QVERIFY(options->ratingModels);
    QCOMPARE(options->coldStartRatio, 0.0);
    QVERIFY(!options->validateK);

    tickOnly({"item-knn", "vbpr"});
    view->ratingModelsBox()->setChecked(false);
    view->splitField()->setText("coldstart:0.25");
    view->coldStartSpin()->setValue(0.2);
    view->validateKBox()->setChecked(true);
    options = run->experimentOptions();
    QVERIFY(options);
    QVERIFY((options->eval.methods ==
             std::vector<tl::ContentMethod>{tl::ContentMethod::ItemKnn, tl::ContentMethod::Vbpr}));
    QVERIFY(!options->ratingModels);
    QCOMPARE(options->split, std::string("coldstart:0.25"));
    QCOMPARE(options->coldStartRatio, 0.2);
    QVERIFY(options->validateK);

    QString error;
    view->splitField()->setText("halves");
    QVERIFY(!run->experimentOptions(&error));
    QVERIFY2(error.contains("halves"), qPrintable(error));
    view->splitField()->setText("holdout:0.2");
    tickOnly({});
    QVERIFY(!run->experimentOptions(&error));
    QVERIFY2(error.contains("at least one"), qPrintable(error));
    // Back to the defaults for the next test.
    tickOnly({"paper"});
    view->ratingModelsBox()->setChecked(true);
    view->coldStartSpin()->setValue(0);
    view->validateKBox()->setChecked(false);
}

void TestExperimentMethods::rowsByTheCliNamesWithTheirTuning()
{
    ExperimentsView* view = window_->experimentsView();
    ExperimentsController* run = window_->experimentsController();
    tickOnly({"paper", "item-knn"});
    view->kField()->setText("10,20");
    view->coldStartSpin()->setValue(0.2);
    QVERIFY(!view->tabs()->isTabVisible(view->tabs()->indexOf(view->coldStartTable())));
    QSignalSpy finished(run, &ExperimentsController::experimentFinished);
    QTest::mouseClick(view->runButton(), Qt::LeftButton);
    QVERIFY(finished.wait(120000));
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(view->runStatusLabel()->text()));
    const tl::ExperimentReport& report = *run->report();
    std::vector<std::string> methods;
    for (const auto& r : report.table)
        methods.push_back(r.method);
    for (const char* m : {"genre", "genre:item-knn", "bias", "svd", "knn-baseline", "knn-means"})
        QVERIFY2(std::find(methods.begin(), methods.end(), m) != methods.end(), m);
    for (auto [table, rows] : {std::pair{view->resultsTable(), &report.table},
                               std::pair{view->coldStartTable(), &report.coldStartTable}}) {
        QVERIFY(!rows->empty());
        QCOMPARE(table->rowCount(), static_cast<int>(rows->size()));
        for (int row = 0; row < table->rowCount(); ++row) {
            const auto& r = (*rows)[static_cast<std::size_t>(row)];
            QCOMPARE(table->item(row, ExperimentsView::ResultMethod)->text(), QString::fromStdString(r.method));
            QCOMPARE(table->item(row, ExperimentsView::ResultTuning)->text(), QString::fromStdString(r.tuning));
            QVERIFY(!r.tuning.empty());
        }
    }
    // What the rows say, on this run: K of a sweep picked on test, models without K on defaults.
    for (int row = 0; row < view->resultsTable()->rowCount(); ++row) {
        const QString method = view->resultsTable()->item(row, ExperimentsView::ResultMethod)->text();
        const QString tuning = view->resultsTable()->item(row, ExperimentsView::ResultTuning)->text();
        if (method == "genre" || method == "genre:item-knn" || method == "knn-baseline")
            QCOMPARE(tuning, QStringLiteral("defaults; best K picked on test (the paper's Table 1 practice)"));
        else if (method == "svd")
            QCOMPARE(tuning, QStringLiteral("defaults, SGD seed 42"));
        else if (method == "bias")
            QCOMPARE(tuning, QStringLiteral("defaults"));
    }
    // A `<features>:<method>` row selects its features' configuration.
    for (int row = 0; row < view->resultsTable()->rowCount(); ++row)
        if (view->resultsTable()->item(row, ExperimentsView::ResultMethod)->text() == "genre:item-knn")
            QCOMPARE(view->resultsTable()->item(row, ExperimentsView::ResultMethod)->data(Qt::UserRole).toString(),
                     QStringLiteral("genre"));
    QVERIFY(view->tabs()->isTabVisible(view->tabs()->indexOf(view->coldStartTable())));
    view->coldStartSpin()->setValue(0);
}

void TestExperimentMethods::vbprShowsEpochProgressAndCancelsPromptly()
{
    ExperimentsView* view = window_->experimentsView();
    ExperimentsController* run = window_->experimentsController();
    JobRunner* jobs = window_->jobs();
    const tl::ExperimentReport before = *run->report();
    const QString table = run->reportFolder() + "/table.csv";
    const QDateTime written = QFileInfo(table).lastModified();
    tickOnly({"vbpr"});
    view->ratingModelsBox()->setChecked(false);
    QList<double> epochs;
    QElapsedTimer sinceCancel;
    connect(jobs, &JobRunner::progressed, this, [&](int, const tl::Progress& p) {
        if (p.stage != "vbpr")
            return;
        epochs << p.done;
        // Two different epochs seen: progress moves. Then cancel, as a user would.
        if (!sinceCancel.isValid() && epochs.size() >= 2 && epochs.last() > epochs.first()) {
            sinceCancel.start();
            QTest::mouseClick(view->cancelButton(), Qt::LeftButton);
        }
    });
    QSignalSpy finished(run, &ExperimentsController::experimentFinished);
    QTest::mouseClick(view->runButton(), Qt::LeftButton);
    QVERIFY(run->experimentRunning());
    QVERIFY(finished.wait(60000));
    QVERIFY2(sinceCancel.isValid(), "no moving vbpr progress was seen before the run ended");
    const qint64 ms = sinceCancel.elapsed();
    QStringList seen;
    for (double e : epochs)
        seen << QString::number(e);
    qInfo("vbpr epochs seen: %s; the run ended %lld ms after Cancel", qPrintable(seen.join(QLatin1Char(','))),
          static_cast<long long>(ms));
    QVERIFY2(ms < 2000, qPrintable(QStringLiteral("the run ended %1 ms after Cancel").arg(ms)));
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QVERIFY(epochs.last() < 20);  // stopped before the last epoch
    QVERIFY2(view->runStatusLabel()->text().contains("cancelled"), qPrintable(view->runStatusLabel()->text()));
    // The Jobs list: the run's record says cancelled, its last progress was vbpr's.
    const auto& records = jobs->model()->records();
    auto record = std::find_if(records.rbegin(), records.rend(),
                               [](const JobRecord& r) { return r.title.startsWith("Experiment on"); });
    QVERIFY(record != records.rend());
    QCOMPARE(record->status, JobStatus::Cancelled);
    QCOMPARE(QString::fromStdString(record->progress.stage), QStringLiteral("vbpr"));
    // Nothing half-written shown: the previous run's table and report stay as they were.
    QCOMPARE(run->report()->table.size(), before.table.size());
    for (std::size_t i = 0; i < before.table.size(); ++i)
        QCOMPARE(run->report()->table[i].method, before.table[i].method);
    QCOMPARE(view->resultsTable()->rowCount(), static_cast<int>(before.table.size()));
    for (int row = 0; row < view->resultsTable()->rowCount(); ++row)
        QVERIFY(!view->resultsTable()->item(row, ExperimentsView::ResultMethod)->text().endsWith(":vbpr"));
    QCOMPARE(QFileInfo(table).lastModified(), written);
    QVERIFY(view->runButton()->isEnabled());
}

QTEST_MAIN(TestExperimentMethods)
#include "tst_experimentmethods.moc"
