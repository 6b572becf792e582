#pragma once
// Runs a trailerlab-cli command in-process (tests that link trailerlab_cli_lib):
// its exit status and everything it printed.

#include <sstream>
#include <string>
#include <vector>

#include "app/cli/Cli.h"

namespace tl::test {

struct CliRun {
    int code;
    std::string out;
    std::string err;
};

inline CliRun runCli(std::vector<std::string> args)
{
    std::ostringstream out, err;
    const int code = cli::run(args, out, err);
    return {code, out.str(), err.str()};
}

}  // namespace tl::test
