#include "core/session/AutoExtraction.h"

#include <algorithm>
#include <optional>

#include "core/project/ProjectData.h"

namespace fs = std::filesystem;

namespace tl::session {

std::set<std::string> existingProfiles(const Project& project)
{
    std::set<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(profilesDir(project), ec), end; !ec && it != end; it.increment(ec)) {
        const std::string ext = it->path().extension().string();
        if (it->is_regular_file() && (ext == ".npy" || ext == ".csv"))
            names.insert(it->path().stem().string());
    }
    return names;
}

std::vector<PlannedExtraction> planAutoExtraction(const Project& project, const std::set<std::string>& existing,
                                                  const features::ModelRegistry* registry,
                                                  std::vector<features::WeightsLookup>* missingWeights)
{
    std::vector<PlannedExtraction> plan;
    if (project.manifest.empty())
        return plan;
    std::vector<double> rates;
    for (double fps : project.fps)
        if (fps > 0 && std::find(rates.begin(), rates.end(), fps) == rates.end())
            rates.push_back(fps);
    std::sort(rates.begin(), rates.end());
    std::vector<std::string> models;
    for (const auto& m : project.models)
        if (!m.empty() && std::find(models.begin(), models.end(), m) == models.end())
            models.push_back(m);
    if (models.empty() || rates.empty())
        return plan;
    std::optional<features::ModelRegistry> standard;
    if (!registry)
        registry = &standard.emplace(features::ModelRegistry::standard(project.folder()));
    bool haveOne = false;  // some video configuration is there already: everything is background work
    for (const auto& model : models) {
        features::ModelSpec spec;
        spec.model = model;
        bool missing = false;
        if (model.rfind("torchscript:", 0) != 0) {
            const auto lookup = registry->find(model);
            spec.weights = lookup.file;
            missing = !lookup.found();
            if (missing && missingWeights)
                missingWeights->push_back(lookup);
        }
        for (double fps : rates) {
            PlannedExtraction next;
            next.settings.model = spec;
            next.settings.mode = video::SamplingMode::Uniform;
            next.settings.fps = fps;
            next.configuration = configurationName(next.settings);
            if (existing.count(next.configuration)) {
                haveOne = true;
                continue;
            }
            if (!missing)
                plan.push_back(std::move(next));
        }
    }
    if (!plan.empty() && !haveOne)
        plan.front().first = true;
    return plan;
}

}  // namespace tl::session
