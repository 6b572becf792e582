#include "core/cf/Hybrid.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/cf/Similarity.h"
#include "core/common/Error.h"
#include "core/common/Random.h"

namespace tl {

UserSimilarity contentUserSimilarity(const RelevanceMatrix& w, const ItemProfiles& items, const JobContext& ctx)
{
    const double bytes = static_cast<double>(w.users) * static_cast<double>(w.users) * sizeof(double);
    if (bytes > 8e9)
        throw ConfigError("the hybrid needs a dense users x users content similarity matrix of " +
                          std::to_string(static_cast<long>(bytes / 1e9)) + " GB; too large");
    UserSimilarity sim;
    sim.users = w.users;
    sim.values.assign(w.users * w.users, 0.0);
    const SimilarityEngine engine = SimilarityEngine::fromItemProfiles(w, items);
    engine.forEachBlock(
        [&](std::size_t first, const SimilarityEngine::Matrix& block) {
            for (Eigen::Index r = 0; r < block.rows(); ++r) {
                double* row = &sim.values[(first + static_cast<std::size_t>(r)) * sim.users];
                for (Eigen::Index v = 0; v < block.cols(); ++v)
                    row[v] = block(r, v);
            }
        },
        ctx);
    for (std::size_t u = 0; u < sim.users; ++u)
        sim.values[u * sim.users + u] = 1.0;
    return sim;
}

UserSimilarity fuseSimilarity(const UserSimilarity& rating, const UserSimilarity& content, double a)
{
    if (!(a >= 0 && a <= 1))
        throw ConfigError("hybrid: the weight a must be in [0, 1], got " + std::to_string(a));
    if (rating.users != content.users)
        throw ConfigError("hybrid: rating and content similarities differ in size");
    UserSimilarity fused;
    fused.users = rating.users;
    fused.values.resize(rating.values.size());
    for (std::size_t e = 0; e < fused.values.size(); ++e)
        fused.values[e] = a * rating.values[e] + (1 - a) * content.values[e];
    return fused;
}

Split validationShare(const std::vector<std::size_t>& train, double ratio, std::uint64_t seed)
{
    if (!(ratio > 0 && ratio < 1))
        throw ConfigError("validation ratio must be between 0 and 1 (exclusive), got " + std::to_string(ratio));
    if (train.size() < 2)
        throw ConfigError("the training set is too small to hold out a validation share");
    std::vector<std::size_t> order(train.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    Rng rng(seed);
    rng.shuffle(order);
    const auto held = std::clamp<std::size_t>(
        static_cast<std::size_t>(std::llround(static_cast<double>(train.size()) * ratio)), 1, train.size() - 1);
    Split split;
    for (std::size_t n = 0; n < order.size(); ++n)
        (n < held ? split.test : split.train).push_back(train[order[n]]);
    std::sort(split.train.begin(), split.train.end());
    std::sort(split.test.begin(), split.test.end());
    return split;
}

namespace {

struct HybridParts {
    BiasModel bias;
    UserSimilarity rating, content;
};

HybridParts fitParts(const TrainingMatrix& train, const ItemProfiles& items, const RelevantRule& relevant,
                     const JobContext& ctx)
{
    HybridParts parts;
    parts.bias = fitBias(train);
    parts.rating = pearsonBaselineSimilarity(train, parts.bias, 100, ctx);
    parts.content = contentUserSimilarity(buildRelevance(train, items, relevant), items, ctx);
    return parts;
}

double rmse(const TestSet& test, const Predictions& p)
{
    double sum = 0;
    for (std::size_t t = 0; t < test.size(); ++t) {
        const double d = static_cast<double>(p.values[t]) - static_cast<double>(test.ratings[t]);
        sum += d * d;
    }
    return std::sqrt(sum / static_cast<double>(test.size()));
}

}  // namespace

SweepPredictions predictHybrid(const TrainingMatrix& train, const ItemProfiles& items, const RelevantRule& relevant,
                               const TestSet& test, double a, const std::vector<int>& ks,
                               const PredictOptions& options, const JobContext& ctx)
{
    const HybridParts parts = fitParts(train, items, relevant, ctx);
    return predictKnnBaseline(train, parts.bias, fuseSimilarity(parts.rating, parts.content, a), test, ks, options);
}

HybridChoice chooseHybridWeight(const Dataset& data, const std::vector<std::size_t>& train,
                                const ItemProfiles& items, const RelevantRule& relevant, const std::vector<int>& ks,
                                const PredictOptions& options, double ratio, std::uint64_t seed,
                                const std::vector<double>& grid, const JobContext& ctx)
{
    if (grid.empty())
        throw ConfigError("hybrid: no weights to choose from");
    const Split share = validationShare(train, ratio, seed);
    const TrainingMatrix fit = TrainingMatrix::build(data, share.train);
    const TestSet validation = TestSet::build(data, share.test);
    const HybridParts parts = fitParts(fit, items, relevant, ctx);
    HybridChoice choice;
    choice.grid = grid;
    choice.validationRatings = validation.size();
    choice.validationRmse = std::numeric_limits<double>::infinity();
    for (double a : grid) {
        ctx.checkCancelled();
        const SweepPredictions sweep =
            predictKnnBaseline(fit, parts.bias, fuseSimilarity(parts.rating, parts.content, a), validation, ks, options);
        double bestHere = std::numeric_limits<double>::infinity();
        for (std::size_t k = 0; k < sweep.ks.size(); ++k) {
            const double e = rmse(validation, sweep.perK[k]);
            bestHere = std::min(bestHere, e);
            // Ties: the larger a (nearer knn-baseline), then the smaller K.
            if (e < choice.validationRmse || (e == choice.validationRmse && (a > choice.a || (a == choice.a && sweep.ks[k] < choice.k)))) {
                choice.validationRmse = e;
                choice.a = a;
                choice.k = sweep.ks[k];
            }
        }
        choice.rmsePerA.push_back(bestHere);
    }
    return choice;
}

}  // namespace tl
