#include "ui/KeyframeStrip.h"

#include <QPainter>

#include <cstdlib>

namespace tl::ui {

namespace {

QString timeText(qint64 ms)
{
    return QStringLiteral("%1:%2.%3")
        .arg(ms / 60000)
        .arg((ms / 1000) % 60, 2, 10, QLatin1Char('0'))
        .arg((ms / 100) % 10);
}

}  // namespace

KeyframeStrip::KeyframeStrip(QWidget* parent) : QListWidget(parent)
{
    setViewMode(QListView::IconMode);
    setFlow(QListView::LeftToRight);
    setWrapping(false);
    setMovement(QListView::Static);
    setIconSize(QSize(112, 63));
    setGridSize(QSize(124, 100));
    setSpacing(2);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setFixedHeight(124);
    setToolTip(tr("Keyframes sampled at the current rate; click one to seek"));
    connect(this, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        Q_EMIT keyframeClicked(item->data(Qt::UserRole).toLongLong());
    });
}

void KeyframeStrip::setKeyframes(const std::vector<Keyframe>& keyframes)
{
    clear();
    keyframes_ = keyframes;
    highlighted_ = -1;
    for (const auto& k : keyframes_) {
        QString text = timeText(k.ms);
        if (k.shotId >= 0)
            text += QStringLiteral("\n") + tr("shot %1").arg(k.shotId + 1);
        QPixmap pix = k.thumbnail.isNull() ? QPixmap(iconSize()) : QPixmap::fromImage(k.thumbnail.scaled(
                                                                        iconSize(), Qt::KeepAspectRatio, Qt::SmoothTransformation));
        if (k.thumbnail.isNull())
            pix.fill(Qt::darkGray);
        auto* item = new QListWidgetItem(QIcon(pix), text, this);
        item->setData(Qt::UserRole, k.ms);
        item->setToolTip(tr("%1 s: click to seek").arg(static_cast<double>(k.ms) / 1000.0, 0, 'f', 2));
        if (k.shotId >= 0)
            item->setBackground(k.shotId % 2 == 0 ? QColor(0xdd, 0xe8, 0xf6) : QColor(0xf6, 0xe6, 0xcf));
    }
}

int KeyframeStrip::highlightNearest(qint64 ms)
{
    if (keyframes_.empty())
        return -1;
    int best = 0;
    for (int i = 1; i < static_cast<int>(keyframes_.size()); ++i)
        if (std::llabs(keyframes_[static_cast<std::size_t>(i)].ms - ms) <
            std::llabs(keyframes_[static_cast<std::size_t>(best)].ms - ms))
            best = i;
    if (best != highlighted_) {
        highlighted_ = best;
        const QSignalBlocker block(this);
        setCurrentRow(best);
        scrollToItem(item(best), QAbstractItemView::EnsureVisible);
    }
    return best;
}

}  // namespace tl::ui
