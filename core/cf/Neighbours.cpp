#include "core/cf/Neighbours.h"

#include <algorithm>

namespace tl {

NeighbourLists::NeighbourLists(std::size_t users, int kMax)
    : kMax_(kMax), entries_(users * static_cast<std::size_t>(kMax)), counts_(users, 0)
{
}

std::span<const Neighbour> NeighbourLists::of(std::size_t user, int k) const
{
    const int n = std::min(k, counts_[user]);
    return {entries_.data() + user * static_cast<std::size_t>(kMax_), static_cast<std::size_t>(std::max(n, 0))};
}

void NeighbourLists::set(std::size_t user, const std::vector<Neighbour>& neighbours)
{
    const int n = std::min(static_cast<int>(neighbours.size()), kMax_);
    std::copy_n(neighbours.begin(), n, entries_.begin() + static_cast<std::ptrdiff_t>(user * static_cast<std::size_t>(kMax_)));
    counts_[user] = n;
}

void selectTopK(const float* sims, std::size_t users, std::size_t self, const std::vector<char>& active, int k,
                std::vector<Neighbour>& out, std::vector<std::uint32_t>& scratch)
{
    // A heap of the k best so far with the worst on top: once it is full, most
    // candidates cost one comparison with the top (a row of U similarities
    // costs ~U comparisons plus ~k log(U/k) heap updates, not a selection over
    // all U). Candidates arrive in increasing index order, so a candidate that
    // ties the top on similarity has the larger index and is never better:
    // the result equals a full sort by (similarity desc, index asc).
    auto better = [sims](std::uint32_t a, std::uint32_t b) { return sims[a] != sims[b] ? sims[a] > sims[b] : a < b; };
    const std::size_t want = static_cast<std::size_t>(std::max(k, 0));
    scratch.clear();
    out.clear();
    if (want == 0)
        return;
    for (std::size_t v = 0; v < users; ++v) {
        if (v == self || !active[v])
            continue;
        const auto candidate = static_cast<std::uint32_t>(v);
        if (scratch.size() < want) {
            scratch.push_back(candidate);
            std::push_heap(scratch.begin(), scratch.end(), better);
        } else if (sims[v] > sims[scratch.front()]) {
            std::pop_heap(scratch.begin(), scratch.end(), better);
            scratch.back() = candidate;
            std::push_heap(scratch.begin(), scratch.end(), better);
        }
    }
    std::sort_heap(scratch.begin(), scratch.end(), better);
    out.resize(scratch.size());
    for (std::size_t j = 0; j < scratch.size(); ++j)
        out[j] = {scratch[j], sims[scratch[j]]};
}

NeighbourLists computeNeighbours(const SimilarityEngine& engine, int kMax, const JobContext& ctx)
{
    const std::size_t users = engine.users();
    NeighbourLists lists(users, kMax);
    std::vector<char> active(users);
    for (std::size_t v = 0; v < users; ++v)
        active[v] = engine.isActive(v) ? 1 : 0;
    // Rows are taken 16 at a time: the column-major block is read in contiguous
    // 16-float runs into row-major scratch (a row-by-row copy would touch one
    // cache line per element).
    constexpr Eigen::Index strip = 16;
    const bool symmetric = engine.singleSymmetricBlock();
    engine.forEachBlock(
        [&](std::size_t first, const Eigen::MatrixXf& block) {
            if (symmetric && first == 0 && static_cast<std::size_t>(block.rows()) == users) {
                // Row u is column u: select straight from the contiguous column.
#pragma omp parallel
                {
                    std::vector<Neighbour> top;
                    std::vector<std::uint32_t> scratch;
#pragma omp for schedule(dynamic, 16)
                    for (Eigen::Index u = 0; u < block.cols(); ++u) {
                        if (!active[static_cast<std::size_t>(u)])
                            continue;
                        selectTopK(block.col(u).data(), users, static_cast<std::size_t>(u), active, kMax, top, scratch);
                        lists.set(static_cast<std::size_t>(u), top);
                    }
                }
                return;
            }
            const Eigen::Index strips = (block.rows() + strip - 1) / strip;
#pragma omp parallel
            {
                std::vector<float> rows(static_cast<std::size_t>(strip) * users);
                std::vector<Neighbour> top;
                std::vector<std::uint32_t> scratch;
#pragma omp for schedule(dynamic, 1)
                for (Eigen::Index s = 0; s < strips; ++s) {
                    const Eigen::Index r0 = s * strip, len = std::min(strip, block.rows() - r0);
                    for (std::size_t v = 0; v < users; ++v) {
                        const float* column = block.data() + static_cast<Eigen::Index>(v) * block.rows() + r0;
                        for (Eigen::Index j = 0; j < len; ++j)
                            rows[static_cast<std::size_t>(j) * users + v] = column[j];
                    }
                    for (Eigen::Index j = 0; j < len; ++j) {
                        const std::size_t u = first + static_cast<std::size_t>(r0 + j);
                        if (!active[u])
                            continue;
                        selectTopK(rows.data() + static_cast<std::size_t>(j) * users, users, u, active, kMax, top,
                                   scratch);
                        lists.set(u, top);
                    }
                }
            }
        },
        ctx);
    return lists;
}

}  // namespace tl
