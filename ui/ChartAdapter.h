#pragma once
// The one place that knows Qt Charts (deprecated from Qt 6.10 in favour of Qt
// Graphs): views describe curves, reference lines, a vertical marker and bar
// lists; this class draws them and exports PNG/SVG. Swapping the chart library
// means rewriting this file only.

#include <QColor>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

#include "ui/ChartStyle.h"

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
class QGraphicsItem;
class QLabel;
class QLineSeries;
class QTimer;
class QPainter;
class QStackedLayout;
QT_END_NAMESPACE

namespace tl::ui {

class ChartAdapter : public QWidget {
    Q_OBJECT
public:
    explicit ChartAdapter(QWidget* parent = nullptr);

    // Line chart ------------------------------------------------------------
    void clear();
    void setTitle(const QString& title);
    void setAxisTitles(const QString& x, const QString& y);
    void addCurve(const QString& name, const std::vector<QPointF>& points, bool emphasised = false);
    // A horizontal line across the x range of the curves, in a dash style of its
    // own and named at its right end.
    void addReferenceLine(const QString& name, double y);
    // Forgets the colours and dash styles given so far (a new project); until
    // then a name keeps its colour whatever curves come and go.
    void resetColours();
    // Gives these names their colours now, in this order (the project's configurations
    // at open), so that the colours do not depend on which model finishes first.
    void reserveColours(const QStringList& names);
    // A vertical marker (the current K); NaN hides it.
    void setMarker(double x, const QString& label);
    double markerX() const { return markerX_; }
    int curveCount() const { return static_cast<int>(curves_.size()); }
    QStringList curveNames() const;

    // Horizontal bar chart (replaces the line chart content).
    void setBars(const QString& title, const QStringList& labels, const std::vector<double>& values);
    QStringList barLabels() const { return barLabels_; }
    // How many of the bars are drawn: those whose labels have room at the current height.
    int shownBarCount() { ensureBuilt(); return shownBars_; }

    // What is drawn (after pending rebuilds): the pen of a series by name (an
    // invalid colour when absent), the labels at the reference lines' ends, the
    // y axis range and tick step.
    QColor seriesColour(const QString& name);
    Qt::PenStyle seriesStyle(const QString& name);
    QStringList endLabels();
    NiceScale yScale();

    // Text shown instead of the chart while there is nothing to draw.
    void setEmptyText(const QString& text);

Q_SIGNALS:
    // A bar was clicked: its index in setBars()' lists (0: the first, drawn on top).
    void barClicked(int index);

public:

    bool exportPng(const QString& file, QSize size = {1200, 800});
    bool exportSvg(const QString& file, QSize size = {1200, 800});

private:
    struct Curve {
        QString name;
        std::vector<QPointF> points;
        bool emphasised;
        bool reference;
    };
    // Changes mark the chart dirty; one rebuild follows on a 40 ms coalescing timer
    // (docs/architecture.md), so a burst of curves or K steps costs one redraw.
    void scheduleRebuild();
    void rebuild();
    void ensureBuilt();
    void renderTo(QPainter& painter, QSize size);
    void placeEndLabels();
    int barsThatFit() const;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:

    QChart* chart_;
    QTimer* rebuildTimer_;
    bool dirty_ = false;
    QLineSeries* markerSeries_ = nullptr;
    double yLow_ = 0, yHigh_ = 1;
    QChartView* view_;
    QLabel* empty_;
    QStackedLayout* stack_;
    QString title_, xTitle_, yTitle_;
    std::vector<Curve> curves_;
    double markerX_ = 0;
    bool markerShown_ = false;
    QString markerLabel_;
    bool bars_ = false;
    QStringList barLabels_;
    std::vector<double> barValues_;
    int shownBars_ = 0;
    SeriesPalette palette_;
    NiceScale yScale_;
    struct EndLabel {
        QGraphicsItem* item;
        QString text;
        double y;
    };
    std::vector<EndLabel> endLabels_;
};

}  // namespace tl::ui
