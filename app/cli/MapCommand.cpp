// trailerlab-cli map: users (MUP) and trailers (MIP) in one 2-D space, by exact
// PCA or t-SNE (core/eval/UserItemMap.h), written as CSV.
#include <iomanip>
#include <ostream>
#include <sstream>

#include "app/cli/ArgParser.h"
#include "app/cli/Cli.h"
#include "app/cli/ConsoleProgress.h"
#include "app/cli/RatingsOptions.h"
#include "core/common/AtomicFile.h"
#include "core/data/FeatureMatrix.h"
#include "core/data/Items.h"
#include "core/data/Text.h"
#include "core/eval/UserItemMap.h"

namespace tl::cli {

namespace {

ArgParser makeParser()
{
    ArgParser p("trailerlab-cli map (--ratings FILE [--split ...] | --train FILE --test FILE) "
                "(--item-features FILE | --genres FILE) --out map.csv [options]",
                "Puts users and trailers in one 2-D space and writes the coordinates as CSV.\n"
                "The points are the item profiles MIP (normalised as --normalize says) and the user profiles\n"
                "MUP built from the training ratings (--relevant), each scaled to unit length: profiles are\n"
                "compared by cosine, and on unit vectors |a-b|^2 = 2 - 2 cos(a,b). Profiles of length 0 are\n"
                "left out (counted on stderr and in the header).\n"
                "  pca:  exact PCA fitted on users and items together; x, y = the first two principal\n"
                "        components (signs: each axis's largest loading is positive).\n"
                "  tsne: exact t-SNE (perplexity, iterations, --tsne-seed) on the first 50 principal\n"
                "        components of the same points; seconds for a few thousand points.\n"
                "Output: a first line '# trailerlab-cli map: method ..., explained variance ...' (PCA: the\n"
                "ratio of x and y; t-SNE: the ratio kept by its 50-component input), then the header\n"
                "kind,id,x,y,label and one row per point: kind 'item' or 'user', the id from the ratings,\n"
                "the coordinates, and a label from --genres (an item's first genre; a user's most common\n"
                "item label among its relevant items), empty with --item-features unless --items is given;\n"
                "with --clusters K a last column cluster (k-means, seed 1).\n"
                "With kfold splits the first fold is used.");
    addRatingsOptions(p);
    addContentOptions(p);
    p.addOption("items", "FILE", "item file giving the labels when the profiles come from --item-features");
    addModelOptions(p);
    p.addOption("method", "NAME", "projection: pca or tsne", "pca");
    p.addOption("perplexity", "P", "t-SNE perplexity (capped at (points - 1) / 3)", "30");
    p.addOption("iterations", "N", "t-SNE iterations (the first 250 with early exaggeration 12)", "1000");
    p.addOption("tsne-seed", "N", "seed of t-SNE's random start (the same seed gives the same map)", "1");
    p.addOption("clusters", "K", "also k-means the points (on their first 50 principal components) into K "
                                 "clusters: adds a column cluster (0..K-1)", "0");
    p.addOption("out", "FILE", "the CSV to write");
    p.addFlag("quiet", "no progress on stderr");
    p.addEpilog("examples:\n"
                "  trailerlab-cli map --train u1.base --test u1.test --genres u.item --out map.csv\n"
                "  trailerlab-cli map --ratings ratings.csv --item-features vgg19.npy --items movies.csv "
                "--method tsne --out map.csv\n");
    return p;
}

using text::csvField;

}  // namespace

int mapCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    ArgParser p = makeParser();
    if (!p.parse(args)) {
        out << p.help();
        return 0;
    }
    if (p.given("items") && p.given("genres"))
        throw UsageError("--items labels --item-features maps; with --genres the labels come from that file");
    const std::string outFile = p.required("out");
    MapOptions options;
    options.method = parseMapMethod(*p.value("method"));
    options.tsne.perplexity = p.number("perplexity");
    if (!(options.tsne.perplexity >= 1))
        throw UsageError("option --perplexity must be >= 1");
    const long iterations = p.integer("iterations");
    if (iterations < 1)
        throw UsageError("option --iterations must be >= 1");
    options.tsne.iterations = static_cast<int>(iterations);
    options.tsne.seed = static_cast<std::uint64_t>(p.integer("tsne-seed"));
    const long clusters = p.integer("clusters");
    if (clusters < 0)
        throw UsageError("option --clusters must be >= 0");
    options.clusters = static_cast<int>(clusters);
    const ModelOptions model = readModelOptions(p);

    const LoadedRatings loaded = loadRatings(p, err);
    const Dataset& data = loaded.data;
    LoadedContent content = loadContent(p, err);
    const FeatureMatrix& features = content.features;
    if (auto items = p.value("items"))
        content.catalog = readItems(*items);
    const ItemCatalog& catalog = content.catalog;

    const TrainingMatrix train = TrainingMatrix::build(data, loaded.splits.front().train);
    const ItemProfiles items = alignItemProfiles(features, data.items, model.normalization);
    const RelevanceMatrix w = buildRelevance(train, items, model.relevant);
    ConsoleProgress progress(err, p.flag("quiet"));
    const UserItemMap map = buildUserItemMap(w, items, options, progress.context());
    const std::vector<std::string> labels = mapLabels(map, w, items, data.items, catalog);

    std::size_t itemPoints = 0;
    for (const MapPoint& point : map.points)
        itemPoints += point.kind == MapKind::Item;
    std::ostringstream header;
    header << std::setprecision(6) << "# trailerlab-cli map: method " << toString(options.method);
    if (options.method == MapMethod::Pca)
        header << ", explained variance x " << map.explained[0] << " y " << map.explained[1];
    else
        header << " (perplexity " << options.tsne.perplexity << ", " << options.tsne.iterations
               << " iterations, seed " << options.tsne.seed << ") on " << map.inputDims
               << " principal components, explained variance " << map.explained[0];
    header << "; " << itemPoints << " items, " << map.points.size() - itemPoints << " users; left out (zero profile): "
           << map.itemsLeftOut << " items, " << map.usersLeftOut << " users";
    err << header.str().substr(2) << "\n";

    writeFileAtomically(outFile, [&](std::ostream& csv) {
        csv << header.str() << "\nkind,id,x,y,label" << (map.cluster.empty() ? "\n" : ",cluster\n")
            << std::setprecision(9);
        for (std::size_t r = 0; r < map.points.size(); ++r) {
            const MapPoint& point = map.points[r];
            const bool item = point.kind == MapKind::Item;
            csv << (item ? "item," : "user,")
                << csvField(item ? data.items.id(point.index) : data.users.id(point.index)) << ',' << point.x << ','
                << point.y << ',' << csvField(labels[r]);
            if (!map.cluster.empty())
                csv << ',' << map.cluster[r];
            csv << '\n';
        }
    });
    err << "wrote " << map.points.size() << " points to " << outFile << "\n";
    return 0;
}

}  // namespace tl::cli
