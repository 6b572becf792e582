#include "ui/AutoExtractor.h"

#include <QSettings>

#include <cmath>

#include "core/experiment/ProjectExtraction.h"
#include "core/project/ProjectData.h"
#ifndef TRAILERLAB_NO_VIDEO
#include "core/audio/AudioExtraction.h"
#endif
#include "ui/JobRunner.h"
#include "ui/Workbench.h"

namespace tl::ui {

namespace {

QString describe(const session::PlannedExtraction& p)
{
    return QStringLiteral("%1 @ %2 fps").arg(QString::fromStdString(p.settings.model.model)).arg(p.settings.fps);
}

QString audioStatus(int done, int total)
{
    return AutoExtractor::tr("Extracting the soundtracks' audio descriptors in the background: %1/%2 trailers")
        .arg(done)
        .arg(total);
}

}  // namespace

AutoExtractor::AutoExtractor(Workbench* workbench, JobRunner* jobs, QObject* parent)
    : QObject(parent), workbench_(workbench), jobs_(jobs), extraction_(std::make_unique<JobGroup>(jobs, this))
{
    connect(workbench_, &Workbench::projectOpened, this, [this] {
        // A new project: whatever ran belongs to the old one.
        cancel();
        suspended_ = false;
        setStatus({}, {});
        if (enabled())
            start();
    });
    // New weights: plan again, so configurations that were left out for want of them run now.
    connect(workbench_, &Workbench::weightsImported, this, [this] {
        if (enabled() && !active_ && workbench_->hasProject())
            start();
    });
    connect(workbench_, &Workbench::projectClosed, this, [this] {
        cancel();
        setStatus({}, {});
    });
    connect(jobs_, &JobRunner::progressed, this, [this](int id, const Progress& p) {
        if (id != job_ || p.stage != (current_.audio() ? "audio" : "extract") || p.total <= 0)
            return;
        clipsDone_ = static_cast<int>(std::floor(p.done));
        clipsTotal_ = static_cast<int>(p.total);
        if (current_.audio()) {
            setStatus(audioStatus(clipsDone_, clipsTotal_), QStringLiteral("cancel"));
            return;
        }
        setStatus(tr("Extracting %1 in the background: %2/%3 clips")
                      .arg(describe(current_))
                      .arg(clipsDone_)
                      .arg(clipsTotal_),
                  QStringLiteral("cancel"));
    });
    // An extraction given up (cancel()) just as it finished has written its profiles:
    // its result is dropped, but the views list the configuration.
    connect(jobs_, &JobRunner::finished, this, [this](int id, JobStatus status, const QString&) {
        if (id == abandonedJob_ && status == JobStatus::Done && workbench_->hasProject())
            workbench_->refreshSources();
    });
    auto modelDone = [this](const QString& source, bool ok, const QString& message) {
        if (evaluating_.isEmpty() || source != evaluating_)
            return;
        const QString name = evaluating_;
        const bool first = evaluatingFirst_;
        const QString note = evaluatingNote_;
        evaluating_.clear();
        evaluatingNote_.clear();
        if (ok) {
            completed_ << name;
            // The first video configuration is what the views should show.
            if (first)
                workbench_->setActiveSource(name);
        }
        Q_EMIT configurationFinished(name, ok, ok ? note : message);
        next();
    };
    connect(workbench_, &Workbench::modelReady, this, [modelDone](const QString& s) { modelDone(s, true, {}); });
    connect(workbench_, &Workbench::modelFailed, this,
            [modelDone](const QString& s, const QString& message) { modelDone(s, false, message); });
}

bool AutoExtractor::enabled() const
{
    return override_ ? *override_ : QSettings().value(settingKey(), true).toBool();
}

void AutoExtractor::setEnabled(bool on)
{
    QSettings().setValue(settingKey(), on);
    override_.reset();
    if (!on)
        cancel();
}

QString AutoExtractor::current() const
{
    if (job_ != 0)
        return QString::fromStdString(current_.configuration);
    return evaluating_;
}

QStringList AutoExtractor::pending() const
{
    QStringList out;
    for (const auto& p : queue_)
        out << QString::fromStdString(p.configuration);
    return out;
}

QString AutoExtractor::missingWeightsText() const
{
    // Models without weights are not started (a job that can only fail): say what to do instead.
    if (missingWeights_.isEmpty() || !workbench_->hasProject())
        return {};
    return tr("No trailer features for %1: its weights are not installed. Choose Extraction > Import "
              "Weights… to add them once.")
        .arg(missingWeights_.join(QStringLiteral(", ")));
}

QString AutoExtractor::soundCancelledText()
{
    return tr("Background extraction cancelled; nothing of the soundtracks was written (the audio file is written "
              "at the end)");
}

void AutoExtractor::setStatus(const QString& text, const QString& action)
{
    if (text == status_ && action == action_)
        return;
    status_ = text;
    action_ = action;
    Q_EMIT statusChanged(status_, action_);
}

void AutoExtractor::start()
{
    if (!workbench_->hasProject() || active_)
        return;
    const auto& project = workbench_->project()->project;
    std::vector<features::WeightsLookup> missing;
    auto plan = session::planAutoExtraction(project, session::existingProfiles(project), nullptr, &missing);
#ifdef TRAILERLAB_NO_VIDEO
    std::erase_if(plan, [](const auto& p) { return p.audio(); });  // no FFmpeg: no sound to decode
#endif
    if (audioElsewhere_)  // the Extraction view is writing audio.csv right now
        std::erase_if(plan, [](const auto& p) { return p.audio(); });
    queue_.assign(plan.begin(), plan.end());
    suspended_ = false;
    missingWeights_.clear();
    for (const auto& lookup : missing)
        missingWeights_ << QString::fromStdString(lookup.model);
    if (queue_.empty()) {
        setStatus(missingWeightsText(), {});
        return;
    }
    active_ = true;
    next();
}

void AutoExtractor::next()
{
    if (job_ != 0 || !evaluating_.isEmpty())
        return;
    if (!active_)
        return;
    // (Opening or closing a project cancels the queue: it always belongs to the open project.)
    if (queue_.empty() || !workbench_->hasProject()) {
        if (active_)  // (the soundtracks may have run without them: the missing weights are still said)
            finishQueue(false, missingWeightsText(), {});
        return;
    }
    current_ = queue_.front();
    queue_.pop_front();
    clipsDone_ = 0;
    clipsTotal_ = static_cast<int>(workbench_->project()->videoOf.size());
    if (current_.audio())
        return startAudio();
    const QString name = QString::fromStdString(current_.configuration);
    const bool first = current_.first;
    auto project = workbench_->project();
    const auto settings = current_.settings;
    std::function<tl::ExtractionSummary(const JobContext&)> work = [project, settings](const JobContext& ctx) {
        return tl::runExtraction(*project, settings, ctx);
    };
    std::function<void(tl::ExtractionSummary)> done = [this, name, first](tl::ExtractionSummary summary) {
        job_ = 0;
        if (summary.profileFile.empty()) {
            Q_EMIT configurationFinished(name, false, tr("no trailer gave features"));
            next();
            return;
        }
        extracted(name, first);
    };
    std::function<void(const QString&, bool)> failed = [this, name](const QString& message, bool cancelled) {
        job_ = 0;
        if (cancelled) {  // from the job list's own cancel
            Q_EMIT configurationFinished(name, false, tr("cancelled"));
            finishQueue(true, tr("Background extraction cancelled; finished clips are kept in the feature store"),
                        QStringLiteral("resume"));
            return;
        }
        // A model that cannot be built (no weights) fails at every rate: skip its other configurations.
        const std::string model = current_.settings.model.model;
        std::erase_if(queue_, [&](const auto& p) { return p.settings.model.model == model; });
        Q_EMIT configurationFinished(name, false, message);
        if (queue_.empty()) {
            finishQueue(false, tr("Background extraction of %1 failed: %2").arg(name, message.section('\n', 0, 0)), {});
            return;
        }
        next();
    };
    const QString title = tr("Extract %1 (automatic%2)").arg(name, first ? QString() : tr(", background"));
    job_ = first ? extraction_->run<tl::ExtractionSummary>(title, std::move(work), std::move(done),
                                                                  std::move(failed))
                 : extraction_->runInBackground<tl::ExtractionSummary>(title, std::move(work), std::move(done),
                                                                              std::move(failed));
    setStatus(tr("Extracting %1 in the background: %2/%3 clips").arg(describe(current_)).arg(0).arg(clipsTotal_),
              QStringLiteral("cancel"));
    Q_EMIT configurationStarted(name);
}

void AutoExtractor::startAudio()
{
    const QString name = QString::fromStdString(current_.configuration);
#ifdef TRAILERLAB_NO_VIDEO
    Q_EMIT configurationFinished(name, false, tr("audio descriptors need FFmpeg, which this build does not have"));
    next();
#else
    // Exactly the Extraction view's audio run: the trailers in its order, into <profiles>/audio.csv.
    auto project = workbench_->project();
    const std::vector<features::VideoItem> trailers = tl::trailersInOrder(*project);
    std::vector<audio::AudioSourceItem> videos;
    for (const auto& t : trailers)
        videos.push_back({t.id, t.path});
    const Project definition = project->project;
    const std::filesystem::path csv = session::soundtrackProfile(definition);
    std::function<audio::AudioExtractionSummary(const JobContext&)> work =
        [videos, trailers, definition, csv](const JobContext& ctx) {
            auto summary = audio::extractAudioProfiles(videos, csv, ctx);
            // Nothing written: remember these trailers, so the next plan does not try them again.
            session::recordSoundtrackOutcome(definition, trailers, summary.described, summary.noAudio, summary.failed);
            return summary;
        };
    std::function<void(audio::AudioExtractionSummary)> done = [this, name](audio::AudioExtractionSummary summary) {
        job_ = 0;
        const auto total = summary.items.size();
        if (!summary.written()) {
            Q_EMIT configurationFinished(name, false,
                                         summary.noAudio == total
                                             ? noSoundMessage()
                                             : tr("no trailer gave audio descriptors (%1 without sound, %2 failed)")
                                                   .arg(summary.noAudio)
                                                   .arg(summary.failed));
            next();
            return;
        }
        evaluatingNote_ = tr("%1 of %2 trailers without sound").arg(summary.noAudio).arg(total);
        if (summary.failed > 0)
            evaluatingNote_ += tr(", %n failed", nullptr, static_cast<int>(summary.failed));
        extracted(name, false);
    };
    std::function<void(const QString&, bool)> failed = [this, name](const QString& message, bool cancelled) {
        job_ = 0;
        if (cancelled) {  // from the job list's own cancel
            Q_EMIT configurationFinished(name, false, tr("cancelled"));
            finishQueue(true, soundCancelledText(), QStringLiteral("resume"));
            return;
        }
        // The sound failing takes nothing from the pictures: the frame queue goes on.
        Q_EMIT configurationFinished(name, false, message);
        if (queue_.empty()) {
            finishQueue(false, tr("Background extraction of %1 failed: %2").arg(name, message.section('\n', 0, 0)), {});
            return;
        }
        next();
    };
    job_ = extraction_->runInBackground<audio::AudioExtractionSummary>(
        tr("Extract %1 (automatic, background)").arg(name), std::move(work), std::move(done), std::move(failed));
    setStatus(audioStatus(0, clipsTotal_), QStringLiteral("cancel"));
    Q_EMIT configurationStarted(name);
#endif
}

void AutoExtractor::setAudioRunElsewhere(bool running)
{
    audioElsewhere_ = running;
    if (!running)
        return;
    // The Extraction view writes audio.csv now: the queue leaves the soundtracks to it.
    std::erase_if(queue_, [](const auto& p) { return p.audio(); });
    if (job_ != 0 && current_.audio()) {
        abandonedJob_ = job_;
        extraction_->cancel();  // nothing written (extractAudioProfiles writes at the end)
        job_ = 0;
        Q_EMIT configurationFinished(QString::fromStdString(current_.configuration), false,
                                     leftToViewMessage());
        next();
    }
}

void AutoExtractor::extracted(const QString& configuration, bool first)
{
    evaluating_ = configuration;
    evaluatingFirst_ = first;
    setStatus(tr("Evaluating %1 (CF over the K sweep)…").arg(configuration), QStringLiteral("cancel"));
    workbench_->refreshSources();
    // refreshSources() starts the model build; modelReady / modelFailed continue the queue.
    if (!workbench_->modelPending(configuration)) {
        evaluating_.clear();
        const QString note = evaluatingNote_;
        evaluatingNote_.clear();
        const bool ok = workbench_->model(configuration) != nullptr;
        if (ok)
            completed_ << configuration;
        Q_EMIT configurationFinished(configuration, ok, ok ? note : workbench_->modelError(configuration));
        next();
    }
}

void AutoExtractor::finishQueue(bool cancelled, const QString& text, const QString& action)
{
    active_ = false;
    queue_.clear();
    evaluating_.clear();
    evaluatingNote_.clear();
    setStatus(text, action);
    Q_EMIT queueFinished(cancelled);
}

void AutoExtractor::cancel()
{
    if (!active_)
        return;
    const bool sound = job_ != 0 && current_.audio();
    if (job_ != 0)
        Q_EMIT configurationFinished(QString::fromStdString(current_.configuration), false, tr("cancelled"));
    abandonedJob_ = job_;
    extraction_->cancel();  // the running job's late callbacks are dropped with the queue
    job_ = 0;
    finishQueue(true,
                suspended_ ? tr("Background extraction paused while the experiment runs")
                : sound    ? soundCancelledText()
                           : tr("Background extraction cancelled; finished clips are kept in the feature store"),
                suspended_ ? QString() : QStringLiteral("resume"));
}

void AutoExtractor::suspend()
{
    if (!active_)
        return;
    suspended_ = true;
    cancel();
}

void AutoExtractor::resume()
{
    if (!suspended_)
        return;
    suspended_ = false;
    setStatus({}, {});
    start();
}

AutoExtractor::~AutoExtractor() = default;

}  // namespace tl::ui
