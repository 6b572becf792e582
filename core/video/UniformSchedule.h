#pragma once
// The decisions of FrameSampler's uniform mode that need no decoder, as pure functions
// (the contract they implement: FrameSampler.h): which times are sampled, which frame a
// target shows, when seeking pays, which keyframe a seek enters at, and whether a seek
// landed on a clean entry point. No FFmpeg here; times are seconds from the stream start,
// pts are in the stream's time base.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <vector>

namespace tl::video {

// Two times closer than this are one instant: a frame whose timestamp equals t_k (up to the
// rounding of k / fps and of the time base) is the frame shown at t_k.
inline constexpr double kTimeTolerance = 1e-7;
// A seek is only made when it skips at least this much video: the larger of
// kMinSeekSkipSeconds and kMinSeekSkipFrames frame durations. A seek flushes the decoder
// and restarts at a keyframe, so skipping a few frames by seeking costs more than decoding
// them.
inline constexpr double kMinSeekSkipSeconds = 0.3;
inline constexpr double kMinSeekSkipFrames = 10;
// Auto strategy: seek only when the seek plan skips at least this fraction of the video;
// otherwise decode sequentially (no entry point to verify, no decoder restarts).
inline constexpr double kSeekWorthFraction = 0.15;

// A position before any frame (no target served yet).
inline constexpr double kBeforeStream = -1e300;

// t_k = skipStart + k / fps for every k with t_k < endTime - skipEnd (within kTimeTolerance:
// a target that equals the limit is not taken).
std::vector<double> uniformTargets(double skipStart, double skipEnd, double fps, double endTime);

// Whether a frame at frameTime is displayed at (or before) target time t: the frame shown at
// t is the last frame for which this holds.
inline bool shownBy(double frameTime, double t)
{
    return frameTime <= t + kTimeTolerance;
}

// The least distance a seek must skip for a video whose frames last frameDuration seconds.
double minSeekSkip(double frameDuration);

// A keyframe the sampler may enter the stream at (a clean one, from the packet scan).
struct EntryPoint {
    double time = 0;        // seconds from the stream start
    std::int64_t pts = 0;   // absolute, stream time base
    std::int64_t dts = 0;
    std::int64_t pos = -1;  // byte position, -1: unknown
};

// The share of [0, endTime] that seeking to the last entry at or before each target would
// skip (entries further than minSkip ahead of the previous target only). Entries sorted by time.
double seekSkippedFraction(const std::vector<EntryPoint>& entries, const std::vector<double>& targets,
                           double minSkip, double endTime);

// The last entry at or before t that is not in `bad`; -1 when there is none.
int lastUsableEntry(const std::vector<EntryPoint>& entries, const std::set<std::size_t>& bad, double t);

// The first packet the demuxer read after a seek.
struct Landing {
    std::int64_t dts = 0;
    std::int64_t pos = -1;
};

// The entry-point verifier: a seek to entries[entry] is clean when the demuxer landed on a
// usable (not bad) entry no later than the one asked for (same dts, or same byte position
// when known; an earlier one is fine, its frames before the entry are discarded), and the
// first frame shown is the entry's own (firstFramePts, absolute) and flagged key.
bool landedOnEntry(const std::vector<EntryPoint>& entries, const std::set<std::size_t>& bad, std::size_t entry,
                   const std::optional<Landing>& landing, std::int64_t firstFramePts, bool firstFrameIsKey);

// When the stream's frame at frameTime stops being shown: at endTime for the stream's last
// frame (framePts >= lastFramePts, relative), else after its own duration (seconds; <= 0:
// unknown, then frameDuration).
double displayEnd(std::int64_t framePts, std::int64_t lastFramePts, double endTime, double frameTime,
                  double ownDuration, double frameDuration);

}  // namespace tl::video
