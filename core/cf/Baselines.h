#pragma once
// Rating-only baselines, evaluated by the same runner as the CF methods:
//   global mean; user mean (global mean for unknown users); item mean (global
//   mean for unknown items); regularised user + item biases
//   r = mu + b_u + b_i fitted by alternating least squares as in Surprise's
//   BaselineOnly (reg_i = 10, reg_u = 15, 10 epochs).

#include "core/cf/Prediction.h"

namespace tl {

enum class Baseline { GlobalMean, UserMean, ItemMean, Bias };
std::string baselineName(Baseline b);  // global-mean, user-mean, item-mean, bias

struct BiasOptions {
    double regItem = 10;
    double regUser = 15;
    int epochs = 10;
};

// mu + b_u + b_i; b_u (b_i) is 0 for a user (item) without training ratings, so an
// unknown item's prediction is mu + b_u (the item cold-start fallback).
struct BiasModel {
    double mu = 0;
    std::vector<double> userBias;  // train.users
    std::vector<double> itemBias;  // train.items

    double userTerm(std::uint32_t u) const { return u < userBias.size() ? userBias[u] : 0.0; }
    double itemTerm(std::uint32_t i) const { return i < itemBias.size() ? itemBias[i] : 0.0; }
    double predict(std::uint32_t u, std::uint32_t i) const { return mu + userTerm(u) + itemTerm(i); }
};
BiasModel fitBias(const TrainingMatrix& train, const BiasOptions& options = {});

// Where a rating-only model's prediction for (u, i) comes from: Model when u and i
// both have training ratings; otherwise the fallback it amounts to: UserMean when
// only the item is unknown (mu + b_u, item cold start), ItemMean when only the user
// is unknown, GlobalMean when both are.
PredictionSource ratingOnlySource(const TrainingMatrix& train, std::uint32_t u, std::uint32_t i);
// A prediction as stored: float, clipped to the scale when the options ask for it.
float finishPrediction(double value, const PredictOptions& options);

Predictions predictBaseline(Baseline kind, const TrainingMatrix& train, const TestSet& test,
                            const PredictOptions& options, const BiasOptions& bias = {});

}  // namespace tl
