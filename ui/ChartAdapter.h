#pragma once
// The one place that knows Qt Charts (deprecated from Qt 6.10 in favour of Qt
// Graphs): views describe curves, reference lines, a vertical marker and bar
// lists; this class draws them and exports PNG/SVG. Swapping the chart library
// means rewriting this file only.

#include <QPointF>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
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
    // A horizontal dashed line across the x range of the curves.
    void addReferenceLine(const QString& name, double y);
    // A vertical marker (the current K); NaN hides it.
    void setMarker(double x, const QString& label);
    double markerX() const { return markerX_; }
    int curveCount() const { return static_cast<int>(curves_.size()); }
    QStringList curveNames() const;

    // Horizontal bar chart (replaces the line chart content).
    void setBars(const QString& title, const QStringList& labels, const std::vector<double>& values);
    QStringList barLabels() const { return barLabels_; }

    // Text shown instead of the chart while there is nothing to draw.
    void setEmptyText(const QString& text);

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
};

}  // namespace tl::ui
