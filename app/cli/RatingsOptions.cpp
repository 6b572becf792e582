#include "app/cli/RatingsOptions.h"

#include "core/common/Error.h"
#include "core/data/Text.h"

namespace tl::cli {

void addRatingsOptions(ArgParser& p)
{
    p.addOption("ratings", "FILE", "ratings file: u.data, ratings.dat, ratings.csv or a generic user,item,rating CSV");
    p.addOption("format", "NAME", "ratings format: auto, ml-100k, ml-1m, ml-csv, csv", "auto");
    p.addOption("split", "SPEC",
                "how --ratings is split: holdout:RATIO (random share to test), kfold:K, peruser:RATIO, "
                "coldstart:RATIO (a random share of the items moves to test with all its ratings), "
                "coldstart-kfold:K (the items in K folds)",
                "holdout:0.2");
    p.addOption("seed", "N", "seed of the split (and of the SGD models)", "42");
    p.addOption("train", "FILE", "explicit training ratings (with --test; e.g. u1.base)");
    p.addOption("test", "FILE", "explicit test ratings (with --train; e.g. u1.test)");
    p.addOption("scale", "MIN:MAX", "rating scale; ratings outside it are errors [default: 1:5 for ml-100k/ml-1m, 0.5:5 for CSV]");
    p.addFlag("skip-bad-lines", "skip malformed, out-of-scale and duplicate lines, listing each one, instead of stopping");
}

LoadedRatings loadRatings(const ArgParser& p, std::ostream& err)
{
    ReadOptions readOptions;
    readOptions.format = parseRatingsFormat(*p.value("format"));
    readOptions.skipBadLines = p.flag("skip-bad-lines");
    if (auto scale = p.value("scale")) {
        const auto colon = scale->find(':');
        auto lo = text::parseDouble(scale->substr(0, colon)), hi = colon == std::string::npos
                                                                   ? std::optional<double>()
                                                                   : text::parseDouble(scale->substr(colon + 1));
        if (!lo || !hi || !(*lo < *hi))
            throw UsageError("option --scale: '" + *scale + "' is not MIN:MAX, e.g. 1:5");
        readOptions.scale = RatingScale{static_cast<float>(*lo), static_cast<float>(*hi)};
    }
    const bool explicitFiles = p.given("train") || p.given("test");
    if (explicitFiles && p.given("ratings"))
        throw UsageError("give either --ratings (with --split) or --train and --test, not both");
    if (explicitFiles && !(p.given("train") && p.given("test")))
        throw UsageError("--train and --test go together");
    if (!explicitFiles && !p.given("ratings"))
        throw UsageError("no ratings: give --ratings FILE, or --train FILE --test FILE (see --help)");
    SplitSpec splitSpec;
    try {
        splitSpec = parseSplitSpec(*p.value("split"));
    } catch (const ConfigError& e) {
        throw UsageError(std::string("option --split: ") + e.what());
    }
    const auto seed = static_cast<std::uint64_t>(p.integer("seed"));

    LoadedRatings loaded;
    auto report = [&](const ReadReport& r) {
        err << "read " << r.ratings << " ratings from " << r.file << " (" << formatName(r.format)
            << (r.hadHeader ? ", header" : "") << ")\n";
        if (!r.skipped.empty())
            err << describeSkipped(r) << "\n";
    };
    if (explicitFiles) {
        report(readRatings(p.required("train"), loaded.data, readOptions));
        const std::size_t trainCount = loaded.data.ratings.size();
        report(readRatings(p.required("test"), loaded.data, readOptions));
        loaded.splits.push_back(explicitSplit(loaded.data, trainCount));
    } else {
        report(readRatings(p.required("ratings"), loaded.data, readOptions));
        loaded.splits = makeSplits(loaded.data, splitSpec, seed);
    }
    return loaded;
}

void addModelOptions(ArgParser& p)
{
    p.addOption("normalize", "MODE", "item feature scaling: minmax (to [0,100]), none, zscore, l2", "minmax");
    p.addOption("relevant", "RULE", "relevant items of a user: mean (rating >= user's mean), all, threshold:X", "mean");
    p.addOption("neighbors", "MODE", "offline (K most similar users, the paper's) or raters (K most similar among the item's raters)", "offline");
}

ModelOptions readModelOptions(const ArgParser& p)
{
    ModelOptions m;
    m.normalization = parseNormalization(*p.value("normalize"));
    m.relevant = parseRelevantRule(*p.value("relevant"));
    m.mode = parseNeighbourMode(*p.value("neighbors"));
    return m;
}

void addContentOptions(ArgParser& p)
{
    p.addOption("item-features", "FILE", "item feature file (.csv item_id,f1..fF or .npy + .ids.txt)");
    p.addOption("genres", "FILE", "item file (u.item, movies.dat, movies.csv): genre profiles; also gives titles");
}

LoadedContent loadContent(const ArgParser& p, std::ostream& err)
{
    if (p.given("item-features") == p.given("genres"))
        throw UsageError("give one content source: --item-features FILE or --genres FILE");
    LoadedContent content;
    if (auto file = p.value("item-features")) {
        content.features = readFeatureMatrix(*file);
        err << "read " << content.features.rows() << " item profiles x " << content.features.dims()
            << " features from " << *file << "\n";
    } else {
        content.catalog = readItems(*p.value("genres"));
        content.features = genreFeatures(content.catalog);
        err << "read " << content.catalog.items.size() << " items with " << content.catalog.genreNames.size()
            << " genres\n";
    }
    return content;
}

void addMethodsOption(ArgParser& p)
{
    p.addOption("methods", "LIST",
                "content models evaluated for every feature source, comma-separated: paper (the paper's user k-NN, "
                "centred on mean(u); rows named after the features), paper-baseline (the same neighbours centred on "
                "mu + b_u + b_i; rows FEATURES:paper-baseline), item-knn (item k-NN on profile cosines, centred on "
                "mu + b_u + b_i, predicts items nobody rated; rows FEATURES:item-knn), hybrid (knn-baseline on a * pearson-baseline + "
                "(1 - a) * profile cosine, a chosen on the --validate share of the training ratings; rows "
                "FEATURES:hybrid), vbpr (matrix factorisation plus the features through a learned 10-dim projection, "
                "SGD seeded by --seed; predicts items nobody rated from their features; rows FEATURES:vbpr), or all",
                "paper");
}

std::vector<ContentMethod> readMethodsOption(const ArgParser& p)
{
    try {
        return parseContentMethods(*p.value("methods"));
    } catch (const ConfigError& e) {
        throw UsageError(std::string("option --methods: ") + e.what());
    }
}

void addValidateOption(ArgParser& p, const std::string& seededBy)
{
    p.addOption("validate", "RATIO",
                "share of the training ratings held out (seeded by " + seededBy + ") to choose hyper-parameters, e.g. the "
                "hybrid's a among 0, 0.25, 0.5, 0.75, 0.9, 1; the model is then refitted on all training ratings. "
                "The test set is never used for the choice",
                "0.1");
}

void addValidateKOption(ArgParser& p, const std::string& seededBy)
{
    p.addFlag("validate-k",
              "choose each K-sweep method's K on the --validate share of the training ratings (seeded by " + seededBy +
                  ") and "
              "show its test row at that K; without it the best-per-method table shows the K of the lowest test "
              "RMSE (the paper's Table 1 practice), and says so in its tuning column");
}

double readValidateOption(const ArgParser& p)
{
    const double ratio = p.number("validate");
    if (!(ratio > 0 && ratio < 1))
        throw UsageError("option --validate: the ratio must be between 0 and 1 (exclusive), got " + *p.value("validate"));
    return ratio;
}

}  // namespace tl::cli
