#include "core/session/SyntheticDemo.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/project/ProjectData.h"

namespace fs = std::filesystem;

namespace tl::session {

SyntheticSpec demoSpec()
{
    SyntheticSpec spec;
    spec.users = 300;
    spec.items = 240;
    spec.ratings = 15000;
    spec.features = 48;
    spec.latentDims = 6;
    spec.genres = 6;
    spec.seed = 7;
    return spec;
}

Project writeSyntheticDemo(const fs::path& dir, const SyntheticSpec& spec, const std::vector<fs::path>& videos)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw DataError(dir.string(), 0, "cannot create the demo folder: " + ec.message());
    SyntheticSpec noFeatures = spec;
    const SyntheticData data = generateSynthetic(spec);
    // The features go to the profile folder, not beside the ratings.
    SyntheticData withoutFeatures{data.dataset, data.catalog, {}};
    noFeatures.withFeatures = false;
    writeSynthetic(withoutFeatures, noFeatures, dir);

    Project project;
    project.name = "Synthetic demo";
    project.ratings = dir / "ratings.csv";
    project.items = dir / "movies.csv";
    project.k = "5:100:5";
    project.cache = dir / "cache";
    if (!videos.empty()) {
        std::vector<ManifestEntry> entries;
        for (std::size_t i = 0; i < videos.size() && i < data.catalog.items.size(); ++i)
            entries.push_back({data.catalog.items[i].id, fs::absolute(videos[i])});
        project.manifest = dir / "manifest.csv";
        writeManifest(entries, project.manifest);
    }
    if (spec.withFeatures) {
        const fs::path profiles = profilesDir(project);
        fs::create_directories(profiles, ec);
        if (ec)
            throw DataError(profiles.string(), 0, "cannot create the profile folder: " + ec.message());
        writeFeatureMatrix(data.features, profiles / "synthetic-visual.csv");
        nlohmann::json meta = {{"model", "synthetic"},
                               {"provenance", "synthetic features from the generating model (seed " +
                                                  std::to_string(spec.seed) + "), not from video"},
                               {"random_weights", false},
                               {"items", data.features.rows()},
                               {"features", data.features.dims()}};
        writeFileAtomically(profiles / "synthetic-visual.meta.json", meta.dump(2) + "\n");
    }
    saveProject(project, dir / "project.json");
    return project;
}

}  // namespace tl::session
