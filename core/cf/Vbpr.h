#pragma once
// vbpr, a content-aware matrix factorisation (VBPR, He & McAuley 2016, here for
// rating prediction rather than ranking):
//   r(u, i) = mu + b_u + b_i + p_u . q_i + theta_u . (E f_i) + beta . f_i
// f_i: item i's profile (ItemProfiles row, as normalised by the caller) minus the
// mean profile of the profiled items, scaled to unit length, so that one step size
// suits every feature file and all-positive features (CNN activations) do not all
// point one way; 0 for an item without a profile (or one equal to the mean). E (visualDims x F) projects the features to a few dims,
// theta_u is the user's taste in that space, beta the features' global bias.
// SGD over the training ratings in a fresh shuffled order per epoch; per rating,
// with e = r - prediction and every gradient taken at the old values:
//   b_u += lr (e - reg b_u)               b_i += lr (e - reg b_i)
//   p_u += lr (e q_i - reg p_u)           q_i += lr (e p_u - reg q_i)
//   theta_u += lr (e E f_i - reg theta_u) E += lr (e theta_u f_i^T - regVisual E)
//   beta += lr (e f_i - regVisual beta)
// Defaults: 100 factors, 10 visual dims, 20 epochs, lr 0.005, reg 0.02 (Surprise's
// SVD values), regVisual 0.02; p, q, theta and E drawn from N(0, 0.1) in that
// order (users, items, users, E row-major), biases and beta 0. mu is the training mean.
// Item cold start: an item nobody rated has b_i = 0 and q_i = 0 (never trained),
// but theta_u . (E f_i) + beta . f_i still speak when it has a profile; such a
// prediction has source Model (not a fallback). An unknown user keeps mu + b_i + beta . f_i.
// The rating part (mu, b, p, q) is an SvdModel: predict adds the visual terms to its.
// Reproducibility: one thread; the same seed gives the same floats on every run.

#include <cstdint>
#include <vector>

#include "core/cf/MatrixFactorisation.h"
#include "core/cf/Prediction.h"
#include "core/cf/Profiles.h"
#include "core/common/JobContext.h"

namespace tl {

struct VbprOptions {
    int factors = 100;
    int visualDims = 10;
    int epochs = 20;
    double learningRate = 0.005;
    double regularisation = 0.02;
    double visualRegularisation = 0.02;
    double initStdDev = 0.1;
    std::uint64_t seed = 0;
};

struct VbprModel {
    SvdModel mf;  // mu, b_u, b_i, p_u, q_i: the svd part
    int visualDims = 0, featureDims = 0;
    std::vector<double> userVisual;          // users x visualDims (theta)
    std::vector<double> projection;          // visualDims x featureDims (E), row-major
    std::vector<double> featureBias;         // featureDims (beta)
    std::vector<double> features;            // items x featureDims: f_i (unit rows, 0 without a profile)

    double predict(const TrainingMatrix& train, std::uint32_t u, std::uint32_t i) const;
};

VbprModel initialVbpr(const TrainingMatrix& train, const ItemProfiles& items, const VbprOptions& options);
// One SGD pass over the CSR entries of `train` in `order`.
void vbprEpoch(VbprModel& model, const TrainingMatrix& train, const std::vector<std::size_t>& order,
               const VbprOptions& options);
// initialVbpr, then `epochs` passes over new shuffles; progress "vbpr" per epoch, cancellable.
VbprModel trainVbpr(const TrainingMatrix& train, const ItemProfiles& items, const VbprOptions& options,
                    const JobContext& ctx = JobContext::none());

// Sources: Model when the user is known and the item is known or has a profile;
// otherwise as ratingOnlySource.
Predictions predictVbpr(const VbprModel& model, const TrainingMatrix& train, const TestSet& test,
                        const PredictOptions& options);

}  // namespace tl
