#include "ui/ChartAdapter.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPainter>
#include <QScatterSeries>
#include <QStackedLayout>
#include <QSvgGenerator>
#include <QTimer>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tl::ui {

ChartAdapter::ChartAdapter(QWidget* parent) : QWidget(parent)
{
    chart_ = new QChart;
    chart_->legend()->setAlignment(Qt::AlignBottom);
    chart_->setMargins(QMargins(4, 4, 4, 4));
    view_ = new QChartView(chart_, this);
    view_->setRenderHint(QPainter::Antialiasing);
    empty_ = new QLabel(this);
    empty_->setAlignment(Qt::AlignCenter);
    empty_->setWordWrap(true);
    stack_ = new QStackedLayout(this);
    stack_->setContentsMargins(0, 0, 0, 0);
    stack_->addWidget(view_);
    stack_->addWidget(empty_);
    setMinimumSize(220, 150);
    rebuildTimer_ = new QTimer(this);
    rebuildTimer_->setSingleShot(true);
    rebuildTimer_->setInterval(40);
    connect(rebuildTimer_, &QTimer::timeout, this, &ChartAdapter::ensureBuilt);
    connect(chart_, &QChart::plotAreaChanged, this, [this] { placeEndLabels(); });
}

int ChartAdapter::barsThatFit() const
{
    // The title, the value axis and the margins take about five lines.
    const int line = fontMetrics().height() + 3;
    const int rows = std::max(3, view_->height() / line - 5);
    return std::min(static_cast<int>(barValues_.size()), rows);
}

void ChartAdapter::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    if (bars_ && barsThatFit() != shownBars_)
        scheduleRebuild();
}

void ChartAdapter::resetColours()
{
    palette_.reset();
    scheduleRebuild();
}

void ChartAdapter::reserveColours(const QStringList& names)
{
    for (const auto& name : names)
        palette_.colourOf(name);
}

QColor ChartAdapter::seriesColour(const QString& name)
{
    ensureBuilt();
    for (QAbstractSeries* s : chart_->series())
        if (s->name() == name)
            if (auto* line = qobject_cast<QLineSeries*>(s))
                return line->pen().color();
    return {};
}

Qt::PenStyle ChartAdapter::seriesStyle(const QString& name)
{
    ensureBuilt();
    for (QAbstractSeries* s : chart_->series())
        if (s->name() == name)
            if (auto* line = qobject_cast<QLineSeries*>(s))
                return line->pen().style();
    return Qt::NoPen;
}

QStringList ChartAdapter::endLabels()
{
    ensureBuilt();
    QStringList labels;
    for (const auto& l : endLabels_)
        labels << l.text;
    return labels;
}

NiceScale ChartAdapter::yScale()
{
    ensureBuilt();
    return yScale_;
}

void ChartAdapter::placeEndLabels()
{
    // Right-aligned just above their line inside the plot area; labels of close
    // lines are pushed apart so that none covers another.
    const QRectF plot = chart_->plotArea();
    if (endLabels_.empty() || plot.isEmpty() || chart_->series().isEmpty())
        return;
    QAbstractSeries* anchor = chart_->series().front();
    std::vector<std::pair<double, QGraphicsItem*>> placed;
    for (const auto& l : endLabels_) {
        const QRectF box = l.item->boundingRect();
        const double lineY = chart_->mapToPosition(QPointF(0, l.y), anchor).y();
        placed.emplace_back(lineY - box.height(), l.item);
    }
    std::sort(placed.begin(), placed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    double nextFree = plot.top();
    for (auto& [top, item] : placed) {
        const QRectF box = item->boundingRect();
        top = std::max(top, nextFree);
        item->setPos(plot.right() - box.width() - 4, top);
        nextFree = top + box.height();
    }
}

void ChartAdapter::scheduleRebuild()
{
    dirty_ = true;
    if (!rebuildTimer_->isActive())
        rebuildTimer_->start();
}

void ChartAdapter::ensureBuilt()
{
    if (dirty_)
        rebuild();
}

void ChartAdapter::setEmptyText(const QString& text)
{
    empty_->setText(text);
    stack_->setCurrentWidget(text.isEmpty() ? static_cast<QWidget*>(view_) : empty_);
}

void ChartAdapter::clear()
{
    curves_.clear();
    bars_ = false;
    barLabels_.clear();
    barValues_.clear();
    markerShown_ = false;
    scheduleRebuild();
}

void ChartAdapter::setTitle(const QString& title)
{
    title_ = title;
    chart_->setTitle(title);
}

void ChartAdapter::setAxisTitles(const QString& x, const QString& y)
{
    xTitle_ = x;
    yTitle_ = y;
    scheduleRebuild();
}

void ChartAdapter::addCurve(const QString& name, const std::vector<QPointF>& points, bool emphasised)
{
    bars_ = false;
    curves_.push_back({name, points, emphasised, false});
    scheduleRebuild();
}

void ChartAdapter::addReferenceLine(const QString& name, double y)
{
    bars_ = false;
    curves_.push_back({name, {QPointF(0, y)}, false, true});
    scheduleRebuild();
}

void ChartAdapter::setMarker(double x, const QString& label)
{
    const bool show = !std::isnan(x);
    const bool wasShown = markerShown_;
    markerShown_ = show;
    markerX_ = show ? x : 0;
    markerLabel_ = label;
    if (!dirty_ && show && wasShown && markerSeries_) {
        // Only the marker moves (K changed): no rebuild.
        markerSeries_->setName(label);
        markerSeries_->replace({QPointF(markerX_, yLow_), QPointF(markerX_, yHigh_)});
        return;
    }
    scheduleRebuild();
}

QStringList ChartAdapter::curveNames() const
{
    QStringList names;
    for (const auto& c : curves_)
        names << c.name;
    return names;
}

void ChartAdapter::setBars(const QString& title, const QStringList& labels, const std::vector<double>& values)
{
    curves_.clear();
    markerShown_ = false;
    bars_ = true;
    title_ = title;
    barLabels_ = labels;
    barValues_ = values;
    scheduleRebuild();
}

void ChartAdapter::rebuild()
{
    dirty_ = false;
    markerSeries_ = nullptr;
    for (auto& l : endLabels_)
        delete l.item;
    endLabels_.clear();
    chart_->removeAllSeries();
    for (QAbstractAxis* axis : chart_->axes())
        chart_->removeAxis(axis);
    chart_->setTitle(title_);

    if (bars_) {
        auto* set = new QBarSet(tr("utility"));
        // Largest on top: horizontal bars draw the first category at the bottom. Only
        // as many bars as have room for their label (the axis would skip labels).
        QStringList labels;
        shownBars_ = barsThatFit();
        for (int i = shownBars_ - 1; i >= 0; --i) {
            *set << barValues_[static_cast<std::size_t>(i)];
            labels << barLabels_.value(i);
        }
        set->setColor(QColor(0x3b, 0x75, 0xaf));
        // Bars are appended last-first (largest on top): map back to setBars()' order.
        connect(set, &QBarSet::clicked, this, [this, shown = shownBars_](int i) { Q_EMIT barClicked(shown - 1 - i); });
        auto* series = new QHorizontalBarSeries;
        series->append(set);
        chart_->addSeries(series);
        auto* y = new QBarCategoryAxis;
        y->append(labels);
        y->setTruncateLabels(false);
        auto* x = new QValueAxis;
        const double maxValue = barValues_.empty() ? 1.0 : *std::max_element(barValues_.begin(), barValues_.end());
        const NiceScale scale = niceScale(0, maxValue > 0 ? maxValue : 1.0, 5);
        x->setRange(scale.low, scale.high);
        x->setTickType(QValueAxis::TicksDynamic);
        x->setTickAnchor(scale.low);
        x->setTickInterval(scale.step);
        x->setLabelFormat(QStringLiteral("%.%1f").arg(scale.decimals));
        chart_->addAxis(y, Qt::AlignLeft);
        chart_->addAxis(x, Qt::AlignBottom);
        series->attachAxis(x);
        series->attachAxis(y);
        chart_->legend()->hide();
        return;
    }

    chart_->legend()->show();
    // Many curves (an experiment with several configurations and the baselines): one
    // legend entry per line at the right, so that names are not elided into "mobile...".
    const auto inLegend = std::count_if(curves_.begin(), curves_.end(), [](const Curve& c) { return !c.reference; });
    chart_->legend()->setAlignment(inLegend > 6 ? Qt::AlignRight : Qt::AlignBottom);
    double xMin = std::numeric_limits<double>::max(), xMax = std::numeric_limits<double>::lowest();
    double yMin = xMin, yMax = xMax;
    for (const auto& c : curves_)
        for (const auto& p : c.points) {
            if (!c.reference) {
                xMin = std::min(xMin, p.x());
                xMax = std::max(xMax, p.x());
            }
            yMin = std::min(yMin, p.y());
            yMax = std::max(yMax, p.y());
        }
    if (xMin > xMax) {
        xMin = 0;
        xMax = 1;
    }
    if (yMin > yMax) {
        yMin = 0;
        yMax = 1;
    }
    // Round ticks on both axes: K on multiples of a nice step from 0 whatever the
    // sweep's first K; RMSE between nice bounds a little beyond the data.
    const double pad = std::max(1e-3, (yMax - yMin) * 0.04);
    auto* x = new QValueAxis;
    x->setTitleText(xTitle_);
    x->setRange(xMin, xMax);
    const double xStep = niceStep(xMax - xMin, 8);
    x->setLabelFormat(QStringLiteral("%.%1f").arg(decimalsFor(xStep)));
    x->setTickType(QValueAxis::TicksDynamic);
    x->setTickAnchor(0);
    x->setTickInterval(xStep);
    yScale_ = niceScale(yMin - pad, yMax + pad, 7);
    auto* y = new QValueAxis;
    y->setTitleText(yTitle_);
    y->setRange(yScale_.low, yScale_.high);
    y->setTickType(QValueAxis::TicksDynamic);
    y->setTickAnchor(yScale_.low);
    y->setTickInterval(yScale_.step);
    y->setLabelFormat(QStringLiteral("%.%1f").arg(yScale_.decimals));
    chart_->addAxis(x, Qt::AlignBottom);
    chart_->addAxis(y, Qt::AlignLeft);

    for (const auto& c : curves_) {
        auto* s = new QLineSeries;
        s->setName(c.name);
        QPen pen;
        if (c.reference) {
            // Baselines: dark grey, each in its own dash style, named at the right end.
            s->append(xMin, c.points.front().y());
            s->append(xMax, c.points.front().y());
            pen.setColor(QColor(0x50, 0x50, 0x50));
            pen.setStyle(palette_.styleOf(c.name));
            pen.setWidthF(1.6);
            auto* box = new QGraphicsRectItem(chart_);
            auto* text = new QGraphicsSimpleTextItem(c.name, box);
            QFont font = text->font();
            font.setPointSizeF(font.pointSizeF() * 0.9);
            text->setFont(font);
            text->setBrush(QColor(0x30, 0x30, 0x30));
            text->setPos(3, 0);
            box->setRect(text->boundingRect().adjusted(0, 0, 6, 0));
            box->setBrush(QColor(255, 255, 255, 210));
            box->setPen(Qt::NoPen);
            box->setZValue(10);
            endLabels_.push_back({box, c.name, c.points.front().y()});
        } else {
            for (const auto& p : c.points)
                s->append(p);
            pen.setColor(palette_.colourOf(c.name));
            pen.setWidthF(c.emphasised ? 3.2 : 2.0);
        }
        s->setPen(pen);
        chart_->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
        if (c.reference)  // named at the line's end: the legend keeps its room for the curves
            for (QLegendMarker* marker : chart_->legend()->markers(s))
                marker->setVisible(false);
    }
    yLow_ = yScale_.low;
    yHigh_ = yScale_.high;
    if (markerShown_) {
        auto* m = new QLineSeries;
        markerSeries_ = m;
        m->setName(markerLabel_);
        m->append(markerX_, yLow_);
        m->append(markerX_, yHigh_);
        QPen pen(QColor(0x44, 0x44, 0x44));
        pen.setStyle(Qt::DotLine);
        pen.setWidthF(1.5);
        m->setPen(pen);
        chart_->addSeries(m);
        m->attachAxis(x);
        m->attachAxis(y);
    }
    placeEndLabels();
}

void ChartAdapter::renderTo(QPainter& painter, QSize size)
{
    ensureBuilt();
    // Lay the chart out at the export size, draw its scene, then restore the on-screen layout.
    const QRectF old = chart_->geometry();
    const QRectF target(QPointF(0, 0), QSizeF(size));
    chart_->setGeometry(target);
    chart_->scene()->render(&painter, target, target);
    chart_->setGeometry(old);
}

bool ChartAdapter::exportPng(const QString& file, QSize size)
{
    QImage image(size, QImage::Format_ARGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    renderTo(painter, size);
    painter.end();
    return image.save(file, "PNG");
}

bool ChartAdapter::exportSvg(const QString& file, QSize size)
{
    QSvgGenerator generator;
    generator.setFileName(file);
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(0, 0), size));
    generator.setTitle(title_);
    QPainter painter;
    if (!painter.begin(&generator))
        return false;
    renderTo(painter, size);
    return painter.end();
}

}  // namespace tl::ui
