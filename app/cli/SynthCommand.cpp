// trailerlab-cli synth: writes a synthetic MovieLens-style data set with item features.
#include <ostream>

#include "app/cli/ArgParser.h"
#include "app/cli/Cli.h"
#include "core/data/SyntheticData.h"

namespace tl::cli {

int synthCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    ArgParser p("trailerlab-cli synth --out DIR [options]",
                "Writes ratings.csv, movies.csv, features.csv and README.txt of a synthetic data set whose\n"
                "ratings come from the same latent item styles that shape the item features (see README.txt).\n"
                "Deterministic: the same options and seed give the same files on every machine.");
    p.addOption("out", "DIR", "output folder (created)");
    p.addOption("users", "N", "number of users", "943");
    p.addOption("items", "N", "number of items", "1682");
    p.addOption("ratings", "N", "number of ratings", "100000");
    p.addOption("features", "F", "item feature dimensions (0: no features.csv)", "64");
    p.addOption("latent", "L", "latent style dimensions", "8");
    p.addOption("seed", "N", "random seed", "42");
    if (!p.parse(args)) {
        out << p.help();
        return 0;
    }
    auto positive = [&](const char* name) {
        const long v = p.integer(name);
        if (v < 0)
            throw UsageError(std::string("option --") + name + " must not be negative");
        return static_cast<std::size_t>(v);
    };
    SyntheticSpec spec;
    spec.users = positive("users");
    spec.items = positive("items");
    spec.ratings = positive("ratings");
    spec.features = positive("features");
    spec.latentDims = positive("latent");
    spec.withFeatures = spec.features > 0;
    spec.seed = static_cast<std::uint64_t>(p.integer("seed"));
    const std::string dir = p.required("out");
    const SyntheticData data = generateSynthetic(spec);
    writeSynthetic(data, spec, dir);
    out << "wrote " << data.dataset.ratings.size() << " ratings (" << spec.users << " users, " << spec.items
        << " items), " << data.catalog.genreNames.size() << " genres and " << spec.features << " features per item to "
        << dir << "\n";
    (void)err;
    return 0;
}

}  // namespace tl::cli
