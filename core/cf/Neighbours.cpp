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
    scratch.clear();
    for (std::size_t v = 0; v < users; ++v)
        if (v != self && active[v])
            scratch.push_back(static_cast<std::uint32_t>(v));
    auto better = [sims](std::uint32_t a, std::uint32_t b) { return sims[a] != sims[b] ? sims[a] > sims[b] : a < b; };
    const std::size_t n = std::min(scratch.size(), static_cast<std::size_t>(std::max(k, 0)));
    if (n < scratch.size())
        std::nth_element(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(n), scratch.end(), better);
    std::sort(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(n), better);
    out.resize(n);
    for (std::size_t j = 0; j < n; ++j)
        out[j] = {scratch[j], sims[scratch[j]]};
}

NeighbourLists computeNeighbours(const SimilarityEngine& engine, int kMax, const JobContext& ctx)
{
    const std::size_t users = engine.users();
    NeighbourLists lists(users, kMax);
    std::vector<char> active(users);
    for (std::size_t v = 0; v < users; ++v)
        active[v] = engine.isActive(v) ? 1 : 0;
    engine.forEachBlock(
        [&](std::size_t first, const Eigen::MatrixXf& block) {
#pragma omp parallel
            {
                std::vector<float> row(users);
                std::vector<Neighbour> top;
                std::vector<std::uint32_t> scratch;
#pragma omp for schedule(dynamic, 8)
                for (Eigen::Index r = 0; r < block.rows(); ++r) {
                    const std::size_t u = first + static_cast<std::size_t>(r);
                    if (!active[u])
                        continue;
                    for (std::size_t v = 0; v < users; ++v)
                        row[v] = block(r, static_cast<Eigen::Index>(v));
                    selectTopK(row.data(), users, u, active, kMax, top, scratch);
                    lists.set(u, top);
                }
            }
        },
        ctx);
    return lists;
}

}  // namespace tl
