#include "core/experiment/NewTrailer.h"

#include "core/cf/Profiles.h"
#include "core/common/Error.h"
#include "core/eval/FrameScores.h"
#include "core/experiment/ConfigurationFrames.h"
#include "core/features/FeatureExtractor.h"
#include "core/features/FrameFeatures.h"
#include "core/features/Pooling.h"
#include "core/video/VideoProbe.h"

namespace tl {

std::string whyNoNewTrailers(const ProjectData& data, const ContentSourceInfo& source)
{
    if (source.file.empty() && !source.isFused())
        return "configuration " + source.name +
               " describes trailers by their genres, and a video file carries none: choose a configuration "
               "extracted from the trailers to place a new one";
    try {
        (void)frameExtractionSetup(data, source);
    } catch (const ConfigError& e) {
        return e.what();
    } catch (const ModelError&) {
        return {};  // the weights are looked up again (and reported) when placing
    }
    return {};
}

NewTrailerProfile newTrailerProfile(const ProjectData& data, const ContentSourceInfo& source,
                                    Normalization normalization, const std::filesystem::path& video,
                                    const JobContext& ctx)
{
    if (const std::string why = whyNoNewTrailers(data, source); !why.empty())
        throw ConfigError(why);
    NewTrailerProfile out;
    out.video = video;
    ctx.report("probe", 0, 1, video.filename().string());
    out.info = video::probeVideo(video, false);  // DecodeError(file, reason): missing, unreadable, no video stream
    ctx.checkCancelled();
    const FrameExtractionSetup setup = frameExtractionSetup(data, source);
    auto extractor = createFrameExtractor(setup);
    const features::FrameFeatures frames = features::extractFrameFeatures(*extractor, video, setup.sampler, 0, ctx);
    if (frames.frames() == 0)
        throw DecodeError(video.string(), "no frame was sampled from it");
    out.frames = frames.frames();
    // The stored profiles' pooling (float64 running mean, stored as float), then their normalisation.
    features::FeaturePooler pooler(static_cast<std::size_t>(frames.values.cols()));
    pooler.addRows(frames.values);
    const std::vector<float> mean = pooler.mean();
    RowMatrixF raw(1, static_cast<Eigen::Index>(mean.size()));
    for (std::size_t j = 0; j < mean.size(); ++j)
        raw(0, static_cast<Eigen::Index>(j)) = mean[j];
    if (normalization == Normalization::L2) {
        normalizeFeatures(raw, normalization);
        out.profile = raw.row(0).transpose().cast<double>();
        return out;
    }
    const ColumnScaling scaling = ColumnScaling::fit(loadContent(data, source).values, normalization);
    out.profile = scaling.apply(raw).row(0).transpose();
    return out;
}

}  // namespace tl
