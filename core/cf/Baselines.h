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

Predictions predictBaseline(Baseline kind, const TrainingMatrix& train, const TestSet& test,
                            const PredictOptions& options, const BiasOptions& bias = {});

}  // namespace tl
