#pragma once
// item-knn, a content model: item-based k-NN whose item similarities come from
// the item profiles (trailer features, genres), centred on the bias baseline:
//   s_ij = cosine(profile_i, profile_j)   (float64 over the normalised profiles)
//   pred(u, i) = b_ui + sum_j s_ij (r_uj - b_uj) / sum_j |s_ij|
// over the K items j != i that u rated in training and that have a profile, most
// similar to i first (s_ij rounded as in Neighbours.h, ties to the smaller item).
// b_ui = mu + b_u + b_i (fitBias). An item nobody rated has b_i = 0 and is still
// predicted from its profile (item cold start); an item without a profile, a user
// without training ratings or sum |s| = 0 give b_ui alone (sources as
// ratingOnlySource; Model when both are known). Predictions are float64 until stored.
// The item x item cosines are one dense float64 matrix of the profiled items
// (refused above 8 GB); test ratings are predicted in parallel (OpenMP), each the
// same on every run.

#include <vector>

#include "core/cf/Baselines.h"
#include "core/cf/Prediction.h"
#include "core/cf/Profiles.h"
#include "core/common/JobContext.h"

namespace tl {

SweepPredictions predictItemKnn(const TrainingMatrix& train, const ItemProfiles& items, const BiasModel& bias,
                                const TestSet& test, const std::vector<int>& ks, const PredictOptions& options,
                                const JobContext& ctx = JobContext::none());

}  // namespace tl
