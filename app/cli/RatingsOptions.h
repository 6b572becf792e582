#pragma once
// Options the CF commands share, declared, checked and read in one place:
// - the ratings (evaluate, explain): --ratings with --split and --seed, or --train
//   with --test; --format, --scale, --skip-bad-lines;
// - the content model (evaluate, experiment, explain): --normalize, --relevant,
//   --neighbors.

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "app/cli/ArgParser.h"
#include "core/cf/CfOptions.h"
#include "core/data/FeatureMatrix.h"
#include "core/data/Items.h"
#include "core/data/Ratings.h"
#include "core/data/Split.h"
#include "core/eval/Evaluator.h"
#include "core/eval/Fusion.h"

namespace tl::cli {

void addRatingsOptions(ArgParser& p);

struct LoadedRatings {
    Dataset data;
    std::vector<Split> splits;  // one for --train/--test and holdout, K for kfold:K
};

// Checks the combination (UsageError) and reads the files, reporting each on `err`.
LoadedRatings loadRatings(const ArgParser& p, std::ostream& err);

void addModelOptions(ArgParser& p);

struct ModelOptions {
    Normalization normalization = Normalization::MinMax100;
    RelevantRule relevant;
    NeighbourMode mode = NeighbourMode::Offline;
};

// Throws ConfigError for a value the option does not know.
ModelOptions readModelOptions(const ArgParser& p);

// One content source (explain, whatif): --item-features FILE or --genres FILE.
void addContentOptions(ArgParser& p);

struct LoadedContent {
    FeatureMatrix features;
    ItemCatalog catalog;  // titles; empty with --item-features
};

// Checks that exactly one source is given (UsageError) and reads it, reporting on `err`.
LoadedContent loadContent(const ArgParser& p, std::ostream& err);
// --methods LIST: the content models evaluated for every feature source (evaluate, experiment).
void addMethodsOption(ArgParser& p);
std::vector<ContentMethod> readMethodsOption(const ArgParser& p);
// --validate RATIO: the share of the training ratings that chooses hyper-parameters (evaluate).
// `seededBy`: what seeds the share, as the command's help says it.
void addValidateOption(ArgParser& p, const std::string& seededBy = "--seed");
double readValidateOption(const ArgParser& p);
// --validate-k: K of the K-sweep methods chosen on the --validate share (core/eval/Tuning.h).
void addValidateKOption(ArgParser& p, const std::string& seededBy = "--seed");

// --fuse KINDS, --fuse-weights W1,W2,..., --fuse-weight W (evaluate, experiment):
// fused sources of the feature files (docs/fusion.md).
void addFusionOptions(ArgParser& p, const std::string& what);

struct FusionOptions {
    std::vector<FusionKind> kinds;              // empty: no fusion
    std::optional<std::vector<double>> weights; // one per block; none: chosen on validation (two blocks)
};

// Throws UsageError for an unknown kind, a bad weight, both weight options, or weights without --fuse.
FusionOptions readFusionOptions(const ArgParser& p);

// The fused specs over `blocks` (names, matrices, column names), one per kind; throws
// UsageError when the weights are not one per block.
std::vector<FusionSpec> makeFusionSpecs(const FusionOptions& options, const std::vector<FusionBlock>& blocks);

}  // namespace tl::cli
