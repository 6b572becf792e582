// trailerlab-cli explain: one prediction of content-based user k-NN taken apart
// into the user's mean and each neighbour's contribution, each neighbour's
// cosine into item pairs, and the user's profile into item shares
// (core/eval/Explain.h has the formulas).
#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/ArgParser.h"
#include "app/cli/Cli.h"
#include "app/cli/RatingsOptions.h"
#include "core/cf/CfOptions.h"
#include "core/cf/Neighbours.h"
#include "core/cf/Similarity.h"
#include "core/data/FeatureMatrix.h"
#include "core/data/Items.h"
#include "core/eval/Explain.h"

namespace tl::cli {

namespace {

ArgParser makeParser()
{
    ArgParser p("trailerlab-cli explain (--ratings FILE [--split ...] | --train FILE --test FILE) "
                "(--item-features FILE | --genres FILE) --user U --item I --k K [options]",
                "Explains one prediction of content-based user k-NN, as evaluate makes it, by exact sums:\n"
                "  prediction = mean(u) + sum over neighbours v of c_v, with\n"
                "  c_v = sim(u,v) (r(v,i) - mean(v)) / sum |sim| over the neighbours who rated i, and 0 for\n"
                "  those who did not (the fallback is named when no neighbour rated i);\n"
                "  cos(u,v) = sum over item pairs (i in rel(u), j in rel(v)) of\n"
                "  r(u,i) r(v,j) MIP(i).MIP(j) / (|MUP(u)| |MUP(v)|)   (top pairs per neighbour);\n"
                "  share of item i in u's profile = r(u,i) MIP(i).MUP(u) / |MUP(u)|^2   (shares sum to 1).\n"
                "Users and items are the ids of the ratings files. With kfold splits the first fold is used.");
    addRatingsOptions(p);
    addContentOptions(p);
    p.addOption("user", "ID", "the user whose prediction is explained");
    p.addOption("item", "ID", "the item predicted");
    p.addOption("k", "K", "neighbourhood size");
    addModelOptions(p);
    p.addFlag("clip", "clip the prediction to the rating scale (as evaluate --clip)");
    p.addOption("top", "N", "item pairs per neighbour and items of the profile to list", "5");
    p.addFlag("json", "print JSON instead of tables");
    p.addEpilog("examples:\n"
                "  trailerlab-cli explain --train u1.base --test u1.test --genres u.item --user 1 --item 6 --k 20\n"
                "  trailerlab-cli explain --ratings ratings.csv --item-features vgg19.npy --user 7 --item 42 --k 30 --json\n");
    return p;
}

std::string fixed(double v, int digits)
{
    std::ostringstream s;
    s << std::fixed << std::setprecision(digits) << v;
    return s.str();
}

}  // namespace

int explainCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    ArgParser p = makeParser();
    if (!p.parse(args)) {
        out << p.help();
        return 0;
    }
    const std::string userId = p.required("user"), itemId = p.required("item");
    const long k = p.integer("k");  // a usage error when absent
    if (k < 1)
        throw UsageError("option --k must be >= 1");
    const long top = p.integer("top");
    if (top < 0)
        throw UsageError("option --top must be >= 0");
    const ModelOptions model = readModelOptions(p);

    const LoadedRatings loaded = loadRatings(p, err);
    const Dataset& data = loaded.data;
    const Split& split = loaded.splits.front();
    const auto user = data.users.find(userId);
    if (!user)
        throw UsageError("unknown user '" + userId + "': not in the ratings");
    const auto item = data.items.find(itemId);
    if (!item)
        throw UsageError("unknown item '" + itemId + "': not in the ratings");

    const LoadedContent content = loadContent(p, err);
    const FeatureMatrix& features = content.features;
    const ItemCatalog& catalog = content.catalog;
    auto title = [&](std::uint32_t i) {
        const ItemInfo* info = catalog.find(data.items.id(i));
        return info ? info->title : std::string();
    };

    const TrainingMatrix train = TrainingMatrix::build(data, split.train);
    const ItemProfiles items = alignItemProfiles(features, data.items, model.normalization);
    const RelevanceMatrix w = buildRelevance(train, items, model.relevant);
    const SimilarityEngine engine = SimilarityEngine::fromItemProfiles(w, items);
    std::vector<Neighbour> neighbours;
    if (model.mode == NeighbourMode::Offline) {
        const NeighbourLists lists = computeNeighbours(engine, static_cast<int>(k));
        if (*user < lists.users())
            for (const Neighbour& n : lists.of(*user))
                neighbours.push_back(n);
    } else {
        neighbours = ratersNeighbours(train, engine, *user, *item, static_cast<int>(k));
    }
    PredictOptions options;
    options.clip = p.flag("clip");
    options.scale = data.scale;
    const PredictionExplanation ex = explainPrediction(train, neighbours, *user, *item, static_cast<int>(k), options);
    const auto n = static_cast<std::size_t>(top);
    std::vector<CosineExplanation> cosines;
    for (const auto& c : ex.neighbours)
        cosines.push_back(explainCosine(w, items, *user, c.user, n));
    const ProfileExplanation profile = explainProfile(w, items, *user, n);
    std::optional<float> truth;
    for (std::size_t t : split.test)
        if (data.ratings[t].user == *user && data.ratings[t].item == *item)
            truth = data.ratings[t].value;
    const bool fallback = ex.source != PredictionSource::Neighbours;
    const bool outside = ex.unclipped < data.scale.min || ex.unclipped > data.scale.max;

    if (p.flag("json")) {
        nlohmann::json doc;
        doc["user"] = userId;
        doc["item"] = itemId;
        doc["k"] = k;
        doc["neighbors"] = toString(model.mode);
        doc["prediction"] = ex.prediction;
        doc["unclipped"] = ex.unclipped;
        doc["clipped"] = options.clip;
        doc["scale"] = {data.scale.min, data.scale.max};
        doc["user_mean"] = ex.userMean;
        doc["fallback"] = fallback ? nlohmann::json(toString(ex.source)) : nlohmann::json(nullptr);
        doc["sum_abs_similarity"] = ex.sumAbsSimilarity;
        doc["truth"] = truth ? nlohmann::json(*truth) : nlohmann::json(nullptr);
        nlohmann::json list = nlohmann::json::array();
        for (std::size_t v = 0; v < ex.neighbours.size(); ++v) {
            const auto& c = ex.neighbours[v];
            nlohmann::json pairs = nlohmann::json::array();
            for (const auto& t : cosines[v].top)
                pairs.push_back({{"user_item", data.items.id(t.itemU)},
                                 {"neighbour_item", data.items.id(t.itemV)},
                                 {"term", t.term},
                                 {"share", t.share}});
            list.push_back({{"user", data.users.id(c.user)},
                            {"similarity", c.similarity},
                            {"rating", c.rating ? nlohmann::json(*c.rating) : nlohmann::json(nullptr)},
                            {"mean", c.mean},
                            {"contribution", c.contribution},
                            {"item_pairs", pairs},
                            {"item_pair_count", cosines[v].pairs}});
        }
        doc["neighbours"] = list;
        nlohmann::json shares = nlohmann::json::array();
        for (const auto& s : profile.top)
            shares.push_back({{"item", data.items.id(s.item)}, {"rating", s.rating}, {"share", s.share}});
        doc["profile"] = {{"norm", profile.norm}, {"items", profile.items}, {"top_items", shares}};
        out << doc.dump(2) << "\n";
        return 0;
    }

    auto itemLabel = [&](std::uint32_t i) {
        const std::string t = title(i);
        return data.items.id(i) + (t.empty() ? std::string() : " (" + t + ")");
    };
    out << "user " << userId << ", item " << itemLabel(*item) << ", K = " << k << ", neighbours " << toString(model.mode)
        << (truth ? ", test rating " + fixed(*truth, 1) : std::string()) << "\n\n";
    out << std::left << std::setw(12) << "neighbour" << std::right << std::setw(12) << "similarity" << std::setw(8)
        << "rating" << std::setw(8) << "mean" << std::setw(14) << "contribution" << "\n";
    for (const auto& c : ex.neighbours)
        out << std::left << std::setw(12) << data.users.id(c.user) << std::right << std::setw(12)
            << fixed(c.similarity, 6) << std::setw(8) << (c.rating ? fixed(*c.rating, 1) : std::string("-"))
            << std::setw(8) << fixed(c.mean, 3) << std::setw(14)
            << (c.rating ? fixed(c.contribution, 4) : std::string("0 (not rated)")) << "\n";
    out << "\nmean(u)              " << fixed(ex.userMean, 4) << "\n";
    if (fallback) {
        out << "fallback             " << toString(ex.source) << " = " << fixed(ex.fallbackValue, 4)
            << " (no neighbour among the first " << k << " rated the item)\n";
    } else {
        out << "sum of contributions " << fixed(ex.total() - ex.userMean, 4) << "  (sum |sim| over raters "
            << fixed(ex.sumAbsSimilarity, 6) << ")\n";
    }
    out << "prediction           " << fixed(ex.prediction, 4);
    if (options.clip && ex.prediction != ex.unclipped)
        out << "  (clipped from " << fixed(ex.unclipped, 4) << ")";
    else if (outside)
        out << "  (outside the rating scale " << fixed(data.scale.min, 1) << "-" << fixed(data.scale.max, 1) << ")";
    out << "\n";

    if (n > 0) {
        out << "\nwhy each neighbour: the item pairs (user's item x neighbour's item) with the largest share of "
               "the cosine\n";
        for (std::size_t v = 0; v < ex.neighbours.size(); ++v) {
            out << "  " << data.users.id(ex.neighbours[v].user) << ": cosine " << fixed(cosines[v].cosine, 6) << " over "
                << cosines[v].pairs << " pairs\n";
            for (const auto& t : cosines[v].top)
                out << "    " << std::setw(7) << fixed(100 * t.share, 2) << " %  " << itemLabel(t.itemU) << "  x  "
                    << itemLabel(t.itemV) << "\n";
        }
        out << "\nprofile of user " << userId << ": " << profile.items
            << " relevant items with a profile; the largest shares\n";
        for (const auto& s : profile.top)
            out << "  " << std::setw(7) << fixed(100 * s.share, 2) << " %  rated " << fixed(s.rating, 1) << "  "
                << itemLabel(s.item) << "\n";
    }
    return 0;
}

}  // namespace tl::cli
