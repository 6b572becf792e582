// trailerlab-cli demo: creates (or finds) the embedded demo project.
#include <ostream>

#include "app/cli/ArgParser.h"
#include "app/cli/Cli.h"
#include "app/cli/ConsoleProgress.h"
#include "core/demo/DemoProject.h"

namespace tl::cli {

int demoCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    ArgParser p("trailerlab-cli demo [--out DIR] [--seed N]",
                "Creates the embedded demo project: synthetic trailers in six visual families, users whose\n"
                "tastes follow those visual properties, and their ratings; each trailer's soundtrack follows\n"
                "the same properties (see the project's README.txt).\n"
                "Deterministic from the seed; an existing complete demo of the same version and options is\n"
                "reused, one of an older version is written again. Prints the project file.");
    p.addOption("out", "DIR", "project folder [default: $XDG_DATA_HOME/trailerlab/demo]");
    p.addOption("seed", "N", "random seed", "2025");
    p.addOption("items", "N", "number of items (trailers)", "150");
    p.addOption("density", "SHARE", "share of user-item pairs rated", "0.2");
    p.addOption("affinity", "W", "weight of the users' visual tastes in their ratings", "4.0");
    p.addOption("noise", "SD", "standard deviation of the rating noise", "0.4");
    p.addFlag("no-clips", "write ratings and metadata only, no trailers");
    p.addFlag("no-sound", "silent trailers (the same pictures and ratings, no soundtracks)");
    p.addOption("users", "N", "number of users", "600");
    p.addFlag("quiet", "no progress messages");
    if (!p.parse(args)) {
        out << p.help();
        return 0;
    }
    DemoSpec spec;
    spec.seed = static_cast<std::uint64_t>(p.integer("seed"));
    spec.items = static_cast<int>(p.integer("items"));
    spec.users = static_cast<int>(p.integer("users"));
    spec.density = p.number("density");
    spec.affinity = p.number("affinity");
    spec.noise = p.number("noise");
    spec.writeClips = !p.flag("no-clips");
    spec.sound = !p.flag("no-sound");
    if (spec.items < 2 || spec.users < 2)
        throw UsageError("--items and --users must be at least 2");
    const std::filesystem::path dir = p.value("out") ? std::filesystem::path(*p.value("out")) : defaultDemoDir();
    ConsoleProgress progress(err, p.flag("quiet"));
    out << createDemoProject(dir, spec, progress.context()).string() << "\n";
    return 0;
}

}  // namespace tl::cli
