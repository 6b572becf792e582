#pragma once
// Trailer: a QMediaPlayer + QVideoWidget with play/pause, seek and volume, and
// under it the keyframe strip sampled at the current rate (or per shot) in the
// background. Clicking a keyframe seeks; while playing, the nearest keyframe is
// highlighted; changing the rate re-samples in the background (results kept
// per video and rate, so going back to a rate is instant).

#include <QHash>
#include <QWidget>

#include <vector>

#include "ui/KeyframeStrip.h"

QT_BEGIN_NAMESPACE
class QAudioOutput;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QMediaPlayer;
class QPushButton;
class QSlider;
class QVideoWidget;
QT_END_NAMESPACE

namespace tl::ui {

class JobRunner;

class TrailerView : public QWidget {
    Q_OBJECT
public:
    explicit TrailerView(JobRunner* jobs, QWidget* parent = nullptr);

    // Shows `video` (empty: the empty state with `title` explaining why).
    void setItem(const QString& itemId, const QString& title, const QString& video);
    QString itemId() const { return itemId_; }

    QMediaPlayer* player() const { return player_; }
    KeyframeStrip* strip() const { return strip_; }
    QDoubleSpinBox* fpsBox() const { return fps_; }
    QComboBox* modeBox() const { return mode_; }
    qint64 lastSeekRequest() const { return lastSeek_; }
    bool samplingPending() const { return samplingJob_ != 0; }

public Q_SLOTS:
    void togglePlay();
    void seek(qint64 ms);

Q_SIGNALS:
    void keyframesReady(int count);

private:
    void resample();
    void updateTime();
    QString samplingKey() const;

    JobRunner* jobs_;
    QMediaPlayer* player_;
    QAudioOutput* audio_;
    QVideoWidget* video_;
    QLabel* title_;
    QLabel* message_;
    QPushButton* play_;
    QSlider* position_;
    QLabel* time_;
    QSlider* volume_;
    QDoubleSpinBox* fps_;
    QComboBox* mode_;
    QLabel* samplingInfo_;
    KeyframeStrip* strip_;
    QString itemId_, videoPath_;
    qint64 lastSeek_ = -1;
    int samplingJob_ = 0;
    QHash<QString, std::vector<Keyframe>> sampled_;
    QHash<QString, QString> sampledInfo_;
};

}  // namespace tl::ui
