#pragma once
// Trailer: the trailer player (VideoPlayer, the project's own decoding; see
// VideoPlayer.h for why not Qt's media player) with play/pause, frame steps,
// a position slider and volume, and under it the keyframe strip sampled at the current rate (or per shot) in the
// background. Clicking a keyframe seeks; while playing, the nearest keyframe is
// highlighted; changing the rate re-samples in the background (results kept
// per video and rate, so going back to a rate is instant).

#include <QHash>
#include <QWidget>

#include <memory>
#include <vector>

#include "ui/KeyframeStrip.h"
#include "ui/VideoPlayer.h"

QT_BEGIN_NAMESPACE
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSlider;
QT_END_NAMESPACE

namespace tl::ui {

class JobGroup;
class JobRunner;

class TrailerView : public QWidget {
    Q_OBJECT
public:
    explicit TrailerView(JobRunner* jobs, QWidget* parent = nullptr);
    ~TrailerView() override;

    // Shows `video` (empty: the empty state with `title` explaining why).
    void setItem(const QString& itemId, const QString& title, const QString& video);
    QString itemId() const { return itemId_; }
    // Shows a video file that belongs to no project (trailerlab VIDEO).
    void openFile(const QString& video);

    VideoPlayer* player() const { return player_; }
    QSlider* positionSlider() const { return position_; }
    QString messageText() const;  // the error or explanation shown above the picture (empty: none)
    QString audioNote() const;    // the sound status shown under the controls (empty: none)
    KeyframeStrip* strip() const { return strip_; }
    QDoubleSpinBox* fpsBox() const { return fps_; }
    QComboBox* modeBox() const { return mode_; }
    qint64 lastSeekRequest() const { return lastSeek_; }
    bool samplingPending() const;

public Q_SLOTS:
    void togglePlay();
    void seek(qint64 ms);

Q_SIGNALS:
    void keyframesReady(int count);

private:
    void resample();
    void updateTime();
    QString samplingKey() const;

    std::unique_ptr<JobGroup> sampling_;  // the keyframe strip being sampled
    VideoPlayer* player_;
    VideoSurface* video_;
    QLabel* title_;
    QLabel* message_;
    QLabel* audioNote_;
    QPushButton* play_;
    QPushButton* stepBack_;
    QPushButton* stepForward_;
    QSlider* position_;
    QLabel* time_;
    QSlider* volume_;
    QDoubleSpinBox* fps_;
    QComboBox* mode_;
    QLabel* samplingInfo_;
    KeyframeStrip* strip_;
    QString itemId_, videoPath_;
    qint64 lastSeek_ = -1;
    QHash<QString, std::vector<Keyframe>> sampled_;
    QHash<QString, QString> sampledInfo_;
};

}  // namespace tl::ui
