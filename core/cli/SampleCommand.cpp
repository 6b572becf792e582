#include "core/cli/Cli.h"
#include <ostream>
// Placeholder until the subcommand lands; owned by the issue that builds it.
namespace tl::cli { int sampleCommand(const std::vector<std::string>&, std::ostream&, std::ostream& err) { err << "not built yet\n"; return 1; } }
