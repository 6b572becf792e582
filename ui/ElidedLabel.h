#pragma once
// A one-line plain-text label that never widens its window: when narrower than
// its text it shows the text elided ("Project: demo (/home/…/demo.json)") and
// the whole text as its tooltip. Its minimum width is a few characters; its
// size hint is the whole text, so it shows everything when there is room.

#include <QLabel>

namespace tl::ui {

class ElidedLabel : public QLabel {
    Q_OBJECT
public:
    explicit ElidedLabel(QWidget* parent = nullptr, Qt::TextElideMode mode = Qt::ElideRight);

    QSize minimumSizeHint() const override;
    // The text as drawn at the current width.
    QString shownText() const;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    Qt::TextElideMode mode_;
};

}  // namespace tl::ui
