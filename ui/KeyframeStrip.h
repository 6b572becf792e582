#pragma once
// The strip of sampled keyframes under the player: thumbnails with their
// timestamps, shots marked (shot number, alternating shades per shot). Passive:
// a click emits keyframeClicked(ms); the owner seeks. highlightNearest() marks
// the keyframe nearest a playback position without emitting anything.

#include <QImage>
#include <QListWidget>

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

Q_SIGNALS:
    void keyframeClicked(qint64 ms);

private:
    std::vector<Keyframe> keyframes_;
    int highlighted_ = -1;
};

}  // namespace tl::ui
