#pragma once
// Explanations of the content-based user k-NN numbers as exact sums of parts.
//
// 1. A prediction. With N the neighbours of u (the first K of u's offline list,
//    or in raters mode the K most similar users who rated i) and D = sum over
//    v in N that rated i of |sim(u,v)|:
//      pred(u,i) = mean(u) + sum over v in N of c_v,
//      c_v = sim(u,v) (r(v,i) - mean(v)) / D   when v rated i, else 0.
//    When no neighbour rated i (or D = 0) the prediction is a fallback (u's
//    mean; item mean for a user without training ratings; else the global mean)
//    and every c_v is 0. The prediction is computed along the same walk as the
//    evaluation's predictOffline / predictRaters, so the two give the same float.
//
// 2. A cosine. MUP(u) = sum over i in rel(u) of r(u,i) MIP(i), so
//      MUP(u) . MUP(v) = sum over i in rel(u), j in rel(v) of r(u,i) r(v,j) MIP(i) . MIP(j)
//    and cos(u,v) is the sum of the item-pair terms
//      t(i,j) = r(u,i) r(v,j) (MIP(i) . MIP(j)) / (|MUP(u)| |MUP(v)|).
//    A pair's share is t(i,j) / cos(u,v); the shares sum to 1.
//
// 3. A profile. MUP(u) . MUP(u) = sum over i in rel(u) of r(u,i) MIP(i) . MUP(u),
//    so item i's share of u's profile is r(u,i) (MIP(i) . MUP(u)) / |MUP(u)|^2;
//    the shares sum to 1 (individual shares may be negative with z-scored features).
//
// rel(u) holds only relevant items that have an item profile (RelevanceMatrix).
// Everything is summed in float64. Top lists are ordered by |part| descending,
// ties by item/user index ascending.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/cf/FusedSimilarity.h"
#include "core/cf/Neighbours.h"
#include "core/cf/Prediction.h"
#include "core/cf/Profiles.h"
#include "core/cf/Similarity.h"
#include "core/cf/TrainingMatrix.h"

namespace tl {

struct NeighbourContribution {
    std::uint32_t user = 0;
    double similarity = 0;
    std::optional<float> rating;  // r(v, i) in training; empty when v did not rate i
    double mean = 0;              // mean(v)
    double contribution = 0;      // c_v (0 for non-raters and under a fallback)
};

struct PredictionExplanation {
    std::uint32_t user = 0, item = 0;
    int k = 0;
    double userMean = 0;        // mean(u) (0 when u has no training ratings)
    double sumAbsSimilarity = 0;  // D
    PredictionSource source = PredictionSource::UserMean;  // Neighbours, or the fallback used
    double fallbackValue = 0;     // the fallback's value when source is not Neighbours
    float unclipped = 0;          // the prediction before clipping
    float prediction = 0;         // what the evaluation predicts (clipped when options.clip)
    std::vector<NeighbourContribution> neighbours;  // in neighbour order

    // mean(u) + sum c_v (or the fallback): equals `unclipped` up to float rounding.
    double total() const;
};

// `neighbours`: the ranked neighbours taking part at this K (offline: lists.of(u, k);
// raters: ratersNeighbours(...)).
PredictionExplanation explainPrediction(const TrainingMatrix& train, std::span<const Neighbour> neighbours,
                                        std::uint32_t user, std::uint32_t item, int k, const PredictOptions& options);

// Raters mode's neighbours: the k most similar users to `user` among those who rated
// `item` in training (excluding `user` and inactive users), ranked by the shared rule.
// `similarity[v]` = sim(user, v); `active[v]` != 0 for users with a non-zero profile.
std::vector<Neighbour> ratersNeighbours(const TrainingMatrix& train, std::span<const double> similarity,
                                        const std::vector<char>& active, std::uint32_t user, std::uint32_t item,
                                        int k);

// The same from the engine: one similarity pass for `user`'s row (float64, the values
// predictRaters ranks), then the selection above.
std::vector<Neighbour> ratersNeighbours(const TrainingMatrix& train, const SimilarityEngine& engine,
                                        std::uint32_t user, std::uint32_t item, int k);

struct ItemPairTerm {
    std::uint32_t itemU = 0;  // dataset item index in rel(u)
    std::uint32_t itemV = 0;  // dataset item index in rel(v)
    double term = 0;          // t(i, j)
    double share = 0;         // t(i, j) / cos(u, v) (0 when the cosine is 0)
};

struct CosineExplanation {
    double cosine = 0;     // MUP(u) . MUP(v) / (|MUP(u)| |MUP(v)|), 0 when either profile is zero
    double sumOfTerms = 0;  // the sum of all pair terms (equals cosine to rounding)
    std::size_t pairs = 0;  // |rel(u)| x |rel(v)|
    std::vector<ItemPairTerm> top;  // the `top` largest |t(i, j)|
    // Late fusion: each block's part w_b cos_b(u, v) (they sum to `cosine`); else empty.
    std::vector<double> blocks;
};

CosineExplanation explainCosine(const RelevanceMatrix& w, const ItemProfiles& items, std::uint32_t u,
                                std::uint32_t v, std::size_t top);

// Late fusion (FusedSimilarity.h, `late` normalised): cosine = sum_b w_b cos_b(u, v),
// t(i, j) = sum_b w_b r(u,i) r(v,j) MIP_b(i) . MIP_b(j) / (|MUP_b(u)| |MUP_b(v)|), a block
// counting 0 where either profile is zero in it.
CosineExplanation explainCosine(const RelevanceMatrix& w, const ItemProfiles& items, const LateFusion& late,
                                std::uint32_t u, std::uint32_t v, std::size_t top);

struct ItemShare {
    std::uint32_t item = 0;  // dataset item index
    float rating = 0;        // r(u, i)
    double share = 0;        // r(u,i) MIP(i) . MUP(u) / |MUP(u)|^2
};

struct ProfileExplanation {
    double norm = 0;          // |MUP(u)|
    double sumOfShares = 0;   // 1 up to rounding (0 for a zero profile)
    std::size_t items = 0;    // |rel(u)|
    std::vector<ItemShare> top;  // the `top` largest |share|
};

ProfileExplanation explainProfile(const RelevanceMatrix& w, const ItemProfiles& items, std::uint32_t user,
                                  std::size_t top);

const char* toString(PredictionSource source);

}  // namespace tl
