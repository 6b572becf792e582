#pragma once
// Late fusion of modalities (docs/fusion.md): one user-user similarity made of
// each modality's own cosine of content profiles (formula 3-4 on that modality's
// item profiles),
//
//   sim(u, v) = sum_m w_m cos_m(u, v),   w_m >= 0 normalised to sum 1;
//   with two modalities: sim(u, v) = w cos_visual(u, v) + (1 - w) cos_audio(u, v).
//
// The neighbours are the K users of largest fused sim (the shared ranking rule of
// Neighbours.h: rounded similarity, then user id), and the prediction is the
// paper's formula 5 with sim(u, v) as the weights, so an explanation (which
// neighbour, with which similarity) stays exact. cos_m(u, v) is the modality
// engine's float64 cosine, 0 when u or v has no profile in m (no relevant item with
// a row there, e.g. a user who liked only silent trailers); a user is active (may
// have and be a neighbour) when active in some modality of positive weight. With
// w = 1 the fused similarity and the neighbour lists are the first modality's,
// bit for bit (1 x s + 0 x s' = s); with w = 0 the second's.
//
// Memory: the fused users x users float64 matrix is held once (MovieLens 1M:
// 292 MB); above 8 GB it is refused with a ConfigError.
//
// Late fusion inside one model (CfModel, the what-if updater): the modalities'
// item profiles side by side in one matrix (stackBlocks in FeatureFusion.h, zeros
// where a modality has no row for an item), block b its columns
// [begin(b), begin(b) + dims[b]). A user's profile in block b is MUP(u) restricted to
// those columns (the weights r(u, i) do not depend on the block, and a block of
// zeros adds nothing), so cos_b(u, v) is that modality's own cosine and the model's
// similarity is the sum above: the same neighbours as fuseUserSimilarities over
// one engine per modality.
//
// Threading: synchronous on the caller's thread (the engines' passes use OpenMP).

#include <cstdint>
#include <string>
#include <vector>

#include "core/cf/Neighbours.h"
#include "core/cf/Similarity.h"
#include "core/common/JobContext.h"

namespace tl {

// `weights` divided by their sum. Throws ConfigError ("WHAT: ...") unless each is finite
// and >= 0 and they are not all 0.
std::vector<double> normaliseWeights(const std::vector<double>& weights, const std::string& what);

struct LateFusion {
    std::vector<std::size_t> dims;  // columns per block, in order; empty: one block, no fusion
    std::vector<double> weights;    // per block, >= 0, not all 0
    bool enabled() const { return !dims.empty(); }
    std::size_t blocks() const { return dims.size(); }
    std::size_t begin(std::size_t block) const;
    // The same blocks with weights divided by their sum. Throws ConfigError unless there
    // is one finite weight >= 0 per block, not all 0, every block has columns and the
    // blocks cover exactly `columns` columns.
    LateFusion normalised(std::size_t columns) const;
};

// The block's columns of the stacked profiles, as item profiles of their own (same rows).
ItemProfiles blockProfiles(const ItemProfiles& items, const LateFusion& late, std::size_t block);

struct FusedUserSimilarity {
    std::size_t users = 0;
    std::vector<double> values;  // row-major users x users; the diagonal is unused (0)
    std::vector<char> active;    // per user
    std::vector<double> weights; // normalised, one per modality

    double at(std::size_t u, std::size_t v) const { return values[u * users + v]; }
};

// Throws ConfigError when the engines differ in users, the weights are not one per
// engine, negative, non-finite or all 0, or the matrix would exceed 8 GB.
FusedUserSimilarity fuseUserSimilarities(const std::vector<const SimilarityEngine*>& engines,
                                         const std::vector<double>& weights,
                                         const JobContext& ctx = JobContext::none());

// Each active user's kMax most similar active users under the fused similarity.
NeighbourLists fusedNeighbours(const FusedUserSimilarity& sim, int kMax);

}  // namespace tl
