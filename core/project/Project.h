#pragma once
// A TrailerLab project: one JSON file that records the ratings source, the
// item metadata, the items-to-videos manifest and the experiment choices
// (models, fps list, K range, split, seed). Paths inside are stored relative
// to the project file's folder when they lie under it, so a project folder can
// move; absolute paths elsewhere are kept as they are.
//
// {
//   "format": "trailerlab-project", "version": 1,
//   "name": "Demo",
//   "ratings": "ratings.csv", "ratings_format": "auto",
//   "items": "movies.csv",
//   "manifest": "manifest.csv",
//   "models": ["mobilenetv2"], "fps": [1, 2, 3], "k": "10:100:10",
//   "split": "holdout:0.2", "seed": 42,
//   "cache": "cache"
// }
//
// The manifest is a CSV `item_id,video` (header optional); relative video
// paths are relative to the manifest's folder.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tl {

struct Project {
    std::filesystem::path file;  // where it was loaded from / saved to (absolute)
    std::string name;
    std::filesystem::path ratings;  // absolute after load
    std::string ratingsFormat = "auto";
    std::filesystem::path items;     // absolute; empty when none
    std::filesystem::path manifest;  // absolute; empty when none
    std::vector<std::string> models = {"mobilenetv2"};
    std::vector<double> fps = {1, 2, 3};
    std::string k = "10:100:10";
    std::string split = "holdout:0.2";
    std::uint64_t seed = 42;
    std::filesystem::path cache;  // feature cache folder (absolute)

    std::filesystem::path folder() const { return file.parent_path(); }
};

// Throws DataError(file, 0, reason) for unreadable JSON, a wrong format tag or
// missing required fields ("ratings").
Project loadProject(const std::filesystem::path& file);
// Writes atomically; relative paths where possible. Sets project.file.
void saveProject(Project& project, const std::filesystem::path& file);

struct ManifestEntry {
    std::string item;
    std::filesystem::path video;  // absolute
};

// Throws DataError(file, line, reason) for malformed lines or duplicate items.
std::vector<ManifestEntry> readManifest(const std::filesystem::path& file);
void writeManifest(const std::vector<ManifestEntry>& entries, const std::filesystem::path& file);

}  // namespace tl
