#pragma once
// The strip of sampled keyframes under the player: thumbnails with their
// timestamps, shots marked (shot number, alternating shades per shot). Passive:
// a click emits keyframeClicked(ms); the owner seeks. highlightNearest() marks
// the keyframe nearest a playback position without emitting anything.

#include <QColor>
#include <QImage>
#include <QListWidget>

#include <utility>
#include <vector>

namespace tl::ui {

struct Keyframe {
    qint64 ms = 0;
    int shotId = -1;  // -1 in uniform sampling
    QImage thumbnail;
};

class KeyframeStrip : public QListWidget {
    Q_OBJECT
public:
    explicit KeyframeStrip(QWidget* parent = nullptr);

    void setKeyframes(const std::vector<Keyframe>& keyframes);
    const std::vector<Keyframe>& keyframes() const { return keyframes_; }
    // Selects the keyframe nearest `ms` (scrolls to it); returns its index or -1.
    int highlightNearest(qint64 ms);
    int highlighted() const { return highlighted_; }

    // One score per keyframe (NaN: none); empty: no colouring. Kept until setKeyframes().
    void setScores(const std::vector<double>& scores);
    const std::vector<double>& scores() const { return scores_; }
    // The colour of keyframe i's frame (invalid when it has no score).
    QColor frameColour(int i) const;
    // The colour map: t in [0, 1] (lowest to highest score of the strip), dark blue to yellow.
    static QColor scoreColour(double t);
    // "m:ss.t", the way keyframe times are written (under thumbnails, in the gallery).
    static QString timeText(qint64 ms);
    // [lowest, highest] score on the strip; NaN, NaN when there is none.
    std::pair<double, double> scoreRange() const;

Q_SIGNALS:
    void keyframeClicked(qint64 ms);

private:
    void rebuildItems();

    std::vector<Keyframe> keyframes_;
    std::vector<double> scores_;
    int highlighted_ = -1;
};

}  // namespace tl::ui
