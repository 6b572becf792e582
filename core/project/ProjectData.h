#pragma once
// A project loaded into memory (method.md 4-5): ratings, item
// catalog, the items-to-videos manifest, the split and the K sweep, plus the
// content sources an experiment can use: genre one-hot profiles and every item
// profile matrix stored in the project's profile folder (<cache>/profiles/,
// written by the extraction job or the synthetic demo, each with an optional
// <name>.meta.json sidecar carrying the weights provenance).
//
// Threading: every function here is synchronous; the long ones take a JobContext.
// A loaded ProjectData is immutable and may be shared across threads.

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/common/JobContext.h"
#include "core/data/FeatureMatrix.h"
#include "core/data/Items.h"
#include "core/data/Ratings.h"
#include "core/data/Split.h"
#include "core/project/Project.h"

namespace tl {

struct ContentSourceInfo {
    std::string name;                // "genre", or the profile file's stem ("mobilenetv2-fps1")
    std::filesystem::path file;      // empty for "genre" and for a fused source
    std::string provenance;          // weights provenance from the sidecar, or how it was made
    bool randomWeights = false;
    std::string model;               // the sidecar's "model" ("mobilenetv2", "audio", ...); empty without
    // A fused source (docs/fusion.md): "early" or "late" and the sources it fuses, a
    // frame configuration first, then the soundtrack's descriptors; empty for a plain one.
    std::string fusion;
    std::vector<ContentSourceInfo> fusedParts;
    // One weight per part (>= 0, not all 0; only their ratios count); empty: equal.
    std::vector<double> fusionWeights;

    bool isFused() const { return !fusedParts.empty(); }
    // A soundtrack's descriptors (`extract --model audio`): sidecar model "audio", or a
    // file named audio*.
    bool isAudio() const;
};

struct ProjectData {
    Project project;
    Dataset data;
    ItemCatalog catalog;                               // empty when the project has no item file
    std::map<std::string, std::filesystem::path> videoOf;  // item id -> video file (from the manifest)
    Split split;                                       // makeSplit: for kfold:K its first fold
    std::vector<int> ks;                               // parseIntList of the project's "k"
    std::vector<std::string> warnings;                 // non-fatal problems met while loading
    std::vector<std::string> readsOutside;             // files read from outside the project folder

    std::string titleOf(const std::string& itemId) const;
};

// Reads ratings, items and manifest. Throws tl::Error subclasses for unusable input
// (missing ratings file, malformed lines); an unreadable item file or manifest
// becomes a warning, because the ratings alone still make a project.
std::shared_ptr<const ProjectData> loadProjectData(const Project& project, const JobContext& ctx = JobContext::none());

// <cache>/profiles: the item-profile matrices of the extracted configurations.
std::filesystem::path profilesDir(const Project& project);

// "genre" (when the catalog has genres) followed by the profile files, sorted by name,
// then, when the profiles hold a soundtrack's descriptors (isAudio) and frame
// configurations, each frame configuration fused with each audio profile, early
// ("mobilenetv2-fps1+audio") and late ("mobilenetv2-fps1+audio-late"), equal weights
// (built by session::loadContent and session::buildModel).
std::vector<ContentSourceInfo> listContentSources(const ProjectData& data);

// The item x feature matrix of one plain source. Throws DataError for an unreadable
// file, ConfigError for a fused source (session::loadContent builds those).
FeatureMatrix loadContent(const ProjectData& data, const ContentSourceInfo& source);

}  // namespace tl
