// Every fast path of the CF engine against a plain brute-force twin written
// here in double precision: blockwise similarity (both routes, several block
// sizes) vs naive cosine of naive profiles; top-K lists vs a full sort;
// offline and raters sweeps vs a direct loop over formula 5; the LibTorch
// device route's lists vs the same brute force.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <string>

#include "core/cf/DeviceNeighbours.h"
#include "core/cf/Neighbours.h"
#include "core/cf/Prediction.h"
#include "core/cf/Profiles.h"
#include "core/common/Error.h"
#include "core/common/Random.h"

namespace tl {
namespace {

struct Random {
    Dataset data;
    Split split;
    FeatureMatrix features;
};

// ~60 users, 40 items (30 profiled, in shuffled order), density ~30 %, F = 9.
Random makeRandom(std::uint64_t seed)
{
    Random r;
    Rng rng(seed);
    const int users = 60, items = 40, dims = 9;
    for (int i = 0; i < items; ++i)
        r.data.items.intern("m" + std::to_string(i));
    for (int u = 0; u < users; ++u) {
        r.data.users.intern("u" + std::to_string(u));
        for (int i = 0; i < items; ++i)
            if (rng.uniform() < 0.3)
                r.data.ratings.push_back({static_cast<std::uint32_t>(u), static_cast<std::uint32_t>(i),
                                          static_cast<float>(1 + rng.below(5)), 0});
    }
    r.split = randomHoldout(r.data, 0.2, seed);
    std::vector<int> profiled(items);
    std::iota(profiled.begin(), profiled.end(), 0);
    rng.shuffle(profiled);
    profiled.resize(30);
    r.features.values.resize(30, dims);
    for (int k = 0; k < 30; ++k) {
        r.features.ids.push_back("m" + std::to_string(profiled[static_cast<std::size_t>(k)]));
        for (int f = 0; f < dims; ++f)
            r.features.values(k, f) = static_cast<float>(rng.uniform() * 10 - 2);
    }
    return r;
}

struct BruteForce {
    std::vector<std::vector<double>> sim;  // users x users

    BruteForce(const Random& r, const TrainingMatrix& train, Normalization norm)
    {
        RowMatrixF values = r.features.values;
        normalizeFeatures(values, norm);
        const std::size_t users = train.users;
        std::vector<std::vector<double>> mup(users, std::vector<double>(static_cast<std::size_t>(values.cols()), 0.0));
        for (std::size_t u = 0; u < users; ++u)
            for (std::size_t e = train.userOffsets[u]; e < train.userOffsets[u + 1]; ++e) {
                const std::string& id = r.data.items.id(train.userItems[e]);
                auto row = std::find(r.features.ids.begin(), r.features.ids.end(), id);
                if (row == r.features.ids.end() || train.userValues[e] < train.userMean[u])
                    continue;
                for (Eigen::Index f = 0; f < values.cols(); ++f)
                    mup[u][static_cast<std::size_t>(f)] +=
                        static_cast<double>(train.userValues[e]) * values(row - r.features.ids.begin(), f);
            }
        sim.assign(users, std::vector<double>(users, 0.0));
        for (std::size_t u = 0; u < users; ++u)
            for (std::size_t v = 0; v < users; ++v) {
                double dot = 0, nu = 0, nv = 0;
                for (std::size_t f = 0; f < mup[u].size(); ++f) {
                    dot += mup[u][f] * mup[v][f];
                    nu += mup[u][f] * mup[u][f];
                    nv += mup[v][f] * mup[v][f];
                }
                sim[u][v] = (nu > 0 && nv > 0) ? dot / std::sqrt(nu * nv) : 0.0;
            }
    }
    bool active(std::size_t u) const
    {
        for (double s : sim[u])
            if (s != 0)
                return true;
        return false;
    }
    // All other active users sorted by (sim desc, index asc).
    std::vector<std::size_t> ranking(std::size_t u) const
    {
        std::vector<std::size_t> order;
        for (std::size_t v = 0; v < sim.size(); ++v)
            if (v != u && active(v))
                order.push_back(v);
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return sim[u][a] > sim[u][b]; });
        return order;
    }
    // Formula 5 over the chosen neighbours; nullopt when the K-th and (K+1)-th
    // candidates tie within float noise (either choice would be right).
    std::optional<double> predict(const TrainingMatrix& train, std::size_t u, std::uint32_t i, int k, bool raters) const
    {
        if (!train.knowsUser(static_cast<std::uint32_t>(u)))
            return train.knowsItem(i) ? train.itemMean[i] : train.globalMean;
        std::vector<std::size_t> chosen;
        auto order = active(u) ? ranking(u) : std::vector<std::size_t>{};
        if (raters)
            std::erase_if(order, [&](std::size_t v) { return !train.rating(static_cast<std::uint32_t>(v), i); });
        const auto limit = static_cast<std::size_t>(k);
        if (order.size() > limit && std::fabs(sim[u][order[limit - 1]] - sim[u][order[limit]]) < 1e-5)
            return std::nullopt;
        for (std::size_t p = 0; p < order.size() && p < limit; ++p)
            if (train.rating(static_cast<std::uint32_t>(order[p]), i))
                chosen.push_back(order[p]);
        double num = 0, den = 0;
        for (std::size_t v : chosen) {
            num += sim[u][v] * (*train.rating(static_cast<std::uint32_t>(v), i) - train.userMean[v]);
            den += std::fabs(sim[u][v]);
        }
        return den > 0 ? train.userMean[u] + num / den : train.userMean[u];
    }
};

// Neighbour lists against the brute force: similarities at every position, and
// ids wherever the similarities around that position differ clearly (ties within
// float noise may swap).
void expectListsMatch(const BruteForce& brute, const NeighbourLists& lists, int kMax, std::size_t users)
{
    for (std::size_t u = 0; u < users; ++u) {
        const auto expected = brute.active(u) ? brute.ranking(u) : std::vector<std::size_t>{};
        const auto got = lists.of(u);
        ASSERT_EQ(got.size(), std::min<std::size_t>(expected.size(), static_cast<std::size_t>(kMax))) << "user " << u;
        for (std::size_t p = 0; p < got.size(); ++p) {
            EXPECT_NEAR(got[p].similarity, brute.sim[u][expected[p]], 1e-12);
            if (p + 1 < expected.size() && std::fabs(brute.sim[u][expected[p]] - brute.sim[u][expected[p + 1]]) > 1e-4 &&
                (p == 0 || std::fabs(brute.sim[u][expected[p]] - brute.sim[u][expected[p - 1]]) > 1e-4)) {
                EXPECT_EQ(got[p].user, expected[p]) << "user " << u << " position " << p;
            }
        }
    }
}

class CfBruteForce : public ::testing::TestWithParam<std::tuple<SimilarityRoute, Normalization, std::size_t>> {};

TEST_P(CfBruteForce, BlocksNeighboursAndPredictionsMatch)
{
    const auto [route, norm, blockBytes] = GetParam();
    for (std::uint64_t seed : {1u, 2u, 3u}) {
        const Random r = makeRandom(seed);
        const auto train = TrainingMatrix::build(r.data, r.split.train);
        const auto test = TestSet::build(r.data, r.split.test);
        const BruteForce brute(r, train, norm);
        const auto items = alignItemProfiles(r.features, r.data.items, norm);
        // A small budget also stops the item Gram route keeping H = W G, so each block recomputes it.
        auto engine =
            SimilarityEngine::fromItemProfiles(buildRelevance(train, items, RelevantRule{}), items, route, blockBytes);
        engine.setMaxBlockBytes(blockBytes);

        std::size_t blocks = 0, covered = 0;
        engine.forEachBlock([&](std::size_t first, const Eigen::MatrixXd& block) {
            ++blocks;
            covered += static_cast<std::size_t>(block.rows());
            for (Eigen::Index rr = 0; rr < block.rows(); ++rr)
                for (Eigen::Index v = 0; v < block.cols(); ++v)
                    ASSERT_NEAR(block(rr, v), brute.sim[first + static_cast<std::size_t>(rr)][static_cast<std::size_t>(v)], 1e-12)
                        << "seed " << seed << " users " << first + static_cast<std::size_t>(rr) << "," << v;
        });
        EXPECT_EQ(covered, train.users);
        if (blockBytes < 4096) {
            EXPECT_GT(blocks, 3u) << "small block budget must split the pass";
        }

        const int kMax = 25;
        const auto lists = computeNeighbours(engine, kMax);
        expectListsMatch(brute, lists, kMax, train.users);

        const std::vector<int> ks = {1, 3, 10, 25};
        const auto offline = predictOffline(train, lists, test, ks, {});
        const auto raters = predictRaters(train, engine, test, ks, {});
        std::size_t compared = 0;
        for (std::size_t k = 0; k < ks.size(); ++k)
            for (std::size_t t = 0; t < test.size(); ++t) {
                if (auto expected = brute.predict(train, test.users[t], test.items[t], ks[k], false)) {
                    EXPECT_NEAR(offline.perK[k].values[t], *expected, 1e-3) << "offline K=" << ks[k] << " test " << t;
                    ++compared;
                }
                if (auto expected = brute.predict(train, test.users[t], test.items[t], ks[k], true)) {
                    EXPECT_NEAR(raters.perK[k].values[t], *expected, 1e-3) << "raters K=" << ks[k] << " test " << t;
                    ++compared;
                }
            }
        // Ties at the boundary are rare: nearly every prediction is compared.
        EXPECT_GT(compared, 2 * ks.size() * test.size() * 9 / 10);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Routes, CfBruteForce,
    ::testing::Values(std::make_tuple(SimilarityRoute::Direct, Normalization::MinMax100, std::size_t(256) << 20),
                      std::make_tuple(SimilarityRoute::ItemGram, Normalization::MinMax100, std::size_t(256) << 20),
                      std::make_tuple(SimilarityRoute::Direct, Normalization::ZScore, std::size_t(1000)),
                      std::make_tuple(SimilarityRoute::ItemGram, Normalization::ZScore, std::size_t(1000)),
                      std::make_tuple(SimilarityRoute::ItemGram, Normalization::L2, std::size_t(600)),
                      std::make_tuple(SimilarityRoute::Auto, Normalization::None, std::size_t(2000))));

// The LibTorch route (GPU builds) on LibTorch's CPU kernels here, and on CUDA too
// where this LibTorch has it: small budgets force several W chunks and blocks.
TEST(CfDeviceRoute, NeighboursMatchBruteForce)
{
    std::vector<ComputeDevice> devices = {ComputeDevice::cpu()};
    if (visibleCudaDevices() > 0)
        devices.push_back(ComputeDevice::cuda());
    for (const auto& device : devices)
        for (std::size_t budget : {std::size_t(1) << 30, std::size_t(3000)})
            for (Normalization norm : {Normalization::MinMax100, Normalization::ZScore})
                for (std::uint64_t seed : {1u, 2u, 3u}) {
                    SCOPED_TRACE(device.str() + " budget " + std::to_string(budget) + " seed " + std::to_string(seed));
                    const Random r = makeRandom(seed);
                    const auto train = TrainingMatrix::build(r.data, r.split.train);
                    const BruteForce brute(r, train, norm);
                    const auto items = alignItemProfiles(r.features, r.data.items, norm);
                    DeviceNeighbourStats stats;
                    const auto lists = computeNeighboursOnDevice(buildRelevance(train, items, RelevantRule{}), items,
                                                                 25, device, JobContext::none(), &stats, budget);
                    if (budget < 4096) {
                        EXPECT_LT(stats.blockRows, train.users) << "a small budget must split the pass";
                    }
                    expectListsMatch(brute, lists, 25, train.users);
                }
}

TEST(CfDeviceRoute, RejectsUnknownAndUnavailableDevices)
{
    EXPECT_THROW(ComputeDevice::parse("tpu"), ConfigError);
    EXPECT_EQ(resolveComputeDevice(ComputeDevice::cpu()), ComputeDevice::cpu());
    if (visibleCudaDevices() == 0) {
        EXPECT_EQ(resolveComputeDevice(ComputeDevice::automatic()), ComputeDevice::cpu());
        EXPECT_THROW(resolveComputeDevice(ComputeDevice::cuda()), ConfigError);
    } else {
        EXPECT_EQ(resolveComputeDevice(ComputeDevice::automatic()), ComputeDevice::cuda());
        EXPECT_THROW(resolveComputeDevice(ComputeDevice::cuda(99)), ConfigError);
    }
}

TEST(CfBruteForceTopK, SelectTopKEqualsFullSortOnRandomRows)
{
    Rng rng(7);
    std::vector<Neighbour> out;
    std::vector<RankedCandidate> scratch;
    for (int trial = 0; trial < 200; ++trial) {
        const std::size_t n = 1 + rng.below(300);
        std::vector<float> sims(n);
        std::vector<char> active(n);
        for (std::size_t v = 0; v < n; ++v) {
            sims[v] = static_cast<float>(rng.below(20)) / 10.0f - 1.0f;  // many ties
            active[v] = rng.uniform() < 0.9;
        }
        const std::size_t self = rng.below(n);
        const int k = static_cast<int>(rng.below(40));
        selectTopK(sims.data(), n, self, active, k, out, scratch);
        std::vector<std::uint32_t> all;
        for (std::size_t v = 0; v < n; ++v)
            if (v != self && active[v])
                all.push_back(static_cast<std::uint32_t>(v));
        std::stable_sort(all.begin(), all.end(), [&](auto a, auto b) { return sims[a] > sims[b]; });
        all.resize(std::min<std::size_t>(all.size(), static_cast<std::size_t>(k)));
        ASSERT_EQ(out.size(), all.size());
        for (std::size_t p = 0; p < all.size(); ++p)
            ASSERT_EQ(out[p].user, all[p]) << "trial " << trial;
    }
}

}  // namespace
}  // namespace tl
