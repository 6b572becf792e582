#pragma once
// User-based CF prediction (formula 5) for whole test sets and K sweeps:
//   pred(u, i) = mean(u) + sum_v sim(u,v) (r(v,i) - mean(v)) / sum_v |sim(u,v)|
// over the neighbours v of u who rated i. One walk down a neighbour list gives
// the prediction for every K of the sweep.
// Fallbacks, each counted through PredictionSource:
//   no neighbour rated i (or sum |sim| = 0)  -> mean(u)            (UserMean)
//   u has no training ratings                -> item mean          (ItemMean)
//   ... and i has none either                -> global mean        (GlobalMean)
// Clipping to the rating scale is optional (off by default, as in the paper).

#include <cstdint>
#include <optional>
#include <vector>

#include "core/cf/CfOptions.h"
#include "core/cf/Neighbours.h"
#include "core/cf/TrainingMatrix.h"

namespace tl {

enum class PredictionSource : std::uint8_t { Neighbours, UserMean, ItemMean, GlobalMean, Model };

struct TestSet {
    std::vector<std::uint32_t> users;
    std::vector<std::uint32_t> items;
    std::vector<float> ratings;

    std::size_t size() const { return ratings.size(); }
    static TestSet build(const Dataset& data, const std::vector<std::size_t>& indices);
};

struct Predictions {
    std::vector<float> values;
    std::vector<PredictionSource> sources;
};

// One Predictions per K, in the order of `ks` (ascending).
struct SweepPredictions {
    std::vector<int> ks;
    std::vector<Predictions> perK;
};

struct PredictOptions {
    bool clip = false;
    RatingScale scale;
};

// Offline mode: u's precomputed list, keeping those who rated i.
SweepPredictions predictOffline(const TrainingMatrix& train, const NeighbourLists& lists, const TestSet& test,
                                const std::vector<int>& ks, const PredictOptions& options);

// Raters mode: the K most similar users among those who rated i; needs the
// similarity rows of the test users, so it runs its own blockwise pass.
SweepPredictions predictRaters(const TrainingMatrix& train, const SimilarityEngine& engine, const TestSet& test,
                               const std::vector<int>& ks, const PredictOptions& options,
                               const JobContext& ctx = JobContext::none());

// The fallback prediction when no neighbour contributes (see the table above).
float fallbackPrediction(const TrainingMatrix& train, std::uint32_t user, std::uint32_t item,
                         PredictionSource& source);

}  // namespace tl
