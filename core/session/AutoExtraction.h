#pragma once
// Which trailer-feature configurations the workbench extracts on its own when a
// project opens, and in what order (the queue; running it is the UI's job).
//
// A configuration (model x fps of the project file) is missing when its item
// profiles are not in the project's profile folder (<cache>/profiles/<name>.npy
// or .csv). The order puts the quickest useful result first: the default model
// (the project's first) at its lowest frame rate, then that model's other rates
// in increasing order, then the other models likewise. Extracting a planned
// configuration resumes from the feature store (<cache>/features), so a
// cancelled queue costs nothing the next time.
//
// No Qt, no threads: pure functions plus one folder listing.

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "core/features/ModelRegistry.h"
#include "core/project/Project.h"
#include "core/experiment/ProjectExtraction.h"

namespace tl::session {

struct PlannedExtraction {
    ExtractionSettings settings;  // model (default weights resolved), uniform sampling at fps
    std::string configuration;    // configurationName(settings), e.g. "mobilenetv2-fps2"
    bool first = false;           // no video configuration exists yet: this one is needed now, the rest are background work
};

// Names (file stems) of the item-profile files in the project's profile folder.
std::set<std::string> existingProfiles(const Project& project);

// The missing configurations of project.models x project.fps, in extraction
// order (see above). Empty when the project lists no trailer (no manifest).
// Non-positive or repeated frame rates and repeated models are ignored. Each
// model's weights come from `registry` (ModelRegistry::standard(project folder)
// when none is given); a model whose weights are not found is left out of the
// plan, so nothing is started that can only fail, and its lookup (with every
// place searched) goes to *missingWeights when given.
std::vector<PlannedExtraction> planAutoExtraction(const Project& project, const std::set<std::string>& existing,
                                                  const features::ModelRegistry* registry = nullptr,
                                                  std::vector<features::WeightsLookup>* missingWeights = nullptr);

}  // namespace tl::session
