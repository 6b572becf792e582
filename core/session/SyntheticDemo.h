#pragma once
// A ready-to-open demo project built from synthetic data (SyntheticData.h), for
// when no real project exists: ratings.csv, movies.csv, project.json, and the
// synthetic "visual" item profiles in the project's profile folder, so the
// Experiments and User views have two configurations (synthetic visual, genre)
// from the start. Trailers are optional: pass videos to list in a manifest
// (assigned to items 1, 2, ... in order).

#include <filesystem>
#include <vector>

#include "core/data/SyntheticData.h"
#include "core/project/Project.h"

namespace tl::session {

// A small spec that builds in well under a second.
SyntheticSpec demoSpec();

// Writes the demo into `dir` (created when missing) and returns the saved project.
Project writeSyntheticDemo(const std::filesystem::path& dir, const SyntheticSpec& spec = demoSpec(),
                           const std::vector<std::filesystem::path>& videos = {});

}  // namespace tl::session
