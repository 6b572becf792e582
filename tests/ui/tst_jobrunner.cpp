// JobRunner and JobGroup: a job's callbacks run only while its receiver exists
// and the job is its group's current one; stale jobs are stopped and their
// results dropped, while the job list still says how they ended; a user's cancel
// of one job is reported to its receiver.
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "UiTestSupport.h"
#include "ui/JobRunner.h"

using namespace tl::ui;
using namespace std::chrono_literals;

namespace {

// Released by the test; `honourCancel`: the work stops when asked (throws Cancelled).
std::function<int(const tl::JobContext&)> waitingWork(std::shared_ptr<std::atomic<bool>> release, int value,
                                                       bool honourCancel)
{
    return [release, value, honourCancel](const tl::JobContext& ctx) {
        while (!release->load()) {
            if (honourCancel)
                ctx.checkCancelled();
            std::this_thread::sleep_for(1ms);
        }
        return value;
    };
}

std::shared_ptr<std::atomic<bool>> gate()
{
    return std::make_shared<std::atomic<bool>>(false);
}

JobStatus statusOf(JobRunner& runner, int id)
{
    const JobRecord* r = runner.model()->find(id);
    return r ? r->status : JobStatus::Running;
}

bool settle(JobRunner& runner)
{
    return QTest::qWaitFor([&] { return runner.runningCount() == 0; }, 20000);
}

// A receiver with state its callbacks write to: a callback after its destruction
// would write freed memory (a crash, or an ASan report).
class Receiver : public QObject {
public:
    std::vector<int> values;
};

}  // namespace

class TestJobRunner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { test::initTestApplication(); }
    void doneRunsOnTheGuiThreadWithTheValue();
    void destroyedReceiverGetsNoCallback();
    void destroyedViewWithItsGroupGetsNoCallback();
    void supersededResultIsDropped();
    void cancellingAGroupStopsAndDropsOnlyItsJobs();
    void userCancelIsReported();
    void groupOutlivingItsRunnerDoesNothing();
};

void TestJobRunner::doneRunsOnTheGuiThreadWithTheValue()
{
    JobRunner runner;
    Receiver receiver;
    JobGroup group(&runner, &receiver);
    QThread* gui = QThread::currentThread();
    bool onGui = false;
    const int id = group.run<int>(
        "answer", [](const tl::JobContext&) { return 42; },
        [&](int v) {
            receiver.values.push_back(v);
            onGui = QThread::currentThread() == gui;
        });
    QVERIFY(group.busy());
    QVERIFY(settle(runner));
    QCOMPARE(receiver.values, std::vector<int>{42});
    QVERIFY(onGui);
    QVERIFY(!group.busy());
    QCOMPARE(statusOf(runner, id), JobStatus::Done);
}

// The group outlives the receiver (held elsewhere): the receiver's death alone stops the callbacks.
void TestJobRunner::destroyedReceiverGetsNoCallback()
{
    JobRunner runner;
    auto* receiver = new Receiver;
    JobGroup group(&runner, receiver);
    auto release = gate();
    auto called = std::make_shared<int>(0);
    const int id = group.run<int>(
        "outlives its receiver", waitingWork(release, 7, false),
        [receiver, called](int v) {
            ++*called;
            receiver->values.push_back(v);
        },
        [receiver, called](const QString&, bool) {
            ++*called;
            receiver->values.push_back(-1);
        });
    delete receiver;
    release->store(true);
    QVERIFY(settle(runner));
    QCoreApplication::processEvents();
    QCOMPARE(*called, 0);
    // The job itself ran to its end and the list says so.
    QCOMPARE(statusOf(runner, id), JobStatus::Done);
}

// The usual shape: the group is a member of the view; destroying the view stops its jobs.
void TestJobRunner::destroyedViewWithItsGroupGetsNoCallback()
{
    struct View : Receiver {
        explicit View(JobRunner* runner) : jobs(runner, this) {}
        JobGroup jobs;
    };
    JobRunner runner;
    auto* view = new View(&runner);
    auto release = gate();
    auto called = std::make_shared<int>(0);
    const int id = view->jobs.run<int>(
        "view's job", waitingWork(release, 7, true),
        [view, called](int v) {
            ++*called;
            view->values.push_back(v);
        },
        [view, called](const QString&, bool) {
            ++*called;
            view->values.push_back(-1);
        });
    delete view;  // its group asks the job to stop
    QVERIFY(settle(runner));
    QCoreApplication::processEvents();
    QCOMPARE(*called, 0);
    QCOMPARE(statusOf(runner, id), JobStatus::Cancelled);
    release->store(true);
}

// cancel() then run(): the older job's result, even one computed in full, is never delivered.
void TestJobRunner::supersededResultIsDropped()
{
    JobRunner runner;
    Receiver receiver;
    JobGroup group(&runner, &receiver);
    auto first = gate(), second = gate();
    std::vector<QString> failures;
    auto done = [&](int v) { receiver.values.push_back(v); };
    auto failed = [&](const QString& message, bool) { failures.push_back(message); };
    const int older = group.run<int>("older", waitingWork(first, 1, false), done, failed);
    group.cancel();
    QVERIFY(!group.busy());  // the older job runs on, but it is not the group's any more
    const int newer = group.run<int>("newer", waitingWork(second, 2, false), done, failed);
    QVERIFY(group.busy());
    first->store(true);  // the older one finishes first, with a value
    QVERIFY(QTest::qWaitFor([&] { return !runner.isRunning(older); }, 20000));
    QCoreApplication::processEvents();
    QVERIFY(receiver.values.empty());
    second->store(true);
    QVERIFY(settle(runner));
    QCOMPARE(receiver.values, std::vector<int>{2});
    QVERIFY(failures.empty());
    QCOMPARE(statusOf(runner, older), JobStatus::Done);
    QCOMPARE(statusOf(runner, newer), JobStatus::Done);
}

void TestJobRunner::cancellingAGroupStopsAndDropsOnlyItsJobs()
{
    JobRunner runner;
    Receiver receiver;
    JobGroup cancelled(&runner, &receiver), other(&runner, &receiver);
    auto never = gate(), release = gate();
    int callbacks = 0;
    auto count = [&](int) { ++callbacks; };
    auto countFailure = [&](const QString&, bool) { ++callbacks; };
    const int a = cancelled.run<int>("a", waitingWork(never, 1, true), count, countFailure);
    const int b = cancelled.runInBackground<int>("b", waitingWork(never, 2, true), count, countFailure);
    const int c = other.run<int>("c", waitingWork(release, 3, true), [&](int v) { receiver.values.push_back(v); });
    cancelled.cancel();
    QVERIFY(!cancelled.busy());
    QVERIFY(other.busy());
    QVERIFY(QTest::qWaitFor([&] { return !runner.isRunning(a) && !runner.isRunning(b); }, 20000));
    QCOMPARE(statusOf(runner, a), JobStatus::Cancelled);
    QCOMPARE(statusOf(runner, b), JobStatus::Cancelled);
    QCOMPARE(statusOf(runner, c), JobStatus::Running);
    release->store(true);
    QVERIFY(settle(runner));
    QCOMPARE(callbacks, 0);
    QCOMPARE(receiver.values, std::vector<int>{3});
    // The group runs again after a cancel.
    cancelled.run<int>("d", [](const tl::JobContext&) { return 4; }, [&](int v) { receiver.values.push_back(v); });
    QVERIFY(settle(runner));
    QCOMPARE(receiver.values, (std::vector<int>{3, 4}));
}

// The Jobs view's (or a Cancel button's) cancel of one job is not staleness: its receiver hears of it.
void TestJobRunner::userCancelIsReported()
{
    JobRunner runner;
    Receiver receiver;
    JobGroup group(&runner, &receiver);
    auto never = gate();
    int cancelledCalls = 0;
    const int id = group.run<int>("user cancels", waitingWork(never, 1, true), [&](int v) { receiver.values.push_back(v); },
                                  [&](const QString&, bool cancelled) { cancelledCalls += cancelled ? 1 : 100; });
    runner.cancel(id);
    QVERIFY(settle(runner));
    QCOMPARE(cancelledCalls, 1);
    QVERIFY(receiver.values.empty());
    QVERIFY(!group.busy());
    QCOMPARE(statusOf(runner, id), JobStatus::Cancelled);
}

// QObject children die in creation order: a view's group may outlive the window's runner.
void TestJobRunner::groupOutlivingItsRunnerDoesNothing()
{
    auto runner = std::make_unique<JobRunner>();
    Receiver receiver;
    JobGroup group(runner.get(), &receiver);
    auto never = gate();
    group.run<int>("stopped by the runner's end", waitingWork(never, 1, true), [&](int v) { receiver.values.push_back(v); });
    runner.reset();  // cancels and waits
    group.cancel();
    QVERIFY(receiver.values.empty());
    QVERIFY(!group.busy());
}

QTEST_MAIN(TestJobRunner)
#include "tst_jobrunner.moc"
