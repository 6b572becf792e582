#include "ui/JobRunner.h"

#include <QThread>

#include <algorithm>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace tl::ui {

void lowerWorkerPriority(int niceness)
{
#ifdef __linux__
    thread_local bool lowered = false;
    if (!lowered) {
        lowered = true;
        // Per-thread nice value (Linux threads are scheduled entities of their own).
        setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), niceness);
    }
#else
    (void)niceness;
#endif
}

int JobListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(records_.size());
}

int JobListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString JobListModel::statusText(JobStatus status)
{
    switch (status) {
    case JobStatus::Running: return tr("Running");
    case JobStatus::Done: return tr("Done");
    case JobStatus::Failed: return tr("Failed");
    case JobStatus::Cancelled: return tr("Cancelled");
    }
    return {};
}

QVariant JobListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    // Newest first.
    const JobRecord& r = records_[records_.size() - 1 - static_cast<std::size_t>(index.row())];
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case Title: return r.title;
        case ProgressColumn:
            if (r.status == JobStatus::Done)
                return QStringLiteral("100 %");
            if (r.progress.total > 0)
                return QStringLiteral("%1 %").arg(static_cast<int>(100.0 * r.progress.done / r.progress.total));
            return QString::fromStdString(r.progress.stage);
        case Status: return statusText(r.status);
        case Message:
            if (!r.message.isEmpty())
                return r.message;
            return QString::fromStdString(r.progress.detail);
        default: break;
        }
    }
    if (role == Qt::ForegroundRole && index.column() == Status) {
        if (r.status == JobStatus::Failed)
            return QColor(Qt::red);
        if (r.status == JobStatus::Cancelled)
            return QColor(Qt::darkYellow);
    }
    if (role == Qt::UserRole)
        return r.id;
    return {};
}

QVariant JobListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Title: return tr("Job");
    case ProgressColumn: return tr("Progress");
    case Status: return tr("Status");
    case Message: return tr("Details");
    default: return {};
    }
}

int JobListModel::add(const QString& title)
{
    const int id = records_.empty() ? 1 : records_.back().id + 1;
    beginInsertRows({}, 0, 0);
    JobRecord r;
    r.id = id;
    r.title = title;
    records_.push_back(r);
    endInsertRows();
    return id;
}

JobRecord* JobListModel::find(int id)
{
    for (auto& r : records_)
        if (r.id == id)
            return &r;
    return nullptr;
}

void JobListModel::changed(int id)
{
    for (std::size_t i = 0; i < records_.size(); ++i)
        if (records_[i].id == id) {
            const int row = static_cast<int>(records_.size() - 1 - i);
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
            return;
        }
}

JobRunner::JobRunner(QObject* parent) : QObject(parent), model_(this)
{
    pool_.setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
    background_.setMaxThreadCount(1);
    repaint_.setInterval(40);
    connect(&repaint_, &QTimer::timeout, this, &JobRunner::publish);
}

JobRunner::~JobRunner()
{
    cancelAll();
    waitForAll();
}

JobRunner::Live* JobRunner::live(int id)
{
    auto it = std::find_if(live_.begin(), live_.end(), [id](const Live& l) { return l.id == id; });
    return it == live_.end() ? nullptr : &*it;
}

bool JobRunner::isRunning(int id) const
{
    return std::any_of(live_.begin(), live_.end(), [id](const Live& l) { return l.id == id; });
}

void JobRunner::cancel(int id)
{
    if (Live* l = live(id))
        l->token.cancel();
}

void JobRunner::cancelAll()
{
    for (auto& l : live_)
        l.token.cancel();
}

void JobRunner::waitForAll()
{
    for (auto& l : live_)
        l.wait();
}

void JobRunner::publish()
{
    for (auto& l : live_) {
        std::optional<Progress> p;
        {
            std::lock_guard lock(*l.mutex);
            p.swap(*l.pending);
        }
        if (!p)
            continue;
        if (JobRecord* r = model_.find(l.id)) {
            r->progress = *p;
            model_.changed(l.id);
        }
        Q_EMIT progressed(l.id, *p);
    }
    if (live_.empty())
        repaint_.stop();
}

void JobRunner::complete(int id, JobStatus status, const QString& message)
{
    publish();
    auto it = std::find_if(live_.begin(), live_.end(), [id](const Live& l) { return l.id == id; });
    double seconds = 0;
    if (it != live_.end()) {
        seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - it->started).count();
        live_.erase(it);
    }
    if (JobRecord* r = model_.find(id)) {
        r->status = status;
        r->seconds = seconds;
        r->message = message.isEmpty() ? tr("%1 s").arg(seconds, 0, 'f', 1) : message;
        model_.changed(id);
    }
    Q_EMIT finished(id, status, message);
}

bool JobBinding::current() const
{
    return receiver && group && group->generation == generation;
}

void JobBinding::finished(int id) const
{
    if (group && group->generation == generation)
        std::erase(group->current, id);
}

JobGroup::JobGroup(JobRunner* runner, QObject* receiver) : runner_(runner), receiver_(receiver)
{
    Q_ASSERT(runner && receiver);
}

JobGroup::~JobGroup()
{
    cancel();
}

void JobGroup::cancel()
{
    ++state_->generation;
    if (runner_)
        for (int id : state_->current)
            runner_->cancel(id);
    state_->current.clear();
}

}  // namespace tl::ui
