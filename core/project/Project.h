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
//   "cache": "cache",
//   "new_users": ["playground-1"],                       (optional: what-if overlay)
//   "rating_edits": [{"user": "1", "item": "50", "rating": 4},
//                    {"user": "1", "item": "172", "remove": true}],
//   "fusion_weights": {"mobilenetv2-fps1+audio-late": [0.25, 0.75]}   (optional)
// }
//
// "new_users" and "rating_edits" are the what-if overlay (docs/whatif.md): edits the
// workbench applies on top of the source ratings when the project opens. The ratings
// file itself is never rewritten; an older project file without them loads unchanged.
//
// "fusion_weights" are the weights the workbench set for fused configurations (by name,
// one per part, docs/fusion.md). Names the project does not list are kept (saved back)
// but not used; whether a list fits its configuration (count, >= 0, not all 0) is
// checked where it is applied (a warning there, never an error here). An entry that is
// not a list of numbers is dropped with a warning in Project::warnings.
//
// The manifest is a CSV `item_id,video` (header optional); relative video
// paths are relative to the manifest's folder.
//
// A project file is a document people share, so it is untrusted:
// - every field is validated (type, range, "version": 1 only) and an error names the
//   file, the field (or, for broken JSON, the line) and what to do;
// - what TrailerLab writes for a project (the "cache" folder; reports, saved edits
//   go next to the file) must lie inside the project folder, symbolic links
//   resolved. A cache elsewhere is refused unless the location comes from the command
//   line or the user (ProjectLoadOptions::cache);
// - data it reads (ratings, items, manifest) may live elsewhere (imported MovieLens
//   folders do): readsOutsideFolder() lists those paths so they are shown on opening.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tl {

// One what-if edit, by the data set's ids: set r(user, item) = *rating, or remove it.
struct ProjectRatingEdit {
    std::string user;
    std::string item;
    std::optional<float> rating;  // empty: remove
    bool operator==(const ProjectRatingEdit&) const = default;
};

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
    // The what-if overlay, applied in order on top of the source ratings (RatingOverlay.h).
    std::vector<std::string> newUsers;          // playground users (ids not in the ratings)
    std::vector<ProjectRatingEdit> ratingEdits;
    // Trailers added to the project that no rating refers to ("added_videos": a list of
    // paths, relative where they lie under the folder): placed among the users by their
    // features; the ratings, items and manifest are never rewritten for them.
    std::vector<std::filesystem::path> addedVideos;  // absolute after load
    // Fusion weights by fused configuration name ("fusion_weights"), as the file gives them.
    std::map<std::string, std::vector<double>> fusionWeights;
    // Non-fatal problems met while reading the file (a malformed "fusion_weights" entry).
    std::vector<std::string> warnings;

    std::filesystem::path folder() const { return file.parent_path(); }
};

struct ProjectLoadOptions {
    // The cache folder chosen on the command line or confirmed by the user: replaces the
    // file's "cache" and may lie outside the project folder.
    std::filesystem::path cache;
};

// Throws DataError(file, line, reason) for unreadable JSON (line of the problem), a
// wrong format tag, an unknown version, a missing "ratings", a field of the wrong type
// or range, or a "cache" outside the project folder (reason names the field).
Project loadProject(const std::filesystem::path& file, const ProjectLoadOptions& options = {});

// The cache folder a project file asks for (resolved, absolute) when it lies outside the
// project folder: what the workbench asks the user to confirm before passing it as
// ProjectLoadOptions::cache. Empty when the cache lies inside, is not given, or the file
// cannot be read as a project (loadProject then says why).
std::filesystem::path requestedCacheOutsideFolder(const std::filesystem::path& file);

// The files the project reads that lie outside its folder ("ratings: /data/ml-100k/u.data").
std::vector<std::string> readsOutsideFolder(const Project& project);

// True when `path` lies inside `folder` (both resolved through symbolic links as far as they exist).
bool isInsideFolder(const std::filesystem::path& path, const std::filesystem::path& folder);
// Writes atomically; relative paths where possible. Sets project.file.
void saveProject(Project& project, const std::filesystem::path& file);

struct ManifestEntry {
    std::string item;
    std::filesystem::path video;  // absolute
    std::size_t line = 0;         // in the manifest (0: not from a file)
};

// Throws DataError(file, line, reason) for malformed lines or duplicate items.
std::vector<ManifestEntry> readManifest(const std::filesystem::path& file);

struct ManifestProblem {
    ManifestEntry entry;
    std::string reason;  // "file not found", "not a regular file (FIFO, ...)", ...
};

// One pass over the entries' video files (a stat each, no opening): splits them into
// usable ones and problems (missing, folders, FIFOs, devices, empty files), every one
// reported. A million rows take about a second.
std::vector<ManifestProblem> checkManifestVideos(std::vector<ManifestEntry>& entries);
void writeManifest(const std::vector<ManifestEntry>& entries, const std::filesystem::path& file);

}  // namespace tl
