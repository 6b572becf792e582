// trailerlab-cli: the headless front end. All commands live in core/cli.
#include "app/cli/Cli.h"

int main(int argc, char** argv)
{
    return tl::cli::run(argc, argv);
}
