#include "core/video/UniformSchedule.h"

#include <algorithm>

namespace tl::video {

std::vector<double> uniformTargets(double skipStart, double skipEnd, double fps, double endTime)
{
    std::vector<double> targets;
    const double limit = endTime - skipEnd;
    for (long k = 0;; ++k) {
        const double t = skipStart + static_cast<double>(k) / fps;
        if (t >= limit - kTimeTolerance)
            break;
        targets.push_back(t);
    }
    return targets;
}

double minSeekSkip(double frameDuration)
{
    return std::max(kMinSeekSkipSeconds, kMinSeekSkipFrames * frameDuration);
}

double seekSkippedFraction(const std::vector<EntryPoint>& entries, const std::vector<double>& targets, double minSkip,
                           double endTime)
{
    if (entries.empty() || !(endTime > 0))
        return 0;
    double position = kBeforeStream, skipped = 0;  // position: the last target served
    std::size_t kf = 0;
    for (double t : targets) {
        while (kf + 1 < entries.size() && shownBy(entries[kf + 1].time, t))
            ++kf;
        const double entry = entries[kf].time;
        if (shownBy(entry, t) && entry > position + minSkip)
            skipped += entry - std::max(position, 0.0);
        position = t;
    }
    return skipped / endTime;
}

int lastUsableEntry(const std::vector<EntryPoint>& entries, const std::set<std::size_t>& bad, double t)
{
    int entry = -1;
    for (std::size_t i = 0; i < entries.size() && shownBy(entries[i].time, t); ++i)
        if (!bad.count(i))
            entry = static_cast<int>(i);
    return entry;
}

bool landedOnEntry(const std::vector<EntryPoint>& entries, const std::set<std::size_t>& bad, std::size_t entry,
                   const std::optional<Landing>& landing, std::int64_t firstFramePts, bool firstFrameIsKey)
{
    const EntryPoint& asked = entries[entry];
    bool landedClean = false;
    for (std::size_t i = 0; landing && i < entries.size() && !landedClean; ++i) {
        const EntryPoint& kf = entries[i];
        landedClean = !bad.count(i) && kf.pts <= asked.pts &&
                      (landing->dts == kf.dts || (kf.pos >= 0 && landing->pos == kf.pos));
    }
    return landedClean && firstFramePts == asked.pts && firstFrameIsKey;
}

double displayEnd(std::int64_t framePts, std::int64_t lastFramePts, double endTime, double frameTime,
                  double ownDuration, double frameDuration)
{
    if (framePts >= lastFramePts)
        return endTime;
    return frameTime + (ownDuration > 0 ? ownDuration : frameDuration);
}

}  // namespace tl::video
