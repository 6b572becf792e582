#include "core/cli/Cli.h"
#include <ostream>
namespace tl::cli { int synthCommand(const std::vector<std::string>&, std::ostream&, std::ostream& err) { err << "todo\n"; return 1; } }
