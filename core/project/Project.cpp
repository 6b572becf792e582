#include "core/project/Project.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/common/Lists.h"
#include "core/data/Ratings.h"
#include "core/data/Split.h"
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
    writeFileAtomically(file, text);
}

}  // namespace

namespace {

// Line and column of a byte offset in text (both from 1).
std::pair<std::size_t, std::size_t> lineAndColumn(const std::string& text, std::size_t offset)
{
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

[[noreturn]] void badField(const std::filesystem::path& file, const std::string& field, const std::string& reason)
{
    throw DataError(file.string(), 0, "field \"" + field + "\": " + reason);
}

std::string stringField(const nlohmann::json& doc, const std::filesystem::path& file, const std::string& field,
                        const std::string& fallback)
{
    if (!doc.contains(field))
        return fallback;
    if (!doc[field].is_string())
        badField(file, field, "expected a string, found " + doc[field].dump() + "; fix it in the file");
    return doc[field].get<std::string>();
}

}  // namespace

bool isInsideFolder(const std::filesystem::path& path, const std::filesystem::path& folder)
{
    std::error_code ec;
    const auto p = std::filesystem::weakly_canonical(std::filesystem::absolute(path), ec);
    if (ec)
        return false;
    const auto f = std::filesystem::weakly_canonical(std::filesystem::absolute(folder), ec);
    if (ec)
        return false;
    const auto rel = p.lexically_relative(f);
    return !rel.empty() && *rel.begin() != "..";
}

Project loadProject(const std::filesystem::path& path, const ProjectLoadOptions& options)
{
    const auto file = std::filesystem::absolute(path).lexically_normal();
    auto in = text::openForRead(file);
    const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad())
        throw DataError(file.string(), 0, "read error");
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(content);
    } catch (const nlohmann::json::parse_error& e) {
        const auto [line, column] = lineAndColumn(content, e.byte > 0 ? e.byte - 1 : 0);
        throw DataError(file.string(), line,
                        "not valid JSON at column " + std::to_string(column) +
                            (e.byte >= content.size() ? " (the file ends early: truncated?)" : "") + ": " + e.what() +
                            "; restore the file from a copy, or re-create the project with `trailerlab-cli import`");
    } catch (const nlohmann::json::exception& e) {  // e.g. a number too large for a double (found by fuzzing)
        throw DataError(file.string(), 0,
                        std::string("not a usable JSON document: ") + e.what() + "; fix the value in the file");
    }
    if (!doc.is_object() || !doc.contains("format") || doc["format"] != "trailerlab-project")
        throw DataError(file.string(), 0, "not a TrailerLab project (missing \"format\": \"trailerlab-project\")");
    if (doc.contains("version") && (!doc["version"].is_number_integer() || doc["version"] != 1))
        badField(file, "version", doc["version"].dump() +
                                      " is not a version this TrailerLab reads (1); it was written by a newer "
                                      "TrailerLab, or damaged");
    if (!doc.contains("ratings") || !doc["ratings"].is_string() || doc["ratings"].get<std::string>().empty())
        badField(file, "ratings", "missing or not a file name: the project needs its ratings file");
    Project p;
    p.file = file;
    const auto base = file.parent_path();
    p.name = stringField(doc, file, "name", file.stem().string());
    p.ratings = resolve(base, doc["ratings"].get<std::string>());
    p.ratingsFormat = stringField(doc, file, "ratings_format", "auto");
    try {
        (void)parseRatingsFormat(p.ratingsFormat);
    } catch (const std::exception& e) {
        badField(file, "ratings_format", e.what());
    }
    p.items = resolve(base, stringField(doc, file, "items", ""));
    p.manifest = resolve(base, stringField(doc, file, "manifest", ""));
    if (doc.contains("models")) {
        const auto& models = doc["models"];
        if (!models.is_array() || models.empty())
            badField(file, "models", "expected a non-empty list of model names, e.g. [\"mobilenetv2\"]");
        p.models.clear();
        for (const auto& m : models) {
            if (!m.is_string() || m.get<std::string>().empty())
                badField(file, "models", "entry " + m.dump() + " is not a model name");
            p.models.push_back(m.get<std::string>());
        }
    }
    if (doc.contains("fps")) {
        const auto& fps = doc["fps"];
        if (!fps.is_array() || fps.empty())
            badField(file, "fps", "expected a non-empty list of frame rates, e.g. [1, 2, 3]");
        p.fps.clear();
        for (const auto& f : fps) {
            if (!f.is_number() || !std::isfinite(f.get<double>()) || f.get<double>() <= 0 || f.get<double>() > 1000)
                badField(file, "fps", "entry " + f.dump() + " is not a frame rate (a number in (0, 1000])");
            p.fps.push_back(f.get<double>());
        }
    }
    p.k = stringField(doc, file, "k", p.k);
    try {
        (void)parseIntList(p.k, "K range");
    } catch (const std::exception& e) {
        badField(file, "k", e.what());
    }
    p.split = stringField(doc, file, "split", p.split);
    try {
        (void)parseSplitSpec(p.split);
    } catch (const std::exception& e) {
        badField(file, "split", e.what());
    }
    if (doc.contains("seed")) {
        if (!doc["seed"].is_number_unsigned())
            badField(file, "seed", doc["seed"].dump() + " is not a whole number >= 0");
        p.seed = doc["seed"].get<std::uint64_t>();
    }
    if (doc.contains("new_users")) {
        const auto& users = doc["new_users"];
        if (!users.is_array())
            badField(file, "new_users", "expected a list of user ids, e.g. [\"playground-1\"]");
        for (std::size_t n = 0; n < users.size(); ++n) {
            if (!users[n].is_string() || users[n].get<std::string>().empty())
                badField(file, "new_users", "entry " + std::to_string(n + 1) + " (" + users[n].dump() +
                                                ") is not a user id (a non-empty string)");
            p.newUsers.push_back(users[n].get<std::string>());
        }
    }
    if (doc.contains("rating_edits")) {
        const auto& edits = doc["rating_edits"];
        if (!edits.is_array())
            badField(file, "rating_edits", "expected a list of edits, e.g. [{\"user\": \"1\", \"item\": \"50\", "
                                           "\"rating\": 4}]");
        for (std::size_t n = 0; n < edits.size(); ++n) {
            const auto& e = edits[n];
            const std::string where = "entry " + std::to_string(n + 1) + " (" + e.dump() + ")";
            if (!e.is_object() || !e.contains("user") || !e["user"].is_string() || e["user"].get<std::string>().empty() ||
                !e.contains("item") || !e["item"].is_string() || e["item"].get<std::string>().empty())
                badField(file, "rating_edits", where + " needs \"user\" and \"item\" ids (non-empty strings)");
            const bool remove = e.contains("remove") && e["remove"] == true;
            if (remove == e.contains("rating"))
                badField(file, "rating_edits", where + " needs exactly one of \"rating\": NUMBER or \"remove\": true");
            ProjectRatingEdit edit{e["user"].get<std::string>(), e["item"].get<std::string>(), std::nullopt};
            if (!remove) {
                if (!e["rating"].is_number() || !std::isfinite(e["rating"].get<double>()))
                    badField(file, "rating_edits", where + ": the rating is not a number");
                edit.rating = e["rating"].get<float>();
            }
            p.ratingEdits.push_back(std::move(edit));
        }
    }
    if (doc.contains("added_videos")) {
        const auto& added = doc["added_videos"];
        if (!added.is_array())
            badField(file, "added_videos", "expected a list of video file names");
        for (const auto& v : added) {
            if (!v.is_string() || v.get<std::string>().empty())
                badField(file, "added_videos", "entry " + v.dump() + " is not a file name");
            p.addedVideos.push_back(resolve(base, v.get<std::string>()));
        }
    }
    if (doc.contains("fusion_weights")) {
        // Never fatal: a project opens without its fusion weights (equal ones) rather than not at all.
        const auto& weights = doc["fusion_weights"];
        if (!weights.is_object()) {
            p.warnings.push_back(file.string() + ": \"fusion_weights\" is not an object of lists of weights, e.g. "
                                 "{\"mobilenetv2-fps1+audio-late\": [0.25, 0.75]}; ignored (equal weights)");
        } else {
            for (const auto& [name, list] : weights.items()) {
                std::vector<double> values;
                bool numbers = list.is_array();
                if (numbers)
                    for (const auto& v : list) {
                        if (!v.is_number() || !std::isfinite(v.get<double>())) {
                            numbers = false;
                            break;
                        }
                        values.push_back(v.get<double>());
                    }
                if (!numbers) {
                    p.warnings.push_back(file.string() + ": \"fusion_weights\" of " + name + " (" + list.dump() +
                                         ") is not a list of numbers; ignored (equal weights)");
                    continue;
                }
                p.fusionWeights[name] = std::move(values);
            }
        }
    }
    if (!options.cache.empty()) {
        p.cache = std::filesystem::absolute(options.cache).lexically_normal();
    } else {
        p.cache = resolve(base, stringField(doc, file, "cache", "cache"));
        if (!isInsideFolder(p.cache, base))
            badField(file, "cache",
                     "'" + doc.value("cache", std::string()) + "' lies outside the project folder " + base.string() +
                         ": a project file may only make TrailerLab write inside its folder. Use a folder inside it, "
                         "or give the cache location on the command line (--cache DIR)");
    }
    return p;
}

std::filesystem::path requestedCacheOutsideFolder(const std::filesystem::path& path)
{
    const auto file = std::filesystem::absolute(path).lexically_normal();
    try {
        auto in = text::openForRead(file);
        const nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
        if (doc.is_discarded() || !doc.is_object() || !doc.contains("cache") || !doc["cache"].is_string())
            return {};
        const auto cache = resolve(file.parent_path(), doc["cache"].get<std::string>());
        return cache.empty() || isInsideFolder(cache, file.parent_path()) ? std::filesystem::path() : cache;
    } catch (const std::exception&) {
        return {};
    }
}

std::vector<std::string> readsOutsideFolder(const Project& project)
{
    std::vector<std::string> outside;
    const std::pair<const char*, const std::filesystem::path*> reads[] = {
        {"ratings", &project.ratings}, {"items", &project.items}, {"manifest", &project.manifest}};
    for (const auto& [field, path] : reads)
        if (!path->empty() && !isInsideFolder(*path, project.folder()))
            outside.push_back(std::string(field) + ": " + path->string());
    return outside;
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
    if (!project.newUsers.empty())
        doc["new_users"] = project.newUsers;
    if (!project.ratingEdits.empty()) {
        auto edits = nlohmann::json::array();
        for (const auto& e : project.ratingEdits) {
            nlohmann::json entry = {{"user", e.user}, {"item", e.item}};
            if (e.rating)
                entry["rating"] = *e.rating;
            else
                entry["remove"] = true;
            edits.push_back(std::move(entry));
        }
        doc["rating_edits"] = std::move(edits);
    }
    if (!project.addedVideos.empty()) {
        nlohmann::json added = nlohmann::json::array();
        for (const auto& video : project.addedVideos)
            added.push_back(relativeTo(base, video));
        doc["added_videos"] = added;
    }
    if (!project.fusionWeights.empty())
        doc["fusion_weights"] = project.fusionWeights;
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
        entries.push_back({item, resolve(base, video), number});
    });
    return entries;
}

std::vector<ManifestProblem> checkManifestVideos(std::vector<ManifestEntry>& entries)
{
    std::vector<ManifestProblem> problems;
    std::vector<ManifestEntry> usable;
    usable.reserve(entries.size());
    for (auto& entry : entries) {
        struct stat st {};
        std::string reason;
        if (::stat(entry.video.c_str(), &st) != 0)
            reason = std::string(errno == ENOENT ? "file not found" : std::strerror(errno));
        else if (S_ISDIR(st.st_mode))
            reason = "is a directory, not a video file";
        else if (!S_ISREG(st.st_mode))
            reason = "not a regular file (a FIFO, socket or device): refused as a video";
        else if (st.st_size == 0)
            reason = "empty file (0 bytes)";
        if (reason.empty())
            usable.push_back(std::move(entry));
        else
            problems.push_back({std::move(entry), std::move(reason)});
    }
    entries = std::move(usable);
    return problems;
}

void writeManifest(const std::vector<ManifestEntry>& entries, const std::filesystem::path& file)
{
    const auto base = std::filesystem::absolute(file).parent_path();
    std::string text = "item_id,video\n";
    for (const auto& e : entries) {
        text += e.item + "," + text::csvField(relativeTo(base, e.video)) + "\n";
    }
    writeText(file, text);
}

}  // namespace tl
