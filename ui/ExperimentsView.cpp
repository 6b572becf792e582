#include "ui/ExperimentsView.h"

#include "ui/TableCells.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QLineEdit>
#include <QProgressBar>
#include <QRegularExpressionValidator>
#include <QTabWidget>
#include <QUrl>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QTextStream>
#include <QVBoxLayout>

#include <cmath>
#include <map>
#include <limits>

#include "core/common/Lists.h"
#include "core/features/FeatureExtractor.h"
#include "ui/ChartAdapter.h"
#include "ui/JobRunner.h"
#include "ui/KSpinBox.h"
#include "ui/Workbench.h"

namespace tl::ui {

namespace {

QString baselineLabel(const std::string& method)
{
    return QString::fromStdString(method);
}

enum ResultColumn { RMethod, RBestK, RRmse, RMae, RFromNeighbours, RPrecision, RRecall, RNdcg, RSource, RColumns };

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


}  // namespace

ExperimentsView::ExperimentsView(Workbench* workbench, QWidget* parent) : QWidget(parent), workbench_(workbench)
{
    chart_ = new ChartAdapter(this);
    chart_->setAxisTitles(tr("K (neighbours)"), tr("RMSE"));
    slider_ = new QSlider(Qt::Horizontal, this);
    slider_->setToolTip(tr("Neighbourhood size K (shortcuts: + / - or Ctrl+Up / Ctrl+Down)"));
    spin_ = new KSpinBox(this);
    status_ = new QLabel(this);
    status_->setWordWrap(true);  // a long summary must not widen the dock
    exportPng_ = new QPushButton(tr("Export chart…"), this);
    exportPng_->setToolTip(tr("Save the chart as PNG or SVG"));
    exportCsv_ = new QPushButton(tr("Export numbers…"), this);
    exportCsv_->setToolTip(tr("Save every configuration's metrics at every K as CSV"));

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Neighbours:"), this));
    controls->addWidget(slider_, 1);
    controls->addWidget(spin_);
    controls->addWidget(exportPng_);
    controls->addWidget(exportCsv_);

    // The paper's experiment, as trailerlab-cli experiment runs it.
    runModels_ = new QLineEdit(this);
    runModels_->setToolTip(tr("Comma-separated models: mobilenetv2, vgg11, vgg16, vgg19 (from the project file)"));
    runFps_ = new QLineEdit(this);
    runFps_->setToolTip(tr("Comma-separated frames per second, e.g. 1,2,3 (from the project file)"));
    runKs_ = new QLineEdit(this);
    runKs_->setMinimumWidth(runKs_->fontMetrics().horizontalAdvance(QStringLiteral("10:100:10")) + 16);
    // Digits, ':' and ',' only: "10:100:10" or "10,20,50".
    runKs_->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9 ]*([:,][0-9 ]*)*")), runKs_));
    runKs_->setToolTip(tr("Neighbourhood sizes: from:to:step or a list, e.g. 10:100:10 (from the project file)"));
    runRandom_ = new QCheckBox(tr("Random weights where none"), this);
    runRandom_->setToolTip(tr("Models whose weights are not found use seeded random weights (seed 1); every output "
                              "says RANDOM WEIGHTS. To add real weights: Extraction > Import Weights…"));
    run_ = new QPushButton(tr("Run experiment"), this);
    run_->setToolTip(tr("Extract every model x frame rate (resuming from the feature store), evaluate CF over the K "
                        "sweep with genre profiles and the rating-only baselines, and write the report — the same "
                        "as trailerlab-cli experiment PROJECT"));
    cancelRun_ = new QPushButton(tr("Cancel"), this);
    openReport_ = new QPushButton(tr("Open report folder"), this);
    runProgress_ = new QProgressBar(this);
    runProgress_->setRange(0, 1000);
    runProgress_->setTextVisible(true);
    runProgress_->setFormat(QString());
    runStatus_ = new QLabel(this);
    runStatus_->setWordWrap(true);
    runStatus_->setTextInteractionFlags(Qt::TextBrowserInteraction);
    runStatus_->setOpenExternalLinks(false);
    auto* runFields = new QHBoxLayout;
    runFields->addWidget(new QLabel(tr("Models:"), this));
    runFields->addWidget(runModels_, 2);
    runFields->addWidget(new QLabel(tr("Frames/s:"), this));
    runFields->addWidget(runFps_, 1);
    runFields->addWidget(new QLabel(tr("K:"), this));
    runFields->addWidget(runKs_, 1);
    runFields->addWidget(runRandom_);
    auto* runButtons = new QHBoxLayout;
    runButtons->addWidget(run_);
    runButtons->addWidget(cancelRun_);
    runButtons->addWidget(runProgress_, 1);
    runButtons->addWidget(openReport_);

    results_ = new QTableWidget(0, RColumns, this);
    results_->setHorizontalHeaderLabels({tr("Method"), tr("Best K"), tr("RMSE"), tr("MAE"), tr("From neighbours"),
                                         tr("P@10"), tr("R@10"), tr("NDCG@10"), tr("Source")});
    results_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    results_->horizontalHeader()->setStretchLastSection(true);
    results_->verticalHeader()->hide();
    results_->setSelectionBehavior(QAbstractItemView::SelectRows);
    results_->setSelectionMode(QAbstractItemView::SingleSelection);
    results_->setAlternatingRowColors(true);
    results_->setWordWrap(false);

    table_ = new QTableWidget(0, 7, this);
    table_->setHorizontalHeaderLabels({tr("Configuration"), tr("Best RMSE"), tr("at K"), tr("RMSE at K"),
                                       tr("MAE at K"), tr("From neighbours"), tr("Provenance")});
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->verticalHeader()->hide();
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setAlternatingRowColors(true);

    tabs_ = new QTabWidget(this);
    tabs_->addTab(table_, tr("Configurations"));
    tabs_->addTab(results_, tr("Experiment results"));
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(chart_);
    splitter->addWidget(tabs_);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({520, 300});

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(runFields);
    layout->addLayout(runButtons);
    layout->addWidget(runStatus_);
    layout->addLayout(controls);
    layout->addWidget(status_);
    layout->addWidget(splitter, 1);

    connect(slider_, &QSlider::valueChanged, this, &ExperimentsView::kRequested);
    connect(spin_, &QSpinBox::valueChanged, this, &ExperimentsView::kRequested);
    connect(exportPng_, &QPushButton::clicked, this, [this] { askExport(true); });
    connect(exportCsv_, &QPushButton::clicked, this, [this] { askExport(false); });
    connect(table_, &QTableWidget::cellClicked, this, [this](int row, int) {
        const QString source = table_->item(row, 0)->data(Qt::UserRole).toString();
        if (!source.isEmpty())
            Q_EMIT sourceRequested(source);
    });
    connect(results_, &QTableWidget::cellClicked, this, [this](int row, int) {
        const QString source = results_->item(row, RMethod)->data(Qt::UserRole).toString();
        if (!source.isEmpty())
            Q_EMIT sourceRequested(source);
    });
    connect(run_, &QPushButton::clicked, this, &ExperimentsView::runExperiment);
    connect(cancelRun_, &QPushButton::clicked, this, &ExperimentsView::cancelExperiment);
    connect(openReport_, &QPushButton::clicked, this, &ExperimentsView::openReportFolder);
    connect(runStatus_, &QLabel::linkActivated, this, [this](const QString&) { openReportFolder(); });
    connect(workbench_->jobs(), &JobRunner::progressed, this, [this](int id, const Progress& p) {
        if (id != runJob_)
            return;
        if (p.total > 0)
            runProgress_->setValue(static_cast<int>(1000.0 * std::min(1.0, p.done / p.total)));
        const QString stage = QString::fromStdString(p.stage);
        runProgress_->setFormat(p.total > 0 ? stage + QStringLiteral(" %p %") : stage);
        runStatus_->setText(tr("Running the experiment: %1 %2").arg(stage, QString::fromStdString(p.detail)));
    });

    connect(workbench_, &Workbench::projectOpened, this, [this] {
        // One colour per configuration for as long as the project is open, the same at every opening.
        chart_->resetColours();
        QStringList names;
        for (const auto& s : workbench_->sources())
            names << QString::fromStdString(s.name);
        chart_->reserveColours(names);
        cancelExperiment();
        report_.reset();
        results_->setRowCount(0);
        tabs_->setCurrentWidget(table_);
        fillRunFields();
        rebuildChart();
        rebuildTable();
    });
    connect(workbench_, &Workbench::projectClosed, this, [this] {
        cancelExperiment();
        report_.reset();
        results_->setRowCount(0);
        fillRunFields();
        rebuildChart();
        rebuildTable();
    });
    connect(workbench_, &Workbench::modelReady, this, [this] {
        rebuildChart();
        rebuildTable();
    });
    connect(workbench_, &Workbench::modelFailed, this, [this] { rebuildTable(); });
    connect(workbench_, &Workbench::baselinesChanged, this, [this] {
        rebuildChart();
        rebuildTable();
    });
    connect(workbench_, &Workbench::sourcesChanged, this, [this] { rebuildTable(); });
    connect(workbench_, &Workbench::kChanged, this, &ExperimentsView::showK);
    connect(workbench_, &Workbench::metricsReady, this, [this] { showK(workbench_->k()); });
    connect(workbench_, &Workbench::activeSourceChanged, this, [this] { rebuildChart(); rebuildTable(); });
    fillRunFields();
    rebuildChart();
    rebuildTable();
    showK(workbench_->k());
}

void ExperimentsView::fillRunFields()
{
    const bool has = workbench_->hasProject();
    if (has) {
        const auto& project = workbench_->project()->project;
        QStringList models;
        for (const auto& m : project.models)
            models << QString::fromStdString(m);
        runModels_->setText(models.join(QLatin1Char(',')));
        runFps_->setText(joined(project.fps));
        runKs_->setText(QString::fromStdString(project.k));
        runStatus_->setText(tr("Run the paper's experiment on this project (the same as <tt>trailerlab-cli experiment "
                               "%1</tt>); the report goes to %2.")
                                .arg(QFileInfo(workbench_->projectFile()).fileName().toHtmlEscaped(),
                                     reportFolder().toHtmlEscaped()));
    } else {
        runModels_->clear();
        runFps_->clear();
        runKs_->clear();
        runStatus_->clear();
    }
    runProgress_->setValue(0);
    runProgress_->setFormat(QString());
    setRunning(runJob_ != 0);
}

void ExperimentsView::setRunning(bool running)
{
    const bool has = workbench_->hasProject();
    run_->setEnabled(has && !running);
    cancelRun_->setEnabled(running);
    for (QWidget* w : std::initializer_list<QWidget*>{runModels_, runFps_, runKs_, runRandom_})
        w->setEnabled(has && !running);
    openReport_->setEnabled(has && QFileInfo::exists(reportFolder() + QStringLiteral("/table.md")));
}

QString ExperimentsView::reportFolder() const
{
    if (!workbench_->hasProject())
        return {};
    return QString::fromStdString((workbench_->project()->project.folder() / "reports" / "experiment").string());
}

std::optional<ExperimentOptions> ExperimentsView::experimentOptions(QString* error) const
{
    ExperimentOptions options;
    try {
        for (const auto& m : runModels_->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
            if (!m.trimmed().isEmpty())
                options.models.push_back(m.trimmed().toStdString());
        if (options.models.empty())
            throw ConfigError("models: name at least one (mobilenetv2, vgg11, vgg16, vgg19)");
        options.fps = parseDoubleList(runFps_->text().trimmed().toStdString(), "frames per second");
        options.ks = parseIntList(runKs_->text().trimmed().toStdString(), "K range");
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
    if (runRandom_->isChecked())
        options.randomWeightsSeed = 1;
    return options;
}

void ExperimentsView::runExperiment()
{
    if (runJob_ != 0 || !workbench_->hasProject())
        return;
    QString error;
    const auto options = experimentOptions(&error);
    if (!options) {
        runStatus_->setText(tr("Cannot run: %1").arg(error.toHtmlEscaped()));
        return;
    }
    const Project project = workbench_->project()->project;
    const QString folder = reportFolder();
    runProgress_->setValue(0);
    runStatus_->setText(tr("Running the experiment…"));
    const auto owner = workbench_->project();
    runJob_ = workbench_->jobs()->run<ExperimentRun>(
        tr("Experiment on %1").arg(QString::fromStdString(project.name)),
        [project, options = *options, folder](const JobContext& ctx) {
            ExperimentRun run;
            run.report = tl::runExperiment(project, options, ctx);
            writeExperimentReport(run.report, folder.toStdString());
            run.folder = folder;
            return run;
        },
        [this, owner](ExperimentRun run) {
            runJob_ = 0;
            setRunning(false);
            if (workbench_->project() != owner)
                return;
            report_ = std::move(run.report);
            reportDir_ = run.folder;
            setRunning(false);  // the report folder exists now
            runProgress_->setValue(1000);
            runProgress_->setFormat(tr("done"));
            showReport();
            // The run wrote <cache>/profiles/<configuration>.npy: the live views list them too.
            workbench_->refreshSources();
            Q_EMIT experimentFinished(true);
        },
        [this](const QString& message, bool cancelled) {
            runJob_ = 0;
            setRunning(false);
            runProgress_->setFormat(cancelled ? tr("cancelled") : tr("failed"));
            runStatus_->setText(cancelled ? tr("Experiment cancelled; extracted videos are kept in the feature store, so "
                                               "the next run resumes.")
                                          : tr("Experiment failed: %1").arg(message.toHtmlEscaped()));
            Q_EMIT experimentFinished(false);
        });
    setRunning(true);
    Q_EMIT experimentStarted();
}

void ExperimentsView::cancelExperiment()
{
    if (runJob_ != 0)
        workbench_->jobs()->cancel(runJob_);
}

void ExperimentsView::openReportFolder()
{
    const QString folder = reportFolder();
    if (folder.isEmpty() || QGuiApplication::platformName() == QLatin1String("offscreen"))
        return;
    QDesktopServices::openUrl(QUrl::fromLocalFile(folder));
}

void ExperimentsView::showReport()
{
    results_->setRowCount(0);
    if (!report_)
        return;
    std::map<std::string, const ConfigurationSummary*> configurations;
    for (const auto& c : report_->configurations)
        configurations[c.name] = &c;
    for (const auto& r : report_->table) {
        const int row = results_->rowCount();
        results_->insertRow(row);
        const QString method = QString::fromStdString(r.method);
        auto* name = cell(method);
        const auto config = configurations.find(r.method);
        const bool content = config != configurations.end() || r.method == "genre";
        if (content)
            name->setData(Qt::UserRole, method);  // a click selects it in every view
        else
            name->setForeground(QColor(Qt::darkGray));
        results_->setItem(row, RMethod, name);
        results_->setItem(row, RBestK, cell(r.bestK ? QString::number(r.bestK) : QStringLiteral("–"), true));
        // The same rounding as the CLI's table.md.
        results_->setItem(row, RRmse, cell(QString::number(r.metrics.rmse, 'f', 4), true));
        results_->setItem(row, RMae, cell(QString::number(r.metrics.mae, 'f', 4), true));
        results_->setItem(row, RFromNeighbours, cell(QString::number(r.metrics.fromNeighbours, 'f', 3), true));
        results_->setItem(row, RPrecision, cell(QString::number(r.metrics.precision, 'f', 4), true));
        results_->setItem(row, RRecall, cell(QString::number(r.metrics.recall, 'f', 4), true));
        results_->setItem(row, RNdcg, cell(QString::number(r.metrics.ndcg, 'f', 4), true));
        QString source, details;
        if (config != configurations.end()) {
            const auto& c = *config->second;
            const QString provenance = QString::fromStdString(c.provenance);
            const bool random = provenance.contains(QLatin1String("RANDOM"), Qt::CaseInsensitive);
            source = tr("%1 trailer features, %2/%3 videos; %4")
                         .arg(QString::fromStdString(c.model))
                         .arg(c.videos - c.failedVideos)
                         .arg(c.videos)
                         .arg(random ? tr("RANDOM WEIGHTS") : tr("pretrained weights"));
            details = tr("%1 frames extracted in %2 s, %3 videos from the feature store; weights %4")
                          .arg(c.frames)
                          .arg(c.extractSeconds, 0, 'f', 1)
                          .arg(c.cachedVideos)
                          .arg(provenance);
        } else if (r.method == "genre") {
            source = tr("genre one-hot profiles");
        } else {
            source = tr("baseline from ratings only");
        }
        auto* sourceCell = cell(source);
        sourceCell->setToolTip(details.isEmpty() ? source : details);
        results_->setItem(row, RSource, sourceCell);
    }
    results_->resizeColumnsToContents();
    int failed = 0;
    for (const auto& c : report_->configurations)
        failed += static_cast<int>(c.failedVideos);
    runStatus_->setText(tr("Experiment done in %1 s: %n configuration(s), %2 failed video(s). Report: "
                           "<a href=\"report\">%3</a> (table.md, table.csv, results.csv, results.json, rmse_vs_k.svg)",
                           nullptr, static_cast<int>(report_->configurations.size()))
                            .arg(report_->seconds, 0, 'f', 1)
                            .arg(failed)
                            .arg(reportDir_.toHtmlEscaped()));
    tabs_->setCurrentWidget(results_);
    rebuildChart();
}

void ExperimentsView::showK(int k)
{
    {
        const QSignalBlocker a(slider_), b(spin_);
        slider_->setRange(workbench_->kMin(), workbench_->kMax());
        spin_->setRange(workbench_->kMin(), workbench_->kMax());
        slider_->setValue(k);
        spin_->setValue(k);
    }
    chart_->setMarker(workbench_->hasProject() ? k : std::numeric_limits<double>::quiet_NaN(), tr("K = %1").arg(k));
    // Only the "at K" columns change: sweep values are precomputed; other K values
    // are computed once in the background and cached (metricsReady refreshes).
    Workbench* wb = workbench_;
    for (int row = 0; row < table_->rowCount(); ++row) {
        const QString source = table_->item(row, 0)->data(Qt::UserRole).toString();
        if (source.isEmpty() || !workbench_->model(source))
            continue;
        const std::optional<Metrics> m = wb->metricsAt(source, k);
        table_->item(row, 3)->setText(m ? QString::number(m->rmse, 'f', 4) : tr("…"));
        table_->item(row, 4)->setText(m ? QString::number(m->mae, 'f', 4) : tr("…"));
        table_->item(row, 5)->setText(m ? QString::number(100.0 * m->fromNeighbours, 'f', 1) + QStringLiteral(" %")
                                        : tr("…"));
    }
}

void ExperimentsView::rebuildChart()
{
    chart_->clear();
    chart_->setAxisTitles(tr("K (neighbours)"), tr("RMSE"));
    if (!workbench_->hasProject()) {
        chart_->setEmptyText(tr("No project open.\nOpen the demo (File > Open Demo Project) or a project (File > Open Project…)"));
        return;
    }
    if (report_) {
        chart_->setTitle(tr("RMSE vs K: experiment run (lower is better)"));
        std::map<std::string, std::vector<QPointF>> curvesOf;
        std::vector<std::string> order;
        for (const auto& row : report_->results.rows) {
            if (row.k == 0) {
                chart_->addReferenceLine(baselineLabel(row.method), row.metrics.rmse);
                continue;
            }
            if (!curvesOf.count(row.method))
                order.push_back(row.method);
            curvesOf[row.method].emplace_back(row.k, row.metrics.rmse);
        }
        for (const auto& method : order)
            chart_->addCurve(QString::fromStdString(method), curvesOf[method],
                             QString::fromStdString(method) == workbench_->activeSource());
        chart_->setEmptyText({});
        chart_->setMarker(workbench_->k(), tr("K = %1").arg(workbench_->k()));
        return;
    }
    chart_->setTitle(tr("RMSE vs K (lower is better)"));
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
        chart_->addCurve(name + (s.randomWeights ? tr(" (RANDOM weights)") : QString()), points,
                         name == workbench_->activeSource());
        ++curves;
    }
    std::map<std::string, std::vector<QPointF>> knn;
    for (const auto& row : workbench_->baselines()) {
        if (row.k == 0)
            chart_->addReferenceLine(baselineLabel(row.method), row.metrics.rmse);
        else
            knn[row.method].emplace_back(row.k, row.metrics.rmse);
    }
    for (const auto& [method, points] : knn)
        chart_->addCurve(QString::fromStdString(method), points);
    if (curves == 0 && workbench_->baselines().empty())
        chart_->setEmptyText(tr("Building the models of %n configuration(s)… (see Jobs)", nullptr,
                                static_cast<int>(workbench_->sources().size())));
    else
        chart_->setEmptyText({});
    chart_->setMarker(workbench_->k(), tr("K = %1").arg(workbench_->k()));
}

void ExperimentsView::rebuildTable()
{
    table_->setRowCount(0);
    if (!workbench_->hasProject()) {
        status_->setText(tr("Open a project to compare configurations."));
        return;
    }
    int pending = 0;
    for (const auto& s : workbench_->sources()) {
        const QString name = QString::fromStdString(s.name);
        const int row = table_->rowCount();
        table_->insertRow(row);
        auto* nameCell = cell(name);
        nameCell->setData(Qt::UserRole, name);
        QFont font = nameCell->font();
        font.setBold(name == workbench_->activeSource());
        nameCell->setFont(font);
        table_->setItem(row, 0, nameCell);
        auto model = workbench_->model(name);
        QString best = tr("building…"), bestK;
        if (model) {
            double bestRmse = std::numeric_limits<double>::max();
            int at = 0;
            const auto& ks = model->settings().ks;
            const auto& metrics = model->sweepMetrics();
            for (std::size_t i = 0; i < ks.size() && i < metrics.size(); ++i)
                if (metrics[i].rmse < bestRmse) {
                    bestRmse = metrics[i].rmse;
                    at = ks[i];
                }
            best = QString::number(bestRmse, 'f', 4);
            bestK = QString::number(at);
        } else if (!workbench_->modelError(name).isEmpty()) {
            best = tr("failed");
        } else {
            ++pending;
        }
        table_->setItem(row, 1, cell(best, true));
        table_->setItem(row, 2, cell(bestK, true));
        for (int c = 3; c <= 5; ++c)
            table_->setItem(row, c, cell({}, true));
        QString provenance = QString::fromStdString(s.provenance);
        if (!workbench_->modelError(name).isEmpty())
            provenance = tr("ERROR: %1").arg(workbench_->modelError(name));
        auto* prov = cell(provenance);
        if (s.randomWeights) {
            prov->setForeground(QColor(Qt::darkRed));
            prov->setText(tr("RANDOM WEIGHTS: ") + provenance);
        }
        table_->setItem(row, 6, prov);
    }
    // Baselines: best over their own K sweep.
    std::map<std::string, std::pair<double, int>> best;
    std::vector<std::string> order;
    for (const auto& r : workbench_->baselines()) {
        auto it = best.find(r.method);
        if (it == best.end()) {
            order.push_back(r.method);
            best[r.method] = {r.metrics.rmse, r.k};
        } else if (r.metrics.rmse < it->second.first) {
            it->second = {r.metrics.rmse, r.k};
        }
    }
    for (const auto& method : order) {
        const int row = table_->rowCount();
        table_->insertRow(row);
        auto* nameCell = cell(QString::fromStdString(method));
        nameCell->setForeground(QColor(Qt::darkGray));
        table_->setItem(row, 0, nameCell);
        table_->setItem(row, 1, cell(QString::number(best[method].first, 'f', 4), true));
        table_->setItem(row, 2, cell(best[method].second > 0 ? QString::number(best[method].second) : QStringLiteral("–"), true));
        for (int c = 3; c <= 5; ++c)
            table_->setItem(row, c, cell({}, true));
        table_->setItem(row, 6, cell(tr("baseline from ratings only")));
    }
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
    status_->setText(text);
    showK(workbench_->k());
    // Sized once per rebuild (ResizeToContents would re-measure on every cell change).
    table_->resizeColumnsToContents();
}

bool ExperimentsView::exportChart(const QString& file)
{
    if (file.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive))
        return chart_->exportSvg(file);
    return chart_->exportPng(file);
}

bool ExperimentsView::exportCsv(const QString& file) const
{
    QFile out(file);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
        return false;
    QTextStream s(&out);
    s << "configuration,k,rmse,mae,from_neighbours,precision,recall,ndcg,predictions\n";
    auto row = [&](const QString& name, int k, const Metrics& m) {
        s << name << ',' << k << ',' << QString::number(m.rmse, 'g', 9) << ',' << QString::number(m.mae, 'g', 9) << ','
          << QString::number(m.fromNeighbours, 'g', 9) << ',' << QString::number(m.precision, 'g', 9) << ','
          << QString::number(m.recall, 'g', 9) << ',' << QString::number(m.ndcg, 'g', 9) << ',' << m.predictions << '\n';
    };
    for (const auto& src : workbench_->sources()) {
        const QString name = QString::fromStdString(src.name);
        auto model = workbench_->model(name);
        if (!model)
            continue;
        const auto& ks = model->settings().ks;
        for (std::size_t i = 0; i < ks.size() && i < model->sweepMetrics().size(); ++i)
            row(name, ks[i], model->sweepMetrics()[i]);
    }
    for (const auto& r : workbench_->baselines())
        row(QString::fromStdString(r.method), r.k, r.metrics);
    s.flush();
    return out.error() == QFile::NoError;
}

void ExperimentsView::askExport(bool chartExport)
{
    if (!workbench_->hasProject()) {
        QMessageBox::information(this, tr("Nothing to export"), tr("Open a project first."));
        return;
    }
    const QString file = chartExport
        ? QFileDialog::getSaveFileName(this, tr("Export chart"), QStringLiteral("rmse-vs-k.png"),
                                       tr("PNG image (*.png);;SVG drawing (*.svg)"))
        : QFileDialog::getSaveFileName(this, tr("Export numbers"), QStringLiteral("rmse-vs-k.csv"), tr("CSV (*.csv)"));
    if (file.isEmpty())
        return;
    const bool ok = chartExport ? exportChart(file) : exportCsv(file);
    if (!ok)
        QMessageBox::warning(this, tr("Export failed"),
                             tr("Could not write %1.\nChoose a folder you can write to.").arg(file));
}

}  // namespace tl::ui
