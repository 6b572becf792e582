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

template <typename Scalar>
void selectTopK(const Scalar* sims, std::size_t users, std::size_t self, const std::vector<char>& active, int k,
                std::vector<Neighbour>& out, std::vector<RankedCandidate>& scratch)
{
    // A heap of the k best so far with the worst on top: once it is full, most
    // candidates cost one comparison with the top (a row of U similarities
    // costs ~U comparisons plus ~k log(U/k) heap updates, not a selection over
    // all U). Candidates arrive in increasing index order, so a candidate whose
    // key ties the top's has the larger index and is never better: the result
    // equals a full sort by (rankKey desc, index asc). llround(x) >= key needs
    // x >= key - 0.5, so most candidates are rejected before any rounding.
    auto better = [](const RankedCandidate& a, const RankedCandidate& b) {
        return ranksBefore(a.key, a.user, b.key, b.user);
    };
    const std::size_t want = static_cast<std::size_t>(std::max(k, 0));
    scratch.clear();
    out.clear();
    if (want == 0)
        return;
    double reject = -HUGE_VAL;  // scaled similarities below this cannot enter
    for (std::size_t v = 0; v < users; ++v) {
        if (v == self || !active[v])
            continue;
        const double scaled = static_cast<double>(sims[v]) * 1e12;
        if (scaled < reject)
            continue;
        const RankedCandidate candidate{std::llround(scaled), static_cast<std::uint32_t>(v)};
        if (scratch.size() < want) {
            scratch.push_back(candidate);
            std::push_heap(scratch.begin(), scratch.end(), better);
        } else if (candidate.key > scratch.front().key) {
            std::pop_heap(scratch.begin(), scratch.end(), better);
            scratch.back() = candidate;
            std::push_heap(scratch.begin(), scratch.end(), better);
        } else {
            continue;
        }
        if (scratch.size() == want)
            reject = static_cast<double>(scratch.front().key) - 0.5;
    }
    std::sort_heap(scratch.begin(), scratch.end(), better);
    out.resize(scratch.size());
    for (std::size_t j = 0; j < scratch.size(); ++j)
        out[j] = {scratch[j].user, static_cast<double>(sims[scratch[j].user])};
}

template <typename Scalar>
NeighbourLists computeNeighbours(const BasicSimilarityEngine<Scalar>& engine, int kMax, const JobContext& ctx)
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
        [&](std::size_t first, const typename BasicSimilarityEngine<Scalar>::Matrix& block) {
            if (symmetric && first == 0 && static_cast<std::size_t>(block.rows()) == users) {
                // Row u is column u: select straight from the contiguous column.
#pragma omp parallel
                {
                    std::vector<Neighbour> top;
                    std::vector<RankedCandidate> scratch;
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
                std::vector<Scalar> rows(static_cast<std::size_t>(strip) * users);
                std::vector<Neighbour> top;
                std::vector<RankedCandidate> scratch;
#pragma omp for schedule(dynamic, 1)
                for (Eigen::Index s = 0; s < strips; ++s) {
                    const Eigen::Index r0 = s * strip, len = std::min(strip, block.rows() - r0);
                    for (std::size_t v = 0; v < users; ++v) {
                        const Scalar* column = block.data() + static_cast<Eigen::Index>(v) * block.rows() + r0;
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

template void selectTopK<float>(const float*, std::size_t, std::size_t, const std::vector<char>&, int,
                                std::vector<Neighbour>&, std::vector<RankedCandidate>&);
template void selectTopK<double>(const double*, std::size_t, std::size_t, const std::vector<char>&, int,
                                 std::vector<Neighbour>&, std::vector<RankedCandidate>&);
template NeighbourLists computeNeighbours<float>(const Float32SimilarityEngine&, int, const JobContext&);
template NeighbourLists computeNeighbours<double>(const SimilarityEngine&, int, const JobContext&);

}  // namespace tl
