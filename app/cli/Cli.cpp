#include "app/cli/Cli.h"

#include <iostream>

#include "app/cli/ArgParser.h"
#include "core/common/Error.h"

#ifndef TRAILERLAB_VERSION
#define TRAILERLAB_VERSION "0.1.0"
#endif

namespace tl::cli {

const std::vector<Command>& commands()
{
    static const std::vector<Command> table = {
        {"demo", "create the embedded demo project (generated trailers, users and ratings)", demoCommand},
        {"evaluate", "evaluate content-based user k-NN CF and baselines (RMSE, MAE, ranking metrics)",
         evaluateCommand},
        {"explain", "explain one prediction: user's mean + each neighbour's share; why each neighbour; the profile",
         explainCommand},
        {"whatif", "predictions and recommendations after hypothetical rating edits (incremental, no rebuild)",
         whatifCommand},
        {"map", "users and trailers in one 2-D space (exact PCA or t-SNE of MUP and MIP) as CSV", mapCommand},
        {"suits", "the users a video nobody has rated suits best in a project configuration (ranked cosines)", suitsCommand},
        {"sample", "sample a video's frames at N frames per second (or one per shot) to PNG + JSON",
         sampleCommand},
        {"extract", "extract deep CNN features of trailers into item profiles (CSV or .npy)", extractCommand},
        {"merge", "combine the outputs (and feature stores) of `extract --shard I/N` runs into one", mergeCommand},
        {"experiment", "run the paper's experiment on a project: every model x fps, K sweep, baselines, report",
         experimentCommand},
        {"models", "import model weights once (copied to the data folder, SHA-256 recorded) and list where "
                   "each model's weights are found",
         modelsCommand},
        {"import", "make a project from a MovieLens folder and a folder of trailers (with a coverage report)",
         importCommand},
        {"synth", "write a synthetic MovieLens-style data set with item features (for demos and benchmarks)",
         synthCommand},
    };
    return table;
}

namespace {
void printOverview(std::ostream& out)
{
    out << "trailerlab-cli " << TRAILERLAB_VERSION
        << " - trailer deep features for user-based collaborative filtering\n\n"
           "usage: trailerlab-cli COMMAND [options]   (trailerlab-cli COMMAND --help for details)\n\ncommands:\n";
    for (const auto& command : commands())
        out << "  " << command.name << std::string(command.name.size() < 10 ? 10 - command.name.size() : 1, ' ')
            << command.summary << "\n";
    out << "\n  --version  print the version\n";
}
}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        printOverview(args.empty() ? err : out);
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version") {
        out << "trailerlab-cli " << TRAILERLAB_VERSION << "\n";
        return 0;
    }
    for (const auto& command : commands()) {
        if (command.name != args[0])
            continue;
        const std::vector<std::string> rest(args.begin() + 1, args.end());
        try {
            return command.run(rest, out, err);
        } catch (const UsageError& e) {
            err << "trailerlab-cli " << command.name << ": " << e.what() << "\n";
            return 2;
        } catch (const Cancelled&) {
            err << "trailerlab-cli " << command.name << ": cancelled\n";
            return 130;
        } catch (const std::exception& e) {
            err << "trailerlab-cli " << command.name << ": error: " << e.what() << "\n";
            return 1;
        }
    }
    err << "trailerlab-cli: unknown command '" << args[0] << "'\n\n";
    printOverview(err);
    return 2;
}

int run(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    return run(args, std::cout, std::cerr);
}

}  // namespace tl::cli
