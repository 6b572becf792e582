#pragma once
// The soundtrack under the trailer player: its waveform envelope (min/max and RMS
// per column) above its log-mel spectrogram (core/audio/AudioOverview), with a time
// axis, the keyframe times marked, and a playhead line at the player's position.
// Passive: a click or drag emits seekRequested(ms); the owner seeks the player and
// calls setPosition() as playback moves. The data comes from a background job of
// the owner (setOverview); until then the strip says why it is empty (setMessage).
//
// Time axis: 0 .. duration() across the width, the duration being the player's
// (setDuration) or, before it is known, the soundtrack's length.
// The waveform is scaled to the track's loudest sample (the tooltip says how loud).
// Colours: the spectrogram maps dB to the keyframe strip's colour map (dark blue
// .. yellow) over the loudest value of the track minus kRangeDb .. that value.

#include <QImage>
#include <QString>
#include <QWidget>

#include <memory>
#include <vector>

#include "core/audio/AudioOverview.h"

namespace tl::ui {

class AudioStrip : public QWidget {
    Q_OBJECT
public:
    static constexpr double kRangeDb = 80.0;

    explicit AudioStrip(QWidget* parent = nullptr);

    // The track to draw (null: none; a result without sound shows its reason).
    void setOverview(std::shared_ptr<const audio::AudioOverview> overview);
    const std::shared_ptr<const audio::AudioOverview>& overview() const { return overview_; }
    // Replaces the drawing with a line of text ("reading the soundtrack…", an error); empty: none.
    void setMessage(const QString& message);
    QString message() const { return message_; }
    bool hasSound() const { return overview_ && overview_->hasAudio(); }

    void setDuration(qint64 ms);
    qint64 duration() const;
    void setPosition(qint64 ms);
    qint64 position() const { return position_; }
    void setKeyframeTimes(std::vector<qint64> ms);
    const std::vector<qint64>& keyframeTimes() const { return keyframes_; }
    // The keyframe drawn highlighted (index into keyframeTimes(); -1: none).
    void setHighlightedKeyframe(int index);
    int highlightedKeyframe() const { return highlighted_; }

    // The mapping between time and the drawing's x (widget coordinates).
    int xForMs(qint64 ms) const;
    qint64 msForX(int x) const;
    QRect plotRect() const;  // waveform and spectrogram, without the time axis

    QSize sizeHint() const override;

Q_SIGNALS:
    void seekRequested(qint64 ms);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    void rebuildSpectrogram();
    void drawWaveform(QPainter& painter, const QRect& area) const;
    void drawTimeAxis(QPainter& painter, const QRect& area) const;

    std::shared_ptr<const audio::AudioOverview> overview_;
    QImage spectrogram_;  // columns x bands, low bands at the bottom
    QString message_;
    float peak_ = 0;  // the largest |sample| of the track
    qint64 duration_ = 0;
    qint64 position_ = 0;
    std::vector<qint64> keyframes_;
    int highlighted_ = -1;
};

}  // namespace tl::ui
