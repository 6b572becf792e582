#pragma once
// How each reported row's hyper-parameters were chosen (the reports' "tuning"
// column), and the choice of K on validation (--validate-k).
//
// The K-sweep methods (the paper's user k-NN and its variants, item-knn,
// hybrid, the rating k-NN baselines) are evaluated at every K of the sweep. A
// table of one row per method then shows either
//  - the K with the lowest test RMSE: the paper's own Table 1 practice, which
//    tunes K on the test set (said so in the row), or
//  - the K chosen on validation: the same sources and settings are evaluated on
//    a seeded share of each split's training ratings (validationShare, the share
//    and seed of the hybrid's a), and each method keeps the K of the lowest mean
//    validation RMSE over the splits (ties: the earlier K of the sweep); its test row at that
//    K is shown. The hybrid's K comes from its own validation (chooseHybridWeight).
// Models without K (the means, bias, svd, vbpr) run on their defaults; the
// hybrid's a is always chosen on validation.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/common/JobContext.h"
#include "core/data/Split.h"
#include "core/eval/Evaluator.h"

namespace tl {

struct TuningFacts {
    std::vector<int> ks;            // the K sweep
    double validateRatio = 0.1;
    std::uint64_t seed = 42;
    std::vector<ModelChoice> choices;      // every split's validated parameters (hybrid's a)
    std::map<std::string, int> validatedK;  // method -> K chosen on validation; absent: K picked on test
    bool kOnValidation = false;             // --validate-k was asked for
};

// The row each method shows in a one-row-per-method table, as indices into `rows`
// in the methods' first-seen order: its lowest RMSE (ties: the earlier row, i.e. the
// smaller K of an ascending sweep), or its row at the K in `chosenK` (K on validation).
std::vector<std::size_t> shownRowPerMethod(const std::vector<ResultRow>& rows,
                                           const std::map<std::string, int>& chosenK = {});

// The tuning text of a table row (one row per method, at its shown K):
//   "defaults"                                   a model without K or options to tune
//   "defaults, SGD seed 42"                      svd, vbpr
//   "defaults; best K picked on test (the paper's Table 1 practice)"
//   "defaults; K = 40 fixed"                     a sweep of one K
//   "defaults; K on validation (0.1 of training, seed 42)"
//   "a = 0.9 on validation (0.1 of training, seed 42); best K picked on test (...)"   hybrid
//   "a = 0.9, K on validation (0.1 of training, seed 42)"                               hybrid, --validate-k
// With several splits the hybrid's values are listed per fold ("a = 0.9, 0.75 (per fold) ...").
std::string tableRowTuning(const std::string& method, int k, const TuningFacts& facts);

// The tuning text of a row at one K of a sweep (every K shown): the parameters other
// than K ("defaults", "defaults, SGD seed 42", "a = 0.9 on validation (...)").
std::string sweepRowTuning(const std::string& method, int k, const TuningFacts& facts);

// K of every K-sweep method chosen on a validation share of each split's training
// ratings (see above); `settings` as for the test evaluation; `choices`: the test
// evaluation's (the hybrid's K is the one its own validation kept, the most frequent
// over the splits, ties: the smaller).
std::map<std::string, int> chooseKOnValidation(const Dataset& data, const std::vector<Split>& splits,
                                               const std::vector<ContentSource>& sources, const EvalSettings& settings,
                                               const std::vector<ModelChoice>& choices,
                                               const JobContext& ctx = JobContext::none());

}  // namespace tl
