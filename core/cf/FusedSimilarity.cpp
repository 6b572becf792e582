#include "core/cf/FusedSimilarity.h"

#include <cmath>
#include <string>

#include "core/common/Error.h"

namespace tl {

std::size_t LateFusion::begin(std::size_t block) const
{
    std::size_t at = 0;
    for (std::size_t b = 0; b < block; ++b)
        at += dims[b];
    return at;
}

std::vector<double> normaliseWeights(const std::vector<double>& weights, const std::string& what)
{
    double sum = 0;
    for (double w : weights) {
        if (!std::isfinite(w) || w < 0)
            throw ConfigError(what + ": weight " + std::to_string(w) + " (a weight must be finite and >= 0)");
        sum += w;
    }
    if (!(sum > 0))
        throw ConfigError(what + ": every weight is 0");
    std::vector<double> out = weights;
    for (double& w : out)
        w /= sum;
    return out;
}

LateFusion LateFusion::normalised(std::size_t columns) const
{
    if (weights.size() != dims.size())
        throw ConfigError("late fusion: " + std::to_string(weights.size()) + " weights for " +
                          std::to_string(dims.size()) + " blocks");
    std::size_t total = 0;
    for (std::size_t b = 0; b < dims.size(); ++b) {
        if (dims[b] == 0)
            throw ConfigError("late fusion: block " + std::to_string(b + 1) + " has no columns");
        total += dims[b];
    }
    if (total != columns)
        throw ConfigError("late fusion: the blocks cover " + std::to_string(total) + " columns of " +
                          std::to_string(columns));
    LateFusion out = *this;
    if (!dims.empty())
        out.weights = normaliseWeights(weights, "late fusion");
    return out;
}

ItemProfiles blockProfiles(const ItemProfiles& items, const LateFusion& late, std::size_t block)
{
    ItemProfiles out;
    out.values = items.values.middleCols(static_cast<Eigen::Index>(late.begin(block)),
                                         static_cast<Eigen::Index>(late.dims[block]));
    out.rowOf = items.rowOf;
    out.unknownIds = items.unknownIds;
    return out;
}

FusedUserSimilarity fuseUserSimilarities(const std::vector<const SimilarityEngine*>& engines,
                                         const std::vector<double>& weights, const JobContext& ctx)
{
    if (engines.empty())
        throw ConfigError("late fusion: no modality");
    if (weights.size() != engines.size())
        throw ConfigError("late fusion: " + std::to_string(weights.size()) + " weights for " +
                          std::to_string(engines.size()) + " modalities");
    FusedUserSimilarity fused;
    fused.weights = normaliseWeights(weights, "late fusion");
    fused.users = engines.front()->users();
    for (const SimilarityEngine* e : engines)
        if (e->users() != fused.users)
            throw ConfigError("late fusion: the modalities' similarities differ in size");
    const double bytes = static_cast<double>(fused.users) * static_cast<double>(fused.users) * sizeof(double);
    if (bytes > 8e9)
        throw ConfigError("late fusion needs a dense users x users similarity matrix of " +
                          std::to_string(static_cast<long>(bytes / 1e9)) + " GB; too large");
    fused.values.assign(fused.users * fused.users, 0.0);
    fused.active.assign(fused.users, 0);
    for (std::size_t m = 0; m < engines.size(); ++m) {
        const SimilarityEngine& engine = *engines[m];
        const double w = fused.weights[m];
        if (w > 0)
            for (std::size_t u = 0; u < fused.users; ++u)
                fused.active[u] = fused.active[u] || engine.isActive(u);
        engine.forEachBlock(
            [&](std::size_t first, const SimilarityEngine::Matrix& block) {
                for (Eigen::Index r = 0; r < block.rows(); ++r) {
                    double* row = &fused.values[(first + static_cast<std::size_t>(r)) * fused.users];
                    for (Eigen::Index v = 0; v < block.cols(); ++v)
                        row[v] += w * block(r, v);
                }
            },
            ctx);
    }
    for (std::size_t u = 0; u < fused.users; ++u)
        fused.values[u * fused.users + u] = 0.0;
    return fused;
}

NeighbourLists fusedNeighbours(const FusedUserSimilarity& sim, int kMax)
{
    NeighbourLists lists(sim.users, kMax);
    std::vector<Neighbour> top;
    std::vector<RankedCandidate> scratch;
    for (std::size_t u = 0; u < sim.users; ++u) {
        if (!sim.active[u])
            continue;
        selectTopK(&sim.values[u * sim.users], sim.users, u, sim.active, kMax, top, scratch);
        lists.set(u, top);
    }
    return lists;
}

}  // namespace tl
