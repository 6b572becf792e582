#pragma once
// The scatter of the user-item map: trailers as squares, users as dots, coloured
// by a category index, the selected user ringed and its neighbours linked to it,
// a hover card (thumbnail or summary text, given by the owner) beside the
// pointer, and a legend. Playground users (what-if users made in the workbench) are
// drawn as outlined diamonds. A trail marks a point that moved: a dashed line from
// where it was (on the map before, in this map's coordinates) to where it is, and a
// ring round it. Painted directly with QPainter from precomputed screen
// positions, so a few thousand points repaint in a few milliseconds.
// Passive: hovering and clicking emit the point's index; the owner decides.
//
// Threading: GUI thread only.

#include <QColor>
#include <QImage>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <cstdint>
#include <optional>
#include <vector>

namespace tl::ui {

struct MapCanvasPoint {
    bool user = false;
    std::uint32_t index = 0;  // dataset user or item index
    QPointF position;         // map coordinates
    int category = -1;        // index into the legend's colours; -1: none (grey)
    bool playground = false;  // a user made in the workbench (drawn as a diamond)
};

class MapCanvas : public QWidget {
    Q_OBJECT
public:
    explicit MapCanvas(QWidget* parent = nullptr);

    void setPoints(std::vector<MapCanvasPoint> points, const QStringList& categories, const std::vector<QColor>& colours);
    void clear(const QString& message);
    // The selected user's point index (-1: none) and its neighbours' point indices, in rank order.
    void setHighlight(int selected, std::vector<int> neighbours);
    void setHoverCard(const QImage& image, const QString& text);
    // Which kinds are drawn (and can be hovered or clicked).
    void setKindsShown(bool items, bool users);
    // Marks `point` as moved from `from` (map coordinates; none: it was not on the map
    // before, only the ring is drawn). point -1 clears the trail. Cleared by setPoints/clear.
    void setTrail(int point, std::optional<QPointF> from);
    int trailPoint() const { return trail_; }
    std::optional<QPointF> trailOrigin() const { return trailFrom_; }

    const std::vector<MapCanvasPoint>& points() const { return points_; }
    int selectedPoint() const { return selected_; }
    const std::vector<int>& neighbourPoints() const { return neighbours_; }
    // Where point i is drawn, in widget coordinates.
    QPointF widgetPosition(int point) const;
    // The point drawn nearest to `pos` within a few pixels, else -1 (users before items on ties).
    int pointAt(const QPointF& pos) const;

    QSize sizeHint() const override { return {480, 420}; }
    QSize minimumSizeHint() const override { return {240, 200}; }

Q_SIGNALS:
    void pointHovered(int point);  // -1 when the pointer leaves every point
    void pointClicked(int point);
    // Painted on screen while empty (queued): the owner may fill it now that it is seen.
    void exposedEmpty();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void layoutPoints();
    QColor colourOf(const MapCanvasPoint& p) const;

    std::vector<MapCanvasPoint> points_;
    std::vector<QPointF> screen_;
    QStringList categories_;
    std::vector<QColor> colours_;
    QString message_;
    int selected_ = -1;
    std::vector<int> neighbours_;
    int hovered_ = -1;
    bool showItems_ = true, showUsers_ = true;
    QPointF hoverPos_;
    QImage hoverImage_;
    QString hoverText_;
    int trail_ = -1;
    std::optional<QPointF> trailFrom_;
    QPointF trailFromScreen_;
};

}  // namespace tl::ui
