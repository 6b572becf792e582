#include "ui/ExperimentsView.h"

#include "ui/TableCells.h"

#include <QFile>
#include <QFileDialog>
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
#include <limits>

#include "ui/ChartAdapter.h"
#include "ui/Workbench.h"

namespace tl::ui {

namespace {

QString baselineLabel(const std::string& method)
{
    return QString::fromStdString(method);
}


}  // namespace

ExperimentsView::ExperimentsView(Workbench* workbench, QWidget* parent) : QWidget(parent), workbench_(workbench)
{
    chart_ = new ChartAdapter(this);
    chart_->setAxisTitles(tr("K (neighbours)"), tr("RMSE"));
    slider_ = new QSlider(Qt::Horizontal, this);
    slider_->setToolTip(tr("Neighbourhood size K (shortcuts: + / - or Ctrl+Up / Ctrl+Down)"));
    spin_ = new QSpinBox(this);
    spin_->setPrefix(tr("K = "));
    status_ = new QLabel(this);
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

    table_ = new QTableWidget(0, 7, this);
    table_->setHorizontalHeaderLabels({tr("Configuration"), tr("Best RMSE"), tr("at K"), tr("RMSE at K"),
                                       tr("MAE at K"), tr("From neighbours"), tr("Provenance")});
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->verticalHeader()->hide();
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setAlternatingRowColors(true);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(chart_);
    splitter->addWidget(table_);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({520, 300});

    auto* layout = new QVBoxLayout(this);
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

    connect(workbench_, &Workbench::projectOpened, this, [this] {
        rebuildChart();
        rebuildTable();
    });
    connect(workbench_, &Workbench::projectClosed, this, [this] {
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
    rebuildChart();
    rebuildTable();
    showK(workbench_->k());
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
        chart_->setEmptyText(tr("No project open.\nUse File > Open Project… or File > New Synthetic Demo."));
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
