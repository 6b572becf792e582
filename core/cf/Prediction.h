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

#include <algorithm>
#include <cstddef>
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

// One Predictions per K of `ks`, each sized for `tests` test ratings.
SweepPredictions makeSweep(const std::vector<int>& ks, std::size_t tests);

struct PredictOptions {
    bool clip = false;
    RatingScale scale;
};

// Offline mode: u's precomputed list, keeping those who rated i.
SweepPredictions predictOffline(const TrainingMatrix& train, const NeighbourLists& lists, const TestSet& test,
                                const std::vector<int>& ks, const PredictOptions& options);

struct BiasModel;  // core/cf/Baselines.h

// paper-baseline: the same neighbours as predictOffline, centred on the bias
// baseline b_ui = mu + b_u + b_i instead of mean(u):
//   pred(u, i) = b_ui + sum_v sim(u,v) (r(v,i) - b_vi) / sum_v |sim(u,v)|
// No neighbour rated i (or sum |sim| = 0): b_ui (sources as ratingOnlySource).
SweepPredictions predictOfflineCentred(const TrainingMatrix& train, const NeighbourLists& lists, const TestSet& test,
                                       const std::vector<int>& ks, const PredictOptions& options, const BiasModel& bias);

// Raters mode's choice for user u and item i: every active user v != u who rated i
// in training, with similarity simOf(v), into `candidates`; the first
// min(k, candidates.size()) are then u's neighbours in rank order (the shared rule of
// Neighbours.h: rounded cosine, then user id; the rest are left unordered). Returns
// that count. None when u is inactive or i is not a training item.
template <typename SimOf>
std::size_t selectRaters(const TrainingMatrix& train, const std::vector<char>& active, std::uint32_t u,
                         std::uint32_t i, int k, SimOf&& simOf, std::vector<Neighbour>& candidates)
{
    candidates.clear();
    if (u >= active.size() || !active[u] || i >= train.items)
        return 0;
    for (std::size_t e = train.itemOffsets[i]; e < train.itemOffsets[i + 1]; ++e) {
        const std::uint32_t v = train.itemUsers[e];
        if (v != u && v < active.size() && active[v])
            candidates.push_back({v, simOf(v)});
    }
    const std::size_t n = std::min(candidates.size(), static_cast<std::size_t>(std::max(k, 0)));
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(n), candidates.end(),
                      [](const Neighbour& a, const Neighbour& b) {
                          return ranksBefore(rankKey(a.similarity), a.user, rankKey(b.similarity), b.user);
                      });
    return n;
}

// Raters mode: the K most similar users among those who rated i; needs the
// similarity rows of the test users, so it runs its own blockwise pass.
SweepPredictions predictRaters(const TrainingMatrix& train, const SimilarityEngine& engine, const TestSet& test,
                               const std::vector<int>& ks, const PredictOptions& options,
                               const JobContext& ctx = JobContext::none());

// The fallback prediction when no neighbour contributes (see the table above).
float fallbackPrediction(const TrainingMatrix& train, std::uint32_t user, std::uint32_t item,
                         PredictionSource& source);

}  // namespace tl
