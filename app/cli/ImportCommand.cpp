// trailerlab-cli import: a MovieLens folder plus trailer files -> a project.
#include <ostream>

#include "app/cli/ArgParser.h"
#include "app/cli/Cli.h"
#include "app/cli/ConsoleProgress.h"
#include "core/project/Import.h"

namespace tl::cli {

int importCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    ArgParser p("trailerlab-cli import --movielens DIR [--trailers DIR] --out PROJECT.trailerlab.json [options]",
                "Makes a project from a MovieLens folder (u.data/u.item, ratings.dat/movies.dat or\n"
                "ratings.csv/movies.csv) and a folder of trailers named by movieId (1.mp4) or by YouTube id\n"
                "(with ml-youtube.csv: youtubeId,movieId,title). Every trailer is probed; the report counts\n"
                "items with and without a readable trailer and lists unreadable and unmatched files.");
    p.addOption("movielens", "DIR", "the MovieLens folder");
    p.addOption("trailers", "DIR", "the folder of trailer files (searched recursively)");
    p.addOption("out", "FILE", "the project file to write (its folder also gets manifest.csv)");
    p.addOption("name", "NAME", "project name [default: the MovieLens folder's name]");
    p.addFlag("no-probe", "do not open every trailer to check that it is readable");
    p.addMaxFailedOption();
    p.addFlag("quiet", "no progress messages (FFmpeg's log included)");
    if (!p.parse(args)) {
        out << p.help();
        return 0;
    }
    ImportOptions options;
    options.movielensDir = p.required("movielens");
    options.projectFile = p.required("out");
    if (auto v = p.value("trailers"))
        options.trailersDir = *v;
    if (auto v = p.value("name"))
        options.name = *v;
    options.probeVideos = !p.flag("no-probe");
    ConsoleProgress progress(err, p.flag("quiet"));
    const ImportReport report = importMovieLens(options, progress.context());
    out << describeImport(report);
    return p.exitStatusFor(report.unreadable.size(), report.withTrailer + report.unreadable.size(), "trailers (unreadable)",
                           err);
}

}  // namespace tl::cli
