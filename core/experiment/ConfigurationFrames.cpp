#include "core/experiment/ConfigurationFrames.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/Error.h"
#include "core/experiment/ProjectExtraction.h"
#include "core/features/ExtractionPipeline.h"
#include "core/features/FrameFeatures.h"
#include "core/features/ModelRegistry.h"

namespace fs = std::filesystem;

namespace tl {

namespace {

std::string jsonText(const nlohmann::json& j, const char* key)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The seed in "RANDOM WEIGHTS (seed N)".
std::optional<std::uint64_t> randomSeedOf(const std::string& provenance)
{
    const std::string marker = "RANDOM WEIGHTS (seed ";
    const auto at = provenance.find(marker);
    if (at == std::string::npos)
        return std::nullopt;
    try {
        return std::stoull(provenance.substr(at + marker.size()));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// The hex digest in "pretrained:<file> sha256=<hex>".
std::string shaOf(const std::string& provenance)
{
    const auto at = provenance.find("sha256=");
    return at == std::string::npos ? std::string() : provenance.substr(at + 7);
}

}  // namespace

ConfigurationInfo readConfigurationInfo(const ContentSourceInfo& source)
{
    ConfigurationInfo info;
    if (source.file.empty())
        return info;
    fs::path metaPath = source.file;
    metaPath.replace_extension(".meta.json");
    std::ifstream in(metaPath);
    if (!in)
        return info;
    nlohmann::json meta;
    try {
        in >> meta;
    } catch (const std::exception& e) {
        throw DataError(metaPath.string(), 0, std::string("not valid JSON: ") + e.what());
    }
    info.hasSidecar = true;
    info.model = jsonText(meta, "model");
    info.provenance = jsonText(meta, "provenance");
    info.sampling = jsonText(meta, "sampling");
    info.preprocessing = jsonText(meta, "preprocessing");
    info.pooling = jsonText(meta, "pooling");
    info.reduce = jsonText(meta, "reduce");
    return info;
}

features::FeatureLayout featureLayoutOf(const ProjectData& data, const ContentSourceInfo& source, std::size_t dims)
{
    if (source.file.empty())
        return features::FeatureLayout::named(data.catalog.genreNames);
    const ConfigurationInfo info = readConfigurationInfo(source);
    if (!info.reduce.empty() && info.reduce != "none")
        return features::FeatureLayout::reduced(info.reduce, dims);
    if (!info.model.empty())
        return features::FeatureLayout::forModel(info.model, dims);
    return features::FeatureLayout::indexed(source.name, dims);
}

FrameExtractionSetup frameExtractionSetup(const ProjectData& data, const ContentSourceInfo& source)
{
    const std::string what = "configuration " + source.name;
    if (source.file.empty())
        throw ConfigError(what + " is made of genres, not of frames: frames have no genre features");
    const ConfigurationInfo info = readConfigurationInfo(source);
    if (!info.hasSidecar || info.model.empty())
        throw ConfigError(what + " has no extraction record (" + source.file.stem().string() +
                          ".meta.json): the model its profiles came from is unknown");
    if (info.pooling != "mean")
        throw ConfigError(what + " pools frames by " + (info.pooling.empty() ? "an unknown rule" : info.pooling) +
                          ": frames share the profiles' space only when profiles are frame means");
    if (!info.reduce.empty() && info.reduce != "none")
        throw ConfigError(what + " is reduced (" + info.reduce + "): frames are not");

    FrameExtractionSetup setup;
    setup.model.model = info.model;
    setup.model.randomSeed = randomSeedOf(info.provenance);
    if (!setup.model.randomSeed) {
        setup.weightsSha256 = shaOf(info.provenance);
        setup.model.weights = features::ModelRegistry::standard(data.project.file.parent_path())
                                  .require(info.model, {}, "The configuration was extracted with these weights.");
    }
    video::SamplerOptions& s = setup.sampler;
    s.thumbWidth = 0;
    std::istringstream sampling(info.sampling);
    std::string mode;
    sampling >> mode;
    if (mode == "shots") {
        s.mode = video::SamplingMode::Shots;
    } else {
        s.mode = video::SamplingMode::Uniform;
        const auto at = info.sampling.find("fps=");
        if (at != std::string::npos)
            s.fps = std::atof(info.sampling.c_str() + at + 4);
    }
    if (features::describeSampling(s) != info.sampling || features::describePreprocessing(s) != info.preprocessing)
        throw ConfigError(what + " was sampled as \"" + info.sampling + "\" / \"" + info.preprocessing +
                          "\"; frames here would be sampled as \"" + features::describeSampling(s) + "\" / \"" +
                          features::describePreprocessing(s) + "\" and not be comparable with its profiles");
    return setup;
}

std::unique_ptr<features::FeatureExtractor> createFrameExtractor(const FrameExtractionSetup& setup)
{
    auto extractor = features::createExtractor(setup.model);
    if (!setup.weightsSha256.empty() && extractor->weightsId() != setup.weightsSha256)
        throw ModelError("the " + setup.model.model + " weights found (" + setup.model.weights.string() +
                         ", sha256 " + extractor->weightsId() + ") are not the ones the configuration was extracted "
                         "with (sha256 " + setup.weightsSha256 + ")");
    return extractor;
}

GalleryIndex buildTopActivations(const ProjectData& data, const ContentSourceInfo& source, std::size_t top,
                                 const JobContext& ctx)
{
    const FrameExtractionSetup setup = frameExtractionSetup(data, source);
    auto extractor = createFrameExtractor(setup);
    const std::vector<features::VideoItem> trailers = trailersInOrder(data);
    GalleryIndex out;
    out.index = features::TopActivationIndex(extractor->featureDim(), top);
    const double total = static_cast<double>(trailers.size());
    for (std::size_t i = 0; i < trailers.size(); ++i) {
        ctx.checkCancelled();
        ctx.report("gallery", static_cast<double>(i), total, trailers[i].id);
        features::FrameFeatures frames;
        try {
            frames = features::extractFrameFeatures(*extractor, trailers[i].path, setup.sampler, 0,
                                                    JobContext({}, ctx.token()));
        } catch (const Cancelled&) {
            throw;
        } catch (const Error& e) {
            out.failures.push_back(trailers[i].id + ": " + e.what());
            continue;
        }
        const auto item = static_cast<std::uint32_t>(out.items.size());
        out.items.push_back(trailers[i].id);
        for (std::size_t k = 0; k < frames.frames(); ++k)
            out.index.add(item, frames.times[k], frames.values.row(static_cast<Eigen::Index>(k)).data());
        out.frames += frames.frames();
    }
    ctx.report("gallery", total, total, std::to_string(out.frames) + " frames");
    return out;
}

}  // namespace tl
