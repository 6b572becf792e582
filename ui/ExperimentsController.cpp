#include "ui/ExperimentsController.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>

#include <algorithm>
#include <limits>
#include <map>

#include "core/common/Error.h"
#include "core/common/Lists.h"
#include "core/eval/MetricsTable.h"
#include "core/eval/Tuning.h"
#include "core/experiment/FusedConfiguration.h"
#include "ui/ChartAdapter.h"
#include "ui/ExperimentsView.h"
#include "ui/JobRunner.h"
#include "ui/Prompter.h"
#include "ui/Workbench.h"

namespace tl::ui {

namespace {

struct ExperimentRun {
    ExperimentReport report;
    QString folder;
};

QString joined(const std::vector<double>& values)
{
    QStringList parts;
    for (double v : values)
        parts << QString::number(v);
    return parts.join(QLatin1Char(','));
}

// The best RMSE of a model's K sweep and its K (the first K on ties).
std::pair<double, int> bestOfSweep(const CfModel& model)
{
    double best = std::numeric_limits<double>::max();
    int at = 0;
    const auto& ks = model.settings().ks;
    const auto& metrics = model.sweepMetrics();
    for (std::size_t i = 0; i < ks.size() && i < metrics.size(); ++i)
        if (metrics[i].rmse < best) {
            best = metrics[i].rmse;
            at = ks[i];
        }
    return {best, at};
}

// Baselines: best RMSE over their own K sweep, in first-seen order.
std::vector<ExperimentsView::ConfigurationRow> baselineRows(const std::vector<ResultRow>& baselines)
{
    std::map<std::string, std::pair<double, int>> best;
    std::vector<std::string> order;
    for (const auto& r : baselines) {
        auto it = best.find(r.method);
        if (it == best.end()) {
            order.push_back(r.method);
            best[r.method] = {r.metrics.rmse, r.k};
        } else if (r.metrics.rmse < it->second.first) {
            it->second = {r.metrics.rmse, r.k};
        }
    }
    std::vector<ExperimentsView::ConfigurationRow> rows;
    for (const auto& method : order) {
        ExperimentsView::ConfigurationRow row;
        row.name = QString::fromStdString(method);
        row.baseline = true;
        row.bestRmse = QString::number(best[method].first, 'f', 4);
        row.bestK = best[method].second > 0 ? QString::number(best[method].second) : QStringLiteral("–");
        row.provenance = QObject::tr("baseline from ratings only");
        rows.push_back(row);
    }
    return rows;
}

}  // namespace

ExperimentsController::ExperimentsController(Workbench* workbench, ExperimentsView* view, Prompter* prompter,
                                             QObject* parent)
    : QObject(parent),
      workbench_(workbench),
      view_(view),
      prompter_(prompter),
      run_(std::make_unique<JobGroup>(workbench->jobs(), this))
{
    connectView();
    connectWorkbench();
    fillRunFields();
    rebuildChart();
    rebuildTable();
    showK(workbench_->k());
}

ExperimentsController::~ExperimentsController() = default;

void ExperimentsController::connectView()
{
    connect(view_, &ExperimentsView::runRequested, this, &ExperimentsController::runExperiment);
    connect(view_, &ExperimentsView::cancelRequested, this, &ExperimentsController::cancelExperiment);
    connect(view_, &ExperimentsView::openReportRequested, this, &ExperimentsController::openReportFolder);
    connect(view_, &ExperimentsView::exportChartRequested, this, [this] { askExport(true); });
    connect(view_, &ExperimentsView::exportNumbersRequested, this, [this] { askExport(false); });
    connect(workbench_->jobs(), &JobRunner::progressed, this, &ExperimentsController::showRunProgress);
}

void ExperimentsController::connectWorkbench()
{
    connect(workbench_, &Workbench::projectOpened, this, [this] {
        // One colour per configuration for as long as the project is open, the same at every opening.
        ChartAdapter* chart = view_->chart();
        chart->resetColours();
        QStringList names;
        for (const auto& s : workbench_->sources())
            names << QString::fromStdString(s.name);
        chart->reserveColours(names);
        projectChanged();
        view_->showConfigurationsTab();
    });
    connect(workbench_, &Workbench::projectClosed, this, &ExperimentsController::projectChanged);
    connect(workbench_, &Workbench::modelReady, this, [this] {
        rebuildChart();
        rebuildTable();
    });
    connect(workbench_, &Workbench::modelFailed, this, &ExperimentsController::rebuildTable);
    connect(workbench_, &Workbench::baselinesChanged, this, [this] {
        rebuildChart();
        rebuildTable();
    });
    connect(workbench_, &Workbench::sourcesChanged, this, &ExperimentsController::rebuildTable);
    // New weights of a fused configuration: its row says "building…" (and its provenance the
    // weights) until the model of those weights is there.
    connect(workbench_, &Workbench::fusionWeightsChanged, this, [this] {
        rebuildChart();
        rebuildTable();
    });
    connect(workbench_, &Workbench::kChanged, this, &ExperimentsController::showK);
    connect(workbench_, &Workbench::metricsReady, this, [this] { showK(workbench_->k()); });
    connect(workbench_, &Workbench::activeSourceChanged, this, [this] {
        rebuildChart();
        rebuildTable();
    });
}

// Another project, or none: the run and the report belong to the old one.
void ExperimentsController::projectChanged()
{
    dropRun();
    report_.reset();
    view_->setResults({});
    view_->setColdStartResults({});
    fillRunFields();
    rebuildChart();
    rebuildTable();
}

void ExperimentsController::dropRun()
{
    run_->cancel();  // its worker stops; its result, if any, is not shown
    runJob_ = 0;
}

void ExperimentsController::fillRunFields()
{
    if (workbench_->hasProject()) {
        const auto& project = workbench_->project()->project;
        QStringList models;
        for (const auto& m : project.models)
            models << QString::fromStdString(m);
        view_->setRunFields(models.join(QLatin1Char(',')), joined(project.fps), QString::fromStdString(project.k),
                            QString::fromStdString(project.split));
        view_->setRunStatus(tr("Run the paper's experiment on this project (the same as <tt>trailerlab-cli experiment "
                               "%1</tt>); the report goes to %2.")
                                .arg(QFileInfo(workbench_->projectFile()).fileName().toHtmlEscaped(),
                                     reportFolder().toHtmlEscaped()));
    } else {
        view_->setRunFields({}, {}, {});
        view_->setRunStatus({});
    }
    view_->setRunProgress(0, QString());
    setRunning(runJob_ != 0);
}

void ExperimentsController::setRunning(bool running)
{
    view_->setRunState(workbench_->hasProject(), running,
                       QFileInfo::exists(reportFolder() + QStringLiteral("/table.md")));
}

QString ExperimentsController::reportFolder() const
{
    if (!workbench_->hasProject())
        return {};
    return QString::fromStdString((workbench_->project()->project.folder() / "reports" / "experiment").string());
}

std::optional<ExperimentOptions> ExperimentsController::experimentOptions(QString* error) const
{
    ExperimentOptions options;
    try {
        for (const auto& m : view_->modelsField()->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
            if (!m.trimmed().isEmpty())
                options.models.push_back(m.trimmed().toStdString());
        if (options.models.empty())
            throw ConfigError("models: name at least one (mobilenetv2, vgg11, vgg16, vgg19)");
        options.fps = parseDoubleList(view_->fpsField()->text().trimmed().toStdString(), "frames per second");
        options.ks = parseIntList(view_->kField()->text().trimmed().toStdString(), "K range");
        // The CLI's parsers: the same names, the same errors.
        const QStringList methods = view_->checkedMethods();
        if (!methods.isEmpty())
            options.eval.methods = parseContentMethods(methods.join(QLatin1Char(',')).toStdString());
        else
            options.eval.methods.clear();
        options.ratingModels = view_->ratingModelsBox()->isChecked();
        if (methods.isEmpty() && !options.ratingModels)
            throw ConfigError("methods: tick at least one content method or the rating-only models");
        options.split = view_->splitField()->text().trimmed().toStdString();
        if (!options.split.empty())
            parseSplitSpec(options.split);
        options.coldStartRatio = view_->coldStartSpin()->value();
        options.validateK = view_->validateKBox()->isChecked();
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return std::nullopt;
    }
    // Weights come from the model registry, as in the Extraction view (imports included).
    options.missingWeightsAdvice =
        tr("Choose Extraction > Import Weights… and pick the file: it is copied into your data folder and used from "
           "then on. Or tick \u201cRandom weights where none\u201d for a run without real weights.")
            .toStdString();
    if (view_->randomWeightsBox()->isChecked())
        options.randomWeightsSeed = 1;
    return options;
}

void ExperimentsController::runExperiment()
{
    if (runJob_ != 0 || !workbench_->hasProject())
        return;
    QString error;
    const auto options = experimentOptions(&error);
    if (!options) {
        view_->setRunStatus(tr("Cannot run: %1").arg(error.toHtmlEscaped()));
        return;
    }
    const Project project = workbench_->project()->project;
    const QString folder = reportFolder();
    view_->setRunProgress(0, QString());
    view_->setRunStatus(tr("Running the experiment…"));
    runJob_ = run_->run<ExperimentRun>(
        tr("Experiment on %1").arg(QString::fromStdString(project.name)),
        [project, options = *options, folder](const JobContext& ctx) {
            ExperimentRun run;
            run.report = tl::runExperiment(project, options, ctx);
            writeExperimentReport(run.report, folder.toStdString());
            run.folder = folder;
            return run;
        },
        [this](ExperimentRun run) {
            runJob_ = 0;
            report_ = std::move(run.report);
            reportDir_ = run.folder;
            setRunning(false);  // the report folder exists now
            view_->setRunProgress(1000, tr("done"));
            showReport();
            // The run wrote <cache>/profiles/<configuration>.npy: the live views list them too.
            workbench_->refreshSources();
            Q_EMIT experimentFinished(true);
        },
        [this](const QString& message, bool cancelled) {
            runJob_ = 0;
            setRunning(false);
            view_->setRunProgress(-1, cancelled ? tr("cancelled") : tr("failed"));
            view_->setRunStatus(cancelled ? tr("Experiment cancelled; extracted videos are kept in the feature store, "
                                               "so the next run resumes.")
                                          : tr("Experiment failed: %1").arg(message.toHtmlEscaped()));
            Q_EMIT experimentFinished(false);
        });
    setRunning(true);
    Q_EMIT experimentStarted();
}

void ExperimentsController::showRunProgress(int id, const Progress& p)
{
    if (id != runJob_)
        return;
    const int permille = p.total > 0 ? static_cast<int>(1000.0 * std::min(1.0, p.done / p.total)) : -1;
    const QString stage = QString::fromStdString(p.stage);
    view_->setRunProgress(permille, p.total > 0 ? stage + QStringLiteral(" %p %") : stage);
    view_->setRunStatus(tr("Running the experiment: %1 %2").arg(stage, QString::fromStdString(p.detail)));
}

void ExperimentsController::cancelExperiment()
{
    if (runJob_ != 0)
        workbench_->jobs()->cancel(runJob_);  // a user's cancel: the run says it was cancelled
}

void ExperimentsController::openReportFolder()
{
    const QString folder = reportFolder();
    if (!folder.isEmpty())
        prompter_->openFolder(folder);
}

std::vector<ExperimentsView::ResultRow> ExperimentsController::resultRows(const std::vector<TableRow>& table) const
{
    std::map<std::string, const ConfigurationSummary*> configurations;
    for (const auto& c : report_->configurations)
        configurations[c.name] = &c;
    std::vector<ExperimentsView::ResultRow> rows;
    for (const auto& r : table) {
        ExperimentsView::ResultRow row;
        row.method = QString::fromStdString(r.method);
        row.bestK = r.bestK;
        row.metrics = r.metrics;
        row.tuning = QString::fromStdString(r.tuning);
        // `<features>` (the paper's model) or `<features>:<method>`: the features say where the profiles come from.
        const std::string features = r.method.substr(0, r.method.find(':'));
        const auto config = configurations.find(features);
        row.selectable = config != configurations.end() || features == "genre";
        row.selects = QString::fromStdString(features);
        if (config != configurations.end()) {
            const ConfigurationSummary& c = *config->second;
            row.source = tr("%1 trailer features, %2/%3 videos; %4")
                             .arg(QString::fromStdString(c.model))
                             .arg(c.videos - c.failedVideos)
                             .arg(c.videos)
                             .arg(c.randomWeights ? tr("RANDOM WEIGHTS") : tr("pretrained weights"));
            row.details = tr("%1 frames extracted in %2 s, %3 videos from the feature store; weights %4")
                              .arg(c.frames)
                              .arg(c.extractSeconds, 0, 'f', 1)
                              .arg(c.cachedVideos)
                              .arg(QString::fromStdString(c.provenance));
        } else if (features == "genre") {
            row.source = tr("genre one-hot profiles");
        } else {
            row.source = tr("baseline from ratings only");
        }
        rows.push_back(row);
    }
    return rows;
}

void ExperimentsController::showReport()
{
    if (!report_) {
        view_->setResults({});
        view_->setColdStartResults({});
        return;
    }
    view_->setResults(resultRows(report_->table));
    view_->setColdStartResults(resultRows(report_->coldStartTable));
    int failed = 0;
    for (const auto& c : report_->configurations)
        failed += static_cast<int>(c.failedVideos);
    view_->setRunStatus(tr("Experiment done in %1 s: %n configuration(s), %2 failed video(s). Report: "
                           "<a href=\"report\">%3</a> (table.md, table.csv, results.csv, results.json, rmse_vs_k.svg)",
                           nullptr, static_cast<int>(report_->configurations.size()))
                            .arg(report_->seconds, 0, 'f', 1)
                            .arg(failed)
                            .arg(reportDir_.toHtmlEscaped()));
    view_->showResultsTab();
    rebuildChart();
}

void ExperimentsController::showK(int k)
{
    view_->setKRange(workbench_->kMin(), workbench_->kMax(), k);
    view_->chart()->setMarker(workbench_->hasProject() ? k : std::numeric_limits<double>::quiet_NaN(),
                              tr("K = %1").arg(k));
    // Only the "at K" columns change: sweep values are precomputed; other K values
    // are computed once in the background and cached (metricsReady refreshes).
    for (int row = 0; row < view_->configurationCount(); ++row) {
        const QString source = view_->configurationSource(row);
        if (source.isEmpty() || !workbench_->model(source))
            continue;
        view_->setMetricsAtK(row, workbench_->metricsAt(source, k));
    }
}

void ExperimentsController::rebuildChart()
{
    ChartAdapter* chart = view_->chart();
    chart->clear();
    chart->setAxisTitles(tr("K (neighbours)"), tr("RMSE"));
    if (!workbench_->hasProject()) {
        chart->setEmptyText(tr("No project open.\nOpen the demo (File > Open Demo Project) or a project (File > Open Project…)"));
        return;
    }
    if (report_)
        rebuildReportChart();
    else
        rebuildLiveChart();
    chart->setMarker(workbench_->k(), tr("K = %1").arg(workbench_->k()));
}

// The last experiment run's curves, its baselines as reference lines.
void ExperimentsController::rebuildReportChart()
{
    ChartAdapter* chart = view_->chart();
    chart->setTitle(tr("RMSE vs K: experiment run (lower is better)"));
    std::map<std::string, std::vector<QPointF>> curvesOf;
    std::vector<std::string> order;
    for (const auto& row : report_->results.rows) {
        if (row.k == 0) {
            chart->addReferenceLine(QString::fromStdString(row.method), row.metrics.rmse);
            continue;
        }
        if (!curvesOf.count(row.method))
            order.push_back(row.method);
        curvesOf[row.method].emplace_back(row.k, row.metrics.rmse);
    }
    for (const auto& method : order)
        chart->addCurve(QString::fromStdString(method), curvesOf[method],
                        QString::fromStdString(method) == workbench_->activeSource());
    chart->setEmptyText({});
}

// Every built configuration's sweep, the baselines with neighbours as curves, the others as lines.
void ExperimentsController::rebuildLiveChart()
{
    ChartAdapter* chart = view_->chart();
    chart->setTitle(tr("RMSE vs K (lower is better)"));
    int curves = 0;
    for (const auto& s : workbench_->sources()) {
        const QString name = QString::fromStdString(s.name);
        auto model = workbench_->model(name);
        if (!model)
            continue;
        std::vector<QPointF> points;
        const auto& ks = model->settings().ks;
        const auto& metrics = model->sweepMetrics();
        for (std::size_t i = 0; i < ks.size() && i < metrics.size(); ++i)
            points.emplace_back(ks[i], metrics[i].rmse);
        chart->addCurve(name + (s.randomWeights ? tr(" (RANDOM weights)") : QString()), points,
                        name == workbench_->activeSource());
        ++curves;
    }
    std::map<std::string, std::vector<QPointF>> knn;
    for (const auto& row : workbench_->baselines()) {
        if (row.k == 0)
            chart->addReferenceLine(QString::fromStdString(row.method), row.metrics.rmse);
        else
            knn[row.method].emplace_back(row.k, row.metrics.rmse);
    }
    for (const auto& [method, points] : knn)
        chart->addCurve(QString::fromStdString(method), points);
    if (curves == 0 && workbench_->baselines().empty())
        chart->setEmptyText(tr("Building the models of %n configuration(s)… (see Jobs)", nullptr,
                               static_cast<int>(workbench_->sources().size())));
    else
        chart->setEmptyText({});
}

void ExperimentsController::rebuildTable()
{
    if (!workbench_->hasProject()) {
        view_->setConfigurations({});
        view_->setSummary(tr("Open a project to compare configurations."));
        return;
    }
    std::vector<ExperimentsView::ConfigurationRow> rows;
    int pending = 0;
    for (const auto& s : workbench_->sources()) {
        ExperimentsView::ConfigurationRow row;
        row.name = row.source = QString::fromStdString(s.name);
        row.active = row.name == workbench_->activeSource();
        const QString error = workbench_->modelError(row.name);
        if (auto model = workbench_->model(row.name)) {
            const auto [rmse, k] = bestOfSweep(*model);
            row.bestRmse = QString::number(rmse, 'f', 4);
            row.bestK = QString::number(k);
        } else if (!error.isEmpty()) {
            row.bestRmse = tr("failed");
        } else {
            row.bestRmse = tr("building…");
            ++pending;
        }
        row.provenance = error.isEmpty() ? QString::fromStdString(s.provenance) : tr("ERROR: %1").arg(error);
        row.randomWeights = s.randomWeights;
        rows.push_back(row);
    }
    for (auto& row : baselineRows(workbench_->baselines()))
        rows.push_back(std::move(row));
    view_->setConfigurations(rows);

    const auto& pd = *workbench_->project();
    QString text = tr("%1 users, %2 items, %3 ratings; split %4 (%5 train / %6 test); %7 configuration(s)")
                       .arg(pd.data.users.size())
                       .arg(pd.data.items.size())
                       .arg(pd.data.ratings.size())
                       .arg(QString::fromStdString(pd.project.split))
                       .arg(pd.split.train.size())
                       .arg(pd.split.test.size())
                       .arg(workbench_->sources().size());
    if (pending > 0 || !workbench_->baselinesReady())
        text += tr(" — computing in the background…");
    if (workbench_->sources().empty())
        text += tr(" — no content source: add an item file with genres or extract trailer features (Extraction view).");
    view_->setSummary(text);
    showK(workbench_->k());
    view_->fitConfigurationColumns();
}

bool ExperimentsController::exportChart(const QString& file)
{
    if (file.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive))
        return view_->chart()->exportSvg(file);
    return view_->chart()->exportPng(file);
}

// The sweep of every configuration and the baselines, through the same table writer as
// `evaluate --out` and the report's results.csv (the format follows the extension).
bool ExperimentsController::exportNumbers(const QString& file) const
{
    std::vector<AggregateRow> rows;
    std::vector<std::string> tuning;  // how each row's parameters were set (never on test)
    for (const auto& src : workbench_->sources()) {
        auto model = workbench_->model(QString::fromStdString(src.name));
        if (!model)
            continue;
        const auto& ks = model->settings().ks;
        for (std::size_t i = 0; i < ks.size() && i < model->sweepMetrics().size(); ++i) {
            rows.push_back(singleSplitRow({src.name, ks[i], model->sweepMetrics()[i]}));
            tuning.push_back(fusionTuning(src));
        }
    }
    TuningFacts facts;
    facts.seed = workbench_->project()->project.seed;
    for (const auto& r : workbench_->baselines()) {
        rows.push_back(singleSplitRow(r));
        tuning.push_back(sweepRowTuning(r.method, r.k, facts));
    }
    std::vector<MetricColumn> columns = resultColumns();
    columns.push_back(MetricColumn::Tuning);
    try {
        MetricsTable(std::move(columns), std::move(rows), std::move(tuning)).writeFile(file.toStdString());
        return true;
    } catch (const Error&) {  // WriteError: askExport tells the user
        return false;
    }
}

void ExperimentsController::askExport(bool chartExport)
{
    if (!workbench_->hasProject()) {
        prompter_->inform(view_, tr("Nothing to export"), tr("Open a project first."));
        return;
    }
    const QString file = chartExport
        ? prompter_->saveFileName(view_, tr("Export chart"), QStringLiteral("rmse-vs-k.png"),
                                  tr("PNG image (*.png);;SVG drawing (*.svg)"))
        : prompter_->saveFileName(view_, tr("Export numbers"), QStringLiteral("rmse-vs-k.csv"), tr("CSV (*.csv);;Markdown (*.md);;JSON (*.json)"));
    if (file.isEmpty())
        return;
    const bool ok = chartExport ? exportChart(file) : exportNumbers(file);
    if (!ok)
        prompter_->warn(view_, tr("Export failed"), tr("Could not write %1.\nChoose a folder you can write to.").arg(file));
}

}  // namespace tl::ui
