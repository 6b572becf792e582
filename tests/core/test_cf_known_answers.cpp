// Hand-computed known answers for formulas 3-6 on a tiny data set.
//
// Item features (normalisation "none"): i1 = (1,0), i2 = (0,1), i3 = (1,1);
// i5 has no profile (no trailer); i4 appears only in the test set.
// Train ratings and means:            relevant(u) (>= mean)   MUP (formula 3)
//   u1: i1=5 i2=1            mean 3    i1                     (5,0)
//   u2: i1=4 i3=2            mean 3    i1                     (4,0)
//   u3: i2=5 i3=3            mean 4    i2                     (0,5)
//   u4: i1=3 i2=4 i3=4 i5=5  mean 4    i2 i3 (i5 unprofiled)  (4,8)
// Cosines (formula 4): s12 = 1, s14 = s24 = 4/sqrt(80) = 0.4472136,
// s34 = 8/sqrt(80) = 0.8944272, s13 = s23 = 0.
// Offline lists: u1: u2, u4, u3   u3: u4, u1, u2 (tie on 0 -> lower index).
// Tests (truth): a (u1,i3)=2  b (u1,i5)=5  c (u3,i1)=4  d (u5,i1)=3
//                e (u2,i4)=4  f (u5,i4)=2   (u5 unknown, i4 unknown)
// Offline K=1: a = 3 + 1*(2-3)/1 = 2; b: u2 did not rate i5 -> mean(u1) = 3;
//   c = 4 + 0.894*(3-4)/0.894 = 3; d: unknown user -> item mean (5+4+3)/3 = 4;
//   e: no neighbour rated i4 -> mean(u2) = 3; f -> global mean 36/10 = 3.6.
// Offline K=2: a = 3 - 1/1.4472136 = 2.3090170; b = 3 + 0.447*(5-4)/0.447 = 4.
// Raters K=1: b uses u4, the only rater of i5 -> 4.
#include <gtest/gtest.h>

#include <cmath>

#include "core/cf/Baselines.h"
#include "core/cf/Neighbours.h"
#include "core/cf/Prediction.h"
#include "core/cf/Profiles.h"
#include "core/eval/Evaluator.h"
#include "core/eval/Metrics.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

struct Tiny {
    Dataset data;
    Split split;
    FeatureMatrix features;
};

Tiny makeTiny()
{
    Tiny t;
    auto add = [&](const char* u, const char* i, float r) {
        t.data.ratings.push_back({t.data.users.intern(u), t.data.items.intern(i), r, 0});
    };
    const std::size_t trainCount = test::addTinyRatings(t.data);
    add("u3", "i1", 4), add("u5", "i1", 3), add("u2", "i4", 4), add("u5", "i4", 2);
    t.split = explicitSplit(t.data, trainCount);
    t.features.ids = {"i1", "i2", "i3"};
    t.features.values.resize(3, 2);
    t.features.values << 1, 0, 0, 1, 1, 1;
    return t;
}

TEST(CfKnownAnswers, UserProfilesFollowFormula3)
{
    Tiny t = makeTiny();
    const auto train = TrainingMatrix::build(t.data, t.split.train);
    const auto items = alignItemProfiles(t.features, t.data.items, Normalization::None);
    EXPECT_EQ(items.withProfile(), 3u);
    EXPECT_EQ(items.withoutProfile(), 2u);  // i5 and i4
    const auto w = buildRelevance(train, items, RelevantRule{});
    const RowMatrixF mup = buildUserProfiles(w, items);
    const float expected[5][2] = {{5, 0}, {4, 0}, {0, 5}, {4, 8}, {0, 0}};
    for (int u = 0; u < 5; ++u)
        for (int f = 0; f < 2; ++f)
            EXPECT_FLOAT_EQ(mup(u, f), expected[u][f]) << "user " << u << " feature " << f;
    // relevant = all: u1 = 5*(1,0) + 1*(0,1)
    const auto wAll = buildRelevance(train, items, parseRelevantRule("all"));
    EXPECT_FLOAT_EQ(buildUserProfiles(wAll, items)(0, 1), 1.0f);
    // threshold:4.5 keeps only ratings >= 4.5: u4 has none with a profile
    const auto wHigh = buildRelevance(train, items, parseRelevantRule("threshold:4.5"));
    EXPECT_FLOAT_EQ(buildUserProfiles(wHigh, items).row(3).norm(), 0.0f);
}

TEST(CfKnownAnswers, CosineSimilarityBothRoutes)
{
    Tiny t = makeTiny();
    const auto train = TrainingMatrix::build(t.data, t.split.train);
    const auto items = alignItemProfiles(t.features, t.data.items, Normalization::None);
    const auto w = buildRelevance(train, items, RelevantRule{});
    for (auto route : {SimilarityRoute::Direct, SimilarityRoute::ItemGram}) {
        const auto engine = SimilarityEngine::fromItemProfiles(w, items, route);
        ASSERT_EQ(engine.route(), route);
        Eigen::MatrixXd all(5, 5);
        engine.forEachBlock([&](std::size_t first, const Eigen::MatrixXd& block) {
            all.middleRows(static_cast<Eigen::Index>(first), block.rows()) = block;
        });
        // float64 similarities: exact to the last few bits.
        EXPECT_NEAR(all(0, 1), 1.0, 1e-14);
        EXPECT_NEAR(all(0, 3), 4 / std::sqrt(80.0), 1e-14);
        EXPECT_NEAR(all(2, 3), 8 / std::sqrt(80.0), 1e-14);
        EXPECT_NEAR(all(0, 2), 0.0, 1e-14);
        EXPECT_FALSE(engine.isActive(4));  // u5 has no training ratings
        EXPECT_TRUE(engine.isActive(3));
    }
}

TEST(CfKnownAnswers, OfflineNeighbourListsBreakTiesByUserIndex)
{
    Tiny t = makeTiny();
    const auto train = TrainingMatrix::build(t.data, t.split.train);
    const auto items = alignItemProfiles(t.features, t.data.items, Normalization::None);
    const auto engine = SimilarityEngine::fromItemProfiles(buildRelevance(train, items, RelevantRule{}), items);
    const auto lists = computeNeighbours(engine, 3);
    auto ids = [&](std::size_t u) {
        std::vector<std::uint32_t> out;
        for (const auto& n : lists.of(u))
            out.push_back(n.user);
        return out;
    };
    EXPECT_EQ(ids(0), (std::vector<std::uint32_t>{1, 3, 2}));
    EXPECT_EQ(ids(2), (std::vector<std::uint32_t>{3, 0, 1}));
    EXPECT_EQ(ids(3), (std::vector<std::uint32_t>{2, 0, 1}));
    EXPECT_TRUE(ids(4).empty());
    EXPECT_EQ(lists.of(0, 1).size(), 1u);
}

TEST(CfKnownAnswers, PredictionsAndFallbacksOfflineAndRaters)
{
    Tiny t = makeTiny();
    const auto train = TrainingMatrix::build(t.data, t.split.train);
    const auto test = TestSet::build(t.data, t.split.test);
    const auto items = alignItemProfiles(t.features, t.data.items, Normalization::None);
    const auto engine = SimilarityEngine::fromItemProfiles(buildRelevance(train, items, RelevantRule{}), items);
    const std::vector<int> ks = {1, 2};
    const auto offline = predictOffline(train, computeNeighbours(engine, 2), test, ks, {});
    const auto raters = predictRaters(train, engine, test, ks, {});
    using S = PredictionSource;
    const std::vector<float> off1 = {2.0f, 3.0f, 3.0f, 4.0f, 3.0f, 3.6f};
    const std::vector<float> off2 = {2.3090170f, 4.0f, 3.0f, 4.0f, 3.0f, 3.6f};
    const std::vector<float> rat1 = {2.0f, 4.0f, 3.0f, 4.0f, 3.0f, 3.6f};
    const std::vector<S> offSources1 = {S::Neighbours, S::UserMean, S::Neighbours, S::ItemMean, S::UserMean, S::GlobalMean};
    for (std::size_t k = 0; k < 6; ++k) {
        EXPECT_NEAR(offline.perK[0].values[k], off1[k], 1e-5) << "offline K=1 test " << k;
        EXPECT_NEAR(offline.perK[1].values[k], off2[k], 1e-5) << "offline K=2 test " << k;
        EXPECT_NEAR(raters.perK[0].values[k], rat1[k], 1e-5) << "raters K=1 test " << k;
        EXPECT_NEAR(raters.perK[1].values[k], off2[k], 1e-5) << "raters K=2 test " << k;
        EXPECT_EQ(offline.perK[0].sources[k], offSources1[k]) << "test " << k;
    }
    EXPECT_EQ(raters.perK[0].sources[1], S::Neighbours);

    const Metrics m1 = computeMetrics(test, offline.perK[0]);
    EXPECT_NEAR(m1.rmse, 1.262273082, 1e-6);
    EXPECT_NEAR(m1.mae, 1.1, 1e-6);
    EXPECT_NEAR(m1.fromNeighbours, 2.0 / 6.0, 1e-12);
    EXPECT_EQ(m1.userMeanFallbacks, 2u);
    EXPECT_EQ(m1.itemMeanFallbacks, 1u);
    EXPECT_EQ(m1.globalMeanFallbacks, 1u);
    EXPECT_NEAR(computeMetrics(test, offline.perK[1]).rmse, 1.053208709, 1e-6);
    EXPECT_NEAR(computeMetrics(test, raters.perK[0]).rmse, 1.045625809, 1e-6);

    // Clipping: the same predictions clipped to [3.5, 5] (a made-up scale).
    const auto clipped = predictOffline(train, computeNeighbours(engine, 2), test, ks, {true, {3.5f, 5.0f}});
    EXPECT_FLOAT_EQ(clipped.perK[0].values[0], 3.5f);
    EXPECT_FLOAT_EQ(clipped.perK[0].values[3], 4.0f);
}

TEST(CfKnownAnswers, BaselinesOnTheTinySet)
{
    Tiny t = makeTiny();
    const auto train = TrainingMatrix::build(t.data, t.split.train);
    const auto test = TestSet::build(t.data, t.split.test);
    const auto global = predictBaseline(Baseline::GlobalMean, train, test, {});
    const auto user = predictBaseline(Baseline::UserMean, train, test, {});
    const auto item = predictBaseline(Baseline::ItemMean, train, test, {});
    for (float v : global.values)
        EXPECT_FLOAT_EQ(v, 3.6f);
    EXPECT_FLOAT_EQ(user.values[0], 3.0f);   // mean(u1)
    EXPECT_FLOAT_EQ(user.values[2], 4.0f);   // mean(u3)
    EXPECT_FLOAT_EQ(user.values[3], 3.6f);   // u5 unknown -> global
    EXPECT_FLOAT_EQ(item.values[0], 3.0f);   // mean(i3) = (2+3+4)/3
    EXPECT_FLOAT_EQ(item.values[1], 5.0f);   // mean(i5)
    EXPECT_FLOAT_EQ(item.values[4], 3.6f);   // i4 unknown -> global
    // Bias with no regularisation and many epochs fits the training set's
    // additive structure; with huge regularisation it collapses to the global mean.
    const auto flat = predictBaseline(Baseline::Bias, train, test, {}, BiasOptions{1e9, 1e9, 10});
    for (float v : flat.values)
        EXPECT_NEAR(v, 3.6f, 1e-5);
}

TEST(CfKnownAnswers, RankingMetricsByHand)
{
    // One user, four test items: truths 5, 2, 4, 1; predictions rank them 2nd, 1st, 3rd, 4th.
    TestSet test;
    test.users = {0, 0, 0, 0};
    test.items = {0, 1, 2, 3};
    test.ratings = {5, 2, 4, 1};
    Predictions p;
    p.values = {4.0f, 4.5f, 3.0f, 1.0f};
    p.sources.assign(4, PredictionSource::Model);
    const Metrics m = computeMetrics(test, p, {2, 4.0});
    // Top 2 = items 1 (irrelevant), 0 (relevant): precision 1/2, recall 1/2,
    // DCG = 1/log2(3), IDCG = 1 + 1/log2(3).
    EXPECT_NEAR(m.precision, 0.5, 1e-12);
    EXPECT_NEAR(m.recall, 0.5, 1e-12);
    EXPECT_NEAR(m.ndcg, (1 / std::log2(3.0)) / (1 + 1 / std::log2(3.0)), 1e-12);
    EXPECT_EQ(m.rankedUsers, 1u);
}

TEST(CfKnownAnswers, NormalisationModes)
{
    RowMatrixF m(3, 2);
    m << 1, 5, 3, 5, 5, 5;
    RowMatrixF minmax = m;
    normalizeFeatures(minmax, Normalization::MinMax100);
    EXPECT_FLOAT_EQ(minmax(0, 0), 0.0f);
    EXPECT_FLOAT_EQ(minmax(1, 0), 50.0f);
    EXPECT_FLOAT_EQ(minmax(2, 0), 100.0f);
    EXPECT_FLOAT_EQ(minmax(1, 1), 0.0f);  // constant column -> 0
    RowMatrixF z = m;
    normalizeFeatures(z, Normalization::ZScore);
    EXPECT_NEAR(z(0, 0), -std::sqrt(1.5), 1e-6);  // (1-3)/sqrt(8/3)
    EXPECT_NEAR(z(2, 0), std::sqrt(1.5), 1e-6);
    EXPECT_FLOAT_EQ(z(0, 1), 0.0f);
    RowMatrixF l2 = m;
    normalizeFeatures(l2, Normalization::L2);
    EXPECT_NEAR(l2(0, 0), 1 / std::sqrt(26.0), 1e-6);
    EXPECT_NEAR(l2.row(2).norm(), 1.0, 1e-6);
}

TEST(CfKnownAnswers, EvaluatorRowsMatchDirectComputation)
{
    Tiny t = makeTiny();
    EvalSettings settings;
    settings.ks = {1, 2};
    settings.normalization = Normalization::None;
    settings.baselines = true;
    const auto result = evaluateSplit(t.data, t.split, {{"video", &t.features}}, settings);
    ASSERT_EQ(result.coverage.size(), 1u);
    EXPECT_EQ(result.coverage[0].withProfile, 3u);
    auto find = [&](const std::string& method, int k) -> const Metrics& {
        for (const auto& row : result.rows)
            if (row.method == method && row.k == k)
                return row.metrics;
        ADD_FAILURE() << "no row " << method << " k=" << k;
        static Metrics none;
        return none;
    };
    EXPECT_NEAR(find("video", 1).rmse, 1.262273082, 1e-6);
    EXPECT_NEAR(find("video", 2).rmse, 1.053208709, 1e-6);
    EXPECT_NEAR(find("global-mean", 0).rmse, std::sqrt((1.6 * 1.6 + 1.4 * 1.4 + 0.4 * 0.4 + 0.6 * 0.6 + 0.4 * 0.4 + 1.6 * 1.6) / 6), 1e-6);
    EXPECT_EQ(find("user-knn-cosine", 2).predictions, 6u);
    settings.mode = NeighbourMode::Raters;
    const auto raters = evaluateSplit(t.data, t.split, {{"video", &t.features}}, settings);
    EXPECT_NEAR(raters.rows[5].metrics.rmse, 1.045625809, 1e-6);  // after 5 rating-only rows (4 baselines, svd): video K=1
    EXPECT_EQ(raters.rows[5].method, "video");
    // Restricting to profiled items drops i4 and i5 ratings (b, e, f) from the test set.
    settings.restrictToProfiled = true;
    EXPECT_EQ(evaluateSplit(t.data, t.split, {{"video", &t.features}}, settings).testRatings, 3u);
}

}  // namespace
}  // namespace tl
