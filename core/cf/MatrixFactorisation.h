#pragma once
// Biased matrix factorisation (Funk / Koren "SVD"), a rating-only model:
//   r(u, i) = mu + b_u + b_i + p_u . q_i
// fitted by stochastic gradient descent over the training ratings, visited in a
// freshly shuffled order every epoch. Per rating, with e = r - prediction:
//   b_u += lr (e - reg b_u)          b_i += lr (e - reg b_i)
//   p_uf += lr (e q_if - reg p_uf)   q_if += lr (e p_uf - reg q_if)   (old p_uf, q_if)
// Defaults are Surprise's SVD: 100 factors, 20 epochs, lr 0.005, reg 0.02,
// biases 0, factors drawn from N(0, 0.1). mu is the training mean, not learnt.
// Unknown user or item (no training rating): its bias and the dot product are
// left out, so an item nobody rated gets mu + b_u (the item cold-start fallback).
// Reproducibility: one thread; the same seed gives the same floats on every run
// and machine (tl::Rng draws the initial factors and the epoch orders).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/cf/Prediction.h"
#include "core/common/JobContext.h"

namespace tl {

struct SvdOptions {
    int factors = 100;
    int epochs = 20;
    double learningRate = 0.005;
    double regularisation = 0.02;
    double initMean = 0.0;
    double initStdDev = 0.1;
    std::uint64_t seed = 0;
};

struct SvdModel {
    int factors = 0;
    double mu = 0;
    std::vector<double> userBias;     // users
    std::vector<double> itemBias;     // items
    std::vector<double> userFactors;  // users x factors, row-major
    std::vector<double> itemFactors;  // items x factors, row-major

    // The formula above with the known-user / known-item rule of `train`.
    double predict(const TrainingMatrix& train, std::uint32_t u, std::uint32_t i) const;
};

// Zero biases, factors from N(initMean, initStdDev) drawn user rows first, then item rows.
SvdModel initialSvd(const TrainingMatrix& train, const SvdOptions& options);
// One SGD pass over the CSR entries of `train` (indices into userItems/userValues) in `order`.
void svdEpoch(SvdModel& model, const TrainingMatrix& train, const std::vector<std::size_t>& order,
              const SvdOptions& options);
// initialSvd, then `epochs` passes, each over a new shuffle of all ratings; progress
// "svd" per epoch; cancellable between epochs.
SvdModel trainSvd(const TrainingMatrix& train, const SvdOptions& options, const JobContext& ctx = JobContext::none());

// The SGD driver of svd and vbpr: `epochs` passes, each calling `epoch` with a
// fresh shuffle of the CSR entries 0 .. entries-1, drawn from their own stream
// (seed ^ 0x9e3779b97f4a7c15) so that the initial factors do not depend on the
// number of epochs; progress `stage` per epoch; cancellable between epochs.
void runSgdEpochs(std::size_t entries, int epochs, std::uint64_t seed, const std::string& stage,
                  const JobContext& ctx, const std::function<void(const std::vector<std::size_t>&)>& epoch);
// The user of each CSR entry of `train` (for entries visited out of user order).
std::vector<std::uint32_t> entryUsers(const TrainingMatrix& train);

// Predictions with sources: Model when user and item are known, UserMean-like
// fallbacks otherwise (see ratingOnlySource in Baselines.h).
Predictions predictSvd(const SvdModel& model, const TrainingMatrix& train, const TestSet& test,
                       const PredictOptions& options);

}  // namespace tl
