#pragma once
// Entry point of trailerlab-cli and its table of subcommands. Each subcommand
// lives in its own file and has the signature of CommandFn: it parses its own
// arguments, writes results to `out` and diagnostics/progress to `err`, and
// returns the process exit code. Exceptions derived from tl::Error are turned
// into a one-line message and exit code 2 (usage) or 1 (anything else) by run(). Exit statuses: kExit* in ArgParser.h.

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace tl::cli {

using CommandFn = std::function<int(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)>;

struct Command {
    std::string name;
    std::string summary;
    CommandFn run;
};

const std::vector<Command>& commands();

int run(int argc, char** argv);
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// Subcommands (one file each).
int evaluateCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int synthCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int sampleCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int experimentCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int importCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int demoCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int extractCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int mergeCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int modelsCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int explainCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int whatifCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int mapCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int suitsCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// What a command-line user does when a model's weights are not found (appended to
// the registry's list of places looked in).
std::string missingWeightsAdvice();

}  // namespace tl::cli
