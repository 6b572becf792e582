#pragma once
// Experiments: RMSE-vs-K curves of every configuration with the baselines as
// reference lines, the K control shared by every view, the best RMSE per
// configuration (the paper's Table 1), the fields and buttons of the paper's
// experiment run, and the export buttons.
//
// A passive view: it shows what its controller (ExperimentsController) gives it,
// as plain rows, and emits intent signals; it reads no state and starts no work.
// Three tables:
//  - "Configurations": the configurations found in <cache>/profiles, each
//    evaluated by the Workbench's CF models, and the baselines;
//  - "Experiment results": the last experiment run (best RMSE and its K per
//    method, MAE, ranking metrics, how the hyper-parameters were chosen), rows
//    named as the CLI names them: `<features>` (paper), `<features>:<method>`,
//    the rating-only models by name;
//  - "Cold start": the run's item cold-start table, when one was asked for.
// The run's options: models, frame rates, K, the content methods, whether the
// rating-only models run, the split, the cold-start share and K on validation
// (the options of `trailerlab-cli experiment`).

#include <QString>
#include <QStringList>
#include <QWidget>

#include <optional>
#include <vector>

#include "core/eval/Metrics.h"

QT_BEGIN_NAMESPACE
class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QLayout;
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

class ExperimentsView : public QWidget {
    Q_OBJECT
public:
    // Columns of the "Configurations" table.
    enum ConfigurationColumn {
        ConfigName,
        ConfigBestRmse,
        ConfigBestK,
        ConfigRmseAtK,
        ConfigMaeAtK,
        ConfigFromNeighboursAtK,
        ConfigProvenance,
        ConfigColumnCount
    };
    // Columns of the "Experiment results" table.
    enum ResultColumn {
        ResultMethod,
        ResultBestK,
        ResultRmse,
        ResultMae,
        ResultFromNeighbours,
        ResultPrecision,
        ResultRecall,
        ResultNdcg,
        ResultTuning,
        ResultSource,
        ResultColumnCount
    };

    // A row of the "Configurations" table.
    struct ConfigurationRow {
        QString name;
        QString source;       // the configuration a click selects; empty: not selectable (a baseline)
        bool active = false;  // bold: the configuration every view follows
        bool baseline = false;
        QString bestRmse;     // number, "building…" or "failed"
        QString bestK;
        QString provenance;   // weights, an error, or "baseline from ratings only"
        bool randomWeights = false;
    };
    // A row of the "Experiment results" table.
    struct ResultRow {
        QString method;
        bool selectable = false;  // a content configuration: a click selects it
        QString selects;          // the configuration a click selects (the part before ':')
        int bestK = 0;            // 0: no neighbours (shown as "–")
        Metrics metrics;
        QString tuning;           // how its hyper-parameters (K included) were chosen
        QString source;           // what the method's profiles come from
        QString details;          // the source cell's tool tip
    };

    explicit ExperimentsView(QWidget* parent = nullptr);

    ChartAdapter* chart() const { return chart_; }
    QTableWidget* table() const { return table_; }          // live configurations
    QTableWidget* resultsTable() const { return results_; }  // the last experiment run
    QTableWidget* coldStartTable() const { return coldStart_; }  // its cold-start table
    QTabWidget* tabs() const { return tabs_; }
    QLineEdit* modelsField() const { return runModels_; }
    QLineEdit* fpsField() const { return runFps_; }
    QLineEdit* kField() const { return runKs_; }
    QCheckBox* randomWeightsBox() const { return runRandom_; }
    // One box per content method, in parseContentMethods' names: paper, paper-baseline,
    // item-knn, hybrid, vbpr.
    QCheckBox* methodBox(const QString& method) const;
    QStringList checkedMethods() const;
    QCheckBox* ratingModelsBox() const { return runRatingModels_; }
    QLineEdit* splitField() const { return runSplit_; }
    QDoubleSpinBox* coldStartSpin() const { return runColdStart_; }  // 0: no cold-start table
    QCheckBox* validateKBox() const { return runValidateK_; }
    QPushButton* runButton() const { return run_; }
    QPushButton* cancelButton() const { return cancelRun_; }
    QLabel* runStatusLabel() const { return runStatus_; }
    QSlider* kSlider() const { return slider_; }
    QSpinBox* kSpin() const { return spin_; }

    // The run's fields (models, frames per second, K range); empty strings clear them.
    void setRunFields(const QString& models, const QString& fps, const QString& ks, const QString& split = {});
    // Which controls are enabled: the run's fields and buttons, and the report folder's.
    void setRunState(bool hasProject, bool running, bool reportExists);
    void setRunStatus(const QString& html);
    // `permille`: 0 to 1000, negative to keep the bar where it is; `format`: the bar's text
    // (QProgressBar's %p for the percentage).
    void setRunProgress(int permille, const QString& format);

    void setKRange(int min, int max, int k);
    void setSummary(const QString& text);  // the line under the K controls
    void setConfigurations(const std::vector<ConfigurationRow>& rows);
    // The "at K" columns of the configuration rows (`metrics` null: being computed).
    int configurationCount() const;
    QString configurationSource(int row) const;
    void setMetricsAtK(int row, const std::optional<Metrics>& metrics);
    // Sizes the configuration columns to their contents (once per rebuild: ResizeToContents
    // would re-measure on every cell change).
    void fitConfigurationColumns();
    void setResults(const std::vector<ResultRow>& rows);
    // The cold-start table's rows (empty: the tab is hidden).
    void setColdStartResults(const std::vector<ResultRow>& rows);
    void showConfigurationsTab();
    void showResultsTab();

Q_SIGNALS:
    void kRequested(int k);
    void sourceRequested(const QString& source);
    void runRequested();
    void cancelRequested();
    void openReportRequested();
    void exportChartRequested();
    void exportNumbersRequested();

private:
    void buildChart();
    QLayout* buildRunFields();
    QLayout* buildRunMethods();
    QLayout* buildRunButtons();
    QLayout* buildKControls();
    void buildConfigurationsTable();
    void buildResultsTable();
    QWidget* arrangeChartAndTables();
    void connectIntents();

    ChartAdapter* chart_ = nullptr;
    QSlider* slider_ = nullptr;
    QSpinBox* spin_ = nullptr;
    QLabel* status_ = nullptr;
    QTableWidget* table_ = nullptr;
    QPushButton* exportPng_ = nullptr;
    QPushButton* exportCsv_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    QTableWidget* results_ = nullptr;
    QTableWidget* coldStart_ = nullptr;
    QLineEdit* runModels_ = nullptr;
    QLineEdit* runFps_ = nullptr;
    QLineEdit* runKs_ = nullptr;
    QCheckBox* runRandom_ = nullptr;
    std::vector<QCheckBox*> runMethods_;
    QCheckBox* runRatingModels_ = nullptr;
    QLineEdit* runSplit_ = nullptr;
    QDoubleSpinBox* runColdStart_ = nullptr;
    QCheckBox* runValidateK_ = nullptr;
    QPushButton* run_ = nullptr;
    QPushButton* cancelRun_ = nullptr;
    QPushButton* openReport_ = nullptr;
    QProgressBar* runProgress_ = nullptr;
    QLabel* runStatus_ = nullptr;
};

}  // namespace tl::ui
