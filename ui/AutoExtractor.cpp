#include "ui/AutoExtractor.h"

#include <QSettings>

#include <cmath>

#include "core/experiment/ProjectExtraction.h"
#include "ui/JobRunner.h"
#include "ui/Workbench.h"

namespace tl::ui {

namespace {

QString describe(const session::PlannedExtraction& p)
{
    return QStringLiteral("%1 @ %2 fps").arg(QString::fromStdString(p.settings.model.model)).arg(p.settings.fps);
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
        if (id != job_ || p.stage != "extract" || p.total <= 0)
            return;
        clipsDone_ = static_cast<int>(std::floor(p.done));
        clipsTotal_ = static_cast<int>(p.total);
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
        evaluating_.clear();
        if (ok) {
            completed_ << name;
            // The first video configuration is what the views should show.
            if (first)
                workbench_->setActiveSource(name);
        }
        Q_EMIT configurationFinished(name, ok, message);
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
    const auto plan = session::planAutoExtraction(project, session::existingProfiles(project), nullptr, &missing);
    queue_.assign(plan.begin(), plan.end());
    suspended_ = false;
    missingWeights_.clear();
    for (const auto& lookup : missing)
        missingWeights_ << QString::fromStdString(lookup.model);
    if (queue_.empty()) {
        // Models without weights are not started (a job that can only fail): say what to do instead.
        setStatus(missingWeights_.isEmpty()
                      ? QString()
                      : tr("No trailer features for %1: its weights are not installed. Choose Extraction > Import "
                           "Weights… to add them once.")
                            .arg(missingWeights_.join(QStringLiteral(", "))),
                  {});
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
        if (active_)
            finishQueue(false, {}, {});
        return;
    }
    current_ = queue_.front();
    queue_.pop_front();
    clipsDone_ = 0;
    clipsTotal_ = static_cast<int>(workbench_->project()->videoOf.size());
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

void AutoExtractor::extracted(const QString& configuration, bool first)
{
    evaluating_ = configuration;
    evaluatingFirst_ = first;
    setStatus(tr("Evaluating %1 (CF over the K sweep)…").arg(configuration), QStringLiteral("cancel"));
    workbench_->refreshSources();
    // refreshSources() starts the model build; modelReady / modelFailed continue the queue.
    if (!workbench_->modelPending(configuration)) {
        evaluating_.clear();
        const bool ok = workbench_->model(configuration) != nullptr;
        if (ok)
            completed_ << configuration;
        Q_EMIT configurationFinished(configuration, ok, ok ? QString() : workbench_->modelError(configuration));
        next();
    }
}

void AutoExtractor::finishQueue(bool cancelled, const QString& text, const QString& action)
{
    active_ = false;
    queue_.clear();
    evaluating_.clear();
    setStatus(text, action);
    Q_EMIT queueFinished(cancelled);
}

void AutoExtractor::cancel()
{
    if (!active_)
        return;
    if (job_ != 0)
        Q_EMIT configurationFinished(QString::fromStdString(current_.configuration), false, tr("cancelled"));
    abandonedJob_ = job_;
    extraction_->cancel();  // the running job's late callbacks are dropped with the queue
    job_ = 0;
    finishQueue(true,
                suspended_ ? tr("Background extraction paused while the experiment runs")
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
