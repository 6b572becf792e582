#include "ui/ExperimentsView.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include "ui/ChartAdapter.h"
#include "ui/KSpinBox.h"
#include "ui/TableCells.h"

namespace tl::ui {

namespace {

// Both tables: whole rows selected one at a time, read-only, sized by the controller's rebuilds.
void setUpTable(QTableWidget* table)
{
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    table->horizontalHeader()->setStretchLastSection(true);
    table->verticalHeader()->hide();
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setAlternatingRowColors(true);
}

QString fixed(double value, int decimals)
{
    return QString::number(value, 'f', decimals);
}

}  // namespace

ExperimentsView::ExperimentsView(QWidget* parent) : QWidget(parent)
{
    // Created in this order (the keyboard focus chain follows it: the chart and K
    // first), laid out top to bottom: the run, K, the chart above the tables.
    buildChart();
    QLayout* kControls = buildKControls();
    QLayout* runFields = buildRunFields();
    QLayout* runMethods = buildRunMethods();
    QLayout* runButtons = buildRunButtons();
    buildResultsTable();
    buildConfigurationsTable();
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(runFields);
    layout->addLayout(runMethods);
    layout->addLayout(runButtons);
    layout->addWidget(runStatus_);
    layout->addLayout(kControls);
    layout->addWidget(status_);
    layout->addWidget(arrangeChartAndTables(), 1);
    connectIntents();
}

void ExperimentsView::buildChart()
{
    chart_ = new ChartAdapter(this);
    chart_->setAxisTitles(tr("K (neighbours)"), tr("RMSE"));
}

// The paper's experiment, as trailerlab-cli experiment runs it: models, frame rates, K range.
QLayout* ExperimentsView::buildRunFields()
{
    runModels_ = new QLineEdit(this);
    runModels_->setToolTip(tr("Comma-separated models: mobilenetv2, vgg11, vgg16, vgg19 (from the project file)"));
    runFps_ = new QLineEdit(this);
    runFps_->setToolTip(tr("Comma-separated frames per second, e.g. 1,2,3 (from the project file)"));
    runKs_ = new QLineEdit(this);
    runKs_->setMinimumWidth(runKs_->fontMetrics().horizontalAdvance(QStringLiteral("10:100:10")) + 16);
    // Digits, ':' and ',' only: "10:100:10" or "10,20,50".
    runKs_->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9 ]*([:,][0-9 ]*)*")), runKs_));
    runKs_->setToolTip(tr("Neighbourhood sizes: from:to:step or a list, e.g. 10:100:10 (from the project file)"));
    runSplit_ = new QLineEdit(this);
    runSplit_->setMinimumWidth(runSplit_->fontMetrics().horizontalAdvance(QStringLiteral("holdout:0.2")) + 16);
    runSplit_->setToolTip(tr("The split of the results table (from the project file): holdout:RATIO (a random share "
                             "of the ratings to test), kfold:K, peruser:RATIO, coldstart:RATIO (a seeded share of the "
                             "films moves to test with all their ratings: item cold start), coldstart-kfold:K "
                             "(trailerlab-cli experiment --split)"));
    runRandom_ = new QCheckBox(tr("Random weights where none"), this);
    runRandom_->setToolTip(tr("Models whose weights are not found use seeded random weights (seed 1); every output "
                              "says RANDOM WEIGHTS. To add real weights: Extraction > Import Weights…"));
    auto* fields = new QHBoxLayout;
    fields->addWidget(new QLabel(tr("Models:"), this));
    fields->addWidget(runModels_, 2);
    fields->addWidget(new QLabel(tr("Frames/s:"), this));
    fields->addWidget(runFps_, 1);
    fields->addWidget(new QLabel(tr("K:"), this));
    fields->addWidget(runKs_, 1);
    fields->addWidget(runRandom_);
    return fields;
}

// The models evaluated: the content methods for every configuration and genres, the
// rating-only models, the cold-start table, and how K is chosen.
QLayout* ExperimentsView::buildRunMethods()
{
    const std::pair<const char*, QString> methods[] = {
        {"paper", tr("The paper's user k-NN on content profiles, centred on the user's mean; rows named after the "
                     "features (e.g. mobilenetv2-fps1, genre)")},
        {"paper-baseline", tr("The same neighbours centred on the bias baseline mu + b_u + b_i; rows "
                              "FEATURES:paper-baseline")},
        {"item-knn", tr("Item k-NN on the cosines of the trailers' profiles, centred on mu + b_u + b_i; predicts films "
                        "nobody rated; rows FEATURES:item-knn")},
        {"hybrid", tr("knn-baseline on a x Pearson-baseline + (1 - a) x profile cosine; a (and, with K on validation, "
                      "K) chosen on a validation share of the training ratings, never on test; rows FEATURES:hybrid")},
        {"vbpr", tr("Matrix factorisation plus the features through a learned projection (SGD, 20 epochs, seeded by "
                    "the project's seed; progress per epoch in Jobs, Cancel stops it); predicts films nobody rated; "
                    "rows FEATURES:vbpr")},
    };
    auto* row = new QHBoxLayout;
    auto* label = new QLabel(tr("Methods:"), this);
    label->setToolTip(tr("Content models evaluated for every configuration and for genres (trailerlab-cli experiment "
                         "--methods)"));
    row->addWidget(label);
    for (const auto& [name, help] : methods) {
        auto* box = new QCheckBox(QString::fromLatin1(name), this);
        box->setObjectName(QString::fromLatin1(name));
        box->setToolTip(help);
        box->setChecked(QLatin1String(name) == QLatin1String("paper"));
        runMethods_.push_back(box);
        row->addWidget(box);
    }
    runRatingModels_ = new QCheckBox(tr("Rating-only models"), this);
    runRatingModels_->setChecked(true);
    runRatingModels_->setToolTip(tr("Also evaluate the models that use ratings only: global/user/item mean, bias "
                                    "(mu + b_u + b_i), svd (matrix factorisation, SGD), user k-NN on ratings (cosine, "
                                    "Pearson), knn-baseline, knn-means; rows by name (off: "
                                    "trailerlab-cli experiment --no-rating-models)"));
    runColdStart_ = new QDoubleSpinBox(this);
    runColdStart_->setRange(0, 0.9);
    runColdStart_->setSingleStep(0.05);
    runColdStart_->setDecimals(2);
    runColdStart_->setSpecialValueText(tr("off"));
    runColdStart_->setToolTip(tr("Also evaluate item cold start: this share of the films moves to test with all "
                                 "their ratings (seeded by the project's seed); the \u201cCold start\u201d tab shows "
                                 "its table. Rating-only models can only fall back there (trailerlab-cli experiment "
                                 "--cold-start RATIO)"));
    runValidateK_ = new QCheckBox(tr("K on validation"), this);
    runValidateK_->setToolTip(tr("Choose each method's K on a validation share (10 %) of the training ratings instead "
                                 "of showing the K with the lowest test RMSE (the paper's Table 1 practice, which "
                                 "tunes K on the test set); the Hyper-parameters column says which "
                                 "(trailerlab-cli experiment --validate-k)"));
    row->addStretch(1);
    // Below the methods (the dock is narrow at 1366 x 768): rating-only models, split, cold start, K.
    auto* more = new QHBoxLayout;
    more->addWidget(runRatingModels_);
    more->addSpacing(8);
    more->addWidget(new QLabel(tr("Split:"), this));
    more->addWidget(runSplit_, 1);
    more->addWidget(new QLabel(tr("Cold start:"), this));
    more->addWidget(runColdStart_);
    more->addWidget(runValidateK_);
    auto* rows = new QVBoxLayout;
    rows->addLayout(row);
    rows->addLayout(more);
    return rows;
}

QCheckBox* ExperimentsView::methodBox(const QString& method) const
{
    for (QCheckBox* box : runMethods_)
        if (box->objectName() == method)
            return box;
    return nullptr;
}

QStringList ExperimentsView::checkedMethods() const
{
    QStringList names;
    for (QCheckBox* box : runMethods_)
        if (box->isChecked())
            names << box->objectName();
    return names;
}

// Run, Cancel, the run's progress and the report folder; the status line below them.
QLayout* ExperimentsView::buildRunButtons()
{
    run_ = new QPushButton(tr("Run experiment"), this);
    run_->setToolTip(tr("Extract every model x frame rate (resuming from the feature store), evaluate the chosen "
                        "methods over the K sweep with genre profiles (and the rating-only models), and write the "
                        "report — the same as trailerlab-cli experiment PROJECT with these options"));
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
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(run_);
    buttons->addWidget(cancelRun_);
    buttons->addWidget(runProgress_, 1);
    buttons->addWidget(openReport_);
    return buttons;
}

// The K shared by every view, and the exports; the summary line below them.
QLayout* ExperimentsView::buildKControls()
{
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
    return controls;
}

void ExperimentsView::buildConfigurationsTable()
{
    table_ = new QTableWidget(0, ConfigColumnCount, this);
    table_->setHorizontalHeaderLabels({tr("Configuration"), tr("Best RMSE"), tr("at K"), tr("RMSE at K"),
                                       tr("MAE at K"), tr("From neighbours"), tr("Provenance")});
    setUpTable(table_);
}

void ExperimentsView::buildResultsTable()
{
    for (QTableWidget** table : {&results_, &coldStart_}) {
        *table = new QTableWidget(0, ResultColumnCount, this);
        (*table)->setHorizontalHeaderLabels({tr("Method"), tr("Best K"), tr("RMSE"), tr("MAE"), tr("From neighbours"),
                                             tr("P@10"), tr("R@10"), tr("NDCG@10"), tr("Hyper-parameters"),
                                             tr("Source")});
        (*table)->horizontalHeaderItem(ResultBestK)
            ->setToolTip(tr("The K shown: the lowest test RMSE (the paper's practice) or chosen on validation; the "
                            "Hyper-parameters column says which"));
        (*table)->horizontalHeaderItem(ResultTuning)
            ->setToolTip(tr("How the row's hyper-parameters were chosen: defaults, on a validation share of the "
                            "training ratings, or (K of a sweep) on the test set as in the paper's Table 1"));
        setUpTable(*table);
        (*table)->setWordWrap(false);
    }
}

// The chart above the two tables' tabs.
QWidget* ExperimentsView::arrangeChartAndTables()
{
    tabs_ = new QTabWidget(this);
    tabs_->addTab(table_, tr("Configurations"));
    tabs_->addTab(results_, tr("Experiment results"));
    tabs_->addTab(coldStart_, tr("Cold start"));
    tabs_->setTabVisible(tabs_->indexOf(coldStart_), false);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(chart_);
    splitter->addWidget(tabs_);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({520, 300});
    return splitter;
}

void ExperimentsView::connectIntents()
{
    connect(slider_, &QSlider::valueChanged, this, &ExperimentsView::kRequested);
    connect(spin_, &QSpinBox::valueChanged, this, &ExperimentsView::kRequested);
    connect(exportPng_, &QPushButton::clicked, this, &ExperimentsView::exportChartRequested);
    connect(exportCsv_, &QPushButton::clicked, this, &ExperimentsView::exportNumbersRequested);
    connect(table_, &QTableWidget::cellClicked, this, [this](int row, int) {
        const QString source = configurationSource(row);
        if (!source.isEmpty())
            Q_EMIT sourceRequested(source);
    });
    for (QTableWidget* table : {results_, coldStart_})
        connect(table, &QTableWidget::cellClicked, this, [this, table](int row, int) {
            const QString source = table->item(row, ResultMethod)->data(Qt::UserRole).toString();
            if (!source.isEmpty())
                Q_EMIT sourceRequested(source);
        });
    connect(run_, &QPushButton::clicked, this, &ExperimentsView::runRequested);
    connect(cancelRun_, &QPushButton::clicked, this, &ExperimentsView::cancelRequested);
    connect(openReport_, &QPushButton::clicked, this, &ExperimentsView::openReportRequested);
    connect(runStatus_, &QLabel::linkActivated, this, &ExperimentsView::openReportRequested);
}

void ExperimentsView::setRunFields(const QString& models, const QString& fps, const QString& ks, const QString& split)
{
    runModels_->setText(models);
    runFps_->setText(fps);
    runKs_->setText(ks);
    runSplit_->setText(split);
}

void ExperimentsView::setRunState(bool hasProject, bool running, bool reportExists)
{
    run_->setEnabled(hasProject && !running);
    cancelRun_->setEnabled(running);
    for (QWidget* w : std::initializer_list<QWidget*>{runModels_, runFps_, runKs_, runSplit_, runRandom_,
                                                      runRatingModels_, runColdStart_, runValidateK_})
        w->setEnabled(hasProject && !running);
    for (QCheckBox* box : runMethods_)
        box->setEnabled(hasProject && !running);
    openReport_->setEnabled(hasProject && reportExists);
}

void ExperimentsView::setRunStatus(const QString& html)
{
    runStatus_->setText(html);
}

void ExperimentsView::setRunProgress(int permille, const QString& format)
{
    if (permille >= 0)
        runProgress_->setValue(permille);
    runProgress_->setFormat(format);
}

void ExperimentsView::setKRange(int min, int max, int k)
{
    const QSignalBlocker a(slider_), b(spin_);
    slider_->setRange(min, max);
    spin_->setRange(min, max);
    slider_->setValue(k);
    spin_->setValue(k);
}

void ExperimentsView::setSummary(const QString& text)
{
    status_->setText(text);
}

void ExperimentsView::setConfigurations(const std::vector<ConfigurationRow>& rows)
{
    table_->setRowCount(0);
    for (const auto& r : rows) {
        const int row = table_->rowCount();
        table_->insertRow(row);
        auto* name = cell(r.name);
        if (!r.source.isEmpty())
            name->setData(Qt::UserRole, r.source);
        if (r.baseline) {
            name->setForeground(QColor(Qt::darkGray));
        } else {
            QFont font = name->font();
            font.setBold(r.active);
            name->setFont(font);
        }
        table_->setItem(row, ConfigName, name);
        table_->setItem(row, ConfigBestRmse, cell(r.bestRmse, true));
        table_->setItem(row, ConfigBestK, cell(r.bestK, true));
        for (int c : {ConfigRmseAtK, ConfigMaeAtK, ConfigFromNeighboursAtK})
            table_->setItem(row, c, cell({}, true));
        auto* provenance = cell(r.randomWeights ? tr("RANDOM WEIGHTS: ") + r.provenance : r.provenance);
        if (r.randomWeights)
            provenance->setForeground(QColor(Qt::darkRed));
        table_->setItem(row, ConfigProvenance, provenance);
    }
}

int ExperimentsView::configurationCount() const
{
    return table_->rowCount();
}

QString ExperimentsView::configurationSource(int row) const
{
    const QTableWidgetItem* name = table_->item(row, ConfigName);
    return name ? name->data(Qt::UserRole).toString() : QString();
}

void ExperimentsView::setMetricsAtK(int row, const std::optional<Metrics>& m)
{
    table_->item(row, ConfigRmseAtK)->setText(m ? fixed(m->rmse, 4) : tr("…"));
    table_->item(row, ConfigMaeAtK)->setText(m ? fixed(m->mae, 4) : tr("…"));
    table_->item(row, ConfigFromNeighboursAtK)
        ->setText(m ? fixed(100.0 * m->fromNeighbours, 1) + QStringLiteral(" %") : tr("…"));
}

void ExperimentsView::fitConfigurationColumns()
{
    table_->resizeColumnsToContents();
}

namespace {

void fillResults(QTableWidget* table, const std::vector<ExperimentsView::ResultRow>& rows)
{
    using V = ExperimentsView;
    table->setRowCount(0);
    for (const auto& r : rows) {
        const int row = table->rowCount();
        table->insertRow(row);
        auto* name = cell(r.method);
        if (r.selectable)
            name->setData(Qt::UserRole, r.selects.isEmpty() ? r.method : r.selects);  // a click selects it everywhere
        else
            name->setForeground(QColor(Qt::darkGray));
        table->setItem(row, V::ResultMethod, name);
        table->setItem(row, V::ResultBestK, cell(r.bestK ? QString::number(r.bestK) : QStringLiteral("–"), true));
        // The same rounding as the CLI's table.md.
        table->setItem(row, V::ResultRmse, cell(fixed(r.metrics.rmse, 4), true));
        table->setItem(row, V::ResultMae, cell(fixed(r.metrics.mae, 4), true));
        table->setItem(row, V::ResultFromNeighbours, cell(fixed(r.metrics.fromNeighbours, 3), true));
        table->setItem(row, V::ResultPrecision, cell(fixed(r.metrics.precision, 4), true));
        table->setItem(row, V::ResultRecall, cell(fixed(r.metrics.recall, 4), true));
        table->setItem(row, V::ResultNdcg, cell(fixed(r.metrics.ndcg, 4), true));
        auto* tuning = cell(r.tuning);
        tuning->setToolTip(r.tuning);
        table->setItem(row, V::ResultTuning, tuning);
        auto* source = cell(r.source);
        source->setToolTip(r.details.isEmpty() ? r.source : r.details);
        table->setItem(row, V::ResultSource, source);
    }
    table->resizeColumnsToContents();
}

}  // namespace

void ExperimentsView::setResults(const std::vector<ResultRow>& rows)
{
    fillResults(results_, rows);
}

void ExperimentsView::setColdStartResults(const std::vector<ResultRow>& rows)
{
    fillResults(coldStart_, rows);
    tabs_->setTabVisible(tabs_->indexOf(coldStart_), !rows.empty());
}

void ExperimentsView::showConfigurationsTab()
{
    tabs_->setCurrentWidget(table_);
}

void ExperimentsView::showResultsTab()
{
    tabs_->setCurrentWidget(results_);
}

}  // namespace tl::ui
