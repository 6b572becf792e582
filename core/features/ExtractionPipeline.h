#pragma once
// The extraction pipeline: many videos -> frames (decoded and preprocessed ahead of
// inference by worker threads, through a bounded queue) -> batched inference ->
// per-video pooled features (DFV = mean of the frame features, paper formula 2; max
// and std kept too) -> item profiles, with an optional on-disk FeatureStore so a killed
// run resumes where it stopped.
//
// Threading: extractFeatures() is synchronous (a JobContext job). It runs inference on
// the calling thread, `decodeWorkers` threads that sample videos and one thread that
// assembles batches (so copying overlaps the forward pass); exceptions of a
// worker never cross threads: a video that fails to decode becomes a recorded failure
// (VideoOutcome::error), the others go on. Progress is reported as stage "extract"
// (done/total = videos; detail: frames, frames/s, ETA), per batch and per video;
// cancellation is checked per batch and by the decoders per frame, and throws
// tl::Cancelled after the threads are joined (finished videos stay in the store).
//
// Its pieces, each with its own tests: ExtractionPlan.h (sizes and checks settled before
// any thread starts), BatchAssembler.h (frames -> fixed-size batches; the padded forward
// pass), VideoFinish.h (a video's profile or failure, and its store record).

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/common/JobContext.h"
#include "core/data/FeatureMatrix.h"
#include "core/features/Pooling.h"
#include "core/video/SamplingTypes.h"

namespace tl::features {

class FeatureExtractor;

struct VideoItem {
    std::string id;               // item id (file name without extension, or from a manifest)
    std::filesystem::path path;
};

// Where frames come from, per video: calls `sink` with each preprocessed frame
// (3 x S x S floats, S = the extractor's inputSize()) and returns the number of
// counted warnings. Throws (tl::DecodeError, ...) for a video that cannot be used.
// The default is FrameSampler; benchmarks and tests may substitute synthetic frames.
using FrameSink = std::function<void(std::vector<float>&& chw)>;
using FrameSource = std::function<int(const VideoItem& item, const FrameSink& sink, const JobContext& ctx)>;

struct PipelineOptions {
    video::SamplerOptions sampler;      // fps or shots, temporal crop, preprocessing
    std::size_t batchSize = 0;          // frames per forward; 0: 64 on CUDA, 16 on CPU (ExtractionPlan.h)
    int decodeWorkers = 1;              // videos decoded concurrently
    std::size_t queueCapacity = 0;      // frames waiting for inference; 0: 2 x batch
    std::filesystem::path cacheDir;     // FeatureStore folder; empty: no cache
    FrameSource source;                 // empty: FrameSampler with `sampler`
};

struct VideoOutcome {
    std::string id;
    std::filesystem::path path;
    bool ok = false;
    bool cached = false;                // features came from the store
    std::size_t frames = 0;             // frames that went into the features
    int warnings = 0;                   // counted, non-fatal problems of the sampler
    std::string error;                  // why the video has no profile (when !ok)
    std::string storeProblem;           // its cache entry was bad: moved aside and recomputed
};

struct ItemProfile {
    std::string id;
    std::size_t frames = 0;
    std::vector<float> mean, max, stdDev;
    const std::vector<float>& pooled(Pooling pooling) const;
};

struct ExtractionResult {
    std::string model, provenance, device;
    std::vector<ItemProfile> profiles;  // successful videos, input order
    std::vector<VideoOutcome> videos;   // every video, input order
    std::size_t framesComputed = 0;     // frames run through the model in this call
    std::size_t cachedVideos = 0;
    std::size_t failedVideos = 0;
    double seconds = 0;                 // wall time of the call
    double forwardSeconds = 0;          // time spent in the model's forward
    double framesPerSecond() const { return seconds > 0 ? static_cast<double>(framesComputed) / seconds : 0; }
};

ExtractionResult extractFeatures(FeatureExtractor& extractor, const std::vector<VideoItem>& videos,
                                 const PipelineOptions& options, const JobContext& ctx = JobContext::none());

// The items x F matrix of pooled profiles (MIP), rows in result order. Throws
// tl::DataError naming the item and where its features came from when a profile's
// length differs from the first one's or holds a non-finite value.
FeatureMatrix itemProfileMatrix(const ExtractionResult& result, Pooling pooling = Pooling::Mean);

// Canonical descriptions of the options that change features (feature-store keys).
std::string describeSampling(const video::SamplerOptions& options);
std::string describePreprocessing(const video::SamplerOptions& options);

}  // namespace tl::features
