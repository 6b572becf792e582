#include "ui/KeyframeStrip.h"

#include <QPainter>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace tl::ui {

QString KeyframeStrip::timeText(qint64 ms)
{
    return QStringLiteral("%1:%2.%3")
        .arg(ms / 60000)
        .arg((ms / 1000) % 60, 2, 10, QLatin1Char('0'))
        .arg((ms / 100) % 10);
}

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
    keyframes_ = keyframes;
    scores_.clear();
    rebuildItems();
}

void KeyframeStrip::setScores(const std::vector<double>& scores)
{
    scores_ = scores;
    scores_.resize(scores.empty() ? 0 : keyframes_.size(), std::nan(""));
    const int current = highlighted_;
    rebuildItems();
    if (current >= 0 && current < count()) {
        highlighted_ = current;
        const QSignalBlocker block(this);
        setCurrentRow(current);
    }
}

std::pair<double, double> KeyframeStrip::scoreRange() const
{
    double lo = std::nan(""), hi = std::nan("");
    for (double s : scores_) {
        if (std::isnan(s))
            continue;
        lo = std::isnan(lo) ? s : std::min(lo, s);
        hi = std::isnan(hi) ? s : std::max(hi, s);
    }
    return {lo, hi};
}

QColor KeyframeStrip::scoreColour(double t)
{
    // Viridis at five stops, linearly interpolated: dark blue (low) to yellow (high),
    // ordered in lightness so it also reads in grey.
    static const QColor stops[] = {QColor(0x44, 0x01, 0x54), QColor(0x3b, 0x52, 0x8b), QColor(0x21, 0x90, 0x8d),
                                   QColor(0x5d, 0xc8, 0x63), QColor(0xfd, 0xe7, 0x25)};
    t = std::clamp(std::isnan(t) ? 0.5 : t, 0.0, 1.0) * 4.0;
    const int i = std::min(3, static_cast<int>(t));
    const double f = t - i;
    const QColor& a = stops[i];
    const QColor& b = stops[i + 1];
    return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * f),
                            static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * f),
                            static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * f));
}

QColor KeyframeStrip::frameColour(int i) const
{
    if (i < 0 || i >= static_cast<int>(scores_.size()) || std::isnan(scores_[static_cast<std::size_t>(i)]))
        return {};
    const auto [lo, hi] = scoreRange();
    const double s = scores_[static_cast<std::size_t>(i)];
    return scoreColour(hi > lo ? (s - lo) / (hi - lo) : 0.5);
}

void KeyframeStrip::rebuildItems()
{
    clear();
    highlighted_ = -1;
    for (int i = 0; i < static_cast<int>(keyframes_.size()); ++i) {
        const Keyframe& k = keyframes_[static_cast<std::size_t>(i)];
        QString text = timeText(k.ms);
        if (k.shotId >= 0)
            text += QStringLiteral("\n") + tr("shot %1").arg(k.shotId + 1);
        QPixmap pix = k.thumbnail.isNull() ? QPixmap(iconSize()) : QPixmap::fromImage(k.thumbnail.scaled(
                                                                        iconSize(), Qt::KeepAspectRatio, Qt::SmoothTransformation));
        if (k.thumbnail.isNull())
            pix.fill(Qt::darkGray);
        const QColor colour = frameColour(i);
        QString tip = tr("%1 s: click to seek").arg(static_cast<double>(k.ms) / 1000.0, 0, 'f', 2);
        if (colour.isValid()) {
            const double score = scores_[static_cast<std::size_t>(i)];
            QPainter painter(&pix);
            painter.setPen(QPen(colour, 8));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(pix.rect().adjusted(4, 4, -4, -4));
            text += QStringLiteral("  ") + QString::number(score, 'f', 3);
            tip = tr("%1 s, cosine to the user's profile %2: click to seek")
                      .arg(static_cast<double>(k.ms) / 1000.0, 0, 'f', 2)
                      .arg(score, 0, 'f', 4);
        }
        auto* item = new QListWidgetItem(QIcon(pix), text, this);
        item->setData(Qt::UserRole, k.ms);
        item->setToolTip(tip);
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
