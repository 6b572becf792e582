#pragma once
// The one pattern for long jobs (docs/architecture.md). Core functions are
// synchronous and take a JobContext; they call report() coarsely (per batch,
// per block of users, per video) and checkCancelled() at the same places.
//
// Threading: report() invokes the callback on the worker's thread. The UI
// marshals it to the GUI thread itself; the core never knows about Qt.
// cancel() may be called from any thread.

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "core/common/Error.h"

namespace tl {

struct Progress {
    std::string stage;     // e.g. "similarity", "extract"
    double done = 0;       // units finished in this stage
    double total = 0;      // 0 when unknown
    std::string detail;    // free text: current file, rate, ETA
};

class CancelToken {
public:
    void cancel() { flag_->store(true, std::memory_order_relaxed); }
    bool cancelled() const { return flag_->load(std::memory_order_relaxed); }

private:
    std::shared_ptr<std::atomic<bool>> flag_ = std::make_shared<std::atomic<bool>>(false);
};

class JobContext {
public:
    using Callback = std::function<void(const Progress&)>;

    JobContext() = default;
    explicit JobContext(Callback callback, CancelToken token = {})
        : callback_(std::move(callback)), token_(std::move(token))
    {
    }

    void report(const Progress& progress) const
    {
        if (callback_)
            callback_(progress);
    }
    void report(const std::string& stage, double done, double total, const std::string& detail = {}) const
    {
        if (callback_)
            callback_(Progress{stage, done, total, detail});
    }
    bool cancelled() const { return token_.cancelled(); }
    void checkCancelled() const
    {
        if (token_.cancelled())
            throw Cancelled();
    }
    const CancelToken& token() const { return token_; }

    // A context that does nothing: for callers that need neither progress nor cancel.
    static const JobContext& none()
    {
        static const JobContext silent;
        return silent;
    }

private:
    Callback callback_;
    CancelToken token_;
};

}  // namespace tl
