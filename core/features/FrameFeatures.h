#pragma once
// Per-frame features (DFFs) of one video, kept frame by frame instead of pooled:
// what frame scores and the feature gallery need.
//
// Contract: the frames are exactly those extractFeatures() pools for the same
// extractor and sampler options (same FrameSampler options after samplerForModel,
// same padded forward pass, so the same numbers), so the mean of the rows equals the
// video's stored mean profile up to float rounding. Each frame keeps its
// presentation time, shot id and (when thumbWidth > 0) an RGB thumbnail.
//
// Only image models (framesPerSample() == 1): a clip model has no per-frame
// features, and asking throws tl::ModelError.
//
// Threading: synchronous; one extractor is used by one thread at a time. Progress:
// stage "frames" per batch (done/total: seconds of video sampled so far), and
// cancellation is checked per batch and by the sampler per decoded frame.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/common/JobContext.h"
#include "core/data/FeatureMatrix.h"
#include "core/video/SamplingTypes.h"

namespace tl::features {

class FeatureExtractor;

struct FrameThumbnail {
    int width = 0, height = 0;
    std::vector<std::uint8_t> rgb;  // RGB24, rows packed (stride 3 x width)
};

struct FrameFeatures {
    std::vector<double> times;              // presentation time of each frame, seconds
    std::vector<int> shotIds;               // Shots mode: shot of each frame; -1 otherwise
    std::vector<FrameThumbnail> thumbnails; // one per frame (empty images when none were asked for)
    RowMatrixF values;                      // frames x featureDim()
    int warnings = 0;                       // counted, non-fatal sampler problems

    std::size_t frames() const { return times.size(); }
};

// Samples `video` with `sampler` (adapted to the model's input like the pipeline;
// sampler.thumbWidth is kept for the thumbnails) and runs every frame through the
// model in batches of `batchFrames` (0: the pipeline's default for the device).
// Throws tl::DecodeError for a video with no decodable frame, tl::ModelError for a
// clip model, tl::Cancelled on cancel.
FrameFeatures extractFrameFeatures(FeatureExtractor& extractor, const std::filesystem::path& video,
                                   const video::SamplerOptions& sampler, std::size_t batchFrames = 0,
                                   const JobContext& ctx = JobContext::none());

}  // namespace tl::features
