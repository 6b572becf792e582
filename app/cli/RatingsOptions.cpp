#include "app/cli/RatingsOptions.h"

#include <algorithm>
#include <cmath>

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

void addFusionOptions(ArgParser& p, const std::string& what)
{
    p.addOption("fuse", "KINDS",
                "also evaluate " + what +
                    " fused (docs/fusion.md), each alone as well: early (each block's columns scaled by "
                    "--normalize, the block divided by its mean row norm, times its weight, then concatenated; an item "
                    "a block has no row for gets the block's mean row, counted), late (user similarity w cos_first + "
                    "(1 - w) cos_second, the paper's neighbours and prediction on it; offline neighbours), or "
                    "early,late. Rows: A+B and A+B-late");
    p.addOption("fuse-weights", "W1,W2,...",
                "the blocks' fusion weights, one per file in order (>= 0, not all 0; only ratios matter) [default: "
                "with two blocks w chosen among 0, 0.25, 0.5, 0.75, 1 on the --validate share of the training ratings, "
                "never on test; with more, equal weights]");
    p.addOption("fuse-weight", "W", "two blocks: the first block's weight W in [0, 1], the second's 1 - W");
}

FusionOptions readFusionOptions(const ArgParser& p)
{
    FusionOptions options;
    if (auto kinds = p.value("fuse")) {
        try {
            for (const auto& name : text::split(*kinds, ",")) {
                const FusionKind kind = parseFusionKind(std::string(text::trim(name)));
                if (std::find(options.kinds.begin(), options.kinds.end(), kind) == options.kinds.end())
                    options.kinds.push_back(kind);
            }
        } catch (const ConfigError& e) {
            throw UsageError(std::string("option --fuse: ") + e.what());
        }
    }
    if (p.given("fuse-weights") && p.given("fuse-weight"))
        throw UsageError("give --fuse-weights or --fuse-weight, not both");
    if (auto list = p.value("fuse-weights")) {
        std::vector<double> weights;
        for (const auto& field : text::split(*list, ",")) {
            const auto w = text::parseDouble(std::string(text::trim(field)));
            if (!w || !std::isfinite(*w) || *w < 0)
                throw UsageError("option --fuse-weights: '" + std::string(field) + "' is not a weight >= 0");
            weights.push_back(*w);
        }
        options.weights = weights;
    }
    if (p.given("fuse-weight")) {
        const double w = p.number("fuse-weight");
        if (!(w >= 0 && w <= 1))
            throw UsageError("option --fuse-weight: W must be in [0, 1], got " + *p.value("fuse-weight"));
        options.weights = std::vector<double>{w, 1 - w};
    }
    if (options.weights && options.kinds.empty())
        throw UsageError("--fuse-weights/--fuse-weight need --fuse early|late");
    return options;
}

std::vector<FusionSpec> makeFusionSpecs(const FusionOptions& options, const std::vector<FusionBlock>& blocks)
{
    std::vector<FusionSpec> specs;
    try {
        for (FusionKind kind : options.kinds)
            specs.push_back(makeFusionSpec(kind, blocks, options.weights));
    } catch (const ConfigError& e) {
        throw UsageError(e.what());
    }
    return specs;
}

}  // namespace tl::cli
