#pragma once
// Runs core jobs off the GUI thread (docs/architecture.md): each job is a
// synchronous core call taking a tl::JobContext; it runs on the runner's own
// thread pool through QtConcurrent, its progress is stored under a mutex by the worker
// and published to the job list by a 40 ms coalescing timer on the GUI thread,
// and its result (or error message) comes back on the GUI thread through a
// QFutureWatcher. Exceptions never cross the thread boundary: the worker turns
// them into an error message. Failed and cancelled jobs stay in the list.
//
// Jobs are started through a JobGroup (below), which binds their callbacks to a
// receiver and drops stale results.
//
// Threading: every member function is for the GUI thread.

#include <QAbstractTableModel>
#include <QColor>
#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/common/JobContext.h"

namespace tl::ui {

enum class JobStatus { Running, Done, Failed, Cancelled };

struct JobRecord {
    int id = 0;
    QString title;
    JobStatus status = JobStatus::Running;
    Progress progress;   // latest published progress
    QString message;     // error, or a short result summary
    double seconds = 0;
};

// The job list shown by JobsView: title, progress, status, message.
class JobListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Title, ProgressColumn, Status, Message, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    const std::vector<JobRecord>& records() const { return records_; }
    int add(const QString& title);
    JobRecord* find(int id);
    void changed(int id);
    static QString statusText(JobStatus status);

private:
    std::vector<JobRecord> records_;
};

// Lowers the calling worker thread's scheduling priority (Linux: nice +5, or
// `niceness`, once per thread), so that the GUI thread wins the CPU while jobs run
// on every core.
void lowerWorkerPriority(int niceness = 5);

template <class R>
struct JobOutcome {
    std::optional<R> value;
    QString error;
    bool cancelled = false;
};

class JobGroup;

struct JobGroupState {
    int generation = 0;
    std::vector<int> current;  // jobs of the current generation still running
};

// Binds one job's callbacks to the receiver and the group generation it was started in.
struct JobBinding {
    QPointer<QObject> receiver;
    std::shared_ptr<JobGroupState> group;
    int generation = 0;
    bool current() const;  // the receiver exists and no cancel() of the group came since
    void finished(int id) const;  // the group forgets the job
};

class JobRunner : public QObject {
    Q_OBJECT
public:
    explicit JobRunner(QObject* parent = nullptr);
    ~JobRunner() override;  // cancels and waits for running jobs

    JobListModel* model() { return &model_; }
    int runningCount() const { return static_cast<int>(live_.size()); }
    bool isRunning(int id) const;
    // A user's cancel (the Jobs view, a Cancel button): the job's failed(…, cancelled = true) runs.
    void cancel(int id);
    void cancelAll();
    // Blocks until no job runs (for tests and shutdown; never called from a slot in normal use).
    void waitForAll();

Q_SIGNALS:
    void progressed(int id, const tl::Progress& progress);  // coalesced, at most every 40 ms per job
    void finished(int id, tl::ui::JobStatus status, const QString& message);
    void idle();  // no job left running

private:
    friend class JobGroup;
    struct Live {
        int id;
        CancelToken token;
        std::shared_ptr<std::mutex> mutex;
        std::shared_ptr<std::optional<Progress>> pending;
        std::function<void()> wait;
        std::chrono::steady_clock::time_point started;
    };
    // Starts `work` on `pool`; `done` / `failed` run on the GUI thread only while `binding` is current.
    template <class R>
    int start(QThreadPool& pool, int niceness, const QString& title, std::function<R(const JobContext&)> work,
              std::function<void(R)> done, std::function<void(const QString&, bool cancelled)> failed,
              JobBinding binding);
    void publish();
    void complete(int id, JobStatus status, const QString& message);
    Live* live(int id);

    JobListModel model_;
    // Jobs get their own pool: Qt's raster painting and image conversion use the
    // global pool, and long jobs occupying it stalled repaints for seconds.
    QThreadPool pool_;
    QThreadPool background_;  // one thread, lower priority still
    QTimer repaint_;
    std::vector<Live> live_;
    int nextId_ = 1;
};

// The one way to start a job, and the one rule for stale results.
//
// A group belongs to a receiver QObject (the view or state object that holds the
// group as a member) and runs its jobs on a JobRunner. A job's `done` / `failed`
// run on the GUI thread only while
//  - the receiver exists (a view destroyed while its job runs gets no callback), and
//  - the job is current: cancel() makes every job the group started before it stale
//    (their workers are asked to stop, their callbacks are dropped, the job list
//    shows how they ended). A newer job that supersedes the running ones is
//    cancel() followed by run().
// A user's cancel of one job (JobRunner::cancel) is not staleness: that job's
// failed(message, cancelled = true) runs.
//
// Threading: GUI thread only. The group may outlive its runner (QObject children
// are destroyed in creation order): it then does nothing.
class JobGroup {
public:
    JobGroup(JobRunner* runner, QObject* receiver);
    ~JobGroup();  // cancel(): nobody is left to receive the results
    JobGroup(const JobGroup&) = delete;
    JobGroup& operator=(const JobGroup&) = delete;

    JobRunner* runner() const { return runner_; }
    // Starts `work` on the runner's pool. `done` runs with the value, `failed` (optional)
    // with the message, after the job list shows it. Returns the job id.
    template <class R>
    int run(const QString& title, std::function<R(const JobContext&)> work, std::function<void(R)> done,
            std::function<void(const QString&, bool cancelled)> failed = {})
    {
        return start<R>(false, title, std::move(work), std::move(done), std::move(failed));
    }
    // The same at background priority: one job at a time on a thread of its own
    // (nice +10), for work nobody waits for (extracting the project's other
    // configurations); interactive jobs keep the CPU.
    template <class R>
    int runInBackground(const QString& title, std::function<R(const JobContext&)> work, std::function<void(R)> done,
                        std::function<void(const QString&, bool cancelled)> failed = {})
    {
        return start<R>(true, title, std::move(work), std::move(done), std::move(failed));
    }
    // Makes every running job of the group stale and asks it to stop.
    void cancel();
    // Whether a current (not stale) job of the group is still running.
    bool busy() const { return !state_->current.empty(); }

private:
    template <class R>
    int start(bool background, const QString& title, std::function<R(const JobContext&)> work,
              std::function<void(R)> done, std::function<void(const QString&, bool cancelled)> failed);

    QPointer<JobRunner> runner_;
    QPointer<QObject> receiver_;
    std::shared_ptr<JobGroupState> state_ = std::make_shared<JobGroupState>();
};

template <class R>
int JobGroup::start(bool background, const QString& title, std::function<R(const JobContext&)> work,
                    std::function<void(R)> done, std::function<void(const QString&, bool)> failed)
{
    Q_ASSERT(runner_);
    JobBinding binding{receiver_, state_, state_->generation};
    const int id = background ? runner_->start<R>(runner_->background_, 10, title, std::move(work), std::move(done),
                                                  std::move(failed), std::move(binding))
                              : runner_->start<R>(runner_->pool_, 5, title, std::move(work), std::move(done),
                                                  std::move(failed), std::move(binding));
    state_->current.push_back(id);
    return id;
}

template <class R>
int JobRunner::start(QThreadPool& pool, int niceness, const QString& title, std::function<R(const JobContext&)> work,
                     std::function<void(R)> done, std::function<void(const QString&, bool)> failed,
                     JobBinding binding)
{
    const int id = model_.add(title);
    Live entry{id, CancelToken{}, std::make_shared<std::mutex>(), std::make_shared<std::optional<Progress>>(), {},
               std::chrono::steady_clock::now()};
    auto mutex = entry.mutex;
    auto pending = entry.pending;
    JobContext ctx(
        [mutex, pending](const Progress& p) {
            std::lock_guard lock(*mutex);
            *pending = p;
        },
        entry.token);
    auto* watcher = new QFutureWatcher<JobOutcome<R>>(this);
    QFuture<JobOutcome<R>> future = QtConcurrent::run(&pool, [work = std::move(work), ctx, niceness]() {
        lowerWorkerPriority(niceness);
        JobOutcome<R> out;
        try {
            out.value.emplace(work(ctx));
        } catch (const Cancelled&) {
            out.cancelled = true;
        } catch (const std::exception& e) {
            out.error = QString::fromStdString(e.what());
        } catch (...) {
            out.error = QStringLiteral("unknown error");
        }
        return out;
    });
    entry.wait = [future]() mutable { future.waitForFinished(); };
    live_.push_back(std::move(entry));
    // The runner is the connection's context (its bookkeeping always runs); the
    // callbacks run only while the binding is current.
    connect(watcher, &QFutureWatcherBase::finished, this,
            [this, watcher, id, done = std::move(done), failed = std::move(failed), binding = std::move(binding)] {
        JobOutcome<R> out = watcher->result();
        watcher->deleteLater();
        const bool current = binding.current();
        binding.finished(id);
        if (out.cancelled) {
            complete(id, JobStatus::Cancelled, tr("Cancelled; finished work is kept."));
            if (failed && current)
                failed(tr("cancelled"), true);
        } else if (!out.value) {
            complete(id, JobStatus::Failed, out.error);
            if (failed && current)
                failed(out.error, false);
        } else {
            complete(id, JobStatus::Done, {});
            if (done && current)
                done(std::move(*out.value));
        }
        if (live_.empty())
            Q_EMIT idle();
    });
    watcher->setFuture(future);
    if (!repaint_.isActive())
        repaint_.start();
    return id;
}

}  // namespace tl::ui
