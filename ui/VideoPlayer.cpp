#include "ui/VideoPlayer.h"

#include <QAudioDevice>
#include <QAudioFormat>
#include <QAudioSink>
#include <QMediaDevices>
#include <QPainter>
#include <QPointer>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

namespace tl::ui {

namespace {

constexpr int maxFrameWidth = 1280;
constexpr int maxFrameHeight = 720;
constexpr std::size_t videoQueueFrames = 8;
constexpr double audioAheadSeconds = 1.0;

VideoPlayer::AudioFactory& audioFactory()
{
    static VideoPlayer::AudioFactory factory;
    return factory;
}

// The default output device through QAudioSink (push mode).
class SinkAudioOutput : public AudioOutput {
public:
    explicit SinkAudioOutput(const QAudioDevice& device)
    {
        QAudioFormat format = device.preferredFormat();
        format.setSampleFormat(QAudioFormat::Int16);
        format.setChannelCount(std::clamp(format.channelCount(), 1, 2));
        if (format.sampleRate() <= 0)
            format.setSampleRate(48000);
        if (!device.isFormatSupported(format)) {
            format.setSampleRate(48000);
            format.setChannelCount(2);
        }
        format_ = format;
        sink_ = std::make_unique<QAudioSink>(device, format);
        // A short buffer keeps the sound close to the clock (it leads by this much).
        sink_->setBufferSize(format.bytesForDuration(200000));
    }
    int sampleRate() const override { return format_.sampleRate(); }
    int channels() const override { return format_.channelCount(); }
    void start() override
    {
        sink_->stop();
        io_ = sink_->start();
        sink_->setVolume(volume_);
    }
    void suspend() override { sink_->suspend(); }
    void resume() override { sink_->resume(); }
    qint64 bytesFree() const override { return io_ ? sink_->bytesFree() : 0; }
    qint64 write(const char* data, qint64 bytes) override { return io_ ? io_->write(data, bytes) : 0; }
    void setVolume(double volume) override
    {
        volume_ = volume;
        sink_->setVolume(volume);
    }
    QString error() const override
    {
        switch (sink_->error()) {
        case QAudio::OpenError: return QObject::tr("the audio device cannot be opened");
        case QAudio::FatalError: return QObject::tr("the audio device failed");
        default: return io_ || sink_->state() == QAudio::StoppedState ? QString() : QObject::tr("no audio stream");
        }
    }

private:
    QAudioFormat format_;
    std::unique_ptr<QAudioSink> sink_;
    QIODevice* io_ = nullptr;
    double volume_ = 0.7;
};

}  // namespace

// ------------------------------------------------------------------ worker

struct QueuedFrame {
    int generation;
    video::PlaybackFrame frame;
};
struct QueuedAudio {
    int generation;
    video::AudioChunk chunk;
};

// Owns the decoders on its own thread; the GUI thread takes from its queues.
class PlaybackWorker {
public:
    using Opened = std::function<void(const video::PlaybackVideoInfo&, const QString& audioProblem, bool audio)>;
    using Failed = std::function<void(const QString&)>;

    PlaybackWorker(std::filesystem::path file, int sampleRate, int channels, Opened opened, Failed failed)
        : file_(std::move(file)), rate_(sampleRate), channels_(channels), opened_(std::move(opened)),
          failed_(std::move(failed))
    {
        thread_ = std::thread([this] { run(); });
    }
    ~PlaybackWorker()
    {
        token_.cancel();
        {
            const std::lock_guard lock(mutex_);
            quit_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }

    void seek(double seconds, int generation)
    {
        {
            const std::lock_guard lock(mutex_);
            seekPending_ = true;
            seekTo_ = seconds;
            seekGeneration_ = generation;
        }
        wake_.notify_all();
    }

    // Time of the next frame of `generation` (older frames are dropped); false when none is queued.
    bool nextFrameTime(int generation, double& time)
    {
        const std::lock_guard lock(mutex_);
        dropStale(generation);
        if (frames_.empty())
            return false;
        time = frames_.front().frame.time;
        return true;
    }
    bool takeFrame(int generation, video::PlaybackFrame& out)
    {
        {
            const std::lock_guard lock(mutex_);
            dropStale(generation);
            if (frames_.empty())
                return false;
            out = std::move(frames_.front().frame);
            frames_.pop_front();
        }
        wake_.notify_all();
        return true;
    }
    bool takeAudio(int generation, video::AudioChunk& out)
    {
        {
            const std::lock_guard lock(mutex_);
            while (!chunks_.empty() && chunks_.front().generation != generation) {
                audioQueued_ -= duration(chunks_.front().chunk);
                chunks_.pop_front();
            }
            if (chunks_.empty())
                return false;
            out = std::move(chunks_.front().chunk);
            audioQueued_ -= duration(out);
            chunks_.pop_front();
        }
        wake_.notify_all();
        return true;
    }
    // No more frames of `generation` will come.
    bool videoEnded(int generation)
    {
        const std::lock_guard lock(mutex_);
        dropStale(generation);
        return !seekPending_ && generation_ == generation && videoEnd_ && frames_.empty();
    }
    qint64 framesDecoded() const { return decoded_.load(); }

private:
    double duration(const video::AudioChunk& c) const { return static_cast<double>(c.frames()) / rate_; }
    void dropStale(int generation)
    {
        while (!frames_.empty() && frames_.front().generation != generation)
            frames_.pop_front();
    }
    bool wantVideo() const { return !videoEnd_ && frames_.size() < videoQueueFrames; }
    bool wantAudio() const { return audio_ && !audioEnd_ && audioQueued_ < audioAheadSeconds; }

    // Any failure to open or decode ends the worker with a message (never an escaping exception).
    void run()
    {
        try {
            decode();
        } catch (const std::exception& e) {
            if (!token_.cancelled())
                failed_(QString::fromStdString(e.what()));
        } catch (...) {
            failed_(QObject::tr("unknown error while decoding the video"));
        }
    }

    void decode()
    {
        auto video = std::make_unique<video::PlaybackVideo>(file_, maxFrameWidth, maxFrameHeight, &token_);
        QString audioProblem;
        if (channels_ > 0 && video->info().hasAudio) {
            try {
                audio_ = std::make_unique<video::PlaybackAudio>(file_, rate_, channels_, video->info().originSeconds,
                                                                &token_);
            } catch (const std::exception& e) {
                audioProblem = QString::fromStdString(e.what());
            } catch (...) {
                audioProblem = QObject::tr("unknown error");
            }
        }
        opened_(video->info(), audioProblem, audio_ != nullptr);

        std::unique_lock lock(mutex_);
        audioEnd_ = !audio_;
        for (;;) {
            wake_.wait(lock, [this] { return quit_ || seekPending_ || wantVideo() || wantAudio(); });
            if (quit_)
                return;
            if (seekPending_) {
                seekPending_ = false;
                const double to = seekTo_;
                generation_ = seekGeneration_;
                frames_.clear();
                chunks_.clear();
                audioQueued_ = 0;
                videoEnd_ = false;
                audioEnd_ = !audio_;
                lock.unlock();
                video->seek(to);
                if (audio_)
                    audio_->seek(to);
                lock.lock();
                continue;
            }
            const int generation = generation_;
            const bool audioFirst = wantAudio() && (audioQueued_ < 0.3 || !wantVideo());
            if (audioFirst) {
                video::AudioChunk chunk;
                lock.unlock();
                bool got = false;
                try {
                    got = audio_->next(chunk);
                } catch (...) {
                    got = false;  // the sound stops; the picture goes on
                }
                lock.lock();
                if (!got)
                    audioEnd_ = generation == generation_ ? true : audioEnd_;
                else if (generation == generation_) {
                    audioQueued_ += duration(chunk);
                    chunks_.push_back({generation, std::move(chunk)});
                }
                continue;
            }
            video::PlaybackFrame frame;
            lock.unlock();
            const bool got = video->next(frame);
            decoded_.store(video->framesDecoded());
            lock.lock();
            if (generation != generation_)
                continue;
            if (got)
                frames_.push_back({generation, std::move(frame)});
            else
                videoEnd_ = true;
        }
    }

    std::filesystem::path file_;
    int rate_;
    int channels_;
    Opened opened_;
    Failed failed_;
    CancelToken token_;
    std::unique_ptr<video::PlaybackAudio> audio_;
    std::atomic<qint64> decoded_{0};

    std::mutex mutex_;
    std::condition_variable wake_;
    bool quit_ = false;
    bool seekPending_ = false;
    double seekTo_ = 0;
    int seekGeneration_ = 0;
    int generation_ = 0;
    std::deque<QueuedFrame> frames_;
    std::deque<QueuedAudio> chunks_;
    double audioQueued_ = 0;
    bool videoEnd_ = false;
    bool audioEnd_ = false;
    std::thread thread_;  // last: starts after every member above exists
};

// ------------------------------------------------------------------ player


VideoPlayer::VideoPlayer(QObject* parent) : QObject(parent)
{
    timer_.setInterval(10);
    timer_.setTimerType(Qt::PreciseTimer);
    connect(&timer_, &QTimer::timeout, this, &VideoPlayer::tick);
}

VideoPlayer::~VideoPlayer()
{
    worker_.reset();
    audio_.reset();
}

void VideoPlayer::setAudioFactory(AudioFactory factory)
{
    audioFactory() = std::move(factory);
}

std::unique_ptr<AudioOutput> VideoPlayer::defaultAudioOutput()
{
    if (qEnvironmentVariableIntValue("TRAILERLAB_NO_AUDIO") != 0)
        return nullptr;
    const QAudioDevice device = QMediaDevices::defaultAudioOutput();
    if (device.isNull())
        return nullptr;
    return std::make_unique<SinkAudioOutput>(device);
}

void VideoPlayer::close()
{
    timer_.stop();
    worker_.reset();
    audio_.reset();
    audioPending_ = {};
    file_.clear();
    error_.clear();
    audioStatus_.clear();
    current_ = {};
    image_ = QImage();
    shownTime_ = -1;
    clockBase_ = 0;
    elapsed_.invalidate();
    durationMs_ = 0;
    durationS_ = 0;
    frameCount_ = 0;
    framesShown_ = framesDropped_ = 0;
    audioBytes_ = 0;
    playWhenReady_ = awaitingFrame_ = stepPending_ = false;
    setState(State::Empty);
    Q_EMIT frameChanged();
}

void VideoPlayer::open(const QString& file)
{
    close();
    if (file.isEmpty())
        return;
    file_ = file;
    const int serial = ++openSerial_;
    setState(State::Loading);
    // The output is made first: its rate and channel count are what the decoder resamples to.
    audio_ = audioFactory() ? audioFactory()() : defaultAudioOutput();
    const int rate = audio_ ? audio_->sampleRate() : 0;
    const int channels = audio_ ? audio_->channels() : 0;
    QPointer<VideoPlayer> self(this);
    auto opened = [self, serial](const video::PlaybackVideoInfo& info, const QString& problem, bool sound) {
        QMetaObject::invokeMethod(self, [self, serial, info, problem, sound] {
            if (self && self->openSerial_ == serial && self->worker_ && self->state_ == State::Loading) {
                if (!sound)
                    self->audio_.reset();
                self->onOpened(info, problem);
            }
        }, Qt::QueuedConnection);
    };
    auto failed = [self, serial](const QString& message) {
        QMetaObject::invokeMethod(self, [self, serial, message] {
            if (self && self->openSerial_ == serial && self->worker_)
                self->fail(message);
        }, Qt::QueuedConnection);
    };
    awaitingFrame_ = true;
    worker_ = std::make_unique<PlaybackWorker>(file.toStdString(), rate, channels, opened, failed);
    timer_.start();
}

void VideoPlayer::onOpened(const video::PlaybackVideoInfo& info, const QString& audioProblem)
{
    durationS_ = info.duration;
    durationMs_ = static_cast<qint64>(std::llround(info.duration * 1000.0));
    frameCount_ = info.frameCount;
    frameDuration_ = info.frameRate > 0 ? 1.0 / info.frameRate : 0.04;
    if (!info.hasAudio)
        audioStatus_ = tr("this video has no sound track");
    else if (!audio_ && !audioProblem.isEmpty())
        audioStatus_ = tr("the sound track cannot be decoded (%1): playing without sound").arg(audioProblem);
    else if (!audio_)
        audioStatus_ = tr("no audio output device: playing without sound");
    else {
        audio_->setVolume(volume_);
        audio_->start();
        audio_->suspend();
        if (const QString e = audio_->error(); !e.isEmpty()) {
            audioStatus_ = tr("%1: playing without sound").arg(e);
            audio_.reset();
        } else {
            audioStatus_.clear();
        }
    }
    Q_EMIT audioStatusChanged(audioStatus_);
    Q_EMIT durationChanged(durationMs_);
    setState(State::Paused);
    if (playWhenReady_) {
        playWhenReady_ = false;
        play();
    }
}

void VideoPlayer::fail(const QString& message)
{
    timer_.stop();
    worker_.reset();
    audio_.reset();
    error_ = message;
    playWhenReady_ = awaitingFrame_ = stepPending_ = false;
    elapsed_.invalidate();
    setState(State::Error);
    Q_EMIT errorOccurred(message);
}

void VideoPlayer::setState(State state)
{
    if (state == state_)
        return;
    state_ = state;
    Q_EMIT stateChanged(state);
}

double VideoPlayer::clock() const
{
    return elapsed_.isValid() ? clockBase_ + static_cast<double>(elapsed_.nsecsElapsed()) / 1e9 : clockBase_;
}

qint64 VideoPlayer::position() const
{
    return static_cast<qint64>(std::llround(std::clamp(clock(), 0.0, std::max(durationS_, 0.0)) * 1000.0));
}

qint64 VideoPlayer::framesDecoded() const
{
    return worker_ ? worker_->framesDecoded() : 0;
}

void VideoPlayer::startClock(double at)
{
    clockBase_ = at;
    elapsed_.start();
    if (audio_)
        audio_->resume();
}

void VideoPlayer::play()
{
    switch (state_) {
    case State::Empty:
    case State::Error:
    case State::Playing:
        return;
    case State::Loading:
        playWhenReady_ = true;
        return;
    case State::Ended:
        requestSeek(0);
        break;
    case State::Paused:
        break;
    }
    stepPending_ = false;
    setState(State::Playing);
    if (!awaitingFrame_)
        startClock(clockBase_);
    timer_.start();
}

void VideoPlayer::pause()
{
    playWhenReady_ = false;
    if (state_ != State::Playing)
        return;
    clockBase_ = clock();
    elapsed_.invalidate();
    if (audio_)
        audio_->suspend();
    setState(State::Paused);
    Q_EMIT positionChanged(position());
}

void VideoPlayer::togglePlay()
{
    if (state_ == State::Playing)
        pause();
    else
        play();
}

void VideoPlayer::setVolume(double volume)
{
    volume_ = std::clamp(volume, 0.0, 1.0);
    if (audio_)
        audio_->setVolume(volume_);
}

void VideoPlayer::seek(qint64 ms)
{
    requestSeek(static_cast<double>(ms) / 1000.0);
}

void VideoPlayer::requestSeek(double seconds)
{
    if (!worker_)
        return;
    if (durationS_ > 0)
        seconds = std::min(seconds, durationS_);
    seconds = std::max(0.0, seconds);
    worker_->seek(seconds, ++generation_);
    clockBase_ = seconds;
    elapsed_.invalidate();
    awaitingFrame_ = true;
    stepPending_ = false;
    audioPending_ = {};
    audioUntil_ = seconds;
    if (audio_) {
        audio_->start();
        audio_->suspend();
    }
    if (state_ == State::Ended)
        setState(State::Paused);
    Q_EMIT positionChanged(position());
    timer_.start();
}

void VideoPlayer::stepForward()
{
    pause();
    if (!worker_ || state_ == State::Loading)
        return;
    if (state_ == State::Ended)
        return;
    stepPending_ = true;
    timer_.start();
    tick();
}

void VideoPlayer::stepBackward()
{
    pause();
    if (!worker_ || shownTime_ <= 0)
        return;
    requestSeek(shownTime_ - 0.0005);  // the frame before the one shown
}

void VideoPlayer::showFrame(video::PlaybackFrame&& frame)
{
    current_ = std::move(frame);
    image_ = QImage(current_.rgb.data(), current_.width, current_.height, 3 * current_.width, QImage::Format_RGB888);
    shownTime_ = current_.time;
    ++framesShown_;
    Q_EMIT frameChanged();
    Q_EMIT positionChanged(position());
}

void VideoPlayer::tick()
{
    if (!worker_ || state_ == State::Error || state_ == State::Empty)
        return;
    if (awaitingFrame_) {
        video::PlaybackFrame frame;
        if (worker_->takeFrame(generation_, frame)) {
            awaitingFrame_ = false;
            showFrame(std::move(frame));
            if (state_ == State::Playing)
                startClock(clockBase_);
        } else if (worker_->videoEnded(generation_)) {
            awaitingFrame_ = false;  // nothing at or after the position
        } else {
            return;
        }
    }
    if (state_ != State::Playing) {
        if (stepPending_) {
            video::PlaybackFrame frame;
            if (worker_->takeFrame(generation_, frame)) {
                stepPending_ = false;
                clockBase_ = frame.time;
                showFrame(std::move(frame));
            } else if (worker_->videoEnded(generation_)) {
                stepPending_ = false;
            }
        }
        if (!stepPending_ && !awaitingFrame_ && state_ != State::Loading)
            timer_.stop();
        return;
    }
    const double now = clock();
    video::PlaybackFrame frame;
    bool got = false;
    double next = 0;
    while (worker_->nextFrameTime(generation_, next) && next <= now) {
        if (got)
            ++framesDropped_;
        got = worker_->takeFrame(generation_, frame) || got;
    }
    if (got)
        showFrame(std::move(frame));
    feedAudio(now);
    if (worker_->videoEnded(generation_) && now >= std::max(shownTime_, 0.0) + frameDuration_) {
        clockBase_ = std::max(shownTime_ + frameDuration_, std::min(now, durationS_));
        elapsed_.invalidate();
        if (audio_)
            audio_->suspend();
        timer_.stop();
        setState(State::Ended);
        Q_EMIT positionChanged(position());
    }
}

void VideoPlayer::feedAudio(double now)
{
    if (!audio_)
        return;
    if (audioUntil_ < now - 0.1)
        audioUntil_ = now;  // the sink starved: the sound skips forward to the picture
    const int channels = audio_->channels();
    const int rate = audio_->sampleRate();
    const qint64 frameBytes = 2 * channels;
    qint64 free = audio_->bytesFree();
    PendingAudio& pending = audioPending_;
    static const std::vector<std::int16_t> silence(9600 * 2, 0);
    while (free >= frameBytes && audioUntil_ < now + 0.5) {
        if (!pending.valid) {
            if (!worker_->takeAudio(generation_, pending.chunk))
                break;
            pending.offset = 0;
            pending.valid = true;
        }
        const std::int64_t total = pending.chunk.frames();
        double start = pending.chunk.time + static_cast<double>(pending.offset) / rate;
        if (start + static_cast<double>(total - pending.offset) / rate <= audioUntil_) {
            pending.valid = false;  // entirely in the past
            continue;
        }
        if (start < audioUntil_ - 0.5 / rate) {
            pending.offset += std::min<std::int64_t>(total - pending.offset, std::llround((audioUntil_ - start) * rate));
            continue;
        }
        if (start > audioUntil_ + 0.02) {  // a gap in the sound track: silence
            const qint64 gapFrames = std::min<qint64>({std::llround((start - audioUntil_) * rate), free / frameBytes,
                                                       static_cast<qint64>(silence.size()) / channels});
            const qint64 written = audio_->write(reinterpret_cast<const char*>(silence.data()), gapFrames * frameBytes);
            if (written <= 0)
                break;
            audioBytes_ += written;
            free -= written;
            audioUntil_ += static_cast<double>(written / frameBytes) / rate;
            continue;
        }
        const qint64 frames = std::min<qint64>(total - pending.offset, free / frameBytes);
        const qint64 written = audio_->write(
            reinterpret_cast<const char*>(pending.chunk.samples.data() + pending.offset * channels), frames * frameBytes);
        if (written <= 0)
            break;
        const qint64 writtenFrames = written / frameBytes;
        audioBytes_ += writtenFrames * frameBytes;
        free -= writtenFrames * frameBytes;
        pending.offset += writtenFrames;
        audioUntil_ = start + static_cast<double>(writtenFrames) / rate;
        if (pending.offset >= total)
            pending.valid = false;
    }
}

// ------------------------------------------------------------------ surface

VideoSurface::VideoSurface(VideoPlayer* player, QWidget* parent) : QWidget(parent), player_(player)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    connect(player_, &VideoPlayer::frameChanged, this, qOverload<>(&QWidget::update));
}

void VideoSurface::setPlaceholder(const QString& text)
{
    placeholder_ = text;
    update();
}

void VideoSurface::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), Qt::black);
    const QImage& image = player_->image();
    if (!image.isNull()) {
        QSize size = image.size().scaled(this->size(), Qt::KeepAspectRatio);
        const QRect target(QPoint((width() - size.width()) / 2, (height() - size.height()) / 2), size);
        painter.setRenderHint(QPainter::SmoothPixmapTransform);
        painter.drawImage(target, image);
        return;
    }
    if (!placeholder_.isEmpty()) {
        painter.setPen(QColor(220, 220, 220));
        painter.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap, placeholder_);
    }
}

}  // namespace tl::ui
