#pragma once
// Rating-only user k-NN with Surprise's rules (Koren 2010), fixed by name:
//   knn-baseline: r(u,i) = b_ui + sum_v s_uv (r_vi - b_vi) / sum_v s_uv
//                 b_ui = mu + b_u + b_i (fitBias), s_uv the shrunk Pearson-baseline
//                 correlation below (Surprise's KNNBaseline, pearson_baseline, user-based).
//   knn-means:    r(u,i) = mean(u) + sum_v s_uv (r_vi - mean(v)) / sum_v s_uv
//                 s_uv = 1 / (msd_uv + 1) (Surprise's KNNWithMeans, msd, user-based).
// Neighbours of (u, i): the K users v != u who rated i in training with the largest
// s_uv, counting only s_uv > 0 (a non-positive similarity never contributes); order
// by s_uv rounded as in Neighbours.h, ties to the smaller user id.
// Fewer than minK (1) such neighbours: the centre alone (b_ui, resp. mean(u)).
// Unknown user or item: knn-baseline predicts mu + b_u + b_i with the unknown
// side's bias 0 (sources as ratingOnlySource); knn-means predicts the global mean
// (source GlobalMean), as Surprise's default prediction.
// Clipping to the scale follows PredictOptions (Surprise always clips).
//
// Similarities over the items both users rated (n_uv of them), with the residuals
// d_ui = r_ui - (mu + b_u + b_i):
//   pearson-baseline: s_uv = sum d_ui d_vi / sqrt(sum d_ui^2 sum d_vi^2) * (n_uv - 1) / (n_uv - 1 + shrinkage)
//                     (0 when n_uv = 0 or a root term is 0; s_uu = 1; shrinkage 0: no shrink factor)
//   msd:              s_uv = 1 / (sum (r_ui - r_vi)^2 / n_uv + 1)   (0 when n_uv = 0)
// Both are dense users x users float64 matrices (refused above 8 GB), rows
// computed in parallel (OpenMP), each row the same on every run and thread count.

#include <cstdint>
#include <vector>

#include "core/cf/Baselines.h"
#include "core/cf/Prediction.h"
#include "core/common/JobContext.h"

namespace tl {

struct UserSimilarity {
    std::size_t users = 0;
    std::vector<double> values;  // users x users, row-major, symmetric

    double operator()(std::uint32_t u, std::uint32_t v) const { return values[static_cast<std::size_t>(u) * users + v]; }
};

UserSimilarity pearsonBaselineSimilarity(const TrainingMatrix& train, const BiasModel& bias, double shrinkage = 100,
                                         const JobContext& ctx = JobContext::none());
UserSimilarity msdSimilarity(const TrainingMatrix& train, const JobContext& ctx = JobContext::none());

struct RatingKnnOptions {
    int minK = 1;
};

// One Predictions per K of `ks` (ascending), as in a K sweep.
SweepPredictions predictKnnBaseline(const TrainingMatrix& train, const BiasModel& bias, const UserSimilarity& sim,
                                    const TestSet& test, const std::vector<int>& ks, const PredictOptions& options,
                                    const RatingKnnOptions& knn = {});
SweepPredictions predictKnnWithMeans(const TrainingMatrix& train, const UserSimilarity& sim, const TestSet& test,
                                     const std::vector<int>& ks, const PredictOptions& options,
                                     const RatingKnnOptions& knn = {});

}  // namespace tl
