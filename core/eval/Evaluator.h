#pragma once
// The offline experiment runner (method.md 4): on one train/test split it
// evaluates content-based user k-NN for each item-feature source (video
// features, genre one-hot, ...) over a K sweep, and optionally the baselines
// (global/user/item mean, bias, svd, rating-based user k-NN with cosine and
// Pearson similarity, knn-baseline and knn-means with Surprise's rules). k-fold results aggregate to mean and standard deviation.

#include <string>
#include <vector>

#include "core/cf/CfOptions.h"
#include "core/cf/Similarity.h"
#include "core/common/ComputeDevice.h"
#include "core/common/JobContext.h"
#include "core/data/FeatureMatrix.h"
#include "core/data/Split.h"
#include "core/eval/Crowding.h"
#include "core/eval/Fusion.h"
#include "core/eval/Metrics.h"

namespace tl {

struct ContentSource {
    std::string name;  // method name in results, e.g. "video" or "genre"
    const FeatureMatrix* features = nullptr;
    // A fused source (core/eval/Fusion.h): `features` is then its first block (what
    // restrictToProfiled keeps), the blocks and weights come from here.
    const FusionSpec* fusion = nullptr;
};

// The content models evaluated for every feature source:
//   paper           the paper's user k-NN on content profiles, centred on mean(u)  (rows: "<source>")
//   paper-baseline  the same neighbours, centred on b_ui = mu + b_u + b_i          (rows: "<source>:paper-baseline")
//   item-knn        item k-NN on profile cosines, centred on b_ui                 (rows: "<source>:item-knn")
//   hybrid          knn-baseline on a * pearson-baseline + (1 - a) * profile cosine (rows: "<source>:hybrid";
//                   a chosen on a validation share of the training ratings, Hybrid.h)
//   vbpr            matrix factorisation with a learned projection of the features (rows: "<source>:vbpr";
//                   Vbpr.h's defaults, seeded by `seed`)
enum class ContentMethod { Paper, PaperBaseline, ItemKnn, Hybrid, Vbpr };
std::string contentMethodName(ContentMethod method);
// A comma-separated list of the names above, or "all"; spaces allowed, repeats
// dropped, order kept. Throws ConfigError "methods 'TEXT': ..." naming the bad entry.
std::vector<ContentMethod> parseContentMethods(const std::string& text);

struct EvalSettings {
    std::vector<int> ks = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
    NeighbourMode mode = NeighbourMode::Offline;
    bool clip = false;
    RelevantRule relevant;
    Normalization normalization = Normalization::MinMax100;
    // method.md "Items without a video": restrict all ratings to items that have
    // a profile in the first content source (the paper's choice); off by default.
    bool restrictToProfiled = false;
    bool baselines = false;
    RankingOptions ranking;
    SimilarityRoute route = SimilarityRoute::Auto;
    // Where content CF's similarity and top-K run in offline mode: cpu (the
    // blockwise engine), cuda, cuda:N, or auto (cuda when available). Raters mode
    // and the rating-based baselines always run on the CPU engine.
    ComputeDevice device = ComputeDevice::cpu();
    std::vector<ContentMethod> methods = {ContentMethod::Paper};
    // Seed of the SGD models (svd, vbpr): the initial factors and the epoch orders.
    std::uint64_t seed = 42;
    // Share of the training ratings held out (seeded by `seed`) to choose the
    // hyper-parameters of the models that have some (hybrid's a); never the test set.
    double validateRatio = 0.1;
};

// A hyper-parameter chosen on the validation share, for the report.
struct ModelChoice {
    std::string method;     // the rows it applies to, e.g. "genre:hybrid"
    std::string parameter;  // e.g. "a"
    double value = 0;
    int validationK = 0;    // the K at which the validation RMSE was lowest (0: none)
    double validationRmse = 0;
    std::size_t validationRatings = 0;
};

struct ResultRow {
    std::string method;
    int k = 0;  // 0 for methods without neighbours
    Metrics metrics;
};

struct CoverageRow {
    std::string source;
    std::size_t withProfile = 0;
    std::size_t withoutProfile = 0;
    std::size_t unknownIds = 0;  // feature rows for items the ratings don't have
};

struct SplitResult {
    std::vector<ResultRow> rows;
    std::vector<CrowdingRow> crowding;  // every k-NN method at every K
    std::vector<CoverageRow> coverage;
    std::size_t trainRatings = 0;
    std::size_t testRatings = 0;
    // Test ratings of items without a training rating (item cold start): the
    // rating-only models can only fall back on them (counted in the *_fallbacks).
    std::size_t coldTestRatings = 0;
    std::vector<ModelChoice> choices;
    // What the run did that the rows do not show: fused blocks and their missing
    // items, methods a fused source cannot run (one line each).
    std::vector<std::string> notes;
};

SplitResult evaluateSplit(const Dataset& data, const Split& split, const std::vector<ContentSource>& sources,
                          const EvalSettings& settings, const JobContext& ctx = JobContext::none());

struct AggregateRow {
    std::string method;
    int k = 0;
    Metrics mean;
    Metrics stddev;  // sample standard deviation over folds (0 for one fold)
    int folds = 0;
};

// Rows matched by (method, k) across folds.
std::vector<AggregateRow> aggregate(const std::vector<SplitResult>& folds);

}  // namespace tl
