#include "core/cf/KnnBaseline.h"

#include <algorithm>
#include <cmath>

#include "core/cf/Neighbours.h"
#include "core/common/Error.h"

namespace tl {

namespace {

UserSimilarity denseSimilarity(const TrainingMatrix& train)
{
    const double bytes = static_cast<double>(train.users) * static_cast<double>(train.users) * sizeof(double);
    if (bytes > 8e9)
        throw ConfigError("rating-based k-NN needs a dense users x users similarity matrix of " +
                          std::to_string(static_cast<long>(bytes / 1e9)) + " GB; too large");
    UserSimilarity sim;
    sim.users = train.users;
    sim.values.assign(train.users * train.users, 0.0);
    return sim;
}

// Fills row u of `sim` for every u, in blocks (progress + cancel between blocks).
// `row(u, accumulators, out)` computes one row; each thread has its own accumulators.
template <typename Accumulators, typename RowFn>
void fillRows(UserSimilarity& sim, const JobContext& ctx, const char* stage, RowFn row)
{
    const std::size_t n = sim.users, block = 256;
    for (std::size_t begin = 0; begin < n; begin += block) {
        ctx.checkCancelled();
        ctx.report(stage, static_cast<double>(begin), static_cast<double>(n));
        const auto end = static_cast<std::ptrdiff_t>(std::min(n, begin + block));
#pragma omp parallel
        {
            Accumulators acc(n);
#pragma omp for schedule(dynamic, 8)
            for (std::ptrdiff_t u = static_cast<std::ptrdiff_t>(begin); u < end; ++u)
                row(static_cast<std::uint32_t>(u), acc, &sim.values[static_cast<std::size_t>(u) * n]);
        }
    }
    ctx.report(stage, static_cast<double>(n), static_cast<double>(n));
}

// Calls visit(v, e_u, e_v) for every training rating pair of u and another rater
// v of the same item (CSR entry e_u of u, CSC entry e_v of v), items ascending.
template <typename Visit>
void forEachCoRating(const TrainingMatrix& train, std::uint32_t u, Visit&& visit)
{
    for (std::size_t eu = train.userOffsets[u]; eu < train.userOffsets[u + 1]; ++eu) {
        const std::uint32_t i = train.userItems[eu];
        for (std::size_t ev = train.itemOffsets[i]; ev < train.itemOffsets[i + 1]; ++ev)
            visit(train.itemUsers[ev], eu, ev);
    }
}

struct PearsonAcc {
    explicit PearsonAcc(std::size_t n) : count(n), prod(n), sqU(n), sqV(n) {}
    std::vector<std::uint32_t> count;
    std::vector<double> prod, sqU, sqV;
};

struct MsdAcc {
    explicit MsdAcc(std::size_t n) : count(n), sq(n) {}
    std::vector<std::uint32_t> count;
    std::vector<double> sq;
};

}  // namespace

UserSimilarity pearsonBaselineSimilarity(const TrainingMatrix& train, const BiasModel& bias, double shrinkage,
                                         const JobContext& ctx)
{
    if (!(shrinkage >= 0))
        throw ConfigError("pearson-baseline similarity: shrinkage must be >= 0");
    UserSimilarity sim = denseSimilarity(train);
    fillRows<PearsonAcc>(sim, ctx, "pearson-baseline", [&](std::uint32_t u, PearsonAcc& a, double* out) {
        std::fill(a.count.begin(), a.count.end(), 0u);
        std::fill(a.prod.begin(), a.prod.end(), 0.0);
        std::fill(a.sqU.begin(), a.sqU.end(), 0.0);
        std::fill(a.sqV.begin(), a.sqV.end(), 0.0);
        forEachCoRating(train, u, [&](std::uint32_t v, std::size_t eu, std::size_t ev) {
            const std::uint32_t i = train.userItems[eu];
            const double partial = bias.mu + bias.itemTerm(i);
            const double du = train.userValues[eu] - (partial + bias.userTerm(u));
            const double dv = train.itemValues[ev] - (partial + bias.userTerm(v));
            ++a.count[v];
            a.prod[v] += du * dv;
            a.sqU[v] += du * du;
            a.sqV[v] += dv * dv;
        });
        for (std::size_t v = 0; v < sim.users; ++v) {
            const double denom = std::sqrt(a.sqU[v] * a.sqV[v]);
            if (a.count[v] == 0 || denom == 0)
                continue;
            const double n1 = static_cast<double>(a.count[v]) - 1.0;
            out[v] = a.prod[v] / denom * (shrinkage > 0 ? n1 / (n1 + shrinkage) : 1.0);
        }
        out[u] = 1.0;
    });
    return sim;
}

UserSimilarity msdSimilarity(const TrainingMatrix& train, const JobContext& ctx)
{
    UserSimilarity sim = denseSimilarity(train);
    fillRows<MsdAcc>(sim, ctx, "msd", [&](std::uint32_t u, MsdAcc& a, double* out) {
        std::fill(a.count.begin(), a.count.end(), 0u);
        std::fill(a.sq.begin(), a.sq.end(), 0.0);
        forEachCoRating(train, u, [&](std::uint32_t v, std::size_t eu, std::size_t ev) {
            const double d = static_cast<double>(train.userValues[eu]) - static_cast<double>(train.itemValues[ev]);
            ++a.count[v];
            a.sq[v] += d * d;
        });
        for (std::size_t v = 0; v < sim.users; ++v)
            if (a.count[v] > 0)
                out[v] = 1.0 / (a.sq[v] / static_cast<double>(a.count[v]) + 1.0);
        out[u] = 1.0;
    });
    return sim;
}

namespace {

// The shared walk: centre(u, i) is the prediction's base and each neighbour's
// offset; `unknown(u, i, source)` gives the prediction when u or i is unknown.
template <typename Centre, typename Unknown>
SweepPredictions predictRatingKnn(const TrainingMatrix& train, const UserSimilarity& sim, const TestSet& test,
                                  const std::vector<int>& ks, const PredictOptions& options, const RatingKnnOptions& knn,
                                  PredictionSource noNeighbour, Centre centre, Unknown unknown)
{
    if (ks.empty() || !std::is_sorted(ks.begin(), ks.end()) || ks.front() < 1)
        throw ConfigError("rating-based k-NN: K values must be >= 1 and ascending");
    SweepPredictions sweep = makeSweep(ks, test.size());
    const auto n = static_cast<std::ptrdiff_t>(test.size());
#pragma omp parallel
    {
        std::vector<RankedCandidate> candidates;
#pragma omp for schedule(dynamic, 256)
        for (std::ptrdiff_t t = 0; t < n; ++t) {
            const std::uint32_t u = test.users[static_cast<std::size_t>(t)], i = test.items[static_cast<std::size_t>(t)];
            if (!train.knowsUser(u) || !train.knowsItem(i)) {
                PredictionSource source;
                const float value = finishPrediction(unknown(u, i, source), options);
                for (auto& p : sweep.perK) {
                    p.values[static_cast<std::size_t>(t)] = value;
                    p.sources[static_cast<std::size_t>(t)] = source;
                }
                continue;
            }
            // Positive-similarity raters of i, the first kMax ranked.
            candidates.clear();
            for (std::size_t e = train.itemOffsets[i]; e < train.itemOffsets[i + 1]; ++e) {
                const std::uint32_t v = train.itemUsers[e];
                if (v != u && sim(u, v) > 0)
                    candidates.push_back({rankKey(sim(u, v)), v});
            }
            const std::size_t kMax = std::min(candidates.size(), static_cast<std::size_t>(ks.back()));
            std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(kMax),
                              candidates.end(), [](const RankedCandidate& a, const RankedCandidate& b) {
                                  return ranksBefore(a.key, a.user, b.key, b.user);
                              });
            const double base = centre(u, i);
            double num = 0, den = 0;
            std::size_t used = 0;
            for (std::size_t k = 0; k < ks.size(); ++k) {
                const std::size_t limit = std::min(kMax, static_cast<std::size_t>(ks[k]));
                for (; used < limit; ++used) {
                    const std::uint32_t v = candidates[used].user;
                    const double s = sim(u, v);
                    num += s * (static_cast<double>(*train.rating(v, i)) - centre(v, i));
                    den += s;
                }
                const bool enough = used >= static_cast<std::size_t>(std::max(knn.minK, 1));
                auto& p = sweep.perK[k];
                p.values[static_cast<std::size_t>(t)] = finishPrediction(enough ? base + num / den : base, options);
                p.sources[static_cast<std::size_t>(t)] = enough ? PredictionSource::Neighbours : noNeighbour;
            }
        }
    }
    return sweep;
}

}  // namespace

SweepPredictions predictKnnBaseline(const TrainingMatrix& train, const BiasModel& bias, const UserSimilarity& sim,
                                    const TestSet& test, const std::vector<int>& ks, const PredictOptions& options,
                                    const RatingKnnOptions& knn)
{
    return predictRatingKnn(
        train, sim, test, ks, options, knn, PredictionSource::Model,
        [&](std::uint32_t u, std::uint32_t i) { return bias.predict(u, i); },
        [&](std::uint32_t u, std::uint32_t i, PredictionSource& source) {
            source = ratingOnlySource(train, u, i);
            return bias.mu + (train.knowsUser(u) ? bias.userTerm(u) : 0.0) + (train.knowsItem(i) ? bias.itemTerm(i) : 0.0);
        });
}

SweepPredictions predictKnnWithMeans(const TrainingMatrix& train, const UserSimilarity& sim, const TestSet& test,
                                     const std::vector<int>& ks, const PredictOptions& options,
                                     const RatingKnnOptions& knn)
{
    return predictRatingKnn(
        train, sim, test, ks, options, knn, PredictionSource::UserMean,
        [&](std::uint32_t u, std::uint32_t) { return train.userMean[u]; },
        [&](std::uint32_t, std::uint32_t, PredictionSource& source) {
            source = PredictionSource::GlobalMean;
            return train.globalMean;
        });
}

}  // namespace tl
