// trailerlab-cli evaluate: content-based user k-NN (method.md 2-4) and the
// baselines on a ratings file, printing a table and writing CSV/JSON.
#include <chrono>
#include <cmath>
#include <deque>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <map>
#include <ostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/ArgParser.h"
#include "app/cli/Cli.h"
#include "app/cli/ConsoleProgress.h"
#include "app/cli/RatingsOptions.h"
#include "core/common/AtomicFile.h"
#include "core/data/FeatureMatrix.h"
#include "core/data/Items.h"
#include "core/data/Ratings.h"
#include "core/data/Split.h"
#include "core/data/Text.h"
#include "core/cf/DeviceNeighbours.h"
#include "core/cf/FeatureFusion.h"
#include "core/eval/Evaluator.h"
#include "core/eval/MetricsTable.h"
#include "core/eval/Tuning.h"

namespace tl::cli {

namespace {

ArgParser makeParser()
{
    ArgParser p("trailerlab-cli evaluate (--ratings FILE [--split ...] | --train FILE --test FILE) "
                "[--item-features FILE[,FILE...]] [--genres FILE] [options]",
                "Evaluates user-based collaborative filtering whose user profiles come from item content\n"
                "(formula 3: MUP = sum of relevant ratings x item profiles; formula 4: cosine; formula 5:\n"
                "mean-centred prediction) over a K sweep, and optionally rating-only baselines.\n"
                "Reports RMSE, MAE, the share of predictions made by neighbours (from_neighbours) and\n"
                "Precision/Recall/NDCG@N with relevant = test rating >= 4. Neighbours are chosen on\n"
                "float64 cosines. Then, per k-NN method and K, how crowded the similarities are: the\n"
                "median spread 1 - s_K and the share of users whose K-th and (K+1)-th neighbours differ\n"
                "by less than 1e-6, with a hint when that is severe (>= 5 % near ties, or median\n"
                "spread < 1e-3).");
    addRatingsOptions(p);
    p.addOption("item-features", "FILES",
                "comma-separated item feature files (.csv item_id,f1..fF or .npy + .ids.txt); each is one "
                "method named after its file");
    p.addOption("genres", "FILE", "item file (u.item, movies.dat, movies.csv): adds genre-profile CF (method 'genre')");
    p.addOption("k", "LIST", "neighbourhood sizes: a range 10:100:10 or a list 10,20,50", "10:100:10");
    addModelOptions(p);
    addMethodsOption(p);
    addValidateOption(p);
    addValidateKOption(p);
    addFusionOptions(p, "the --item-features files (two or more)");
    p.addFlag("clip", "clip predictions to the rating scale");
    p.addFlag("baselines",
              "also evaluate the rating-only models: global/user/item mean, bias (mu + b_u + b_i), svd (biased "
              "matrix factorisation, SGD seeded by --seed), user k-NN on ratings (cosine, Pearson), knn-baseline "
              "(shrunk Pearson-baseline similarity, centred on mu + b_u + b_i) and knn-means (msd similarity, "
              "centred on user means)");
    p.addFlag("restrict-to-profiled", "keep only ratings of items that have a profile in the first feature file (the paper's choice)");
    p.addOption("top-n", "N", "N of Precision/Recall/NDCG@N", "10");
    p.addOption("device", "NAME",
                deviceOptionHelp("where content CF's similarity + top-K run (offline mode; raters mode and "
                                 "baselines use the CPU)"),
                "cpu");
    p.addOption("out", "FILE", "write all rows to FILE: .csv, .md (Markdown) or .json (with the settings)");
    p.addFlag("quiet", "no progress messages");
    p.addEpilog("examples:\n"
                "  trailerlab-cli evaluate --train u1.base --test u1.test --genres u.item --baselines --k 10:100:10\n"
                "  trailerlab-cli evaluate --ratings ratings.csv --split kfold:5 --item-features vgg19.npy --out results.csv\n"
                "  trailerlab-cli evaluate --ratings ratings.csv --item-features visual.csv,audio.csv --fuse early,late\n");
    return p;
}

// The method column: 18 characters, or wider for long names (genre:paper-baseline).
int methodWidth(const std::vector<AggregateRow>& rows)
{
    std::size_t width = 18;
    for (const auto& r : rows)
        width = std::max(width, r.method.size() + 2);
    return static_cast<int>(width);
}

void printTable(std::ostream& out, const std::vector<AggregateRow>& rows, int topN, bool withStd)
{
    auto cell = [&](double mean, double sd) {
        std::ostringstream s;
        s << std::fixed << std::setprecision(4) << mean;
        if (withStd)
            s << "±" << std::setprecision(4) << sd;
        return s.str();
    };
    const int w = withStd ? 16 : 8;
    const int nameWidth = methodWidth(rows);
    out << std::left << std::setw(nameWidth) << "method" << std::right << std::setw(5) << "k" << std::setw(w) << "rmse"
        << std::setw(w) << "mae" << std::setw(16) << "from_neighbours" << std::setw(w) << ("P@" + std::to_string(topN))
        << std::setw(w) << ("R@" + std::to_string(topN)) << std::setw(w) << ("NDCG@" + std::to_string(topN)) << "\n";
    for (const auto& r : rows) {
        out << std::left << std::setw(nameWidth) << r.method << std::right << std::setw(5)
            << (r.k > 0 ? std::to_string(r.k) : "-") << std::setw(w) << cell(r.mean.rmse, r.stddev.rmse)
            << std::setw(w) << cell(r.mean.mae, r.stddev.mae) << std::setw(16) << std::fixed << std::setprecision(3)
            << r.mean.fromNeighbours << std::setw(w) << cell(r.mean.precision, r.stddev.precision) << std::setw(w)
            << cell(r.mean.recall, r.stddev.recall) << std::setw(w) << cell(r.mean.ndcg, r.stddev.ndcg) << "\n";
    }
}

// One row per method: the lowest RMSE (ties: the smaller K), or the row at the K
// chosen on validation.
std::vector<AggregateRow> bestRows(const std::vector<AggregateRow>& rows, const TuningFacts& facts)
{
    std::vector<ResultRow> means;
    for (const auto& r : rows)
        means.push_back({r.method, r.k, r.mean});
    std::vector<AggregateRow> best;
    for (std::size_t n : shownRowPerMethod(means, facts.validatedK))
        best.push_back(rows[n]);
    return best;
}

void printBest(std::ostream& out, const std::vector<AggregateRow>& best, const TuningFacts& facts)
{
    out << "\nbest RMSE per method (hyper-parameters: how they were chosen):\n";
    for (const auto& r : best)
        out << "  " << std::left << std::setw(methodWidth(best)) << r.method << std::right << std::fixed
            << std::setprecision(4) << r.mean.rmse << std::left << std::setw(12)
            << (r.k > 0 ? "  at K = " + std::to_string(r.k) : std::string()) << std::right << "  "
            << tableRowTuning(r.method, r.k, facts) << "\n";
}

}  // namespace

int evaluateCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    ArgParser p = makeParser();
    if (!p.parse(args)) {
        out << p.help();
        return 0;
    }
    ConsoleProgress progress(err, p.flag("quiet"));
    const JobContext ctx = progress.context();

    EvalSettings settings;
    settings.ks = parseIntList(*p.value("k"), "k");
    const ModelOptions model = readModelOptions(p);
    settings.mode = model.mode;
    settings.clip = p.flag("clip");
    settings.device = parseDeviceOption(*p.value("device"), "device");
    settings.relevant = model.relevant;
    settings.normalization = model.normalization;
    settings.restrictToProfiled = p.flag("restrict-to-profiled");
    settings.baselines = p.flag("baselines");
    settings.seed = static_cast<std::uint64_t>(p.integer("seed"));
    settings.methods = readMethodsOption(p);
    settings.validateRatio = readValidateOption(p);
    settings.ranking.topN = static_cast<int>(p.integer("top-n"));
    if (settings.ranking.topN < 1)
        throw UsageError("option --top-n must be >= 1");
    const FusionOptions fusion = readFusionOptions(p);
    const bool haveContent = p.given("item-features") || p.given("genres");
    if (!haveContent && !settings.baselines)
        throw UsageError("nothing to evaluate: give --item-features, --genres and/or --baselines");
    if (settings.restrictToProfiled && !haveContent)
        throw UsageError("--restrict-to-profiled needs --item-features or --genres");
    LoadedRatings loaded = loadRatings(p, err);
    const Dataset& data = loaded.data;
    const std::vector<Split>& splits = loaded.splits;

    // Content sources: each feature file, then genres. Reserved so pointers stay valid.
    std::vector<FeatureMatrix> matrices;
    std::vector<ContentSource> sources;
    matrices.reserve(16);
    std::vector<FusionBlock> blocks;      // the feature files, for --fuse
    std::deque<FusionSpec> fusionSpecs;   // pointed to by the fused sources
    std::vector<ContentSource> fusedSources;
    if (auto files = p.value("item-features")) {
        std::stringstream list(*files);
        std::string file;
        while (std::getline(list, file, ',')) {
            if (file.empty())
                continue;
            if (matrices.size() + 2 > matrices.capacity())
                throw UsageError("option --item-features: at most 15 files");
            matrices.push_back(readFeatureMatrix(file));
            sources.push_back({std::filesystem::path(file).stem().string(), &matrices.back()});
            err << "read " << matrices.back().rows() << " item profiles x " << matrices.back().dims()
                << " features from " << file << "\n";
            blocks.push_back({sources.back().name, &matrices.back(), featureColumnNames(file), 1.0});
        }
    }
    if (!fusion.kinds.empty()) {
        if (blocks.size() < 2)
            throw UsageError("--fuse needs two or more --item-features files, e.g. visual.csv,audio.csv");
        std::vector<std::string> names;
        for (const auto& b : blocks)
            names.push_back(b.name);
        for (auto& spec : makeFusionSpecs(fusion, blocks)) {
            const FusionSpec& kept = fusionSpecs.emplace_back(std::move(spec));
            fusedSources.push_back({fusedSourceName(names, kept.kind), kept.blocks.front().features, &kept});
        }
    }
    if (auto genres = p.value("genres")) {
        const ItemCatalog catalog = readItems(*genres);
        matrices.push_back(genreFeatures(catalog));
        sources.push_back({"genre", &matrices.back()});
        err << "read " << catalog.items.size() << " items with " << catalog.genreNames.size() << " genres from "
            << *genres << "\n";
    }
    sources.insert(sources.end(), fusedSources.begin(), fusedSources.end());

    std::vector<SplitResult> results;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t f = 0; f < splits.size(); ++f) {
        if (splits.size() > 1)
            err << "fold " << f + 1 << "/" << splits.size() << "\n";
        results.push_back(evaluateSplit(data, splits[f], sources, settings, ctx));
    }
    TuningFacts tuning;
    tuning.ks = settings.ks;
    tuning.validateRatio = settings.validateRatio;
    tuning.seed = settings.seed;
    tuning.kOnValidation = p.flag("validate-k");
    for (const auto& r : results)
        tuning.choices.insert(tuning.choices.end(), r.choices.begin(), r.choices.end());
    if (tuning.kOnValidation)
        tuning.validatedK = chooseKOnValidation(data, splits, sources, settings, tuning.choices, ctx);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto rows = aggregate(results);
    const auto best = bestRows(rows, tuning);

    const auto& first = results.front();
    out << "ratings: " << data.ratings.size() << " (" << data.users.size() << " users, " << data.items.size()
        << " items); train " << first.trainRatings << ", test " << first.testRatings
        << (splits.size() > 1 ? " (fold 1 of " + std::to_string(splits.size()) + ")" : std::string()) << "\n";
    out << "settings: normalize " << toString(settings.normalization) << ", relevant " << toString(settings.relevant)
        << ", neighbours " << toString(settings.mode) << (settings.clip ? ", clipped" : "")
        << (!settings.device.isCpu() ? ", similarity on " + settings.device.str() : std::string())
        << (settings.restrictToProfiled ? ", restricted to profiled items" : ", items without a profile kept")
        << (haveContent ? ", content methods " + *p.value("methods") : std::string())
        << "\n";
    if (first.coldTestRatings > 0)
        out << "cold start: " << first.coldTestRatings << " of " << first.testRatings
            << " test ratings are of items without a training rating"
            << (splits.size() > 1 ? " (fold 1)" : "")
            << "; on them the rating-only models fall back (bias, svd, knn-baseline: mu + b_u; item mean, "
               "knn-means: the global mean; user k-NN on ratings or content: the user's mean), counted in the *_fallbacks columns of --out\n";
    for (std::size_t f = 0; f < results.size(); ++f)
        for (const auto& c : results[f].choices)
            out << c.method << ": " << c.parameter << " = " << c.value << " chosen on validation ("
                << c.validationRatings << " training ratings held out, seed " << settings.seed << "; RMSE "
                << std::fixed << std::setprecision(4) << c.validationRmse << std::defaultfloat
                << (c.validationK > 0 ? " at K = " + std::to_string(c.validationK) : std::string())
                << "), refitted on all training ratings; never chosen on test"
                << (results.size() > 1 ? " (fold " + std::to_string(f + 1) + ")" : std::string()) << "\n";
    for (const auto& note : first.notes)
        out << note << (splits.size() > 1 ? " (fold 1)" : "") << "\n";
    for (const auto& c : first.coverage)
        out << "profiles '" << c.source << "': " << c.withProfile << " items with a profile, " << c.withoutProfile
            << " without" << (c.unknownIds ? ", " + std::to_string(c.unknownIds) + " feature rows for unknown items" : "")
            << "\n";
    out << "\n";
    printTable(out, rows, settings.ranking.topN, splits.size() > 1);
    printBest(out, best, tuning);
    if (!first.crowding.empty())
        out << "\n" << (splits.size() > 1 ? "fold 1: " : "") << crowdingTable(first.crowding);
    out << "\nevaluated in " << std::fixed << std::setprecision(1) << seconds << " s\n";

    if (auto path = p.value("out")) {
        const std::filesystem::path file(*path);  // writeFileAtomically creates its folder
        std::vector<MetricColumn> columns = resultColumns();
        columns.push_back(MetricColumn::Tuning);  // how each row's parameters were chosen
        std::vector<std::string> rowTuning;
        for (const auto& r : rows)
            rowTuning.push_back(sweepRowTuning(r.method, r.k, tuning));
        const MetricsTable table(columns, rows, rowTuning);
        if (metricsFormatFor(file) == MetricsFormat::Json) {
            nlohmann::json doc;
            doc["settings"] = {{"normalize", toString(settings.normalization)},
                               {"relevant", toString(settings.relevant)},
                               {"neighbors", toString(settings.mode)},
                               {"clip", settings.clip},
                               {"device", settings.device.str()},
                               {"top_n", settings.ranking.topN},
                               {"methods", *p.value("methods")},
                               {"seed", settings.seed},
                               {"validate", settings.validateRatio},
                               {"validate_k", tuning.kOnValidation},
                               {"fuse", p.value("fuse") ? *p.value("fuse") : std::string()},
                               {"folds", splits.size()}};
            doc["rows"] = table.json();
            nlohmann::json choices = nlohmann::json::array();
            for (std::size_t f = 0; f < results.size(); ++f)
                for (const auto& c : results[f].choices)
                    choices.push_back({{"fold", f + 1},
                                       {"method", c.method},
                                       {"parameter", c.parameter},
                                       {"value", c.value},
                                       {"chosen_on", "validation"},
                                       {"validation_k", c.validationK},
                                       {"validation_rmse", c.validationRmse},
                                       {"validation_ratings", c.validationRatings}});
            doc["choices"] = choices;
            std::vector<MetricColumn> bestColumns = bestKColumns();
            bestColumns.push_back(MetricColumn::Tuning);
            std::vector<std::string> bestTuning;
            for (const auto& r : best)
                bestTuning.push_back(tableRowTuning(r.method, r.k, tuning));
            doc["best"] = MetricsTable(bestColumns, best, bestTuning).json();
            doc["notes"] = first.notes;
            writeFileAtomically(file, doc.dump(2) + "\n");
        } else {
            table.writeFile(file);
        }
        err << "wrote " << rows.size() << " rows to " << file.string() << "\n";
    }
    return 0;
}

}  // namespace tl::cli
