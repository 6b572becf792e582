#include "ui/TrailerView.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QStyle>
#include <QVBoxLayout>

#include <QListWidget>
#include <QPainter>

#include <cmath>
#include <filesystem>
#include <limits>

#include "core/audio/AudioOverview.h"
#include "core/eval/FrameScores.h"
#include "core/experiment/ConfigurationFrames.h"
#include "core/features/FrameFeatures.h"
#include "core/video/FrameSampler.h"
#include "ui/AudioStrip.h"
#include "ui/JobRunner.h"
#include "ui/StarRating.h"
#include "ui/Workbench.h"

namespace tl::ui {

// Per-frame features by video|mode|rate|configuration and the configuration's column
// scaling by configuration|normalisation: what changing the user reuses.
struct FrameScoringCache {
    struct Frames {
        std::vector<qint64> ms;  // each frame's time, rounded as the strip rounds it
        tl::RowMatrixF values;   // raw features, frames x F
    };
    QHash<QString, std::shared_ptr<const Frames>> frames;
    QHash<QString, std::shared_ptr<const tl::ColumnScaling>> scalings;
    QHash<QString, QString> failures;  // features key -> why they cannot be computed
};

namespace {

struct FrameScoringResult {
    std::shared_ptr<const FrameScoringCache::Frames> frames;
    std::shared_ptr<const tl::ColumnScaling> scaling;
};

qint64 keyframeMs(double seconds)
{
    return static_cast<qint64>(seconds * 1000.0 + 0.5);
}

struct SampledStrip {
    std::vector<Keyframe> keyframes;
    QString info;
};

QString clock(qint64 ms)
{
    return QStringLiteral("%1:%2").arg(ms / 60000).arg((ms / 1000) % 60, 2, 10, QLatin1Char('0'));
}

}  // namespace

TrailerView::TrailerView(JobRunner* jobs, QWidget* parent)
    : QWidget(parent),
      sampling_(std::make_unique<JobGroup>(jobs, this)),
      scoring_(std::make_unique<JobGroup>(jobs, this)),
      scoringCache_(std::make_unique<FrameScoringCache>()),
      audio_(std::make_unique<JobGroup>(jobs, this))
{
    player_ = new VideoPlayer(this);
    video_ = new VideoSurface(player_, this);
    video_->setMinimumSize(320, 180);
    video_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);

    title_ = new QLabel(this);
    QFont bold = title_->font();
    bold.setBold(true);
    title_->setFont(bold);
    title_->setWordWrap(true);
    stars_ = new StarRating(this);
    stars_->setObjectName(QStringLiteral("TrailerRating"));
    ratingAs_ = new QLabel(this);
    ratingAs_->setObjectName(QStringLiteral("TrailerRatingAs"));
    message_ = new QLabel(this);
    message_->setWordWrap(true);
    message_->setStyleSheet(QStringLiteral("color: #a03030"));
    message_->hide();
    audioNote_ = new QLabel(this);
    audioNote_->setWordWrap(true);
    audioNote_->setStyleSheet(QStringLiteral("color: #505050"));
    audioNote_->hide();

    play_ = new QPushButton(this);
    play_->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    play_->setToolTip(tr("Play / pause (Space)"));
    play_->setFocusPolicy(Qt::NoFocus);
    stepBack_ = new QPushButton(this);
    stepBack_->setIcon(style()->standardIcon(QStyle::SP_MediaSeekBackward));
    stepBack_->setToolTip(tr("Previous frame (,)"));
    stepBack_->setFocusPolicy(Qt::NoFocus);
    stepForward_ = new QPushButton(this);
    stepForward_->setIcon(style()->standardIcon(QStyle::SP_MediaSeekForward));
    stepForward_->setToolTip(tr("Next frame (.)"));
    stepForward_->setFocusPolicy(Qt::NoFocus);
    position_ = new QSlider(Qt::Horizontal, this);
    position_->setToolTip(tr("Seek"));
    position_->setSingleStep(200);  // arrow keys: 0.2 s
    time_ = new QLabel(QStringLiteral("0:00 / 0:00"), this);
    volume_ = new QSlider(Qt::Horizontal, this);
    volume_->setRange(0, 100);
    volume_->setValue(70);
    volume_->setMaximumWidth(90);
    volume_->setToolTip(tr("Volume"));

    fps_ = new QDoubleSpinBox(this);
    fps_->setRange(0.25, 10.0);
    fps_->setSingleStep(0.5);
    fps_->setDecimals(2);
    fps_->setValue(1.0);
    fps_->setSuffix(tr(" frames/s"));
    fps_->setToolTip(tr("Sampling rate of the keyframe strip (the paper's N)"));
    mode_ = new QComboBox(this);
    mode_->addItem(tr("Uniform"), 0);
    mode_->addItem(tr("One per shot"), 1);
    mode_->setToolTip(tr("Uniform: N frames per second. One per shot: a keyframe per detected shot."));
    samplingInfo_ = new QLabel(this);
    samplingInfo_->setWordWrap(true);  // long reports wrap rather than widen the window

    strip_ = new KeyframeStrip(this);
    audioStrip_ = new AudioStrip(this);

    legend_ = new QLabel(this);
    legend_->hide();
    scoreStatus_ = new QLabel(this);
    scoreStatus_->setWordWrap(true);
    scoreStatus_->setStyleSheet(QStringLiteral("color: #505050"));
    bestFrames_ = new QListWidget(this);
    bestFrames_->setIconSize(QSize(64, 36));
    bestFrames_->setToolTip(tr("This trailer's frames closest to the user's profile (cosine); click one to seek"));
    bestPanel_ = new QWidget(this);
    auto* best = new QVBoxLayout(bestPanel_);
    best->setContentsMargins(0, 0, 0, 0);
    auto* bestTitle = new QLabel(tr("Best frames for this user"), bestPanel_);
    bestTitle->setWordWrap(true);
    best->addWidget(bestTitle);
    best->addWidget(bestFrames_, 1);
    bestPanel_->setFixedWidth(150);
    bestPanel_->hide();

    auto* controls = new QHBoxLayout;
    controls->addWidget(play_);
    controls->addWidget(stepBack_);
    controls->addWidget(stepForward_);
    controls->addWidget(position_, 1);
    controls->addWidget(time_);
    controls->addWidget(new QLabel(tr("Vol"), this));
    controls->addWidget(volume_);
    auto* sampling = new QHBoxLayout;
    sampling->addWidget(new QLabel(tr("Keyframes:"), this));
    sampling->addWidget(mode_);
    sampling->addWidget(fps_);
    sampling->addWidget(samplingInfo_, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(title_);
    auto* rating = new QHBoxLayout;
    rating->addWidget(ratingAs_);
    rating->addWidget(stars_);
    rating->addStretch(1);
    layout->addLayout(rating);
    layout->addWidget(message_);
    auto* picture = new QHBoxLayout;
    picture->addWidget(video_, 1);
    picture->addWidget(bestPanel_);
    layout->addLayout(picture, 1);
    layout->addLayout(controls);
    layout->addWidget(audioNote_);
    layout->addWidget(audioStrip_);
    layout->addLayout(sampling);
    auto* scores = new QHBoxLayout;
    scores->addWidget(legend_);
    scores->addWidget(scoreStatus_, 1);
    layout->addLayout(scores);
    layout->addWidget(strip_);

    connect(play_, &QPushButton::clicked, this, &TrailerView::togglePlay);
    connect(stepBack_, &QPushButton::clicked, player_, &VideoPlayer::stepBackward);
    connect(stepForward_, &QPushButton::clicked, player_, &VideoPlayer::stepForward);
    connect(position_, &QSlider::sliderMoved, this, [this](int ms) { seek(ms); });
    // A click on the groove (page step) seeks too.
    connect(position_, &QSlider::actionTriggered, this, [this](int action) {
        if (action != QAbstractSlider::SliderMove && action != QAbstractSlider::SliderNoAction)
            seek(position_->sliderPosition());
    });
    connect(volume_, &QSlider::valueChanged, this, [this](int v) { player_->setVolume(v / 100.0); });
    connect(player_, &VideoPlayer::durationChanged, this, [this](qint64 ms) {
        position_->setRange(0, static_cast<int>(ms));
        position_->setPageStep(static_cast<int>(std::max<qint64>(1000, ms / 10)));
        updateTime();
        audioStrip_->setDuration(ms);
    });
    connect(player_, &VideoPlayer::positionChanged, this, [this](qint64 ms) {
        audioStrip_->setPosition(ms);
        if (!position_->isSliderDown()) {
            const QSignalBlocker block(position_);
            position_->setValue(static_cast<int>(ms));
        }
        updateTime();
        audioStrip_->setHighlightedKeyframe(strip_->highlightNearest(ms));
    });
    connect(player_, &VideoPlayer::stateChanged, this, [this](VideoPlayer::State state) {
        play_->setIcon(style()->standardIcon(state == VideoPlayer::State::Playing ? QStyle::SP_MediaPause
                                                                                  : QStyle::SP_MediaPlay));
        const bool usable = state != VideoPlayer::State::Empty && state != VideoPlayer::State::Error;
        play_->setEnabled(usable);
        stepBack_->setEnabled(usable);
        stepForward_->setEnabled(usable);
        position_->setEnabled(usable);
        video_->setPlaceholder(state == VideoPlayer::State::Loading ? tr("Opening the trailer…") : QString());
    });
    connect(player_, &VideoPlayer::errorOccurred, this, [this](const QString& text) {
        message_->setText(tr("This trailer cannot be played: %1\nThe keyframes below may still work; check the "
                             "file or convert it (for example to H.264/MP4).")
                              .arg(text));
        message_->show();
        video_->setPlaceholder(tr("Cannot play this file."));
    });
    connect(player_, &VideoPlayer::audioStatusChanged, this, [this](const QString& status) {
        audioNote_->setText(status.isEmpty() ? QString() : tr("Sound: %1").arg(status));
        audioNote_->setVisible(!status.isEmpty());
        volume_->setEnabled(player_->hasSound());
    });
    connect(strip_, &KeyframeStrip::keyframeClicked, this, &TrailerView::seek);
    connect(audioStrip_, &AudioStrip::seekRequested, this, &TrailerView::seek);
    connect(this, &TrailerView::keyframesReady, this, [this] {
        std::vector<qint64> times;
        for (const Keyframe& k : strip_->keyframes())
            times.push_back(k.ms);
        audioStrip_->setKeyframeTimes(std::move(times));
        audioStrip_->setHighlightedKeyframe(strip_->highlighted());
    });
    connect(bestFrames_, &QListWidget::itemClicked, this,
            [this](QListWidgetItem* item) { seek(item->data(Qt::UserRole).toLongLong()); });
    connect(this, &TrailerView::keyframesReady, this, &TrailerView::updateFrameScores);
    // The rate and mode persist across sessions.
    QSettings settings;
    fps_->setValue(settings.value(QStringLiteral("trailer/fps"), 1.0).toDouble());
    mode_->setCurrentIndex(settings.value(QStringLiteral("trailer/mode"), 0).toInt());
    volume_->setValue(settings.value(QStringLiteral("trailer/volume"), 70).toInt());
    player_->setVolume(volume_->value() / 100.0);
    fps_->setEnabled(mode_->currentData().toInt() == 0);
    connect(fps_, &QDoubleSpinBox::valueChanged, this, [](double v) { QSettings().setValue(QStringLiteral("trailer/fps"), v); });
    connect(mode_, &QComboBox::currentIndexChanged, this, [](int i) { QSettings().setValue(QStringLiteral("trailer/mode"), i); });
    connect(volume_, &QSlider::valueChanged, this, [](int v) { QSettings().setValue(QStringLiteral("trailer/volume"), v); });
    connect(fps_, &QDoubleSpinBox::valueChanged, this, &TrailerView::resample);
    connect(mode_, &QComboBox::currentIndexChanged, this, [this] {
        fps_->setEnabled(mode_->currentData().toInt() == 0);
        resample();
    });
    setItem({}, {}, {});
}

void TrailerView::openFile(const QString& video)
{
    setItem({}, QFileInfo(video).fileName(), video);
}

QString TrailerView::messageText() const
{
    return message_->isVisible() ? message_->text() : QString();
}

QString TrailerView::audioNote() const
{
    return audioNote_->isVisible() ? audioNote_->text() : QString();
}

void TrailerView::setItem(const QString& itemId, const QString& title, const QString& video)
{
    player_->close();
    itemId_ = itemId;
    videoPath_ = video;
    message_->hide();
    audioNote_->hide();
    strip_->setKeyframes({});
    audio_->cancel();
    audioStrip_->setOverview(nullptr);
    audioStrip_->setKeyframeTimes({});
    audioStrip_->setDuration(0);
    audioStrip_->setPosition(0);
    audioStrip_->setMessage({});
    scoring_->cancel();
    scoringKey_.clear();
    clearFrameScores({});
    updateRating();
    if (itemId.isEmpty() && video.isEmpty()) {
        title_->setText(tr("No trailer selected: double-click an item with a trailer in the Library, or click a "
                           "recommendation in the User explorer."));
        samplingInfo_->clear();
        return;
    }
    if (video.isEmpty() || !QFileInfo::exists(video)) {
        title_->setText(title);
        message_->setText(video.isEmpty()
                              ? tr("This item has no trailer in the project's manifest. Add one (item_id,video) to "
                                   "the manifest to play it and extract its features.")
                              : tr("Trailer file not found: %1. Restore the file or fix the manifest.").arg(video));
        message_->show();
        samplingInfo_->clear();
        return;
    }
    title_->setText(itemId.isEmpty() ? QFileInfo(video).fileName() : tr("%1 — %2").arg(title, QFileInfo(video).fileName()));
    player_->open(video);
    resample();
    loadAudioOverview();
}

void TrailerView::togglePlay()
{
    player_->togglePlay();
}

void TrailerView::seek(qint64 ms)
{
    lastSeek_ = ms;
    player_->seek(ms);
    audioStrip_->setPosition(ms);
    audioStrip_->setHighlightedKeyframe(strip_->highlightNearest(ms));
    updateTime();
}

void TrailerView::updateTime()
{
    time_->setText(QStringLiteral("%1 / %2").arg(clock(player_->position()), clock(player_->duration())));
}

QString TrailerView::samplingKey() const
{
    return videoPath_ + QLatin1Char('|') + QString::number(mode_->currentData().toInt()) + QLatin1Char('|') +
           QString::number(fps_->value());
}

void TrailerView::resample()
{
    if (videoPath_.isEmpty() || !QFileInfo::exists(videoPath_))
        return;
    sampling_->cancel();  // the strip of other settings is not wanted any more
    const QString key = samplingKey();
    if (auto it = sampled_.find(key); it != sampled_.end()) {
        strip_->setKeyframes(*it);
        samplingInfo_->setText(sampledInfo_.value(key));
        strip_->highlightNearest(player_->position());
        Q_EMIT keyframesReady(static_cast<int>(it->size()));
        return;
    }
    video::SamplerOptions options;
    options.mode = mode_->currentData().toInt() == 1 ? video::SamplingMode::Shots : video::SamplingMode::Uniform;
    options.fps = fps_->value();
    options.makeTensor = false;
    options.thumbWidth = 112;
    options.dropUniform = false;  // the strip shows what the rate picks, black frames included
    const std::filesystem::path path = videoPath_.toStdString();
    samplingInfo_->setText(tr("sampling…"));
    sampling_->run<SampledStrip>(
        tr("Keyframes: %1 @ %2").arg(QFileInfo(videoPath_).fileName(),
                                     options.mode == video::SamplingMode::Shots ? tr("shots")
                                                                                : tr("%1 fps").arg(options.fps)),
        [options, path](const JobContext& ctx) {
            SampledStrip out;
            const video::FrameSampler sampler(options);
            const video::SamplingResult result = sampler.run(path, [&](video::SampledFrame&& f) {
                Keyframe k;
                k.ms = static_cast<qint64>(f.timestamp * 1000.0 + 0.5);
                k.shotId = f.shotId;
                if (!f.thumbRgb.empty())
                    k.thumbnail = QImage(f.thumbRgb.data(), f.thumbWidth, f.thumbHeight, 3 * f.thumbWidth,
                                         QImage::Format_RGB888).copy();
                out.keyframes.push_back(std::move(k));
            }, ctx);
            out.info = QObject::tr("%1 keyframes from %2 decoded frames%3")
                           .arg(result.framesEmitted)
                           .arg(result.framesDecoded)
                           .arg(result.warnings.total() > 0
                                    ? QObject::tr(", %1 warning(s)").arg(result.warnings.total())
                                    : QString());
            if (options.mode == video::SamplingMode::Shots)
                out.info += QObject::tr(", %1 shots").arg(result.shots.size());
            return out;
        },
        [this, key](SampledStrip strip) {
            sampled_.insert(key, strip.keyframes);
            sampledInfo_.insert(key, strip.info);
            strip_->setKeyframes(strip.keyframes);
            samplingInfo_->setText(strip.info);
            strip_->highlightNearest(player_->position());
            Q_EMIT keyframesReady(static_cast<int>(strip.keyframes.size()));
        },
        [this](const QString& message, bool cancelled) {
            if (!cancelled)
                samplingInfo_->setText(tr("sampling failed: %1").arg(message));
        });
}

bool TrailerView::audioPending() const
{
    return audio_->busy();
}

void TrailerView::loadAudioOverview()
{
    const QString video = videoPath_;
    if (const auto it = overviews_.find(video); it != overviews_.end()) {
        audioStrip_->setOverview(*it);
        Q_EMIT audioOverviewReady((*it)->hasAudio());
        return;
    }
    if (const auto it = overviewFailures_.find(video); it != overviewFailures_.end()) {
        audioStrip_->setMessage(*it);
        return;
    }
#ifdef TRAILERLAB_NO_VIDEO
    audioStrip_->setMessage(tr("No soundtrack view: this build has no FFmpeg."));
#else
    audioStrip_->setMessage(tr("Reading the soundtrack…"));
    const std::filesystem::path path = video.toStdString();
    audio_->run<std::shared_ptr<const audio::AudioOverview>>(
        tr("Soundtrack: %1").arg(QFileInfo(video).fileName()),
        [path](const JobContext& ctx) {
            return std::shared_ptr<const audio::AudioOverview>(
                std::make_shared<audio::AudioOverview>(audio::computeAudioOverview(path, {}, ctx)));
        },
        [this, video](std::shared_ptr<const audio::AudioOverview> overview) {
            overviews_.insert(video, overview);
            if (video != videoPath_)
                return;
            audioStrip_->setOverview(overview);
            Q_EMIT audioOverviewReady(overview->hasAudio());
        },
        [this, video](const QString& message, bool cancelled) {
            if (cancelled)
                return;
            const QString text = tr("Soundtrack not read: %1").arg(message);
            overviewFailures_.insert(video, text);
            if (video == videoPath_)
                audioStrip_->setMessage(text);
        });
#endif
}

TrailerView::~TrailerView() = default;

void TrailerView::setWorkbench(const Workbench* workbench)
{
    workbench_ = workbench;
    connect(workbench, &Workbench::userChanged, this, &TrailerView::updateFrameScores);
    connect(workbench, &Workbench::activeSourceChanged, this, &TrailerView::updateFrameScores);
    connect(workbench, &Workbench::modelReady, this, &TrailerView::updateFrameScores);
    connect(workbench, &Workbench::projectOpened, this, &TrailerView::updateFrameScores);
    connect(workbench, &Workbench::projectClosed, this, [this] {
        scoring_->cancel();
        scoringKey_.clear();
        *scoringCache_ = {};
        clearFrameScores({});
    });
    connect(workbench, &Workbench::sourcesChanged, this, [this] {
        // Re-extracted configurations may have new profiles: fit their scaling again.
        scoringCache_->scalings.clear();
        scoringCache_->failures.clear();
        updateFrameScores();
    });
    connect(workbench, &Workbench::userChanged, this, &TrailerView::updateRating);
    connect(workbench, &Workbench::editsChanged, this, &TrailerView::updateRating);
    connect(workbench, &Workbench::projectOpened, this, &TrailerView::updateRating);
    connect(workbench, &Workbench::projectClosed, this, &TrailerView::updateRating);
    connect(stars_, &StarRating::ratingRequested, this, [this](int stars) {
        if (!workbench_ || !workbench_->hasProject())
            return;
        if (const auto item = workbench_->project()->data.items.find(itemId_.toStdString()))
            Q_EMIT rateRequested(*item, stars);
    });
    updateRating();
}

QString TrailerView::ratingText() const
{
    return ratingAs_->text();
}

void TrailerView::updateRating()
{
    const auto item = workbench_ && workbench_->hasProject() && !itemId_.isEmpty()
                          ? workbench_->project()->data.items.find(itemId_.toStdString())
                          : std::nullopt;
    if (!item) {
        stars_->setRating(std::nullopt, false);
        stars_->setEnabled(false);
        stars_->setSubject({});
        ratingAs_->setText(itemId_.isEmpty() ? (videoPath_.isEmpty() ? QString() : tr("Not a project trailer: nothing to rate"))
                                             : tr("Not in the project's ratings: nothing to rate"));
        stars_->setVisible(!ratingAs_->text().isEmpty());
        ratingAs_->setVisible(!ratingAs_->text().isEmpty());
        return;
    }
    const auto& project = *workbench_->project();
    const std::uint32_t user = workbench_->user();
    const QString userId = user < project.data.users.size() ? QString::fromStdString(project.data.users.id(user)) : QString();
    const UserRatingState state = userRatingState(project, user);
    stars_->setEnabled(!userId.isEmpty());
    stars_->setRating(state.ratingOf(*item), state.isEdited(*item));
    stars_->setSubject(tr("%1 rating %2").arg(userId, workbench_->titleOf(itemId_)));
    QString text = tr("Rating as %1").arg(userId);
    if (workbench_->isPlaygroundUser(user))
        text += tr(" (playground)");
    ratingAs_->setText(text + QLatin1Char(':'));
    stars_->show();
    ratingAs_->show();
}

QString TrailerView::scoreStatus() const
{
    return scoreStatus_->text();
}

bool TrailerView::scoringPending() const
{
    return scoring_->busy();
}

void TrailerView::clearFrameScores(const QString& why)
{
    if (!strip_->scores().empty())
        strip_->setScores({});
    legend_->hide();
    scoreStatus_->setText(why);
    bestFrames_->clear();
    bestPanel_->hide();
    Q_EMIT frameScoresReady(0);
}

namespace {

QString featuresKey(const QString& samplingKey, const QString& source)
{
    return samplingKey + QLatin1Char('|') + source;
}

QString scalingKey(const QString& source, tl::Normalization mode)
{
    return source + QLatin1Char('|') + QString::fromStdString(tl::toString(mode));
}

}  // namespace

void TrailerView::updateFrameScores()
{
    if (!workbench_ || !workbench_->hasProject() || videoPath_.isEmpty() || itemId_.isEmpty())
        return clearFrameScores({});
    if (strip_->keyframes().empty())
        return clearFrameScores(sampling_->busy() ? QString() : tr("No keyframe to score."));
    const QString source = workbench_->activeSource();
    const tl::ContentSourceInfo* info = workbench_->source(source);
    const auto model = workbench_->model(source);
    if (!info || !model)
        return clearFrameScores(source.isEmpty() ? tr("Frames are scored against a configuration's user profile: "
                                                      "this project has none yet.")
                                                 : tr("Frame scores wait for the model of %1.").arg(source));
    const QString key = featuresKey(samplingKey(), source);
    const QString scaling = scalingKey(source, model->settings().normalization);
    if (const auto failure = scoringCache_->failures.find(key); failure != scoringCache_->failures.end())
        return clearFrameScores(*failure);
    const auto frames = scoringCache_->frames.value(key);
    const auto fit = scoringCache_->scalings.value(scaling);
    if (frames && fit)
        return showFrameScores();
    if (scoring_->busy() && scoringKey_ == key)
        return;
    scoring_->cancel();
    scoringKey_ = key;
    clearFrameScores(tr("Scoring frames against the user's profile: computing their %1 features…").arg(source));

    const std::shared_ptr<const tl::ProjectData> project = workbench_->project();
    const tl::ContentSourceInfo sourceInfo = *info;
    const tl::Normalization normalization = model->settings().normalization;
    const std::filesystem::path path = videoPath_.toStdString();
    const bool shots = mode_->currentData().toInt() == 1;
    const double fps = fps_->value();
    scoring_->run<FrameScoringResult>(
        tr("Frame features: %1 (%2)").arg(QFileInfo(videoPath_).fileName(), source),
        [project, sourceInfo, normalization, path, shots, fps, frames, fit](const JobContext& ctx) {
            FrameScoringResult out{frames, fit};
            if (!out.frames) {
                const tl::FrameExtractionSetup setup = tl::frameExtractionSetup(*project, sourceInfo);
                auto extractor = tl::createFrameExtractor(setup);
                video::SamplerOptions sampler = setup.sampler;
                // The strip's frames (its rate, black frames included) in the configuration's preprocessing.
                sampler.mode = shots ? video::SamplingMode::Shots : video::SamplingMode::Uniform;
                sampler.fps = fps;
                sampler.dropUniform = false;
                sampler.thumbWidth = 0;
                tl::features::FrameFeatures f = tl::features::extractFrameFeatures(*extractor, path, sampler, 0, ctx);
                auto result = std::make_shared<FrameScoringCache::Frames>();
                for (double t : f.times)
                    result->ms.push_back(keyframeMs(t));
                result->values = std::move(f.values);
                out.frames = std::move(result);
            }
            if (!out.scaling)
                out.scaling = std::make_shared<const tl::ColumnScaling>(
                    tl::ColumnScaling::fit(tl::loadContent(*project, sourceInfo).values, normalization));
            return out;
        },
        [this, key, scaling](FrameScoringResult result) {
            scoringCache_->frames.insert(key, result.frames);
            scoringCache_->scalings.insert(scaling, result.scaling);
            updateFrameScores();
        },
        [this, key](const QString& message, bool cancelled) {
            if (cancelled)
                return;
            scoringCache_->failures.insert(key, tr("Frames not scored: %1").arg(message));
            updateFrameScores();
        });
}

void TrailerView::showFrameScores()
{
    const QString source = workbench_->activeSource();
    const auto model = workbench_->model(source);
    const auto frames = scoringCache_->frames.value(featuresKey(samplingKey(), source));
    const auto scaling = scoringCache_->scalings.value(scalingKey(source, model->settings().normalization));
    const std::uint32_t user = workbench_->user();
    const Eigen::VectorXd profile = tl::userProfileExact(*model, user);
    const QString userId = user < workbench_->project()->data.users.size()
                               ? QString::fromStdString(workbench_->project()->data.users.id(user))
                               : QString::number(user);
    if (profile.norm() == 0)
        return clearFrameScores(tr("User %1 has no relevant training item with a profile in %2: nothing to score "
                                   "frames against.")
                                    .arg(userId, source));
    std::vector<double> byFrame;
    try {
        byFrame = tl::frameScores(frames->values, *scaling, profile);
    } catch (const tl::Error& e) {
        return clearFrameScores(tr("Frames not scored: %1").arg(QString::fromStdString(e.what())));
    }
    // Each keyframe takes the score of the frame at its time.
    QHash<qint64, double> scoreAt;
    for (std::size_t k = 0; k < byFrame.size(); ++k)
        scoreAt.insert(frames->ms[k], byFrame[k]);
    const auto& keyframes = strip_->keyframes();
    std::vector<double> scores(keyframes.size(), std::nan(""));
    int scored = 0;
    for (std::size_t i = 0; i < keyframes.size(); ++i)
        if (const auto it = scoreAt.find(keyframes[i].ms); it != scoreAt.end()) {
            scores[i] = *it;
            ++scored;
        }
    strip_->setScores(scores);

    const auto [lo, hi] = strip_->scoreRange();
    QPixmap ramp(120, 14);
    {
        QPainter painter(&ramp);
        for (int x = 0; x < ramp.width(); ++x) {
            painter.setPen(KeyframeStrip::scoreColour(static_cast<double>(x) / (ramp.width() - 1)));
            painter.drawLine(x, 0, x, ramp.height());
        }
    }
    legend_->setPixmap(ramp);
    legend_->setToolTip(tr("Frame colour: its cosine to the user's profile, from the strip's lowest (%1, dark) to "
                           "its highest (%2, yellow)")
                            .arg(lo, 0, 'f', 3)
                            .arg(hi, 0, 'f', 3));
    legend_->show();
    scoreStatus_->setText(tr("%1 … %2: cosine of each frame to user %3's profile (%4)")
                              .arg(lo, 0, 'f', 3)
                              .arg(hi, 0, 'f', 3)
                              .arg(userId, source));

    bestFrames_->clear();
    std::vector<double> ranked = scores;
    for (double& s : ranked)
        if (std::isnan(s))
            s = -std::numeric_limits<double>::infinity();
    for (const tl::RankedFrame& r : tl::bestFrames(ranked, std::min<std::size_t>(5, static_cast<std::size_t>(scored)))) {
        const Keyframe& k = keyframes[r.frame];
        QPixmap pix = k.thumbnail.isNull() ? QPixmap(64, 36) : QPixmap::fromImage(k.thumbnail.scaled(
                                                                  64, 36, Qt::KeepAspectRatio, Qt::SmoothTransformation));
        if (k.thumbnail.isNull())
            pix.fill(Qt::darkGray);
        auto* item = new QListWidgetItem(
            QIcon(pix), tr("%1\n%2").arg(KeyframeStrip::timeText(k.ms)).arg(r.score, 0, 'f', 3), bestFrames_);
        item->setData(Qt::UserRole, k.ms);
        item->setToolTip(tr("%1 s, cosine %2: click to seek").arg(static_cast<double>(k.ms) / 1000.0, 0, 'f', 2)
                             .arg(r.score, 0, 'f', 4));
    }
    bestPanel_->setVisible(scored > 0);
    Q_EMIT frameScoresReady(scored);
}

bool TrailerView::samplingPending() const
{
    return sampling_->busy();
}

}  // namespace tl::ui
