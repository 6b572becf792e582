#pragma once
// FrameSampler: the video stage as a streaming source. It opens a video,
// samples frames (N per second, or one keyframe per shot), preprocesses each
// one (rotation, SAR, uniform-frame rejection, resize + ImageNet
// normalisation, UI thumbnail) and hands it to a sink, one frame at a time.
//
// Contract
// - Uniform mode: target times t_k = skipStart + k / fps for every k with
//   t_k < videoEnd - skipEnd (videoEnd = end of the last frame's display
//   interval). For each target the sink gets the frame displayed at t_k: the
//   last frame whose presentation time is <= t_k (the first frame for targets
//   before it). Times are compared with a 1e-7 s tolerance, so a frame whose
//   timestamp equals t_k is the one returned. Several targets may map to the
//   same frame when fps exceeds the video's frame rate. A dropped (uniform)
//   frame takes no SampledFrame::index but keeps its targetIndex gap.
//   (Its decoder-free decisions, with their constants: UniformSchedule.h.)
// - The result does not depend on the strategy: a seek is only trusted when it
//   lands on a clean entry point (H.264 IDR / HEVC IRAP, the exact keyframe
//   asked for, and the decoder reports no damage up to the target); otherwise
//   the keyframe is counted in warnings.badEntryPoints and the sampler decodes
//   sequentially from the last entry point it trusts.
// - Shots mode: every frame is decoded; a shot boundary is declared where the
//   HSV-histogram difference of consecutive frames exceeds an adaptive
//   threshold (median + k * MAD over the recent differences, with an absolute
//   floor); one keyframe per shot, the frame nearest the shot's middle.
//   Frames are sent when their shot ends, in time order.
// - Memory is bounded whatever the video's length or resolution: a few
//   decoded frames, plus at most 16 preprocessed candidates per shot in Shots mode.
// - Errors: a file that cannot be opened, has no video stream or yields no
//   decodable frame throws tl::DecodeError naming the file and the reason.
//   Partly decodable files return the frames that decode and counted warnings.
//   Cancellation throws tl::Cancelled; exceptions thrown by the sink propagate.
//   Nothing leaks in either case.
//
// Threading: a FrameSampler holds only its options; run() is const and may be
// called concurrently from several threads (each call opens its own decoder).
// The sink and the JobContext callback are invoked synchronously on the
// calling thread. The decoder may use its own worker threads (decodeThreads).

#include <filesystem>
#include <functional>
#include <vector>

#include "core/common/JobContext.h"
#include "core/video/SamplingTypes.h"

namespace tl::video {

class FrameSampler {
public:
    // Receives each sampled frame; may move from it. May throw to abort the run.
    using Sink = std::function<void(SampledFrame&& frame)>;

    // Throws tl::ConfigError for invalid options (fps <= 0, negative skips, sizes out of range).
    explicit FrameSampler(SamplerOptions options = {});

    const SamplerOptions& options() const { return options_; }

    // Samples `video`, calling sink once per sampled frame, in time order.
    // Reports progress as stage "sample" (done/total in seconds of video) and
    // checks ctx for cancellation once per decoded frame.
    SamplingResult run(const std::filesystem::path& video, const Sink& sink,
                       const JobContext& ctx = JobContext::none()) const;

    // Convenience for tests and small clips: collects every frame in memory
    // (memory grows with the number of samples; prefer run() for long videos).
    std::vector<SampledFrame> sampleAll(const std::filesystem::path& video, SamplingResult* result = nullptr,
                                        const JobContext& ctx = JobContext::none()) const;

private:
    SamplerOptions options_;
};

}  // namespace tl::video
