#include "core/project/ProjectData.h"

#include <algorithm>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace tl {

namespace {

int toInt(const std::string& text, const std::string& whole)
{
    try {
        std::size_t used = 0;
        const int v = std::stoi(text, &used);
        if (used != text.size())
            throw ConfigError("");
        return v;
    } catch (const std::exception&) {
        throw ConfigError("K range '" + whole + "': '" + text + "' is not a whole number (expected 10:100:10 or 10,20,50)");
    }
}

double toRatio(const std::string& text, const std::string& whole)
{
    try {
        std::size_t used = 0;
        const double v = std::stod(text, &used);
        if (used == text.size() && v > 0 && v < 1)
            return v;
    } catch (const std::exception&) {
    }
    throw ConfigError("split '" + whole + "': the ratio must lie between 0 and 1, e.g. holdout:0.2");
}

}  // namespace

std::vector<int> parseKRange(const std::string& text)
{
    std::vector<int> ks;
    if (text.find(':') != std::string::npos) {
        std::vector<std::string> parts;
        std::size_t start = 0;
        while (true) {
            const auto colon = text.find(':', start);
            parts.push_back(text.substr(start, colon - start));
            if (colon == std::string::npos)
                break;
            start = colon + 1;
        }
        if (parts.size() != 3)
            throw ConfigError("K range '" + text + "': expected from:to:step, e.g. 10:100:10");
        const int from = toInt(parts[0], text), to = toInt(parts[1], text), step = toInt(parts[2], text);
        if (from <= 0 || to < from || step <= 0)
            throw ConfigError("K range '" + text + "': needs 0 < from <= to and step > 0");
        for (int k = from; k <= to; k += step)
            ks.push_back(k);
    } else {
        std::size_t start = 0;
        while (start <= text.size()) {
            const auto comma = text.find(',', start);
            const int k = toInt(text.substr(start, comma - start), text);
            if (k <= 0)
                throw ConfigError("K range '" + text + "': every K must be positive");
            ks.push_back(k);
            if (comma == std::string::npos)
                break;
            start = comma + 1;
        }
    }
    std::sort(ks.begin(), ks.end());
    ks.erase(std::unique(ks.begin(), ks.end()), ks.end());
    if (ks.empty())
        throw ConfigError("K range '" + text + "' is empty");
    return ks;
}

Split makeSplit(const Dataset& data, const std::string& spec, std::uint64_t seed)
{
    const auto colon = spec.find(':');
    const std::string kind = spec.substr(0, colon);
    const std::string arg = colon == std::string::npos ? "" : spec.substr(colon + 1);
    if (kind == "holdout")
        return randomHoldout(data, toRatio(arg, spec), seed);
    if (kind == "peruser")
        return perUserHoldout(data, toRatio(arg, spec), seed);
    if (kind == "kfold") {
        int k = 0;
        try {
            k = std::stoi(arg);
        } catch (const std::exception&) {
        }
        if (k < 2)
            throw ConfigError("split '" + spec + "': k-fold needs k >= 2, e.g. kfold:5");
        return kFold(data, k, seed).front();
    }
    throw ConfigError("split '" + spec + "' is not holdout:RATIO, peruser:RATIO or kfold:K");
}

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
    out->ks = parseKRange(project.k);
    out->split = makeSplit(out->data, project.split, project.seed);
    if (out->split.train.empty() || out->split.test.empty())
        throw ConfigError("split '" + project.split + "' leaves an empty training or test set");
    ctx.report("load", 3, 3);
    return out;
}

fs::path profilesDir(const Project& project)
{
    return project.cache / "profiles";
}

std::vector<ContentSourceInfo> listContentSources(const ProjectData& data)
{
    std::vector<ContentSourceInfo> sources;
    if (!data.catalog.genreNames.empty())
        sources.push_back({"genre", {}, "genre one-hot profiles from the item file", false});
    std::error_code ec;
    const fs::path dir = profilesDir(data.project);
    std::vector<ContentSourceInfo> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path p = it->path();
        const std::string ext = p.extension().string();
        if (!it->is_regular_file() || (ext != ".npy" && ext != ".csv"))
            continue;
        ContentSourceInfo info{p.stem().string(), p, "item profiles from " + p.filename().string(), false};
        fs::path meta = p;
        meta.replace_extension(".meta.json");
        std::error_code metaError;  // a FIFO named like a .meta.json would block the reader: regular files only
        if (std::ifstream in; fs::is_regular_file(meta, metaError) && (in.open(meta), in)) {
            try {
                const auto json = nlohmann::json::parse(in);
                info.provenance = json.value("provenance", info.provenance);
                info.randomWeights = json.value("random_weights", false);
            } catch (const std::exception&) {
                info.provenance += " (unreadable .meta.json)";
            }
        }
        files.push_back(std::move(info));
    }
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    sources.insert(sources.end(), files.begin(), files.end());
    return sources;
}

FeatureMatrix loadContent(const ProjectData& data, const ContentSourceInfo& source)
{
    if (source.file.empty())
        return genreFeatures(data.catalog);
    return readFeatureMatrix(source.file);
}

}  // namespace tl
