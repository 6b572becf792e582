#include "core/features/ExtractionPlan.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/common/Error.h"
#include "core/features/FeatureExtractor.h"
#ifndef TRAILERLAB_NO_VIDEO
#include "core/video/FrameSampler.h"
#endif

namespace tl::features {

std::size_t batchSamplesFor(std::size_t requestedFrames, bool onGpu, std::size_t framesPerSample)
{
    const std::size_t frames = requestedFrames ? requestedFrames : (onGpu ? kDefaultGpuBatchFrames : kDefaultCpuBatchFrames);
    return std::max<std::size_t>(1, frames / std::max<std::size_t>(1, framesPerSample));
}

std::size_t queueCapacityFor(std::size_t requested, std::size_t batchSamples, std::size_t framesPerSample)
{
    return requested ? requested : kDefaultQueueBatches * batchSamples * framesPerSample;
}

video::SamplerOptions samplerForModel(video::SamplerOptions options, int modelInputSize)
{
    options.makeTensor = true;
    options.thumbWidth = 0;
    if (options.inputSize != modelInputSize) {
        options.resizeShorterSide =
            static_cast<int>(std::lround(options.resizeShorterSide * double(modelInputSize) / options.inputSize));
        options.inputSize = modelInputSize;
    }
    return options;
}

std::string storeModelKey(const FeatureExtractor& extractor)
{
    const auto perSample = static_cast<std::size_t>(std::max(1, extractor.framesPerSample()));
    return extractor.name() + " dim=" + std::to_string(extractor.featureDim()) +
           " frames/sample=" + std::to_string(perSample) + (extractor.halfPrecision() ? " precision=fp16" : "");
}

namespace {

FrameSource defaultSource([[maybe_unused]] const video::SamplerOptions& sampler)
{
#ifdef TRAILERLAB_NO_VIDEO
    throw ConfigError("this build has no video decoding (TRAILERLAB_NO_VIDEO): pass a frame source");
#else
    auto frameSampler = std::make_shared<video::FrameSampler>(sampler);  // throws ConfigError on bad options
    return [frameSampler](const VideoItem& item, const FrameSink& sink, const JobContext& c) {
        const video::SamplingResult r =
            frameSampler->run(item.path, [&](video::SampledFrame&& f) { sink(std::move(f.chw)); }, c);
        return r.warnings.total();
    };
#endif
}

}  // namespace

ExtractionPlan planExtraction(const FeatureExtractor& extractor, const PipelineOptions& options, std::size_t videoCount)
{
    ExtractionPlan plan;
    const auto size = static_cast<std::size_t>(extractor.inputSize());
    plan.frameFloats = 3u * size * size;
    plan.perSample = static_cast<std::size_t>(std::max(1, extractor.framesPerSample()));
    // The one place that decides "on a GPU" (from the device's name).
    const bool onGpu = extractor.device().isCuda();
    plan.batchSamples = batchSamplesFor(options.batchSize, onGpu, plan.perSample);
    plan.queueCapacity = queueCapacityFor(options.queueCapacity, plan.batchSamples, plan.perSample);
    plan.workers = std::clamp(options.decodeWorkers, 1, std::max(1, static_cast<int>(videoCount)));
    plan.sampler = samplerForModel(options.sampler, extractor.inputSize());
    plan.source = options.source ? options.source : defaultSource(plan.sampler);
    plan.modelKey = storeModelKey(extractor);
    return plan;
}

}  // namespace tl::features
