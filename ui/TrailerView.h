#pragma once
// Trailer: the trailer player (VideoPlayer, the project's own decoding; see
// VideoPlayer.h for why not Qt's media player) with play/pause, frame steps,
// a position slider and volume, and under it the keyframe strip sampled at the current rate (or per shot) in the
// background. Clicking a keyframe seeks; while playing, the nearest keyframe is
// highlighted; changing the rate re-samples in the background (results kept
// per video and rate, so going back to a rate is instant).
//
// Frames this user likes: given the workbench (setWorkbench), each keyframe is
// coloured by cos(x, MUP(u)) of its feature vector x against the selected user's
// profile in the active configuration (core/eval/FrameScores.h), with a legend, and
// the trailer's best frames for that user are listed (time, score; a click seeks).
// The per-frame features come from the configuration's own model and preprocessing
// (core/experiment/ConfigurationFrames.h), computed in a background job and kept per
// video, rate and configuration, so changing the user only recomputes cosines.
//
// Rating: under the title, five stars (StarRating) show the workbench's selected
// user's rating of the shown trailer, with a line saying who is rating ("Rating as
// playground-1"); a click or the keys 1-5 / 0 ask for a change (rateRequested), which
// the owner forwards to Workbench::editRating (undoable, an overlay edit).
// Sound: under the controls, the soundtrack's waveform and spectrogram (AudioStrip),
// computed by a background job per trailer (core/audio/AudioOverview) and kept per
// video; its playhead follows the player, its ticks are the strip's keyframes, and
// a click on it seeks.

#include <QHash>
#include <QWidget>

#include <cstdint>
#include <memory>
#include <vector>

#include "ui/KeyframeStrip.h"
#include "ui/VideoPlayer.h"

QT_BEGIN_NAMESPACE
class QComboBox;
class QListWidget;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSlider;
QT_END_NAMESPACE

namespace tl::audio {
struct AudioOverview;
}

namespace tl::ui {

class AudioStrip;
class JobGroup;
class JobRunner;
class StarRating;
class Workbench;
struct FrameScoringCache;

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
    AudioStrip* audioStrip() const { return audioStrip_; }
    bool audioPending() const;  // the soundtrack's overview is being computed
    QDoubleSpinBox* fpsBox() const { return fps_; }
    QComboBox* modeBox() const { return mode_; }
    qint64 lastSeekRequest() const { return lastSeek_; }
    bool samplingPending() const;

    // Follows the workbench's user and configuration to colour the keyframes.
    void setWorkbench(const Workbench* workbench);
    QListWidget* bestFramesList() const { return bestFrames_; }
    QString scoreStatus() const;   // the legend's text: whose profile, or why frames are not scored
    bool scoringPending() const;
    // The shown trailer's rating by the workbench's user (disabled without a project item).
    StarRating* ratingControl() const { return stars_; }
    QString ratingText() const;  // "Rating as playground-1", or why this trailer cannot be rated

public Q_SLOTS:
    void togglePlay();
    void seek(qint64 ms);

Q_SIGNALS:
    void keyframesReady(int count);
    void frameScoresReady(int scored);  // keyframes coloured (0: scores cleared)
    // The selected user's rating of the shown trailer (dataset item index): 1-5, 0 removes it.
    void rateRequested(std::uint32_t item, int stars);
    void audioOverviewReady(bool hasSound);  // the audio strip has its data (or knows there is no sound)

private:
    void resample();
    void updateTime();
    QString samplingKey() const;
    void updateFrameScores();
    void showFrameScores();
    void clearFrameScores(const QString& why);
    void updateRating();
    void loadAudioOverview();

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
    const Workbench* workbench_ = nullptr;
    std::unique_ptr<JobGroup> scoring_;   // per-frame features being computed
    std::unique_ptr<FrameScoringCache> scoringCache_;
    QString scoringKey_;                  // the features the current job computes
    QLabel* legend_;
    QLabel* scoreStatus_;
    QListWidget* bestFrames_;
    QWidget* bestPanel_;
    StarRating* stars_;
    QLabel* ratingAs_;
    AudioStrip* audioStrip_;
    std::unique_ptr<JobGroup> audio_;  // the soundtrack's overview being computed
    QHash<QString, std::shared_ptr<const audio::AudioOverview>> overviews_;  // by video path
    QHash<QString, QString> overviewFailures_;                              // by video path
};

}  // namespace tl::ui
