#include "core/project/Project.h"

#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "core/common/Error.h"
#include "core/data/Text.h"

namespace tl {

namespace {

std::filesystem::path resolve(const std::filesystem::path& base, const std::string& stored)
{
    if (stored.empty())
        return {};
    const std::filesystem::path p(stored);
    return (p.is_absolute() ? p : base / p).lexically_normal();
}

std::string relativeTo(const std::filesystem::path& base, const std::filesystem::path& path)
{
    if (path.empty())
        return {};
    const auto rel = path.lexically_normal().lexically_relative(base.lexically_normal());
    if (!rel.empty() && *rel.begin() != "..")
        return rel.generic_string();
    return path.generic_string();
}

void writeText(const std::filesystem::path& file, const std::string& text)
{
    if (file.has_parent_path())
        std::filesystem::create_directories(file.parent_path());
    auto tmp = file;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary);
        if (!out)
            throw DataError(file.string(), 0, "cannot write");
        out << text;
        if (!out)
            throw DataError(file.string(), 0, "write failed");
    }
    std::filesystem::rename(tmp, file);
}

}  // namespace

Project loadProject(const std::filesystem::path& path)
{
    const auto file = std::filesystem::absolute(path).lexically_normal();
    auto in = text::openForRead(file);
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
        throw DataError(file.string(), 0, std::string("not valid JSON: ") + e.what());
    }
    if (!doc.is_object() || doc.value("format", "") != "trailerlab-project")
        throw DataError(file.string(), 0, "not a TrailerLab project (missing \"format\": \"trailerlab-project\")");
    if (!doc.contains("ratings") || !doc["ratings"].is_string())
        throw DataError(file.string(), 0, "project has no \"ratings\" file");
    Project p;
    p.file = file;
    const auto base = file.parent_path();
    try {
        p.name = doc.value("name", file.stem().string());
        p.ratings = resolve(base, doc["ratings"].get<std::string>());
        p.ratingsFormat = doc.value("ratings_format", "auto");
        p.items = resolve(base, doc.value("items", ""));
        p.manifest = resolve(base, doc.value("manifest", ""));
        if (doc.contains("models"))
            p.models = doc["models"].get<std::vector<std::string>>();
        if (doc.contains("fps"))
            p.fps = doc["fps"].get<std::vector<double>>();
        p.k = doc.value("k", p.k);
        p.split = doc.value("split", p.split);
        p.seed = doc.value("seed", p.seed);
        p.cache = resolve(base, doc.value("cache", "cache"));
    } catch (const nlohmann::json::exception& e) {
        throw DataError(file.string(), 0, std::string("bad field type: ") + e.what());
    }
    return p;
}

void saveProject(Project& project, const std::filesystem::path& path)
{
    project.file = std::filesystem::absolute(path).lexically_normal();
    const auto base = project.file.parent_path();
    nlohmann::json doc = {{"format", "trailerlab-project"},
                          {"version", 1},
                          {"name", project.name},
                          {"ratings", relativeTo(base, project.ratings)},
                          {"ratings_format", project.ratingsFormat},
                          {"items", relativeTo(base, project.items)},
                          {"manifest", relativeTo(base, project.manifest)},
                          {"models", project.models},
                          {"fps", project.fps},
                          {"k", project.k},
                          {"split", project.split},
                          {"seed", project.seed},
                          {"cache", relativeTo(base, project.cache)}};
    writeText(project.file, doc.dump(2) + "\n");
}

std::vector<ManifestEntry> readManifest(const std::filesystem::path& file)
{
    const auto base = std::filesystem::absolute(file).parent_path();
    std::vector<ManifestEntry> entries;
    std::map<std::string, std::size_t> firstLine;
    text::forEachCsvRecord(file, [&](std::size_t number, const std::vector<std::string>& fields, bool first) {
        if (fields.size() != 2)
            throw DataError(file.string(), number, "expected item_id,video");
        const std::string item(text::trim(fields[0]));
        const std::string video(text::trim(fields[1]));
        if (first && (item == "item_id" || item == "movieId" || item == "item"))
            return;  // header
        if (item.empty() || video.empty())
            throw DataError(file.string(), number, "empty item id or video path");
        if (auto [it, inserted] = firstLine.emplace(item, number); !inserted)
            throw DataError(file.string(), number,
                            "item " + item + " listed twice (first on line " + std::to_string(it->second) + ")");
        entries.push_back({item, resolve(base, video)});
    });
    return entries;
}

void writeManifest(const std::vector<ManifestEntry>& entries, const std::filesystem::path& file)
{
    const auto base = std::filesystem::absolute(file).parent_path();
    std::string text = "item_id,video\n";
    for (const auto& e : entries) {
        std::string video = relativeTo(base, e.video);
        if (video.find(',') != std::string::npos || video.find('"') != std::string::npos) {
            std::string quoted = "\"";
            for (char c : video)
                quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
            video = quoted + "\"";
        }
        text += e.item + "," + video + "\n";
    }
    writeText(file, text);
}

}  // namespace tl
