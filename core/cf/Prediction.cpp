#include "core/cf/Prediction.h"

#include "core/cf/Baselines.h"

#include <algorithm>
#include <cmath>

namespace tl {

TestSet TestSet::build(const Dataset& data, const std::vector<std::size_t>& indices)
{
    TestSet test;
    test.users.reserve(indices.size());
    test.items.reserve(indices.size());
    test.ratings.reserve(indices.size());
    for (std::size_t r : indices) {
        test.users.push_back(data.ratings[r].user);
        test.items.push_back(data.ratings[r].item);
        test.ratings.push_back(data.ratings[r].value);
    }
    return test;
}

float fallbackPrediction(const TrainingMatrix& train, std::uint32_t user, std::uint32_t item,
                         PredictionSource& source)
{
    if (train.knowsUser(user)) {
        source = PredictionSource::UserMean;
        return static_cast<float>(train.userMean[user]);
    }
    if (train.knowsItem(item)) {
        source = PredictionSource::ItemMean;
        return static_cast<float>(train.itemMean[item]);
    }
    source = PredictionSource::GlobalMean;
    return static_cast<float>(train.globalMean);
}

SweepPredictions makeSweep(const std::vector<int>& ks, std::size_t tests)
{
    SweepPredictions sweep;
    sweep.ks = ks;
    sweep.perK.resize(ks.size());
    for (auto& p : sweep.perK) {
        p.values.resize(tests);
        p.sources.resize(tests);
    }
    return sweep;
}

namespace {

// Accumulates formula 5 along an ordered candidate list. `at(p)` gives the
// contribution of position p: false when that neighbour did not rate the item.
// After position p the prediction for every K == p + 1 is recorded: centre plus
// the weighted deviations, or fallback(source) when nothing contributed; K beyond
// the list's length get the final value.
template <typename At, typename Fallback>
void walkCentred(const std::vector<int>& ks, std::size_t length, At at, double centre, Fallback fallback,
                 const PredictOptions& options, std::size_t t, SweepPredictions& out)
{
    double numerator = 0, denominator = 0;
    std::size_t next = 0;
    auto record = [&]() {
        Predictions& p = out.perK[next];
        float value;
        if (denominator > 0) {
            value = static_cast<float>(centre + numerator / denominator);
            p.sources[t] = PredictionSource::Neighbours;
        } else {
            value = fallback(p.sources[t]);
        }
        if (options.clip)
            value = std::clamp(value, options.scale.min, options.scale.max);
        p.values[t] = value;
        ++next;
    };
    for (std::size_t pos = 0; pos < length && next < ks.size(); ++pos) {
        double sim = 0, deviation = 0;
        if (at(pos, sim, deviation)) {
            numerator += sim * deviation;
            denominator += std::fabs(sim);
        }
        while (next < ks.size() && static_cast<std::size_t>(ks[next]) == pos + 1)
            record();
    }
    while (next < ks.size())
        record();
}

// The paper's walk: centred on mean(u), falling back as fallbackPrediction.
template <typename At>
void walk(const std::vector<int>& ks, std::size_t length, At at, const TrainingMatrix& train, std::uint32_t user,
          std::uint32_t item, const PredictOptions& options, std::size_t t, SweepPredictions& out)
{
    walkCentred(
        ks, length, at, user < train.users ? train.userMean[user] : 0.0,
        [&](PredictionSource& source) { return fallbackPrediction(train, user, item, source); }, options, t, out);
}

}  // namespace

namespace {

// Offline mode's loop, centred on centre(u, i) (each neighbour's deviation
// r(v, i) - centre(v, i)); fallback(u, i, source) when no neighbour contributes.
template <typename Centre, typename Fallback>
SweepPredictions offlineSweep(const TrainingMatrix& train, const NeighbourLists& lists, const TestSet& test,
                              const std::vector<int>& ks, const PredictOptions& options, Centre centre,
                              Fallback fallback)
{
    SweepPredictions sweep = makeSweep(ks, test.size());
    // Small test sets (one user's tests, one explained prediction) stay on this thread:
    // starting a team costs more than they do, and far more on a busy machine.
#pragma omp parallel for schedule(dynamic, 256) if (test.size() > 256)
    for (std::ptrdiff_t ti = 0; ti < static_cast<std::ptrdiff_t>(test.size()); ++ti) {
        const auto t = static_cast<std::size_t>(ti);
        const std::uint32_t u = test.users[t], i = test.items[t];
        const auto neighbours = u < lists.users() ? lists.of(u) : std::span<const Neighbour>();
        walkCentred(
            ks, neighbours.size(),
            [&](std::size_t pos, double& sim, double& deviation) {
                const Neighbour& n = neighbours[pos];
                const auto r = train.rating(n.user, i);
                if (!r)
                    return false;
                sim = n.similarity;
                deviation = *r - centre(n.user, i);
                return true;
            },
            centre(u, i), [&](PredictionSource& source) { return fallback(u, i, source); }, options, t, sweep);
    }
    return sweep;
}

}  // namespace

SweepPredictions predictOffline(const TrainingMatrix& train, const NeighbourLists& lists, const TestSet& test,
                                const std::vector<int>& ks, const PredictOptions& options)
{
    return offlineSweep(
        train, lists, test, ks, options,
        [&](std::uint32_t u, std::uint32_t) { return u < train.users ? train.userMean[u] : 0.0; },
        [&](std::uint32_t u, std::uint32_t i, PredictionSource& source) {
            return fallbackPrediction(train, u, i, source);
        });
}

SweepPredictions predictOfflineCentred(const TrainingMatrix& train, const NeighbourLists& lists, const TestSet& test,
                                       const std::vector<int>& ks, const PredictOptions& options, const BiasModel& bias)
{
    return offlineSweep(
        train, lists, test, ks, options, [&](std::uint32_t u, std::uint32_t i) { return bias.predict(u, i); },
        [&](std::uint32_t u, std::uint32_t i, PredictionSource& source) {
            source = ratingOnlySource(train, u, i);
            return static_cast<float>(bias.predict(u, i));
        });
}

SweepPredictions predictRaters(const TrainingMatrix& train, const SimilarityEngine& engine, const TestSet& test,
                               const std::vector<int>& ks, const PredictOptions& options, const JobContext& ctx)
{
    SweepPredictions sweep = makeSweep(ks, test.size());
    const int kMax = ks.empty() ? 0 : ks.back();
    // Test ratings grouped by user, so each block visits its users' tests.
    std::vector<std::vector<std::size_t>> testsOf(engine.users());
    std::vector<char> done(test.size(), 0);
    for (std::size_t t = 0; t < test.size(); ++t)
        if (test.users[t] < engine.users())
            testsOf[test.users[t]].push_back(t);
    std::vector<char> active(engine.users());
    for (std::size_t v = 0; v < engine.users(); ++v)
        active[v] = engine.isActive(v) ? 1 : 0;

    engine.forEachBlock(
        [&](std::size_t first, const Eigen::MatrixXd& block) {
#pragma omp parallel
            {
                std::vector<Neighbour> candidates;
#pragma omp for schedule(dynamic, 4)
                for (Eigen::Index r = 0; r < block.rows(); ++r) {
                    const std::size_t u = first + static_cast<std::size_t>(r);
                    for (std::size_t t : testsOf[u]) {
                        const std::uint32_t i = test.items[t];
                        const std::size_t n = selectRaters(
                            train, active, static_cast<std::uint32_t>(u), i, kMax,
                            [&](std::uint32_t v) { return block(r, static_cast<Eigen::Index>(v)); }, candidates);
                        walk(
                            ks, n,
                            [&](std::size_t pos, double& sim, double& deviation) {
                                const Neighbour& c = candidates[pos];
                                sim = c.similarity;
                                deviation = *train.rating(c.user, i) - train.userMean[c.user];
                                return true;
                            },
                            train, static_cast<std::uint32_t>(u), i, options, t, sweep);
                        done[t] = 1;
                    }
                }
            }
        },
        ctx);
    // Test users outside the engine (unknown ids) only have fallbacks.
    for (std::size_t t = 0; t < test.size(); ++t)
        if (!done[t])
            walk(
                ks, 0, [](std::size_t, double&, double&) { return false; }, train, test.users[t], test.items[t],
                options, t, sweep);
    return sweep;
}

}  // namespace tl
