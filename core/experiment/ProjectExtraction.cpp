#include "core/experiment/ProjectExtraction.h"

#include "core/common/Eta.h"
#include "core/common/NaturalOrder.h"

#include <algorithm>

#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/AtomicFile.h"

namespace fs = std::filesystem;

namespace tl {

std::string configurationName(const ExtractionSettings& settings)
{
    std::string name = settings.model.model;
    for (char& c : name)
        if (c == ':' || c == '/' || c == '\\' || c == ' ')
            c = '_';
    if (settings.mode == video::SamplingMode::Shots) {
        name += "-shots";
    } else {
        std::ostringstream fps;
        fps << settings.fps;
        name += "-fps" + fps.str();
    }
    if (settings.model.randomSeed)
        name += "-random";
    return name;
}

fs::path writeConfigurationProfiles(const Project& project, const std::string& configuration,
                                    const FeatureMatrix& profiles, const features::FeatureExtractor& extractor,
                                    const video::SamplerOptions& sampler, std::size_t framesComputed,
                                    const std::vector<features::VideoOutcome>& videos)
{
    const fs::path dir = profilesDir(project);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw DataError(dir.string(), 0, "cannot create the profile folder: " + ec.message());
    const fs::path file = dir / (configuration + ".npy");
    writeFeatureMatrix(profiles, file);
    nlohmann::json meta = {{"model", extractor.name()},
                           {"provenance", extractor.provenance()},
                           {"random_weights", extractor.randomWeights()},
                           {"device", extractor.deviceName()},
                           {"sampling", features::describeSampling(sampler)},
                           {"preprocessing", features::describePreprocessing(sampler)},
                           {"pooling", "mean"},
                           {"items", profiles.rows()},
                           {"frames_computed", framesComputed}};
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& v : videos)
        if (!v.ok)
            failures.push_back({{"item", v.id}, {"video", v.path.string()}, {"error", v.error}});
    meta["failures"] = failures;
    fs::path metaPath = file;
    metaPath.replace_extension(".meta.json");
    writeFileAtomically(metaPath, meta.dump(2) + "\n");
    return file;
}

std::vector<features::VideoItem> trailersInOrder(const ProjectData& data)
{
    std::vector<features::VideoItem> items;
    for (const auto& [id, path] : data.videoOf)
        items.push_back({id, path});
    std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return naturalLess(a.id, b.id); });
    return items;
}

ExtractionSummary runExtraction(const ProjectData& data, const ExtractionSettings& settings, const JobContext& ctx,
                                const ExtractionItemCallback& onItem)
{
    if (data.videoOf.empty())
        throw ConfigError("the project lists no trailer: add a manifest (item_id,video) to the project");
    ctx.report("extract", 0, static_cast<double>(data.videoOf.size()), "loading " + settings.model.model);
    auto extractor = features::createExtractor(settings.model);

    features::PipelineOptions options;
    options.sampler.mode = settings.mode;
    options.sampler.fps = settings.fps;
    options.cacheDir = data.project.cache / "features";

    ExtractionSummary summary;
    summary.configuration = configurationName(settings);
    summary.provenance = extractor->provenance();
    summary.randomWeights = extractor->randomWeights();
    summary.device = extractor->deviceName();

    const std::vector<features::VideoItem> items = trailersInOrder(data);
    const auto start = std::chrono::steady_clock::now();
    features::ExtractionResult all;
    const double total = static_cast<double>(items.size());
    // Items from the feature store (a resumed run) take no time: only computed ones set the ETA's pace.
    EtaEstimator eta;
    for (std::size_t i = 0; i < items.size(); ++i) {
        ctx.checkCancelled();
        const auto itemStart = std::chrono::steady_clock::now();
        const std::optional<double> left = eta.remainingSeconds(items.size() - i);
        const JobContext itemCtx(
            [&](const Progress& p) {
                std::ostringstream detail;
                detail << items[i].id << ": " << p.detail;
                if (left)
                    detail << " | overall ETA " << std::lround(*left) << " s";
                const double within = p.total > 0 ? std::min(1.0, p.done / p.total) : 0.0;
                ctx.report("extract", static_cast<double>(i) + within, total, detail.str());
            },
            ctx.token());
        features::ExtractionResult one = features::extractFeatures(*extractor, {items[i]}, options, itemCtx);
        eta.itemDone(std::chrono::duration<double>(std::chrono::steady_clock::now() - itemStart).count(),
                     one.cachedVideos < one.videos.size());
        all.framesComputed += one.framesComputed;
        for (auto& p : one.profiles)
            all.profiles.push_back(std::move(p));
        for (auto& v : one.videos) {
            if (onItem)
                onItem(i, v);
            summary.videos.push_back(std::move(v));
        }
    }
    summary.framesComputed = all.framesComputed;
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (all.profiles.empty())
        return summary;

    summary.profileFile = writeConfigurationProfiles(data.project, summary.configuration,
                                                     features::itemProfileMatrix(all), *extractor, options.sampler,
                                                     summary.framesComputed, summary.videos);
    return summary;
}

}  // namespace tl
