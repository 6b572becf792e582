#pragma once
// Rating controls: five stars showing one user's rating of one trailer, and the
// requests to change it. Used by the trailer view (the shown trailer), the library
// (a "Your rating" column, drawn by StarDelegate) and the user explorer (the
// selected recommendation).
//
// Passive: a click on star n, or the keys 1-5, ask for n stars (ratingRequested);
// a click on the star already set, 0, Delete or Backspace ask to remove the rating
// (ratingRequested(0)). The widget does not change what it shows by itself: its
// owner forwards the request (Workbench::editRating) and sets the new state back
// with setRating once the rating changed. A rating that is a what-if edit (not in
// the source ratings) is drawn in the edit colour with a small dot after the stars.
//
// Threading: GUI thread only.

#include <QStyledItemDelegate>
#include <QWidget>

#include <cstdint>
#include <optional>
#include <vector>

namespace tl {
struct ProjectData;
}

namespace tl::ui {

// The training ratings of one user (by item index, empty where unrated) and which items
// carry a what-if edit (a set or a removal) in the project's overlay.
struct UserRatingState {
    std::vector<std::optional<float>> rating;
    std::vector<char> edited;
    std::optional<float> ratingOf(std::uint32_t item) const
    {
        return item < rating.size() ? rating[item] : std::nullopt;
    }
    bool isEdited(std::uint32_t item) const { return item < edited.size() && edited[item]; }
};
UserRatingState userRatingState(const tl::ProjectData& project, std::uint32_t user);

class StarRating : public QWidget {
    Q_OBJECT
public:
    static constexpr int kStars = 5;
    explicit StarRating(QWidget* parent = nullptr);

    // What is shown: the rating (rounded to whole stars; empty: unrated) and whether it is a
    // what-if edit. `edited` with no rating: the source rating was removed by an edit.
    void setRating(std::optional<float> rating, bool edited);
    std::optional<float> rating() const { return rating_; }
    bool isEdited() const { return edited_; }
    // Whole stars shown (0: none).
    int stars() const;
    // Who is rating what, for the tooltip ("playground-1 rating Trailer 3").
    void setSubject(const QString& text);

    // Where star n (1-5) is drawn, in widget coordinates.
    QRect starRect(int n) const;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return sizeHint(); }

    // Draws `stars` filled stars of five into `rect` (edited: in the edit colour, with the
    // edit mark; hover > 0: the stars up to it outlined as a preview). Shared with StarDelegate.
    static void paint(QPainter* painter, const QRect& rect, int stars, bool edited, int hover, const QPalette& palette,
                      bool enabled = true);
    // The star (1-5) under x in a row of stars painted into `rect`, else 0.
    static int starAt(const QRect& rect, int x);
    // What a click on star n asks for when `current` stars are shown: n, or 0 (remove) on the same star.
    static int clickRequest(int current, int n) { return n == current ? 0 : n; }

Q_SIGNALS:
    void ratingRequested(int stars);  // 1-5; 0 removes the rating

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;
    bool event(QEvent* event) override;

private:
    std::optional<float> rating_;
    bool edited_ = false;
    int hover_ = 0;
    QString subject_;
};

// Paints a StarRating in a table cell from two roles of the index: kStarsRole (int,
// 0-5) and kEditedRole (bool). A click on a star emits ratingRequested(row's index, n)
// with the same rule as the widget (the set star again: 0).
class StarDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    static constexpr int kStarsRole = Qt::UserRole + 20;
    static constexpr int kEditedRole = Qt::UserRole + 21;
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    // The width a cell needs for the stars and the edit mark.
    static int widthFor(const QFontMetrics& metrics);
    bool editorEvent(QEvent* event, QAbstractItemModel* model, const QStyleOptionViewItem& option,
                     const QModelIndex& index) override;

Q_SIGNALS:
    void ratingRequested(const QModelIndex& index, int stars);
};

}  // namespace tl::ui
