#include "ui/StarRating.h"

#include <QEvent>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include <algorithm>
#include <cmath>

#include "core/project/ProjectData.h"

namespace tl::ui {

namespace {

constexpr int kGap = 2;       // pixels between stars
constexpr int kMarkWidth = 9;  // the edit mark after the stars

const QColor kSetColour(0xe0, 0xa0, 0x10);
const QColor kEditColour(0xd0, 0x60, 0x00);

// A five-pointed star inscribed in `box`.
QPainterPath starPath(const QRectF& box)
{
    const QPointF c = box.center();
    const double outer = std::min(box.width(), box.height()) / 2.0;
    const double inner = outer * 0.45;
    QPainterPath path;
    for (int p = 0; p < 10; ++p) {
        const double angle = -M_PI / 2 + p * M_PI / 5;
        const double r = p % 2 == 0 ? outer : inner;
        const QPointF point(c.x() + r * std::cos(angle), c.y() + r * std::sin(angle) + outer * 0.08);
        if (p == 0)
            path.moveTo(point);
        else
            path.lineTo(point);
    }
    path.closeSubpath();
    return path;
}

// The side of one star's square in a row painted into `rect`.
int starSide(const QRect& rect)
{
    return std::max(6, std::min(rect.height() - 2, (rect.width() - kMarkWidth - (StarRating::kStars - 1) * kGap) /
                                                       StarRating::kStars));
}

QRect starBox(const QRect& rect, int n)
{
    const int side = starSide(rect);
    return {rect.left() + (n - 1) * (side + kGap), rect.top() + (rect.height() - side) / 2, side, side};
}

int wholeStars(std::optional<float> rating)
{
    return rating ? std::clamp(static_cast<int>(std::lround(*rating)), 0, StarRating::kStars) : 0;
}

}  // namespace

UserRatingState userRatingState(const tl::ProjectData& project, std::uint32_t user)
{
    UserRatingState state;
    state.rating.assign(project.data.items.size(), std::nullopt);
    state.edited.assign(project.data.items.size(), 0);
    if (user >= project.data.users.size())
        return state;
    for (std::size_t index : project.split.train) {
        const Rating& r = project.data.ratings[index];
        if (r.user == user)
            state.rating[r.item] = r.value;
    }
    const std::string& userId = project.data.users.id(user);
    for (const auto& e : project.project.ratingEdits)
        if (e.user == userId)
            if (const auto item = project.data.items.find(e.item))
                state.edited[*item] = 1;
    return state;
}

StarRating::StarRating(QWidget* parent) : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    setAccessibleName(tr("Rating"));
}

void StarRating::setRating(std::optional<float> rating, bool edited)
{
    rating_ = rating;
    edited_ = edited;
    setAccessibleDescription(rating ? tr("%n star(s)", nullptr, stars()) : tr("not rated"));
    update();
}

int StarRating::stars() const
{
    return wholeStars(rating_);
}

void StarRating::setSubject(const QString& text)
{
    subject_ = text;
}

QSize StarRating::sizeHint() const
{
    const int side = fontMetrics().height() + 2;
    return {kStars * side + (kStars - 1) * kGap + kMarkWidth + 4, side + 4};
}

QRect StarRating::starRect(int n) const
{
    return starBox(rect().adjusted(2, 2, -2, -2), n);
}

void StarRating::paint(QPainter* painter, const QRect& rect, int stars, bool edited, int hover, const QPalette& palette,
                       bool enabled)
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QColor fill = !enabled ? palette.color(QPalette::Disabled, QPalette::WindowText)
                                 : (edited ? kEditColour : kSetColour);
    const QColor outline = palette.color(enabled ? QPalette::Active : QPalette::Disabled, QPalette::WindowText);
    for (int n = 1; n <= kStars; ++n) {
        const QPainterPath path = starPath(starBox(rect, n));
        if (n <= stars)
            painter->fillPath(path, fill);
        QColor pen = n <= stars ? fill.darker(130) : outline;
        if (n > stars)
            pen.setAlpha(hover >= n ? 220 : 110);
        painter->setPen(QPen(pen, hover >= n && n > stars ? 1.6 : 1.0));
        painter->setBrush(Qt::NoBrush);
        painter->drawPath(path);
    }
    if (edited) {
        // The edit mark: a dot after the stars (hollow when the edit removed the rating).
        const QRect last = starBox(rect, kStars);
        const QRectF dot(last.right() + 4, last.top() + 1, 5, 5);
        painter->setPen(QPen(kEditColour, 1.2));
        painter->setBrush(stars > 0 ? QBrush(kEditColour) : QBrush(Qt::NoBrush));
        painter->drawEllipse(dot);
    }
    painter->restore();
}

int StarRating::starAt(const QRect& rect, int x)
{
    for (int n = 1; n <= kStars; ++n) {
        const QRect box = starBox(rect, n);
        if (x >= box.left() - kGap / 2 && x <= box.right() + kGap / 2 + (n == kStars ? 0 : 1))
            return n;
    }
    return 0;
}

void StarRating::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const QRect inner = rect().adjusted(2, 2, -2, -2);
    paint(&painter, inner, stars(), edited_, isEnabled() ? hover_ : 0, palette(), isEnabled());
    if (hasFocus()) {
        QPen pen(palette().color(QPalette::Highlight), 1, Qt::DotLine);
        painter.setPen(pen);
        painter.drawRect(rect().adjusted(0, 0, -1, -1));
    }
}

void StarRating::mouseMoveEvent(QMouseEvent* event)
{
    const int n = starAt(rect().adjusted(2, 2, -2, -2), qRound(event->position().x()));
    if (n != hover_) {
        hover_ = n;
        update();
    }
}

void StarRating::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    setFocus(Qt::MouseFocusReason);
    const int n = starAt(rect().adjusted(2, 2, -2, -2), qRound(event->position().x()));
    if (n > 0)
        Q_EMIT ratingRequested(clickRequest(stars(), n));
}

void StarRating::keyPressEvent(QKeyEvent* event)
{
    const int key = event->key();
    if (event->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier))
        return QWidget::keyPressEvent(event);
    if (key >= Qt::Key_0 && key <= Qt::Key_5)
        Q_EMIT ratingRequested(key - Qt::Key_0);
    else if (key == Qt::Key_Delete || key == Qt::Key_Backspace)
        Q_EMIT ratingRequested(0);
    else
        return QWidget::keyPressEvent(event);
    event->accept();
}

void StarRating::leaveEvent(QEvent* event)
{
    hover_ = 0;
    update();
    QWidget::leaveEvent(event);
}

bool StarRating::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto* help = static_cast<QHelpEvent*>(event);
        const int n = starAt(rect().adjusted(2, 2, -2, -2), help->pos().x());
        QString text;
        if (!isEnabled())
            text = subject_.isEmpty() ? tr("Nothing to rate") : subject_;
        else {
            QString now = rating_ ? tr("Rated %1").arg(static_cast<double>(*rating_), 0, 'g', 3) : tr("Not rated");
            if (edited_)
                now += rating_ ? tr(" (what-if edit, not in the source ratings)") : tr(" (removed by a what-if edit)");
            const QString action = n == 0 ? tr("Click a star or press 1-5 to rate, 0 or Delete to remove.")
                                   : clickRequest(stars(), n) == 0
                                       ? tr("Click to remove the rating.")
                                       : tr("Click to rate %n star(s).", nullptr, n);
            text = (subject_.isEmpty() ? QString() : subject_ + QLatin1Char('\n')) + now + QLatin1Char('\n') + action +
                   tr("\nEdit > Undo takes it back.");
        }
        QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

void StarDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyledItemDelegate::paint(painter, option, index);
    const QRect area = option.rect.adjusted(4, 2, -4, -2);
    StarRating::paint(painter, area, index.data(kStarsRole).toInt(), index.data(kEditedRole).toBool(), 0,
                      option.palette, (option.state & QStyle::State_Enabled) != 0);
}

int StarDelegate::widthFor(const QFontMetrics& metrics)
{
    return StarRating::kStars * metrics.height() + (StarRating::kStars - 1) * kGap + kMarkWidth + 10;
}

QSize StarDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    return {widthFor(option.fontMetrics), QStyledItemDelegate::sizeHint(option, index).height()};
}

bool StarDelegate::editorEvent(QEvent* event, QAbstractItemModel* model, const QStyleOptionViewItem& option,
                               const QModelIndex& index)
{
    if (event->type() == QEvent::MouseButtonRelease) {
        const auto* mouse = static_cast<QMouseEvent*>(event);
        if (mouse->button() == Qt::LeftButton) {
            const int n = StarRating::starAt(option.rect.adjusted(4, 2, -4, -2), qRound(mouse->position().x()));
            if (n > 0) {
                Q_EMIT ratingRequested(index, StarRating::clickRequest(index.data(kStarsRole).toInt(), n));
                return true;
            }
        }
    }
    return QStyledItemDelegate::editorEvent(event, model, option, index);
}

}  // namespace tl::ui
