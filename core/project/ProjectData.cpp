#include "core/project/ProjectData.h"

#include <algorithm>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "core/common/Error.h"
#include "core/common/Lists.h"

namespace fs = std::filesystem;

namespace tl {

std::string ProjectData::titleOf(const std::string& itemId) const
{
    if (const ItemInfo* info = catalog.find(itemId); info && !info->title.empty())
        return info->title;
    return "item " + itemId;
}

std::shared_ptr<const ProjectData> loadProjectData(const Project& project, const JobContext& ctx)
{
    auto out = std::make_shared<ProjectData>();
    out->project = project;
    out->readsOutside = readsOutsideFolder(project);
    ctx.report("load", 0, 3, "ratings");
    ReadOptions options;
    options.format = parseRatingsFormat(project.ratingsFormat);
    const ReadReport report = readRatings(project.ratings, out->data, options);
    if (!report.skipped.empty())
        out->warnings.push_back(describeSkipped(report, 5));
    ctx.checkCancelled();
    ctx.report("load", 1, 3, "items");
    if (!project.items.empty()) {
        try {
            out->catalog = readItems(project.items);
        } catch (const Error& e) {
            out->warnings.push_back(std::string("item file not used: ") + e.what());
        }
    }
    ctx.report("load", 2, 3, "manifest");
    if (!project.manifest.empty()) {
        try {
            for (const auto& entry : readManifest(project.manifest))
                out->videoOf[entry.item] = entry.video;
        } catch (const Error& e) {
            out->warnings.push_back(std::string("manifest not used: ") + e.what());
        }
    }
    // The same parsers as the project file's validation and the experiment runner.
    out->ks = parseIntList(project.k, "K range");
    out->split = makeSplit(out->data, parseSplitSpec(project.split), project.seed);
    if (out->split.train.empty() || out->split.test.empty())
        throw ConfigError("split '" + project.split + "' leaves an empty training or test set");
    ctx.report("load", 3, 3);
    return out;
}

fs::path profilesDir(const Project& project)
{
    return project.cache / "profiles";
}

namespace {

ContentSourceInfo namedSource(std::string name, fs::path file, std::string provenance, bool randomWeights)
{
    ContentSourceInfo info;
    info.name = std::move(name);
    info.file = std::move(file);
    info.provenance = std::move(provenance);
    info.randomWeights = randomWeights;
    return info;
}

}  // namespace

std::vector<ContentSourceInfo> listContentSources(const ProjectData& data)
{
    std::vector<ContentSourceInfo> sources;
    if (!data.catalog.genreNames.empty())
        sources.push_back(namedSource("genre", {}, "genre one-hot profiles from the item file", false));
    std::error_code ec;
    const fs::path dir = profilesDir(data.project);
    std::vector<ContentSourceInfo> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path p = it->path();
        const std::string ext = p.extension().string();
        if (!it->is_regular_file() || (ext != ".npy" && ext != ".csv"))
            continue;
        ContentSourceInfo info = namedSource(p.stem().string(), p, "item profiles from " + p.filename().string(), false);
        fs::path meta = p;
        meta.replace_extension(".meta.json");
        std::error_code metaError;  // a FIFO named like a .meta.json would block the reader: regular files only
        if (std::ifstream in; fs::is_regular_file(meta, metaError) && (in.open(meta), in)) {
            try {
                const auto json = nlohmann::json::parse(in);
                info.provenance = json.value("provenance", info.provenance);
                info.model = json.value("model", std::string());
                info.randomWeights = json.value("random_weights", false);
            } catch (const std::exception&) {
                info.provenance += " (unreadable .meta.json)";
            }
        }
        files.push_back(std::move(info));
    }
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    sources.insert(sources.end(), files.begin(), files.end());
    for (const auto& visual : files) {
        if (visual.isAudio())
            continue;
        for (const auto& audio : files) {
            if (!audio.isAudio())
                continue;
            for (const std::string kind : {"early", "late"}) {
                ContentSourceInfo fused = namedSource(visual.name + "+" + audio.name + (kind == "late" ? "-late" : ""),
                                                      {}, {}, visual.randomWeights || audio.randomWeights);
                fused.provenance = kind + " fusion (equal weights) of " + visual.name + " (" + visual.provenance +
                                   ") and " + audio.name + " (" + audio.provenance + ")";
                fused.fusion = kind;
                fused.fusedParts = {visual, audio};
                sources.push_back(std::move(fused));
            }
        }
    }
    return sources;
}

bool ContentSourceInfo::isAudio() const
{
    const std::string stem = file.stem().string();
    return !isFused() && !file.empty() && (model == "audio" || stem.rfind("audio", 0) == 0);
}

FeatureMatrix loadContent(const ProjectData& data, const ContentSourceInfo& source)
{
    if (source.isFused())
        throw ConfigError("configuration " + source.name + " fuses " + source.fusedParts.front().name + " and " +
                          source.fusedParts.back().name + ": its matrix is built by the fusion, not read from a file");
    if (source.file.empty())
        return genreFeatures(data.catalog);
    return readFeatureMatrix(source.file);
}

}  // namespace tl
