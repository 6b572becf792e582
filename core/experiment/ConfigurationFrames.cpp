#include "core/experiment/ConfigurationFrames.h"
#include "core/experiment/FusedConfiguration.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/AtomicFile.h"
#include "core/cf/FeatureFusion.h"
#include "core/common/Error.h"
#include "core/data/Text.h"
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

// The column names of a profile CSV's header line (featureColumnNames); an unreadable file
// has no names here (loading its values reports why).
std::vector<std::string> csvHeaderNames(const fs::path& file)
{
    try {
        return featureColumnNames(file);
    } catch (const DataError&) {
        return {};
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
    if (source.isFused())
        return features::FeatureLayout::named(fusedContent(data, source, Normalization::None).names);
    if (source.file.empty())
        return features::FeatureLayout::named(data.catalog.genreNames);
    const ConfigurationInfo info = readConfigurationInfo(source);
    if (!info.reduce.empty() && info.reduce != "none")
        return features::FeatureLayout::reduced(info.reduce, dims);
    if (!info.model.empty()) {
        auto layout = features::FeatureLayout::forModel(info.model, dims);
        if (layout.kind != features::FeatureLayout::Kind::Indexed)
            return layout;
    }
    // A CSV whose header names its columns (audio descriptors: mfcc03_std, tempo_bpm, ...)
    // keeps those names, unless they are the generic f1..fF of writeFeatureMatrix.
    if (source.file.extension() == ".csv") {
        std::vector<std::string> names = csvHeaderNames(source.file);
        bool generic = true;
        for (std::size_t f = 0; f < names.size() && generic; ++f)
            generic = names[f] == "f" + std::to_string(f + 1);
        if (names.size() == dims && !generic)
            return features::FeatureLayout::named(std::move(names));
    }
    return features::FeatureLayout::indexed(info.model.empty() ? source.name : info.model, dims);
}

FrameExtractionSetup frameExtractionSetup(const ProjectData& data, const ContentSourceInfo& source)
{
    const std::string what = "configuration " + source.name;
    if (source.isFused())
        throw ConfigError(what + " fuses frames with sound: frames alone are not in its space");
    if (source.file.empty())
        throw ConfigError(what + " is made of genres, not of frames: frames have no genre features");
    const ConfigurationInfo info = readConfigurationInfo(source);
    if (!info.hasSidecar || info.model.empty())
        throw ConfigError(what + " has no extraction record (" + source.file.stem().string() +
                          ".meta.json): the model its profiles came from is unknown");
    if (info.model == "audio")
        throw ConfigError(what + " describes the soundtrack, not frames: keyframes are scored against a frame "
                                 "configuration (choose one in the Configuration list)");
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

constexpr std::size_t kGalleryBatch = 8;

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
            // Batches of 8: a trailer's frames fill them with little padding (a forward pass
            // always runs a full batch), and the top activations do not depend on the last bits.
            frames = features::extractFrameFeatures(*extractor, trailers[i].path, setup.sampler, kGalleryBatch,
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

namespace {

constexpr char kGalleryMagic[] = "TLGALLERY1\n";

void putU64(std::string& out, std::uint64_t v)
{
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

void putText(std::string& out, const std::string& text)
{
    putU64(out, text.size());
    out += text;
}

// Reads the saved bytes in order; every read checks the length first.
class Reader {
public:
    explicit Reader(const std::string& bytes) : bytes_(bytes) {}
    std::uint64_t u64()
    {
        std::uint64_t v = 0;
        need(sizeof v);
        std::memcpy(&v, bytes_.data() + at_, sizeof v);
        at_ += sizeof v;
        return v;
    }
    std::string text()
    {
        const std::uint64_t n = u64();
        need(n);
        std::string t = bytes_.substr(at_, n);
        at_ += n;
        return t;
    }
    void raw(void* out, std::size_t n)
    {
        need(n);
        std::memcpy(out, bytes_.data() + at_, n);
        at_ += n;
    }
    bool atEnd() const { return at_ == bytes_.size(); }

private:
    void need(std::uint64_t n) const
    {
        if (n > bytes_.size() - at_)
            throw std::runtime_error("truncated at byte " + std::to_string(at_));
    }
    const std::string& bytes_;
    std::size_t at_ = 0;
};

}  // namespace

fs::path galleryIndexFile(const ContentSourceInfo& source)
{
    fs::path file = source.file;
    file.replace_extension(".gallery.bin");
    return file;
}

void saveGalleryIndex(const GalleryIndex& index, const fs::path& file)
{
    std::string out(kGalleryMagic);
    putU64(out, index.index.dims());
    putU64(out, index.index.top());
    putU64(out, index.frames);
    putU64(out, index.items.size());
    for (const auto& item : index.items)
        putText(out, item);
    putU64(out, index.failures.size());
    for (const auto& failure : index.failures)
        putText(out, failure);
    for (std::size_t f = 0; f < index.index.dims(); ++f) {
        const std::vector<features::Activation> entries = index.index.entries(f);
        putU64(out, entries.size());
        out.append(reinterpret_cast<const char*>(entries.data()), entries.size() * sizeof(features::Activation));
    }
    writeFileAtomically(file, out);
}

std::optional<GalleryIndex> loadGalleryIndex(const fs::path& file, const ContentSourceInfo& source, std::size_t top,
                                             std::string* problem)
{
    std::error_code ec;
    if (!fs::exists(file, ec) || (!source.file.empty() && fs::exists(source.file, ec) &&
                                  fs::last_write_time(file, ec) < fs::last_write_time(source.file, ec)))
        return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
        if (bytes.compare(0, std::strlen(kGalleryMagic), kGalleryMagic) != 0)
            throw std::runtime_error("not a gallery index");
        Reader r(bytes);
        char magic[sizeof kGalleryMagic - 1];
        r.raw(magic, sizeof magic);
        const std::uint64_t dims = r.u64(), savedTop = r.u64();
        if (savedTop != top)
            return std::nullopt;
        if (dims > (std::uint64_t{1} << 32))
            throw std::runtime_error("implausible size " + std::to_string(dims));
        GalleryIndex g;
        g.frames = r.u64();
        const std::uint64_t items = r.u64();
        for (std::uint64_t i = 0; i < items; ++i)
            g.items.push_back(r.text());
        const std::uint64_t failures = r.u64();
        for (std::uint64_t i = 0; i < failures; ++i)
            g.failures.push_back(r.text());
        g.index = features::TopActivationIndex(dims, top);
        std::vector<features::Activation> entries;
        for (std::uint64_t f = 0; f < dims; ++f) {
            const std::uint64_t n = r.u64();
            if (n > top)
                throw std::runtime_error("feature " + std::to_string(f) + " has " + std::to_string(n) + " entries");
            entries.resize(n);
            r.raw(entries.data(), n * sizeof(features::Activation));
            for (const auto& a : entries)
                if (a.item >= g.items.size())
                    throw std::runtime_error("feature " + std::to_string(f) + " names item " + std::to_string(a.item));
            g.index.restore(f, entries);
        }
        if (!r.atEnd())
            throw std::runtime_error("bytes after the last feature");
        g.index.setFramesAdded(g.frames);
        return g;
    } catch (const std::exception& e) {
        if (problem)
            *problem = file.string() + ": " + e.what();
        return std::nullopt;
    }
}

GalleryIndex galleryIndexFor(const ProjectData& data, const ContentSourceInfo& source, std::size_t top,
                             const JobContext& ctx, bool* loaded)
{
    const fs::path file = galleryIndexFile(source);
    if (auto saved = loadGalleryIndex(file, source, top)) {
        if (loaded)
            *loaded = true;
        return std::move(*saved);
    }
    if (loaded)
        *loaded = false;
    GalleryIndex built = buildTopActivations(data, source, top, ctx);
    try {
        saveGalleryIndex(built, file);
    } catch (const Error& e) {
        built.failures.push_back(std::string("the index was not saved: ") + e.what());
    }
    return built;
}

}  // namespace tl
