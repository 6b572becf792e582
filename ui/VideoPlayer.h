#pragma once
// The trailer player: plays a video file with the project's own FFmpeg
// decoding (core/video/Playback) instead of Qt Multimedia's media player.
//
// Why not QMediaPlayer: Qt Multimedia 6.4's FFmpeg backend takes the whole
// process down on ordinary trailers (a divide error in its video render
// thread on Theora, a crash in its audio render thread when the machine has
// no sound device), and a crash there cannot be caught. Decoding ourselves
// gives frame-accurate seeking and stepping, the same frames and time origin
// as the keyframe strip's sampler, every codec the sampler reads, and errors
// that arrive as messages. Only QAudioSink is used from Qt Multimedia, and
// only when QMediaDevices reports an audio output device.
//
// Threads: a worker thread (one per opened file) decodes video frames (RGB,
// at most 1280 x 720) and audio chunks into small bounded queues, and handles
// seeks; everything else runs on the GUI thread. A timer on the GUI thread
// shows the frame due at the playback clock and feeds the audio sink.
// Clock: the wall clock (QElapsedTimer) from the position playback started
// at; frames are shown when due (late ones dropped and counted), audio is
// written as the sink's buffer empties, starting at the same position, so it
// leads the clock by the sink's buffer and plays in step; when the sink
// starves (slow decoding) the audio skips forward to the clock.
// Without an audio output device (or with TRAILERLAB_NO_AUDIO=1) the video
// plays alone and audioStatus() says so. A file that cannot be opened, or
// fails mid-way, puts the player in the Error state with errorText().

#include <QElapsedTimer>
#include <QImage>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QWidget>

#include <functional>
#include <memory>

#include "core/video/Playback.h"

namespace tl::ui {

// Where decoded audio goes (interleaved signed 16-bit). The real one wraps a
// QAudioSink on the default output device; tests substitute their own.
class AudioOutput {
public:
    virtual ~AudioOutput() = default;
    virtual int sampleRate() const = 0;
    virtual int channels() const = 0;
    virtual void start() = 0;  // (re)starts with an empty buffer
    virtual void suspend() = 0;
    virtual void resume() = 0;
    virtual qint64 bytesFree() const = 0;
    virtual qint64 write(const char* data, qint64 bytes) = 0;
    virtual void setVolume(double volume) = 0;  // 0 .. 1
    virtual QString error() const = 0;          // non-empty when the device failed
};

class PlaybackWorker;

class VideoPlayer : public QObject {
    Q_OBJECT
public:
    enum class State { Empty, Loading, Paused, Playing, Ended, Error };
    Q_ENUM(State)

    // Makes the audio output for a file with sound; returning null means "no device".
    using AudioFactory = std::function<std::unique_ptr<AudioOutput>()>;

    explicit VideoPlayer(QObject* parent = nullptr);
    ~VideoPlayer() override;

    // Opens `file` (decoding starts in the background; the first frame shows when
    // decoded). An empty path closes.
    void open(const QString& file);
    void close();
    QString file() const { return file_; }

    void play();
    void pause();
    void togglePlay();
    // Shows the frame at `ms` (frame-accurate), keeps playing if playing.
    void seek(qint64 ms);
    // Pauses and shows the next / previous frame.
    void stepForward();
    void stepBackward();
    void setVolume(double volume);

    State state() const { return state_; }
    bool isPlaying() const { return state_ == State::Playing; }
    QString errorText() const { return error_; }
    QString audioStatus() const { return audioStatus_; }
    bool hasSound() const { return audio_ != nullptr; }

    qint64 position() const;     // ms of the playback clock (the frame shown while paused)
    qint64 duration() const { return durationMs_; }
    double shownTime() const { return shownTime_; }  // seconds of the frame on screen (-1: none)
    const QImage& image() const { return image_; }
    qint64 framesShown() const { return framesShown_; }
    qint64 framesDropped() const { return framesDropped_; }
    qint64 frameCount() const { return frameCount_; }  // frames of the stream (packet count)
    qint64 framesDecoded() const;                       // by the worker so far
    qint64 audioBytesWritten() const { return audioBytes_; }

    // Tests: replaces how audio outputs are made (null restores the default).
    static void setAudioFactory(AudioFactory factory);
    // The default: null with TRAILERLAB_NO_AUDIO set or when QMediaDevices has no output device.
    static std::unique_ptr<AudioOutput> defaultAudioOutput();

Q_SIGNALS:
    void stateChanged(tl::ui::VideoPlayer::State state);
    void positionChanged(qint64 ms);
    void durationChanged(qint64 ms);
    void frameChanged();
    void errorOccurred(const QString& message);
    void audioStatusChanged(const QString& status);

private:
    void setState(State state);
    void fail(const QString& message);
    void tick();
    void feedAudio(double now);
    void requestSeek(double seconds);
    void showFrame(video::PlaybackFrame&& frame);
    double clock() const;
    void startClock(double at);
    void onOpened(const video::PlaybackVideoInfo& info, const QString& audioProblem);

    std::unique_ptr<PlaybackWorker> worker_;
    std::unique_ptr<AudioOutput> audio_;
    QTimer timer_;
    QElapsedTimer elapsed_;
    QString file_, error_, audioStatus_;
    State state_ = State::Empty;
    bool playWhenReady_ = false;
    bool awaitingFrame_ = false;   // a seek or step is waiting for its frame (clock held)
    bool stepPending_ = false;
    int openSerial_ = 0;           // callbacks of a worker of an earlier open() are ignored
    int generation_ = 0;           // frames of older generations are stale (before a seek)
    double clockBase_ = 0;         // media seconds at elapsed_ start (or the paused position)
    double audioUntil_ = 0;        // media seconds of the end of audio written
    qint64 audioBytes_ = 0;
    double volume_ = 0.7;
    double frameDuration_ = 0.04;
    qint64 durationMs_ = 0;
    double durationS_ = 0;
    qint64 frameCount_ = 0;
    qint64 framesShown_ = 0, framesDropped_ = 0;
    double shownTime_ = -1;
    struct PendingAudio {          // the chunk being written and how many of its frames are
        video::AudioChunk chunk;
        std::int64_t offset = 0;
        bool valid = false;
    };
    PendingAudio audioPending_;
    video::PlaybackFrame current_;
    QImage image_;
};

// Paints the player's current frame, scaled to fit with its aspect ratio, on black.
class VideoSurface : public QWidget {
    Q_OBJECT
public:
    explicit VideoSurface(VideoPlayer* player, QWidget* parent = nullptr);
    // Text shown over the picture when there is none (loading, errors).
    void setPlaceholder(const QString& text);

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    VideoPlayer* player_;
    QString placeholder_;
};

}  // namespace tl::ui
