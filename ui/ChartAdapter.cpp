#include "ui/ChartAdapter.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QHorizontalBarSeries>
#include <QLabel>
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
    setMinimumSize(240, 180);
    rebuildTimer_ = new QTimer(this);
    rebuildTimer_->setSingleShot(true);
    rebuildTimer_->setInterval(40);
    connect(rebuildTimer_, &QTimer::timeout, this, &ChartAdapter::ensureBuilt);
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
    chart_->removeAllSeries();
    for (QAbstractAxis* axis : chart_->axes())
        chart_->removeAxis(axis);
    chart_->setTitle(title_);

    if (bars_) {
        auto* set = new QBarSet(tr("utility"));
        // Largest on top: horizontal bars draw the first category at the bottom.
        QStringList labels;
        for (int i = static_cast<int>(barValues_.size()) - 1; i >= 0; --i) {
            *set << barValues_[static_cast<std::size_t>(i)];
            labels << barLabels_.value(i);
        }
        set->setColor(QColor(0x3b, 0x75, 0xaf));
        auto* series = new QHorizontalBarSeries;
        series->append(set);
        chart_->addSeries(series);
        auto* y = new QBarCategoryAxis;
        y->append(labels);
        y->setTruncateLabels(false);
        auto* x = new QValueAxis;
        const double top = barValues_.empty() ? 1.0 : *std::max_element(barValues_.begin(), barValues_.end());
        x->setLabelFormat(top >= 100 ? "%.0f" : "%.2f");
        x->setTickCount(4);
        const double maxValue = barValues_.empty() ? 1.0 : *std::max_element(barValues_.begin(), barValues_.end());
        x->setRange(0, maxValue > 0 ? maxValue * 1.05 : 1.0);
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
    chart_->legend()->setAlignment(curves_.size() > 8 ? Qt::AlignRight : Qt::AlignBottom);
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
    const double pad = std::max(1e-3, (yMax - yMin) * 0.08);
    auto* x = new QValueAxis;
    x->setTitleText(xTitle_);
    x->setRange(xMin, xMax);
    bool integralX = true, integralY = true;
    for (const auto& c : curves_)
        for (const auto& p : c.points) {
            integralX = integralX && (c.reference || p.x() == std::round(p.x()));
            integralY = integralY && p.y() == std::round(p.y());
        }
    const double span = xMax - xMin;
    if (integralX) {
        x->setLabelFormat("%d");
        // Round ticks (0, 10, 20 ... or 0, 20, 40 ...) whatever the sweep's first K.
        const double step = span > 100 ? std::pow(10.0, std::floor(std::log10(span / 5))) * 2 : (span > 50 ? 20 : (span > 20 ? 10 : 5));
        x->setTickType(QValueAxis::TicksDynamic);
        x->setTickAnchor(0);
        x->setTickInterval(step);
    } else {
        // Fractional x (a histogram of similarities): five ticks, enough digits.
        x->setLabelFormat("%.6g");
        x->setTickCount(5);
    }
    auto* y = new QValueAxis;
    y->setTitleText(yTitle_);
    y->setRange(integralY ? std::min(0.0, yMin) : yMin - pad, yMax + pad);
    y->setLabelFormat(integralY ? "%.0f" : "%.3f");
    chart_->addAxis(x, Qt::AlignBottom);
    chart_->addAxis(y, Qt::AlignLeft);

    static const QColor palette[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28), QColor(0x2c, 0xa0, 0x2c),
                                     QColor(0x94, 0x67, 0xbd), QColor(0xff, 0x7f, 0x0e), QColor(0x8c, 0x56, 0x4b),
                                     QColor(0xe3, 0x77, 0xc2), QColor(0x17, 0xbe, 0xcf)};
    int colour = 0, grey = 0;
    for (const auto& c : curves_) {
        auto* s = new QLineSeries;
        s->setName(c.name);
        QPen pen;
        if (c.reference) {
            s->append(xMin, c.points.front().y());
            s->append(xMax, c.points.front().y());
            pen.setColor(QColor::fromHsv(0, 0, 90 + 35 * (grey++ % 4)));
            pen.setStyle(Qt::DashLine);
            pen.setWidthF(1.2);
        } else {
            for (const auto& p : c.points)
                s->append(p);
            pen.setColor(palette[colour++ % 8]);
            pen.setWidthF(c.emphasised ? 3.0 : 1.8);
        }
        s->setPen(pen);
        chart_->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
    }
    yLow_ = yMin - pad;
    yHigh_ = yMax + pad;
    if (markerShown_) {
        auto* m = new QLineSeries;
        markerSeries_ = m;
        m->setName(markerLabel_);
        m->append(markerX_, yMin - pad);
        m->append(markerX_, yMax + pad);
        QPen pen(QColor(0x44, 0x44, 0x44));
        pen.setStyle(Qt::DotLine);
        pen.setWidthF(1.5);
        m->setPen(pen);
        chart_->addSeries(m);
        m->attachAxis(x);
        m->attachAxis(y);
    }
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
