#include "ui/MapCanvas.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tl::ui {

namespace {
constexpr double kMargin = 14;
constexpr double kPickRadius = 7;
}  // namespace

MapCanvas::MapCanvas(QWidget* parent) : QWidget(parent)
{
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void MapCanvas::setPoints(std::vector<MapCanvasPoint> points, const QStringList& categories,
                          const std::vector<QColor>& colours)
{
    points_ = std::move(points);
    categories_ = categories;
    colours_ = colours;
    message_.clear();
    selected_ = -1;
    neighbours_.clear();
    hovered_ = -1;
    trail_ = -1;
    trailFrom_.reset();
    layoutPoints();
    update();
}

void MapCanvas::setTrail(int point, std::optional<QPointF> from)
{
    trail_ = point >= 0 && point < static_cast<int>(points_.size()) ? point : -1;
    trailFrom_ = trail_ >= 0 ? from : std::nullopt;
    layoutPoints();
    update();
}

void MapCanvas::clear(const QString& message)
{
    points_.clear();
    screen_.clear();
    categories_.clear();
    selected_ = -1;
    neighbours_.clear();
    hovered_ = -1;
    trail_ = -1;
    trailFrom_.reset();
    message_ = message;
    update();
}

void MapCanvas::setHighlight(int selected, std::vector<int> neighbours)
{
    selected_ = selected;
    neighbours_ = std::move(neighbours);
    update();
}

void MapCanvas::setHoverCard(const QImage& image, const QString& text)
{
    hoverImage_ = image;
    hoverText_ = text;
    update();
}

void MapCanvas::setKindsShown(bool items, bool users)
{
    showItems_ = items;
    showUsers_ = users;
    hovered_ = -1;
    update();
}

QPointF MapCanvas::widgetPosition(int point) const
{
    return point >= 0 && point < static_cast<int>(screen_.size()) ? screen_[static_cast<std::size_t>(point)] : QPointF();
}

int MapCanvas::pointAt(const QPointF& pos) const
{
    int best = -1;
    double bestDistance = kPickRadius * kPickRadius;
    for (std::size_t i = 0; i < screen_.size(); ++i) {
        if (!(points_[i].user ? showUsers_ : showItems_))
            continue;
        const QPointF d = screen_[i] - pos;
        const double distance = d.x() * d.x() + d.y() * d.y();
        const bool better = distance < bestDistance ||
                            (distance == bestDistance && best >= 0 && points_[i].user && !points_[std::size_t(best)].user);
        if (better && distance <= kPickRadius * kPickRadius) {
            best = static_cast<int>(i);
            bestDistance = distance;
        }
    }
    return best;
}

void MapCanvas::layoutPoints()
{
    screen_.assign(points_.size(), QPointF());
    if (points_.empty())
        return;
    double minX = std::numeric_limits<double>::infinity(), maxX = -minX, minY = minX, maxY = -minX;
    std::vector<QPointF> extent;
    extent.reserve(points_.size() + 1);
    for (const auto& p : points_)
        extent.push_back(p.position);
    if (trailFrom_)
        extent.push_back(*trailFrom_);  // where the moved point was stays on screen
    for (const auto& p : extent) {
        minX = std::min(minX, p.x());
        maxX = std::max(maxX, p.x());
        minY = std::min(minY, p.y());
        maxY = std::max(maxY, p.y());
    }
    const double w = std::max(1.0, width() - 2 * kMargin), h = std::max(1.0, height() - 2 * kMargin);
    const double spanX = std::max(maxX - minX, 1e-12), spanY = std::max(maxY - minY, 1e-12);
    // One scale for both axes: distances on screen keep the map's proportions.
    const double scale = std::min(w / spanX, h / spanY);
    const double offX = kMargin + (w - spanX * scale) / 2, offY = kMargin + (h - spanY * scale) / 2;
    const auto toScreen = [&](const QPointF& p) {
        return QPointF(offX + (p.x() - minX) * scale, offY + (maxY - p.y()) * scale);  // y up
    };
    for (std::size_t i = 0; i < points_.size(); ++i)
        screen_[i] = toScreen(points_[i].position);
    if (trailFrom_)
        trailFromScreen_ = toScreen(*trailFrom_);
}

QColor MapCanvas::colourOf(const MapCanvasPoint& p) const
{
    if (p.category >= 0 && p.category < static_cast<int>(colours_.size()))
        return colours_[static_cast<std::size_t>(p.category)];
    return QColor(150, 150, 150);
}

void MapCanvas::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().base());
    if (points_.empty()) {
        if (!visibleRegion().isEmpty())
            QMetaObject::invokeMethod(this, &MapCanvas::exposedEmpty, Qt::QueuedConnection);
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect().adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap, message_);
        return;
    }
    painter.setRenderHint(QPainter::Antialiasing, true);
    const bool focus = selected_ >= 0;
    // Users (dots) under trailers (outlined squares), so the trailers' groups stay
    // readable among many users; both dimmed while a user is selected.
    for (int pass = 0; pass < 2; ++pass) {
        const bool users = pass == 0;
        if (!(users ? showUsers_ : showItems_))
            continue;
        painter.setPen(users ? QPen(Qt::NoPen) : QPen(QColor(40, 40, 40, focus ? 110 : 160), 0.8));
        for (std::size_t i = 0; i < points_.size(); ++i) {
            const auto& p = points_[i];
            if (p.user != users)
                continue;
            QColor c = colourOf(p);
            c.setAlpha(users ? (focus ? 60 : 130) : (focus ? 170 : 255));
            painter.setBrush(c);
            const QPointF s = screen_[i];
            if (users && p.playground) {
                // A what-if user: an outlined diamond, visible among the source users.
                c.setAlpha(255);
                painter.save();
                painter.setPen(QPen(QColor(20, 20, 20), 1.2));
                painter.setBrush(c);
                painter.drawPolygon(QPolygonF({s + QPointF(0, -5.5), s + QPointF(5.5, 0), s + QPointF(0, 5.5),
                                               s + QPointF(-5.5, 0)}));
                painter.restore();
            } else if (users)
                painter.drawEllipse(s, 2.4, 2.4);
            else
                painter.drawRect(QRectF(s.x() - 4, s.y() - 4, 8, 8));
        }
    }
    if (focus && selected_ < static_cast<int>(screen_.size())) {
        const QPointF centre = screen_[static_cast<std::size_t>(selected_)];
        painter.setPen(QPen(QColor(0, 0, 0, 110), 1));
        for (int n : neighbours_)
            painter.drawLine(centre, screen_[static_cast<std::size_t>(n)]);
        for (int n : neighbours_) {
            painter.setPen(QPen(QColor(20, 20, 20), 1.2));
            painter.setBrush(colourOf(points_[static_cast<std::size_t>(n)]));
            painter.drawEllipse(screen_[static_cast<std::size_t>(n)], 4.5, 4.5);
        }
        painter.setPen(QPen(Qt::black, 2.5));
        painter.setBrush(colourOf(points_[static_cast<std::size_t>(selected_)]));
        if (points_[static_cast<std::size_t>(selected_)].playground)
            painter.drawPolygon(QPolygonF({centre + QPointF(0, -9), centre + QPointF(9, 0), centre + QPointF(0, 9),
                                           centre + QPointF(-9, 0)}));
        else
            painter.drawEllipse(centre, 7, 7);
    }
    // The moved point: a dashed trail from where it was, and a ring where it is now.
    if (trail_ >= 0 && trail_ < static_cast<int>(screen_.size())) {
        const QPointF now = screen_[static_cast<std::size_t>(trail_)];
        const QColor trail(0xd0, 0x60, 0x00);
        const double ring = 12;
        if (trailFrom_) {
            const QPointF d = now - trailFromScreen_;
            const double length = std::hypot(d.x(), d.y());
            if (length > ring + 2) {
                // Dashed from where it was to the ring, with an arrowhead on the ring.
                const QPointF unit = d / length;
                const QPointF tip = now - unit * ring;
                const QPointF normal(-unit.y(), unit.x());
                painter.setPen(QPen(trail, 2.5, Qt::DashLine, Qt::RoundCap));
                painter.drawLine(trailFromScreen_, tip - unit * 6);
                painter.setPen(Qt::NoPen);
                painter.setBrush(trail);
                painter.drawPolygon(QPolygonF({tip, tip - unit * 9 + normal * 5, tip - unit * 9 - normal * 5}));
            }
            painter.setPen(QPen(trail, 2));
            painter.setBrush(palette().base());
            painter.drawEllipse(trailFromScreen_, 4.5, 4.5);
        }
        painter.setPen(QPen(trail, 2.5));
        painter.setBrush(Qt::NoBrush);
        painter.drawEllipse(now, ring, ring);
    }
    // Legend, top left.
    painter.setRenderHint(QPainter::Antialiasing, false);
    const QFontMetrics fm = fontMetrics();
    if (!categories_.isEmpty()) {
        int widest = 0;
        for (const auto& c : categories_)
            widest = std::max(widest, fm.horizontalAdvance(c));
        const int line = fm.height();
        QRect box(6, 6, widest + 30, line * static_cast<int>(categories_.size()) + 8);
        painter.setPen(QColor(0, 0, 0, 60));
        painter.setBrush(QColor(255, 255, 255, 215));
        painter.drawRect(box);
        for (int i = 0; i < categories_.size(); ++i) {
            const int y = box.top() + 4 + i * line;
            painter.setPen(Qt::NoPen);
            painter.setBrush(i < static_cast<int>(colours_.size()) ? colours_[std::size_t(i)] : QColor(150, 150, 150));
            painter.drawRect(box.left() + 6, y + line / 2 - 5, 10, 10);
            painter.setPen(palette().color(QPalette::Text));
            painter.drawText(QPoint(box.left() + 22, y + fm.ascent()), categories_[i]);
        }
    }
    // Hover card beside the pointer, kept inside the widget.
    if (hovered_ >= 0 && (!hoverText_.isEmpty() || !hoverImage_.isNull())) {
        const QImage image = hoverImage_.isNull() ? QImage() : hoverImage_.scaledToWidth(160, Qt::SmoothTransformation);
        const QRect textRect = fm.boundingRect(QRect(0, 0, 260, 400), Qt::TextWordWrap, hoverText_);
        const int w = std::max(image.width(), textRect.width()) + 12;
        const int h = image.height() + textRect.height() + (image.isNull() ? 10 : 16);
        QPoint at = hoverPos_.toPoint() + QPoint(14, 14);
        if (at.x() + w > width())
            at.setX(hoverPos_.toPoint().x() - 14 - w);
        if (at.y() + h > height())
            at.setY(std::max(0, height() - h));
        const QRect card(at, QSize(w, h));
        painter.setPen(QColor(0, 0, 0, 120));
        painter.setBrush(QColor(255, 255, 240));
        painter.drawRect(card);
        int y = card.top() + 6;
        if (!image.isNull()) {
            painter.drawImage(QPoint(card.left() + 6, y), image);
            y += image.height() + 6;
        }
        painter.setPen(QColor(20, 20, 20));
        painter.drawText(QRect(card.left() + 6, y, w - 12, textRect.height()), Qt::TextWordWrap, hoverText_);
    }
}

void MapCanvas::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    layoutPoints();
}

void MapCanvas::mouseMoveEvent(QMouseEvent* event)
{
    hoverPos_ = event->position();
    const int point = pointAt(hoverPos_);
    const bool had = hovered_ >= 0;
    if (point != hovered_) {
        hovered_ = point;
        hoverImage_ = {};
        hoverText_.clear();
        Q_EMIT pointHovered(point);
    }
    if (had || hovered_ >= 0)  // the card follows the pointer; otherwise nothing changed
        update();
}

void MapCanvas::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return;
    const int point = pointAt(event->position());
    if (point >= 0)
        Q_EMIT pointClicked(point);
}

void MapCanvas::leaveEvent(QEvent* event)
{
    QWidget::leaveEvent(event);
    if (hovered_ >= 0) {
        hovered_ = -1;
        Q_EMIT pointHovered(-1);
        update();
    }
}

}  // namespace tl::ui
