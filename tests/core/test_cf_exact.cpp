// Exact neighbour choice (docs/exact-neighbours.md) against a float64 brute
// force written here, where it is hard: all-positive profiles with 25,088
// columns whose top-K cosines sit within 1e-6 of each other, exact ties
// (identical profiles), all-zero profiles, and MovieLens-100K with genres;
// every route (direct, item Gram with and without kept H and split blocks, the
// LibTorch route on its CPU kernels), both neighbour modes and the rating-based
// k-NN baselines. Required: the brute force's neighbours in its order (rounded
// cosine, then user id), similarities within 1e-9 relative, predictions (and
// so RMSE) within 1e-6. Also the crowding statistics on a hand-computed case.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "core/cf/DeviceNeighbours.h"
#include "core/cf/Neighbours.h"
#include "core/cf/Prediction.h"
#include "core/cf/Profiles.h"
#include "core/common/Random.h"
#include "core/data/Items.h"
#include "core/eval/CfModel.h"
#include "core/eval/Crowding.h"
#include "core/eval/Evaluator.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

struct Case {
    Dataset data;
    Split split;
    FeatureMatrix features;
};

// The float64 brute force over explicit dense profile rows.
struct Exact {
    std::size_t users = 0;
    std::vector<double> sim;  // users x users
    std::vector<char> active;
    std::vector<std::vector<std::uint32_t>> rankings;  // per user, every other active user in rank order

    explicit Exact(const std::vector<std::vector<double>>& profiles)
    {
        users = profiles.size();
        std::vector<double> norm(users, 0.0);
        active.assign(users, 0);
        for (std::size_t u = 0; u < users; ++u) {
            for (double x : profiles[u])
                norm[u] += x * x;
            norm[u] = std::sqrt(norm[u]);
            active[u] = norm[u] > 0;
        }
        sim.assign(users * users, 0.0);
        for (std::size_t u = 0; u < users; ++u)
            for (std::size_t v = u; v < users; ++v) {
                if (!active[u] || !active[v])
                    continue;
                double dot = 0;
                for (std::size_t f = 0; f < profiles[u].size(); ++f)
                    dot += profiles[u][f] * profiles[v][f];
                sim[u * users + v] = sim[v * users + u] = dot / (norm[u] * norm[v]);
            }
        for (std::size_t u = 0; u < users; ++u)
            rankings.push_back(rank(u));
    }
    double at(std::size_t u, std::size_t v) const { return sim[u * users + v]; }
    std::int64_t key(std::size_t u, std::size_t v) const { return std::llround(at(u, v) * 1e12); }
    // A key that another float64 evaluation order could round the other way.
    bool fragile(std::size_t u, std::size_t v) const
    {
        const double x = at(u, v) * 1e12;
        return std::fabs(x - std::floor(x) - 0.5) < 0.05;
    }
    const std::vector<std::uint32_t>& ranking(std::size_t u) const { return rankings[u]; }
    // Every other active user, by (llround(s * 1e12) desc, id asc).
    std::vector<std::uint32_t> rank(std::size_t u) const
    {
        std::vector<std::uint32_t> order;
        if (!active[u])
            return order;
        for (std::size_t v = 0; v < users; ++v)
            if (v != u && active[v])
                order.push_back(static_cast<std::uint32_t>(v));
        std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
            return ranksBefore(key(u, a), a, key(u, b), b);
        });
        return order;
    }
    // Formula 5 over the first k of the ranking (raters: among those who rated i).
    double predict(const TrainingMatrix& train, std::uint32_t u, std::uint32_t i, int k, bool raters) const
    {
        if (!train.knowsUser(u))
            return train.knowsItem(i) ? train.itemMean[i] : train.globalMean;
        static const std::vector<std::uint32_t> none;
        const auto& order = u < users ? ranking(u) : none;
        double num = 0, den = 0;
        int taken = 0;
        for (std::size_t p = 0; p < order.size() && taken < k; ++p) {
            const auto r = train.rating(order[p], i);
            if (r || !raters)
                ++taken;  // raters: the K nearest among those who rated i
            if (r) {
                num += at(u, order[p]) * (*r - train.userMean[order[p]]);
                den += std::fabs(at(u, order[p]));
            }
        }
        return den > 0 ? train.userMean[u] + num / den : train.userMean[u];
    }
};

// MUP(u) in float64 from the training ratings >= the user's mean and the normalised features.
std::vector<std::vector<double>> exactProfiles(const Case& c, const TrainingMatrix& train, Normalization norm)
{
    RowMatrixF values = c.features.values;
    normalizeFeatures(values, norm);
    std::vector<std::int64_t> rowOf(c.data.items.size(), -1);
    for (std::size_t r = 0; r < c.features.ids.size(); ++r)
        if (auto item = c.data.items.find(c.features.ids[r]))
            rowOf[*item] = static_cast<std::int64_t>(r);
    std::vector<std::vector<double>> mup(train.users, std::vector<double>(static_cast<std::size_t>(values.cols()), 0.0));
    for (std::size_t u = 0; u < train.users; ++u)
        for (std::size_t e = train.userOffsets[u]; e < train.userOffsets[u + 1]; ++e) {
            const std::int64_t row = rowOf[train.userItems[e]];
            if (row < 0 || train.userValues[e] < train.userMean[u])
                continue;
            for (Eigen::Index f = 0; f < values.cols(); ++f)
                mup[u][static_cast<std::size_t>(f)] += static_cast<double>(train.userValues[e]) * values(row, f);
        }
    return mup;
}

// Lists equal the brute force's ranking; similarities within 1e-9 relative.
// Returns the number of users compared with a non-empty list.
std::size_t expectExactLists(const Exact& exact, const NeighbourLists& lists, int kMax, const std::string& label)
{
    std::size_t compared = 0;
    for (std::size_t u = 0; u < exact.users; ++u) {
        const auto& expected = exact.ranking(u);
        const auto got = lists.of(u);
        EXPECT_EQ(got.size(), std::min<std::size_t>(expected.size(), static_cast<std::size_t>(kMax)))
            << label << " user " << u;
        if (got.size() > expected.size())
            continue;
        compared += !got.empty();
        for (std::size_t p = 0; p < got.size(); ++p) {
            if (got[p].user != expected[p]) {
                // Only a key that sits on a rounding boundary may go either way.
                EXPECT_TRUE(exact.fragile(u, got[p].user) || exact.fragile(u, expected[p]))
                    << label << " user " << u << " position " << p << ": got " << got[p].user << " (s = "
                    << exact.at(u, got[p].user) << "), expected " << expected[p] << " (s = " << exact.at(u, expected[p])
                    << ")";
                break;
            }
            const double want = exact.at(u, expected[p]);
            EXPECT_LE(std::fabs(got[p].similarity - want), 1e-9 * std::max(std::fabs(want), 1e-300))
                << label << " user " << u << " position " << p;
        }
    }
    return compared;
}

void expectExactPredictions(const Exact& exact, const TrainingMatrix& train, const TestSet& test,
                            const std::vector<int>& ks, const SweepPredictions& sweep, bool raters,
                            const std::string& label)
{
    for (std::size_t k = 0; k < ks.size(); ++k) {
        double se = 0, seBrute = 0;
        for (std::size_t t = 0; t < test.size(); ++t) {
            const double want = exact.predict(train, test.users[t], test.items[t], ks[k], raters);
            const double got = sweep.perK[k].values[t];
            ASSERT_NEAR(got, want, 1e-6) << label << (raters ? " raters" : " offline") << " K=" << ks[k] << " test " << t;
            se += (got - test.ratings[t]) * (got - test.ratings[t]);
            seBrute += (want - test.ratings[t]) * (want - test.ratings[t]);
        }
        const double n = static_cast<double>(test.size());
        EXPECT_NEAR(std::sqrt(se / n), std::sqrt(seBrute / n), 1e-6) << label << " RMSE at K=" << ks[k];
    }
}

// Every route and both modes against the brute force on one case; `splits` adds the
// small budgets that split the passes into many blocks (and recompute H).
void checkEveryRoute(const Case& c, Normalization norm, int kMax, const std::vector<int>& ks, bool splits = true)
{
    const auto train = TrainingMatrix::build(c.data, c.split.train);
    const auto test = TestSet::build(c.data, c.split.test);
    const Exact exact(exactProfiles(c, train, norm));
    const auto items = alignItemProfiles(c.features, c.data.items, norm);
    const auto w = buildRelevance(train, items, RelevantRule{});
    struct Setup {
        const char* name;
        SimilarityRoute route;
        std::size_t keepBytes, blockBytes;
        bool split;
    };
    for (const Setup& s : {Setup{"direct", SimilarityRoute::Direct, SimilarityEngine::kDefaultKeepBytes, 512u << 20, false},
                           Setup{"direct, split blocks", SimilarityRoute::Direct, SimilarityEngine::kDefaultKeepBytes, 5000, true},
                           Setup{"item Gram", SimilarityRoute::ItemGram, SimilarityEngine::kDefaultKeepBytes, 512u << 20, false},
                           Setup{"item Gram, H recomputed, split blocks", SimilarityRoute::ItemGram, 3000, 5000, true}}) {
        if (s.split && !splits)
            continue;
        SCOPED_TRACE(s.name);
        auto engine = SimilarityEngine::fromItemProfiles(w, items, s.route, s.keepBytes);
        engine.setMaxBlockBytes(s.blockBytes);
        ASSERT_EQ(engine.route(), s.route);
        const auto lists = computeNeighbours(engine, kMax);
        EXPECT_GT(expectExactLists(exact, lists, kMax, s.name), 0u);
        expectExactPredictions(exact, train, test, ks, predictOffline(train, lists, test, ks, {}), false, s.name);
        expectExactPredictions(exact, train, test, ks, predictRaters(train, engine, test, ks, {}), true, s.name);
    }
    for (std::size_t budget : {std::size_t(1) << 30, std::size_t(20000)}) {
        if (budget < (std::size_t(1) << 30) && !splits)
            continue;
        const std::string label = "LibTorch cpu, budget " + std::to_string(budget);
        DeviceNeighbourStats stats;
        const auto lists = computeNeighboursOnDevice(w, items, kMax, ComputeDevice::cpu(), JobContext::none(), &stats, budget);
        if (budget < 100000) {
            EXPECT_LT(stats.blockRows, train.users) << "a small budget must split the pass";
        }
        expectExactLists(exact, lists, kMax, label);
        expectExactPredictions(exact, train, test, ks, predictOffline(train, lists, test, ks, {}), false, label);
    }
}

// All-positive item profiles m_i = b (1 + 1e-3 g_i) (b and g uniform) with 25,088
// columns: every user profile points almost along b, so the cosines crowd within
// ~1e-6 of 1. Users 0..4 rate only unprofiled items (all-zero profiles).
Case makeCrowded(std::uint64_t seed)
{
    Case c;
    Rng rng(seed);
    const int users = 120, items = 40, profiled = 34, dims = 25088;
    for (int i = 0; i < items; ++i)
        c.data.items.intern("m" + std::to_string(i));
    for (int u = 0; u < users; ++u) {
        c.data.users.intern("u" + std::to_string(u));
        for (int n = 0; n < 8; ++n) {
            const int item = u < 5 ? profiled + static_cast<int>(rng.below(items - profiled))
                                   : static_cast<int>(rng.below(items));
            c.data.ratings.push_back({static_cast<std::uint32_t>(u), static_cast<std::uint32_t>(item),
                                      static_cast<float>(1 + rng.below(5)), 0});
        }
    }
    // Duplicate (user, item) pairs are harmless here: the training matrix keeps one.
    std::sort(c.data.ratings.begin(), c.data.ratings.end(),
              [](const Rating& a, const Rating& b) { return a.user != b.user ? a.user < b.user : a.item < b.item; });
    c.data.ratings.erase(std::unique(c.data.ratings.begin(), c.data.ratings.end(),
                                     [](const Rating& a, const Rating& b) { return a.user == b.user && a.item == b.item; }),
                         c.data.ratings.end());
    c.split = randomHoldout(c.data, 0.2, seed);
    std::vector<double> base(dims);
    for (auto& b : base)
        b = 1 + rng.uniform();
    c.features.values.resize(profiled, dims);
    for (int i = 0; i < profiled; ++i) {
        c.features.ids.push_back("m" + std::to_string(i));
        for (int f = 0; f < dims; ++f)
            c.features.values(i, f) = static_cast<float>(base[static_cast<std::size_t>(f)] * (1 + 1e-3 * rng.uniform()));
    }
    return c;
}

TEST(CfExact, CrowdedAllPositive25088ColumnsIsHardForFloat32)
{
    const Case c = makeCrowded(11);
    const auto train = TrainingMatrix::build(c.data, c.split.train);
    const Exact exact(exactProfiles(c, train, Normalization::None));
    // The case is as crowded as intended: the 10th neighbour's spread is tiny and
    // the top 10 sit within 1e-6 of each other for most users.
    std::size_t within = 0, activeUsers = 0;
    for (std::size_t u = 0; u < exact.users; ++u) {
        const auto order = exact.ranking(u);
        if (order.size() < 10)
            continue;
        ++activeUsers;
        within += exact.at(u, order[0]) - exact.at(u, order[9]) < 1e-6;
    }
    EXPECT_GT(within, activeUsers / 2);
    // float32 (the old engine's precision) picks other neighbours here.
    const auto items = alignItemProfiles(c.features, c.data.items, Normalization::None);
    const auto w = buildRelevance(train, items, RelevantRule{});
    const auto lists32 = computeNeighbours(Float32SimilarityEngine::fromItemProfiles(w, items, SimilarityRoute::ItemGram), 10);
    std::size_t differ = 0;
    for (std::size_t u = 0; u < exact.users; ++u) {
        auto expected = exact.ranking(u);
        expected.resize(std::min<std::size_t>(expected.size(), 10));
        std::vector<std::uint32_t> got;
        for (const auto& n : lists32.of(u))
            got.push_back(n.user);
        differ += got != expected;
    }
    EXPECT_GT(differ, exact.users / 4) << "float32 should get this case wrong";
}

TEST(CfExact, CrowdedAllPositive25088ColumnsEveryRoute)
{
    const Case c = makeCrowded(11);
    // Raw is the crowded one (min-max rescales each column to [0, 100] and spreads the
    // cosines); the split-block budgets run on it only, to keep this test fast.
    for (Normalization norm : {Normalization::None, Normalization::MinMax100}) {
        SCOPED_TRACE(toString(norm));
        checkEveryRoute(c, norm, 21, {1, 5, 10, 20}, /*splits=*/norm == Normalization::None);
    }
}

// Exact ties: groups of users with identical relevant items (and so identical or
// proportional profiles, mathematically equal cosines), plus users without any
// profiled relevant item.
Case makeTies(std::uint64_t seed)
{
    Case c;
    Rng rng(seed);
    const int items = 12, dims = 6;
    for (int i = 0; i < items; ++i)
        c.data.items.intern("m" + std::to_string(i));
    int u = 0;
    auto addUser = [&](const std::vector<std::pair<int, float>>& ratings) {
        c.data.users.intern("u" + std::to_string(u));
        for (auto [item, r] : ratings)
            c.data.ratings.push_back({static_cast<std::uint32_t>(u), static_cast<std::uint32_t>(item), r, 0});
        ++u;
    };
    for (int group = 0; group < 8; ++group) {
        const int a = static_cast<int>(rng.below(10)), b = (a + 1 + static_cast<int>(rng.below(9))) % 10;
        for (int member = 0; member < 6; ++member) {
            const float scale = static_cast<float>(1 + member % 3);  // proportional profiles
            // 10, 11 have no profile: test targets, and u's mean stays below a and b.
            addUser({{a, 2 + scale}, {b, 2 + scale}, {10, 1}, {11, 1}});
        }
    }
    for (int extra = 0; extra < 4; ++extra)
        addUser({{10, 4}, {11, 2}});  // nothing profiled: all-zero profile
    c.split.train.resize(c.data.ratings.size());
    std::iota(c.split.train.begin(), c.split.train.end(), 0);
    // Test: every user on item 10 and 11 (copies of training ratings are fine here).
    for (std::size_t r = 0; r < c.data.ratings.size(); ++r)
        if (c.data.ratings[r].item >= 10)
            c.split.test.push_back(r);
    c.features.values.resize(10, dims);
    for (int i = 0; i < 10; ++i) {
        c.features.ids.push_back("m" + std::to_string(i));
        for (int f = 0; f < dims; ++f)
            c.features.values(i, f) = static_cast<float>(rng.uniform());
    }
    return c;
}

TEST(CfExact, ExactTiesGoToTheSmallerUserId)
{
    const Case c = makeTies(5);
    for (Normalization norm : {Normalization::None, Normalization::MinMax100}) {
        SCOPED_TRACE(toString(norm));
        checkEveryRoute(c, norm, 15, {1, 3, 5, 14});
    }
    // Spelled out: user 0's five group mates (users 1..5) have cosine 1 with it and
    // come first, in id order; the profile-less users 48..51 appear nowhere.
    const auto train = TrainingMatrix::build(c.data, c.split.train);
    const auto items = alignItemProfiles(c.features, c.data.items, Normalization::None);
    const auto lists = computeNeighbours(SimilarityEngine::fromItemProfiles(buildRelevance(train, items, RelevantRule{}), items), 15);
    const auto first = lists.of(0, 5);
    ASSERT_EQ(first.size(), 5u);
    for (std::uint32_t p = 0; p < 5; ++p) {
        EXPECT_EQ(first[p].user, p + 1);
        EXPECT_NEAR(first[p].similarity, 1.0, 1e-12);
    }
    for (std::size_t u = 0; u < lists.users(); ++u)
        for (const auto& n : lists.of(u))
            EXPECT_LT(n.user, 48u) << "a user with an all-zero profile is nobody's neighbour";
    for (std::size_t u = 48; u < 52; ++u)
        EXPECT_TRUE(lists.of(u).empty());
}

// Rating-based k-NN baselines (cosine and Pearson over rating rows) through the
// evaluation runner against the brute force on the same rows.
TEST(CfExact, RatingKnnBaselinesMatchBruteForce)
{
    const Case c = makeTies(9);
    const auto train = TrainingMatrix::build(c.data, c.split.train);
    const auto test = TestSet::build(c.data, c.split.test);
    EvalSettings settings;
    settings.ks = {1, 3, 5, 14};
    settings.baselines = true;
    for (NeighbourMode mode : {NeighbourMode::Offline, NeighbourMode::Raters}) {
        settings.mode = mode;
        const SplitResult result = evaluateSplit(c.data, c.split, {}, settings);
        for (bool pearson : {false, true}) {
            std::vector<std::vector<double>> rows(train.users, std::vector<double>(train.items, 0.0));
            for (std::size_t u = 0; u < train.users; ++u)
                for (std::size_t e = train.userOffsets[u]; e < train.userOffsets[u + 1]; ++e)
                    rows[u][train.userItems[e]] = train.userValues[e] - (pearson ? train.userMean[u] : 0.0);
            const Exact exact(rows);
            const std::string method = pearson ? "user-knn-pearson" : "user-knn-cosine";
            for (int k : settings.ks) {
                double se = 0;
                for (std::size_t t = 0; t < test.size(); ++t) {
                    const double p = exact.predict(train, test.users[t], test.items[t], k, mode == NeighbourMode::Raters);
                    se += (p - test.ratings[t]) * (p - test.ratings[t]);
                }
                const double rmse = std::sqrt(se / static_cast<double>(test.size()));
                const auto row = std::find_if(result.rows.begin(), result.rows.end(),
                                              [&](const ResultRow& r) { return r.method == method && r.k == k; });
                ASSERT_NE(row, result.rows.end());
                EXPECT_NEAR(row->metrics.rmse, rmse, 1e-6) << method << " " << toString(mode) << " K=" << k;
            }
        }
    }
}

// Real data: MovieLens-100K u1.base / u1.test with one-hot genres from u.item,
// raw and min-max (exact ties abound: users whose relevant films share genres).
TEST(CfExact, MovieLens100kGenresEveryRoute)
{
    TL_REQUIRE_SHARED(dir, "data/ml-100k");
    Case c;
    readRatings(dir / "u1.base", c.data);
    const std::size_t trainCount = c.data.ratings.size();
    readRatings(dir / "u1.test", c.data);
    c.split = explicitSplit(c.data, trainCount);
    c.features = genreFeatures(readItems(dir / "u.item"));
    // Every fourth test rating keeps the brute-force predictions within seconds.
    std::vector<std::size_t> some;
    for (std::size_t t = 0; t < c.split.test.size(); t += 4)
        some.push_back(c.split.test[t]);
    c.split.test = some;
    for (Normalization norm : {Normalization::None, Normalization::MinMax100}) {
        SCOPED_TRACE(toString(norm));
        checkEveryRoute(c, norm, 31, {10, 30}, /*splits=*/false);
    }
}

// Crowding statistics on a hand-computed case: 4 users, K = 1 and 2.
//   user 0: 0.9, 0.8, 0.7999995   user 1: 0.99, 0.98, 0.5
//   user 2: 0.5, 0.5 (exact tie)  user 3: no neighbours (all-zero profile)
// K = 1: spreads 0.1, 0.01, 0.5 -> median 0.1; gaps 0.1, 0.01, 0 -> 1 of 3 below 1e-6.
// K = 2: spreads 0.2, 0.02, 0.5 -> median 0.2; gaps (users with a 3rd) 5e-7, 0.48 -> 1 of 2.
TEST(CfCrowding, HandComputedCase)
{
    NeighbourLists lists(4, 3);
    lists.set(0, {{1, 0.9}, {2, 0.8}, {3, 0.7999995}});
    lists.set(1, {{0, 0.99}, {2, 0.98}, {3, 0.5}});
    lists.set(2, {{0, 0.5}, {1, 0.5}});
    const auto stats = crowdingStats(lists, {1, 2, 3});
    ASSERT_EQ(stats.size(), 3u);
    EXPECT_EQ(stats[0].spreadUsers, 3u);
    EXPECT_NEAR(stats[0].medianSpread, 0.1, 1e-12);
    EXPECT_EQ(stats[0].gapUsers, 3u);
    EXPECT_NEAR(stats[0].nearTieShare, 1.0 / 3.0, 1e-12);
    EXPECT_TRUE(stats[0].severe());
    EXPECT_EQ(stats[1].spreadUsers, 3u);
    EXPECT_NEAR(stats[1].medianSpread, 0.2, 1e-12);
    EXPECT_EQ(stats[1].gapUsers, 2u);
    EXPECT_NEAR(stats[1].nearTieShare, 0.5, 1e-12);
    // K = 3: spreads 1 - 0.7999995 and 0.5 -> median (0.2000005 + 0.5) / 2; no 4th neighbour.
    EXPECT_EQ(stats[2].spreadUsers, 2u);
    EXPECT_NEAR(stats[2].medianSpread, (0.2000005 + 0.5) / 2, 1e-12);
    EXPECT_EQ(stats[2].gapUsers, 0u);
    EXPECT_TRUE(std::isnan(stats[2].nearTieShare));
    EXPECT_FALSE(stats[2].severe());

    NeighbourLists spread(2, 2);
    spread.set(0, {{1, 0.5}});
    spread.set(1, {{0, 0.5}});
    EXPECT_FALSE(crowdingStats(spread, {1})[0].severe());
    const std::string table = crowdingTable({{"video", stats[0]}, {"video", stats[2]}});
    EXPECT_NE(table.find("1.000e-01"), std::string::npos) << table;
    EXPECT_NE(table.find("33.3 %"), std::string::npos) << table;
    EXPECT_NE(table.find("hint (video): "), std::string::npos) << table;
    EXPECT_EQ(crowdingTable({{"genre", crowdingStats(spread, {1})[0]}}).find("hint"), std::string::npos);
}

// The workbench's similarity row (its histogram) equals the brute force, and its
// K-th largest is the K-th neighbour's similarity.
TEST(CfExact, ModelSimilarityRowMatchesBruteForce)
{
    const Case c = makeCrowded(3);
    CfModelSettings settings;
    settings.kMax = 10;
    settings.ks = {10};
    settings.normalization = Normalization::None;
    const auto model = CfModel::build(c.data, c.split, c.features, settings);
    const Exact exact(exactProfiles(c, model->train(), Normalization::None));
    for (std::uint32_t u : {0u, 7u, 50u}) {
        const auto row = model->similarityRow(u);
        ASSERT_EQ(row.size(), exact.users);
        for (std::size_t v = 0; v < exact.users; ++v) {
            if (v == u || !exact.active[u] || !exact.active[v]) {
                EXPECT_TRUE(std::isnan(row[v])) << u << "," << v;
                continue;
            }
            EXPECT_LE(std::fabs(row[v] - exact.at(u, v)), 1e-9 * std::fabs(exact.at(u, v))) << u << "," << v;
        }
        if (exact.active[u]) {
            const auto n = model->neighbours(u, 10);
            ASSERT_EQ(n.size(), 10u);
            EXPECT_EQ(n.back().first.user, exact.ranking(u)[9]);
        }
    }
}

TEST(CfCrowding, HistogramBinsHandComputed)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    // [0.5, 1.0] in 5 bins of 0.1: 0.5, 0.55 | 0.62 | - | 0.8 | 0.95, 1.0 (max in the last bin).
    const Histogram h = histogram({0.5, 0.55, 0.62, nan, 0.8, 0.95, 1.0}, 5);
    ASSERT_EQ(h.counts.size(), 5u);
    EXPECT_DOUBLE_EQ(h.low, 0.5);
    EXPECT_DOUBLE_EQ(h.high, 1.0);
    EXPECT_EQ(h.counts, (std::vector<std::size_t>{2, 1, 0, 1, 2}));
    EXPECT_EQ(histogram({0.7, 0.7}, 5).counts, (std::vector<std::size_t>{2}));
    EXPECT_TRUE(histogram({nan}, 5).counts.empty());
}

}  // namespace
}  // namespace tl
