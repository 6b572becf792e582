#include "app/cli/ConsoleProgress.h"

#include <cstdio>
#include <ostream>

extern "C" {
#include <libavutil/log.h>
}

namespace tl::cli {

ConsoleProgress::ConsoleProgress(std::ostream& stream, bool quiet, std::chrono::milliseconds interval)
    : stream_(stream), quiet_(quiet), interval_(interval)
{
    // FFmpeg's own log lines (it writes them straight to stderr): errors only, none under --quiet.
    // Every problem it reports is counted in the results anyway.
    av_log_set_level(quiet ? AV_LOG_QUIET : AV_LOG_ERROR);
}

JobContext ConsoleProgress::context()
{
    return JobContext([this](const Progress& p) { (*this)(p); });
}

void ConsoleProgress::operator()(const Progress& progress)
{
    if (quiet_)
        return;
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    const bool newStage = progress.stage != lastStage_;
    const bool finished = progress.total > 0 && progress.done >= progress.total;
    if (newStage) {
        lastStage_ = progress.stage;
        stageStart_ = now;
    }
    if (!newStage && !finished && now - lastPrint_ < interval_)
        return;
    lastPrint_ = now;
    const double elapsed = std::chrono::duration<double>(now - stageStart_).count();
    char line[256];
    if (progress.total > 0) {
        const double fraction = progress.done / progress.total;
        const double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
        std::snprintf(line, sizeof line, "[%s] %.0f/%.0f (%.0f%%) %.1fs elapsed, ETA %.1fs", progress.stage.c_str(),
                      progress.done, progress.total, 100.0 * fraction, elapsed, eta);
    } else {
        std::snprintf(line, sizeof line, "[%s] %.0f done, %.1fs elapsed", progress.stage.c_str(), progress.done,
                      elapsed);
    }
    stream_ << line;
    if (!progress.detail.empty())
        stream_ << " " << progress.detail;
    stream_ << std::endl;
}

}  // namespace tl::cli
