#pragma once
// Experiments: RMSE-vs-K curves of every configuration with the baselines as
// reference lines, the K control shared by every view, the best RMSE per
// configuration (the paper's Table 1) and exports (chart PNG/SVG, numbers CSV).
//
// Two sources of numbers:
//  - live (initial state): the configurations found in <cache>/profiles, each
//    evaluated by the Workbench's CF models ("Configurations" tab);
//  - the paper's experiment, run here exactly as `trailerlab-cli experiment
//    PROJECT` runs it (core runExperiment + writeExperimentReport; models, frame
//    rates and K range from the project, editable): a background job with
//    progress and Cancel that fills the "Experiment results" tab (best RMSE and
//    its K per configuration, MAE, ranking metrics, baselines), draws its
//    RMSE-vs-K curves and writes the report folder (<project>/reports/experiment,
//    as the CLI's default).
// Reads the Workbench, emits kRequested / sourceRequested; the owner applies them.

#include <QWidget>

#include <optional>

#include "core/experiment/Experiment.h"

QT_BEGIN_NAMESPACE
class QCheckBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QSlider;
class QTabWidget;
class QSpinBox;
class QTableWidget;
class QPushButton;
QT_END_NAMESPACE

namespace tl::ui {

class ChartAdapter;
class Workbench;

class ExperimentsView : public QWidget {
    Q_OBJECT
public:
    explicit ExperimentsView(Workbench* workbench, QWidget* parent = nullptr);

    ChartAdapter* chart() const { return chart_; }
    QTableWidget* table() const { return table_; }  // live configurations
    QTableWidget* resultsTable() const { return results_; }  // the last experiment run
    QTabWidget* tabs() const { return tabs_; }
    QLineEdit* modelsField() const { return runModels_; }
    QLineEdit* fpsField() const { return runFps_; }
    QLineEdit* kField() const { return runKs_; }
    QCheckBox* randomWeightsBox() const { return runRandom_; }
    QPushButton* runButton() const { return run_; }
    QPushButton* cancelButton() const { return cancelRun_; }
    QLabel* runStatusLabel() const { return runStatus_; }

    // The options of the Run button's experiment, from the fields; nullopt (and the
    // reason in *error) when a field does not parse.
    std::optional<ExperimentOptions> experimentOptions(QString* error = nullptr) const;
    bool experimentRunning() const { return runJob_ != 0; }
    const std::optional<ExperimentReport>& report() const { return report_; }
    QString reportFolder() const;  // where the run writes table.md/csv, results.csv/json, rmse_vs_k.svg
    QSlider* kSlider() const { return slider_; }
    QSpinBox* kSpin() const { return spin_; }

    bool exportChart(const QString& file);  // .png or .svg by extension
    bool exportCsv(const QString& file) const;

public Q_SLOTS:
    void runExperiment();
    void cancelExperiment();
    void openReportFolder();

Q_SIGNALS:
    void kRequested(int k);
    void sourceRequested(const QString& source);
    void experimentStarted();
    // ok: the table and the report folder are filled; otherwise failed or cancelled.
    void experimentFinished(bool ok);

private:
    void rebuildChart();
    void rebuildTable();
    void fillRunFields();
    void showReport();
    void setRunning(bool running);
    void showK(int k);
    void askExport(bool chartExport);

    Workbench* workbench_;
    ChartAdapter* chart_;
    QSlider* slider_;
    QSpinBox* spin_;
    QLabel* status_;
    QTableWidget* table_;
    QPushButton* exportPng_;
    QPushButton* exportCsv_;
    QTabWidget* tabs_;
    QTableWidget* results_;
    QLineEdit* runModels_;
    QLineEdit* runFps_;
    QLineEdit* runKs_;
    QCheckBox* runRandom_;
    QPushButton* run_;
    QPushButton* cancelRun_;
    QPushButton* openReport_;
    QProgressBar* runProgress_;
    QLabel* runStatus_;
    int runJob_ = 0;
    std::optional<ExperimentReport> report_;
    QString reportDir_;
};

}  // namespace tl::ui
