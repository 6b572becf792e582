#pragma once
// Offline neighbour lists: each user's kMax most similar users, computed in
// one blockwise similarity pass and reused for every K <= kMax (a K sweep
// costs one pass). A user is never its own neighbour; users with an all-zero
// profile are nobody's neighbour and have no neighbours.
//
// Ranking (every route, CPU or GPU, follows it): by the cosine rounded to 12
// decimal places, rankKey(s) = llround(s * 1e12), descending; equal keys go to
// the smaller user id. Mathematically equal cosines (users with the same
// relevant items) come out of float64 equal only up to their last bits, and
// differently on each route and BLAS; rounding first makes the choice the same.

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "core/cf/Similarity.h"

namespace tl {

struct Neighbour {
    std::uint32_t user;
    double similarity;  // float64 cosine (the engine's precision)
};

inline std::int64_t rankKey(double similarity)
{
    return std::llround(similarity * 1e12);
}

// True when (keyA, a) ranks before (keyB, b).
inline bool ranksBefore(std::int64_t keyA, std::uint32_t a, std::int64_t keyB, std::uint32_t b)
{
    return keyA != keyB ? keyA > keyB : a < b;
}

struct RankedCandidate {
    std::int64_t key;
    std::uint32_t user;
};

class NeighbourLists {
public:
    NeighbourLists() = default;
    NeighbourLists(std::size_t users, int kMax);

    std::size_t users() const { return counts_.size(); }
    int kMax() const { return kMax_; }
    // The first min(k, available) neighbours of u, most similar first.
    std::span<const Neighbour> of(std::size_t user, int k) const;
    std::span<const Neighbour> of(std::size_t user) const { return of(user, kMax_); }

    void set(std::size_t user, const std::vector<Neighbour>& neighbours);

private:
    int kMax_ = 0;
    std::vector<Neighbour> entries_;  // users x kMax
    std::vector<int> counts_;
};

// Selects the k most similar users from one similarity row (sims[v] for all v),
// skipping `self` and inactive users. Result in rank order (rankKey desc, user asc).
// `scratch` avoids reallocating per row. Scalar: float or double.
template <typename Scalar>
void selectTopK(const Scalar* sims, std::size_t users, std::size_t self, const std::vector<char>& active, int k,
                std::vector<Neighbour>& out, std::vector<RankedCandidate>& scratch);

// With SimilarityEngine (float64) the lists are exact; Float32SimilarityEngine gives
// the float32 reference lists (benchmark).
template <typename Scalar>
NeighbourLists computeNeighbours(const BasicSimilarityEngine<Scalar>& engine, int kMax,
                                 const JobContext& ctx = JobContext::none());

}  // namespace tl
