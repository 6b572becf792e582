#include "core/features/FrameFeatures.h"

#include <algorithm>
#include <utility>

#include "core/common/Error.h"
#include "core/features/BatchAssembler.h"
#include "core/features/ExtractionPlan.h"
#include "core/features/FeatureExtractor.h"
#ifndef TRAILERLAB_NO_VIDEO
#include "core/video/FrameSampler.h"
#endif

namespace tl::features {

FrameFeatures extractFrameFeatures([[maybe_unused]] FeatureExtractor& extractor,
                                   [[maybe_unused]] const std::filesystem::path& video,
                                   [[maybe_unused]] const video::SamplerOptions& sampler,
                                   [[maybe_unused]] std::size_t batchFrames, [[maybe_unused]] const JobContext& ctx)
{
#ifdef TRAILERLAB_NO_VIDEO
    throw ConfigError("this build has no video decoding (TRAILERLAB_NO_VIDEO): per-frame features need it");
#else
    if (extractor.framesPerSample() != 1)
        throw ModelError(extractor.name() + " takes clips of " + std::to_string(extractor.framesPerSample()) +
                         " frames: it has no per-frame features");
    ctx.checkCancelled();  // before opening: a cancelled open reads as a decode error
    video::SamplerOptions options = samplerForModel(sampler, extractor.inputSize());
    options.thumbWidth = sampler.thumbWidth;
    const video::FrameSampler frameSampler(options);  // throws ConfigError on bad options

    const std::size_t frameFloats = 3u * static_cast<std::size_t>(extractor.inputSize()) *
                                    static_cast<std::size_t>(extractor.inputSize());
    const std::size_t batchSamples = batchSamplesFor(batchFrames, extractor.device().isCuda(), 1);
    const std::size_t dims = extractor.featureDim();

    FrameFeatures out;
    std::vector<std::vector<float>> rows;  // features of each frame, filled per batch
    std::vector<float> batch;
    batch.reserve(batchSamples * frameFloats);
    std::size_t inBatch = 0;
    double videoSeconds = 0, sampledUpTo = 0;
    auto runBatch = [&] {
        if (inBatch == 0)
            return;
        ctx.checkCancelled();
        const RowMatrixF f = forwardFullBatch(extractor, batch, inBatch, batchSamples, 1, frameFloats);
        for (Eigen::Index r = 0; r < f.rows(); ++r)
            rows.emplace_back(f.row(r).data(), f.row(r).data() + f.cols());
        batch.clear();
        inBatch = 0;
        ctx.report("frames", sampledUpTo, videoSeconds, std::to_string(rows.size()) + " frames");
    };
    const JobContext samplerCtx(
        [&](const Progress& p) {
            if (p.total > 0)
                videoSeconds = p.total;
        },
        ctx.token());
    const video::SamplingResult result = frameSampler.run(
        video,
        [&](video::SampledFrame&& frame) {
            if (frame.chw.size() != frameFloats)
                throw ModelError(extractor.name() + ": a frame of " + std::to_string(frame.chw.size()) +
                                 " floats, expected " + std::to_string(frameFloats));
            out.times.push_back(frame.timestamp);
            out.shotIds.push_back(frame.shotId);
            out.thumbnails.push_back({frame.thumbWidth, frame.thumbHeight, std::move(frame.thumbRgb)});
            batch.insert(batch.end(), frame.chw.begin(), frame.chw.end());
            sampledUpTo = frame.timestamp;
            if (++inBatch == batchSamples)
                runBatch();
        },
        samplerCtx);
    runBatch();
    out.warnings = result.warnings.total();
    if (out.times.empty())
        throw DecodeError(video.string(), "no frame was sampled (every frame dropped or undecodable)");
    out.values.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(dims));
    for (std::size_t r = 0; r < rows.size(); ++r)
        out.values.row(static_cast<Eigen::Index>(r)) =
            Eigen::Map<const Eigen::RowVectorXf>(rows[r].data(), static_cast<Eigen::Index>(dims));
    return out;
#endif
}

}  // namespace tl::features
