// Frames-and-features benchmark (not a test): what colouring a trailer's keyframes
// and the feature gallery cost on a project, with the references measured in the
// same run. Prints medians.
//
//   bench_frames PROJECT.json [--configuration NAME] [--reps N] [--gallery-trailers N]
//
//  1. per-frame features of one trailer (extractFrameFeatures, the configuration's
//     sampling) vs the extraction pipeline pooling the same trailer (no cache): ratio;
//  2. a user change in the trailer view: MUP(u) + every frame's cosine, vs the User
//     explorer's own profile lookup (CfModel::topFeatures(u, 12));
//  3. the gallery index over the first N trailers (buildTopActivations): s per trailer.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/eval/CfModel.h"
#include "core/eval/FrameScores.h"
#include "core/experiment/ConfigurationFrames.h"
#include "core/experiment/ProjectExtraction.h"
#include "core/features/ExtractionPipeline.h"
#include "core/features/FrameFeatures.h"
#include "core/project/Project.h"

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_frames PROJECT.json [--configuration NAME] [--reps N] [--gallery-trailers N]\n");
        return 2;
    }
    std::string configuration;
    int reps = 3;
    std::size_t galleryTrailers = 10;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--configuration"))
            configuration = argv[i + 1];
        else if (!std::strcmp(argv[i], "--reps"))
            reps = std::max(1, std::atoi(argv[i + 1]));
        else if (!std::strcmp(argv[i], "--gallery-trailers"))
            galleryTrailers = static_cast<std::size_t>(std::max(1, std::atoi(argv[i + 1])));
    }
    const tl::Project project = tl::loadProject(argv[1]);
    const auto data = tl::loadProjectData(project);
    tl::ContentSourceInfo source;
    for (const auto& s : tl::listContentSources(*data))
        if ((configuration.empty() && tl::readConfigurationInfo(s).hasSidecar) || s.name == configuration) {
            source = s;
            break;
        }
    if (source.name.empty()) {
        std::fprintf(stderr, "no extracted configuration in %s\n", argv[1]);
        return 1;
    }
    const tl::FrameExtractionSetup setup = tl::frameExtractionSetup(*data, source);
    auto extractor = tl::createFrameExtractor(setup);
    const auto trailers = tl::trailersInOrder(*data);
    std::printf("project %s, configuration %s (%zu features), %zu trailers, %d reps\n", argv[1], source.name.c_str(),
                extractor->featureDim(), trailers.size(), reps);

    // 1. One trailer, frame by frame vs pooled.
    std::vector<double> perFrame, pooled;
    tl::features::FrameFeatures frames;
    for (int r = 0; r < reps; ++r) {
        auto t = Clock::now();
        frames = tl::features::extractFrameFeatures(*extractor, trailers.front().path, setup.sampler);
        perFrame.push_back(since(t));
        tl::features::PipelineOptions options;
        options.sampler = setup.sampler;
        t = Clock::now();
        tl::features::extractFeatures(*extractor, {trailers.front()}, options);
        pooled.push_back(since(t));
    }
    std::printf("1. trailer %s, %zu frames: per-frame features %.3f s, pipeline (pooled, reference) %.3f s, ratio %.2f\n",
                trailers.front().id.c_str(), frames.frames(), median(perFrame), median(pooled),
                median(perFrame) / median(pooled));

    // 2. A user change: profile + cosines, vs the explorer's profile lookup.
    tl::CfModelSettings settings;
    settings.ks = {data->ks.empty() ? 50 : data->ks.front()};
    settings.kMax = settings.ks.front();
    const tl::FeatureMatrix content = tl::loadContent(*data, source);
    const auto model = tl::CfModel::build(data->data, data->split, content, settings);
    const tl::ColumnScaling scaling = tl::ColumnScaling::fit(content.values, settings.normalization);
    std::vector<double> rescore, lookup;
    double sink = 0;
    const std::uint32_t users = static_cast<std::uint32_t>(std::min<std::size_t>(data->data.users.size(), 50));
    for (int r = 0; r < reps; ++r)
        for (std::uint32_t u = 0; u < users; ++u) {
            auto t = Clock::now();
            const auto scores = tl::frameScores(frames.values, scaling, tl::userProfileExact(*model, u));
            rescore.push_back(since(t));
            sink += scores.empty() ? 0 : scores.front();
            t = Clock::now();
            sink += model->topFeatures(u, 12).front().value;
            lookup.push_back(since(t));
        }
    std::printf("2. user change (%u users): MUP + %zu cosines %.3f ms, explorer profile lookup (reference) %.3f ms, "
                "ratio %.2f   [%g]\n",
                users, frames.frames(), 1e3 * median(rescore), 1e3 * median(lookup),
                median(rescore) / median(lookup), sink > 0 ? 0.0 : 1.0);

    // 3. The gallery index over the first trailers.
    tl::ProjectData subset = *data;
    subset.videoOf.clear();
    for (std::size_t i = 0; i < std::min(galleryTrailers, trailers.size()); ++i)
        subset.videoOf[trailers[i].id] = trailers[i].path;
    const auto t = Clock::now();
    const tl::GalleryIndex g = tl::buildTopActivations(subset, source, 8);
    const double s = since(t);
    std::printf("3. gallery index, %zu trailers, %zu frames: %.2f s (%.3f s per trailer, %.1f frames/s), index %zu "
                "bytes; the whole project (%zu trailers) at this rate: ~%.0f s\n",
                g.items.size(), g.frames, s, s / static_cast<double>(g.items.size()),
                static_cast<double>(g.frames) / s, g.index.bytes(), trailers.size(),
                s / static_cast<double>(g.items.size()) * static_cast<double>(trailers.size()));
    return 0;
}
