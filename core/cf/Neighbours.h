#pragma once
// Offline neighbour lists: each user's kMax most similar users, computed in
// one blockwise similarity pass and reused for every K <= kMax (a K sweep
// costs one pass). Order: similarity descending, then user index ascending.
// A user is never its own neighbour; users with an all-zero profile are
// nobody's neighbour and have no neighbours.

#include <cstdint>
#include <span>
#include <vector>

#include "core/cf/Similarity.h"

namespace tl {

struct Neighbour {
    std::uint32_t user;
    float similarity;
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
// skipping `self` and inactive users. Result sorted by (similarity desc, user asc).
// `scratch` avoids reallocating per row.
void selectTopK(const float* sims, std::size_t users, std::size_t self, const std::vector<char>& active, int k,
                std::vector<Neighbour>& out, std::vector<std::uint32_t>& scratch);

NeighbourLists computeNeighbours(const SimilarityEngine& engine, int kMax, const JobContext& ctx = JobContext::none());

}  // namespace tl
