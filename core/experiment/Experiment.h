#pragma once
// The paper's experiment, end to end, on a project: for every model x fps
// configuration, sample + extract trailer features (cached in the project's
// feature store), build item profiles and evaluate content-based user k-NN over
// the K sweep; add genre-profile CF and the rating-only baselines; report the
// best RMSE (and its K) per configuration like the paper's Table 1.
//
// Synchronous, with progress and cancellation through the JobContext (stages
// "extract <config>" from the pipeline, then "similarity"). Videos that fail
// are recorded per configuration and leave their item without a profile
// (method.md: items without a video).

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/common/ComputeDevice.h"
#include "core/common/JobContext.h"
#include "core/eval/Evaluator.h"
#include "core/eval/Tuning.h"
#include "core/project/Project.h"

namespace tl {

struct ExperimentOptions {
    std::vector<std::string> models;  // empty: the project's
    std::vector<double> fps;          // empty: the project's
    std::vector<int> ks;              // empty: the project's K range
    EvalSettings eval;                // ks is overwritten from the above
    bool genres = true;               // genre-profile CF when the project has item metadata
    ComputeDevice device;             // inference, and content CF's similarity + top-K (auto: cuda when available)
    std::optional<std::uint64_t> randomWeightsSeed;  // for models without weights (stamped)
    // Searched first for each model's weights file (<model>.safetensors for VGG,
    // mobilenetv2-12-int8.onnx); then the model registry's places (ModelRegistry.h),
    // with the project's models folder.
    std::filesystem::path weightsDir;
    // Appended to the "weights not found" error: what the caller's user does about it.
    std::string missingWeightsAdvice;
    int decodeWorkers = 1;
    // > 0: also evaluate an item cold-start split (coldStartHoldout: this share of the
    // items moves to test with all its ratings, the project's seed) for the cold-start
    // table next to Table 1.
    double coldStartRatio = 0;
    // The split of Table 1 (parseSplitSpec: random:RATIO, kfold:K, coldstart:RATIO,
    // coldstart-kfold:K, ...); empty: the project's.
    std::string split;
    // The rating-only models (global/user/item mean, bias, svd, user k-NN on ratings,
    // knn-baseline, knn-means); the content models are options.eval.methods.
    bool ratingModels = true;
    // Each K-sweep method's K chosen on a validation share of the training ratings
    // (options.eval.validateRatio, the project's seed; Tuning.h) instead of the K of
    // the lowest test RMSE (the paper's Table 1 practice).
    bool validateK = false;
    // Fusion (docs/fusion.md): more modality files (e.g. the soundtrack's descriptors of
    // `extract --model audio`), each evaluated alone (rows named by the file's stem),
    // and every configuration fused with them in each kind of `fusions` (rows
    // CONFIG+STEM for early, CONFIG+STEM-late for late), side by side.
    std::vector<std::filesystem::path> fuseWith;
    std::vector<FusionKind> fusions;
    // One weight per block (the configuration first); none: w chosen on the validation
    // share eval.validateRatio of the training ratings (two blocks), never on test.
    std::optional<std::vector<double>> fusionWeights;
};

struct ConfigurationSummary {
    std::string name;        // e.g. "mobilenetv2-fps1"
    std::string model;
    double fps = 0;
    std::string provenance;  // weights: pretrained file or RANDOM WEIGHTS
    bool randomWeights = false;  // seeded random weights stood in for missing ones
    std::size_t videos = 0, failedVideos = 0, cachedVideos = 0, frames = 0;
    double extractSeconds = 0;
    std::vector<std::string> failures;  // "item: reason"
};

struct TableRow {
    std::string method;  // configuration name, "genre" or a baseline
    int bestK = 0;       // 0 for methods without neighbours
    Metrics metrics;     // at bestK
    // How its hyper-parameters (K included) were chosen (Tuning.h's tableRowTuning).
    std::string tuning;
};

struct ExperimentReport {
    std::string project;
    std::vector<ConfigurationSummary> configurations;
    SplitResult results;          // every method at every K
    // results.rows with their spread over the folds (stddev 0, folds 1 for one split):
    // the rows of results.csv and results.json.
    std::vector<AggregateRow> aggregated;
    std::vector<TableRow> table;  // best RMSE per method, in run order
    // The cold-start table (ExperimentOptions::coldStartRatio > 0): best RMSE per
    // method on the item cold-start split; empty otherwise.
    std::vector<TableRow> coldStartTable;
    double coldStartRatio = 0;
    std::size_t coldStartTestRatings = 0;
    // What the tuning texts of `table` / `coldStartTable` (and of `aggregated`) say.
    TuningFacts tuning, coldStartTuning;
    double seconds = 0;
};

ExperimentReport runExperiment(const Project& project, const ExperimentOptions& options,
                               const JobContext& ctx = JobContext::none());

// Best RMSE per method (ties: smaller K), in the rows' order; a method in `chosenK`
// shows its row at that K instead (K chosen on validation). No tuning text.
std::vector<TableRow> bestPerMethod(const std::vector<ResultRow>& rows,
                                    const std::map<std::string, int>& chosenK = {});

// Writes table.csv, table.md, results.csv (every method and K), results.json and
// rmse_vs_k.svg into dir, and coldstart_table.csv/.md when there is a cold-start
// table; returns the paths written.
std::vector<std::filesystem::path> writeExperimentReport(const ExperimentReport& report,
                                                         const std::filesystem::path& dir);

// The RMSE-vs-K chart as a standalone SVG document (one line per method with
// neighbours, dashed horizontal reference lines for the baselines).
std::string rmseChartSvg(const std::vector<ResultRow>& rows, const std::string& title);

}  // namespace tl
