#pragma once
// What extractFeatures settles and checks before any thread starts: the batch and queue
// sizes, the sampler options adapted to the model's input, the frame source (building
// the default FrameSampler validates the sampling options) and the feature-store key of
// the model. Everything that can be wrong with the options throws here, so a bad setting
// fails at once instead of as one recorded failure per video.
//
// No LibTorch here: the extractor is only asked for its sizes and names.

#include <cstddef>
#include <string>

#include "core/features/ExtractionPipeline.h"

namespace tl::features {

// Frames per forward pass when PipelineOptions::batchSize is 0 (the CLI's --batch default).
// A GPU runs a forward pass in parallel over the batch, so it needs many frames to be
// busy; 64 frames of 224 x 224 are 38 MB of input (the README's GPU rows use it). A CPU
// gains little from a large batch and a smaller one brings the first features, progress
// reports and cancellation checks (once per batch) sooner. The batch is always padded to
// this full size (see forwardFullBatch), so it also fixes the numbers.
inline constexpr std::size_t kDefaultGpuBatchFrames = 64;
inline constexpr std::size_t kDefaultCpuBatchFrames = 16;
// Decoded frames that may wait for inference when PipelineOptions::queueCapacity is 0, in
// batches: two, so that the decoders fill one batch while the previous one is assembled.
inline constexpr std::size_t kDefaultQueueBatches = 2;
// Assembled batches that may wait for the forward pass: one in the model, one ready, so
// copying overlaps the forward pass without holding more batches in memory.
inline constexpr std::size_t kReadyBatches = 2;

// Samples (clips for clip models) per forward pass: requestedFrames (0: the device's
// default above) divided by framesPerSample, at least 1.
std::size_t batchSamplesFor(std::size_t requestedFrames, bool onGpu, std::size_t framesPerSample);

// Frames the decode queue holds: `requested`, or kDefaultQueueBatches batches when 0.
std::size_t queueCapacityFor(std::size_t requested, std::size_t batchSamples, std::size_t framesPerSample);

// The sampler options the pipeline runs with: tensors on, no thumbnails, and a model whose
// input is not options.inputSize gets its own size, with the shorter side scaled in
// proportion (256 for 224 becomes 293 for 256).
video::SamplerOptions samplerForModel(video::SamplerOptions options, int modelInputSize);

// The part of a feature-store key that names the model's output.
std::string storeModelKey(const FeatureExtractor& extractor);

struct ExtractionPlan {
    std::size_t frameFloats = 0;    // floats per frame: 3 x S x S
    std::size_t perSample = 1;      // frames per sample (clip models: T)
    std::size_t batchSamples = 1;   // samples per forward pass
    std::size_t queueCapacity = 1;  // decoded frames waiting for the assembler
    int workers = 1;                // decode threads
    video::SamplerOptions sampler;  // as the default source samples (and the store key says)
    FrameSource source;             // never empty
    std::string modelKey;           // storeModelKey(extractor)

    std::size_t batchFloats() const { return batchSamples * perSample * frameFloats; }
};

// Throws tl::ConfigError for sampling options FrameSampler rejects, and when this build has
// no video decoding and options.source is empty.
ExtractionPlan planExtraction(const FeatureExtractor& extractor, const PipelineOptions& options,
                              std::size_t videoCount);

}  // namespace tl::features
