#pragma once
// Progress for the terminal: a JobContext callback that prints a stage's
// progress to a stream at most every `interval` (and always at 100 %), so
// batch logs stay short. Thread-safe: workers may report concurrently.
// Constructing one also sets FFmpeg's log level for the command: errors only, or
// nothing at all when quiet (FFmpeg writes its lines straight to stderr).

#include <chrono>
#include <iosfwd>
#include <mutex>
#include <string>

#include "core/common/JobContext.h"

namespace tl::cli {

class ConsoleProgress {
public:
    explicit ConsoleProgress(std::ostream& stream, bool quiet = false,
                             std::chrono::milliseconds interval = std::chrono::milliseconds(1000));
    JobContext context();
    void operator()(const Progress& progress);

private:
    std::ostream& stream_;
    bool quiet_;
    std::chrono::milliseconds interval_;
    std::mutex mutex_;
    std::string lastStage_;
    std::chrono::steady_clock::time_point lastPrint_{};
    std::chrono::steady_clock::time_point stageStart_{};
};

}  // namespace tl::cli
