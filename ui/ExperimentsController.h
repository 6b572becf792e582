#pragma once
// Drives the Experiments view (a passive ExperimentsView): fills its chart and
// tables from the Workbench, follows K and the active configuration, runs the
// paper's experiment and exports.
//
// Two sources of numbers:
//  - live (initial state): the configurations found in <cache>/profiles, each
//    evaluated by the Workbench's CF models ("Configurations" tab);
//  - the paper's experiment, run here exactly as `trailerlab-cli experiment
//    PROJECT` runs it (core runExperiment + writeExperimentReport; models, frame
//    rates, K range and split from the project, editable in the view, with the
//    content methods, the rating-only models, the cold-start share and K on
//    validation, parsed by the CLI's parsers into the same ExperimentOptions;
//    SGD models report per-epoch progress and stop at the next epoch on Cancel): a background job
//    with progress and Cancel that fills the "Experiment results" tab, draws its
//    RMSE-vs-K curves and writes the report folder (<project>/reports/experiment,
//    as the CLI's default).
// The view's kRequested / sourceRequested go to the owner (the main window wires
// them to the Workbench). Questions and file choosers go through the Prompter.
//
// Threading: GUI thread only; the experiment runs through a JobGroup.

#include <QObject>
#include <QString>

#include <memory>
#include <optional>

#include "core/experiment/Experiment.h"
#include "ui/ExperimentsView.h"

namespace tl::ui {

class ExperimentsView;
class JobGroup;
class Prompter;
class Workbench;

class ExperimentsController : public QObject {
    Q_OBJECT
public:
    ExperimentsController(Workbench* workbench, ExperimentsView* view, Prompter* prompter, QObject* parent = nullptr);
    ~ExperimentsController() override;

    ExperimentsView* view() const { return view_; }

    // The options of the Run button's experiment, from the view's fields; nullopt (and
    // the reason in *error) when a field does not parse.
    std::optional<ExperimentOptions> experimentOptions(QString* error = nullptr) const;
    bool experimentRunning() const { return runJob_ != 0; }
    const std::optional<ExperimentReport>& report() const { return report_; }
    QString reportFolder() const;  // where the run writes table.md/csv, results.csv/json, rmse_vs_k.svg

    bool exportChart(const QString& file);  // .png or .svg by extension
    // "Export numbers…": every live configuration's metrics at every K of its sweep,
    // then the baselines, as CSV. The one place the GUI writes a metrics table.
    bool exportNumbers(const QString& file) const;

public Q_SLOTS:
    void runExperiment();
    void cancelExperiment();
    void openReportFolder();

Q_SIGNALS:
    void experimentStarted();
    // ok: the table and the report folder are filled; otherwise failed or cancelled.
    // (A run whose project is closed or replaced is dropped with it, without this signal.)
    void experimentFinished(bool ok);

private:
    void connectWorkbench();
    void connectView();
    void projectChanged();
    void dropRun();
    void rebuildChart();
    void rebuildLiveChart();
    void rebuildReportChart();
    void rebuildTable();
    void fillRunFields();
    void showReport();
    std::vector<ExperimentsView::ResultRow> resultRows(const std::vector<TableRow>& table) const;
    void showRunProgress(int id, const Progress& progress);
    void setRunning(bool running);
    void showK(int k);
    void askExport(bool chartExport);

    Workbench* workbench_;
    ExperimentsView* view_;
    Prompter* prompter_;
    std::unique_ptr<JobGroup> run_;  // the experiment run
    int runJob_ = 0;
    std::optional<ExperimentReport> report_;
    QString reportDir_;
};

}  // namespace tl::ui
