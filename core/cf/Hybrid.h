#pragma once
// hybrid, a content-aware model: knn-baseline (KnnBaseline.h) whose user
// similarity fuses ratings and content,
//   s_uv = a * s_pb(u, v) + (1 - a) * s_c(u, v)
//   pred(u, i) = b_ui + sum_v s_uv (r_vi - b_vi) / sum_v s_uv
// with s_pb the shrunk Pearson-baseline correlation (shrinkage 100, Surprise's
// KNNBaseline), s_c the paper's cosine of the users' content profiles
// (formula 3-4: MUP = sum of relevant ratings x item profiles), b_ui = mu + b_u + b_i
// (fitBias), and the K neighbours chosen among the raters of i exactly as in
// knn-baseline (positive fused similarity only, ties to the smaller user id).
// a = 1 is knn-baseline itself; a = 0 is the paper's neighbours (all raters of i,
// not the offline lists) centred on b_ui.
//
// The weight a is never taken from the test set: chooseHybridWeight holds out a
// seeded share of the training ratings (validationShare), fits bias, both
// similarities and the profiles on the rest, predicts the held-out ratings for
// every a of the grid and every K of the sweep, and keeps the a (and K) of the
// lowest validation RMSE (ties: the larger a, i.e. the one nearer knn-baseline,
// then the smaller K). The caller then refits on the whole training set.

#include <cstdint>
#include <vector>

#include "core/cf/Baselines.h"
#include "core/cf/CfOptions.h"
#include "core/cf/KnnBaseline.h"
#include "core/cf/Profiles.h"
#include "core/common/JobContext.h"
#include "core/data/Split.h"

namespace tl {

// The paper's content cosine between users as a dense users x users matrix
// (float64; a user without a relevant profiled item has 0 to everyone, 1 to itself).
UserSimilarity contentUserSimilarity(const RelevanceMatrix& w, const ItemProfiles& items,
                                     const JobContext& ctx = JobContext::none());

// a * rating + (1 - a) * content, element by element (a in [0, 1]).
UserSimilarity fuseSimilarity(const UserSimilarity& rating, const UserSimilarity& content, double a);

// A seeded share `ratio` (0 < ratio < 1) of the training rating indices held out:
// result.test = the held-out ones (round(n * ratio), at least 1), result.train =
// the rest; both ascending and together exactly `train`.
Split validationShare(const std::vector<std::size_t>& train, double ratio, std::uint64_t seed);

// The hybrid on one training set: bias, both similarities, the fusion with `a`,
// and the K sweep over `test`.
SweepPredictions predictHybrid(const TrainingMatrix& train, const ItemProfiles& items, const RelevantRule& relevant,
                               const TestSet& test, double a, const std::vector<int>& ks,
                               const PredictOptions& options, const JobContext& ctx = JobContext::none());

struct HybridChoice {
    double a = 1;
    int k = 0;
    double validationRmse = 0;
    std::size_t validationRatings = 0;
    std::vector<double> grid;
    std::vector<double> rmsePerA;  // per grid value, at its best K
};

inline const std::vector<double>& defaultHybridGrid()
{
    static const std::vector<double> grid = {0, 0.25, 0.5, 0.75, 0.9, 1};
    return grid;
}

HybridChoice chooseHybridWeight(const Dataset& data, const std::vector<std::size_t>& train,
                                const ItemProfiles& items, const RelevantRule& relevant, const std::vector<int>& ks,
                                const PredictOptions& options, double ratio, std::uint64_t seed,
                                const std::vector<double>& grid = defaultHybridGrid(),
                                const JobContext& ctx = JobContext::none());

}  // namespace tl
