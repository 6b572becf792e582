// trailerlab-cli suits: the users a trailer nobody has rated suits best in one of a
// project's configurations (cos(MUP(u), MIP(new)), ranked), like File > Add Trailer…
// in the workbench. Reads the project; writes nothing.
#include <iomanip>
#include <ostream>

#include "app/cli/ArgParser.h"
#include "app/cli/Cli.h"
#include "core/common/Error.h"
#include "core/eval/UsersForItem.h"
#include "core/experiment/NewTrailer.h"
#include "core/project/Project.h"
#include "core/session/ProjectSession.h"

namespace tl::cli {

int suitsCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    ArgParser p("trailerlab-cli suits --project FILE --config NAME --video FILE [--top N]",
                "Places a video nobody has rated in a configuration of the project (its model, sampling, mean "
                "pooling and normalisation) and lists the users it suits best by cos(MUP(u), MIP(video)). "
                "Output: CSV rank,user,similarity, best first (ties, equal to 12 decimals, by user order).");
    p.addOption("project", "FILE", "the project (.trailerlab.json)");
    p.addOption("config", "NAME", "an extracted configuration of the project, e.g. mobilenetv2-fps1 (not genre)");
    p.addOption("video", "FILE", "the video to place");
    p.addOption("top", "N", "users listed (0: all with a profile)", "10");
    p.addOption("cache", "DIR", "the project's cache folder when it lies outside the project folder");
    p.addEpilog("\nexample:\n  trailerlab-cli suits --project demo/demo.trailerlab.json --config mobilenetv2-fps1 "
                "--video new.mp4 --top 5\n");
    if (!p.parse(args)) {
        out << p.help();
        return 0;
    }
    const long top = p.integer("top");
    if (top < 0)
        throw UsageError("option --top: expected a number of users >= 0, got " + std::to_string(top));
    ProjectLoadOptions options;
    if (p.value("cache"))
        options.cache = *p.value("cache");
    const auto data = loadProjectData(loadProject(p.required("project"), options));
    const std::string config = p.required("config");
    const std::vector<ContentSourceInfo> sources = listContentSources(*data);
    const ContentSourceInfo* source = nullptr;
    std::string names;
    for (const auto& s : sources) {
        names += (names.empty() ? "" : ", ") + s.name;
        if (s.name == config)
            source = &s;
    }
    if (!source)
        throw UsageError("option --config: the project has no configuration '" + config + "' (it has: " + names + ")");
    if (const std::string why = whyNoNewTrailers(*data, *source); !why.empty())
        throw ConfigError(why);
    const auto model = session::buildModel(*data, loadContent(*data, *source));
    const NewTrailerProfile placed =
        newTrailerProfile(*data, *source, model->settings().normalization, p.required("video"));
    const UsersForItem users = usersForItem(*model, placed.profile);
    err << placed.video.filename().string() << ": " << placed.frames << " frames in " << config << "; "
        << users.ranked.size() << " users ranked, " << users.withoutProfile << " without a profile\n";
    out << "rank,user,similarity\n" << std::setprecision(6) << std::fixed;
    const std::size_t n = top == 0 ? users.ranked.size() : std::min<std::size_t>(top, users.ranked.size());
    for (std::size_t r = 0; r < n; ++r)
        out << r + 1 << ',' << data->data.users.id(users.ranked[r].user) << ',' << users.ranked[r].similarity << '\n';
    return 0;
}

}  // namespace tl::cli
