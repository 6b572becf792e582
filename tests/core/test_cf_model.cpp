// CfModel: every query equals the engine's direct computation.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/data/SyntheticData.h"
#include "core/eval/CfModel.h"
#include "core/eval/Evaluator.h"

namespace tl {
namespace {

struct Fixture {
    SyntheticData data;
    Split split;
    std::shared_ptr<const CfModel> model;
};

Fixture make()
{
    Fixture f;
    SyntheticSpec spec;
    spec.users = 150, spec.items = 90, spec.ratings = 3000, spec.features = 10, spec.seed = 4;
    f.data = generateSynthetic(spec);
    f.split = randomHoldout(f.data.dataset, 0.2, 8);
    CfModelSettings settings;
    settings.kMax = 30;
    settings.ks = {5, 10, 30};
    f.model = CfModel::build(f.data.dataset, f.split, f.data.features, settings);
    return f;
}

TEST(CfModel, SweepMetricsEqualTheEvaluator)
{
    const Fixture f = make();
    EvalSettings settings;
    settings.ks = {5, 10, 30};
    const auto result = evaluateSplit(f.data.dataset, f.split, {{"video", &f.data.features}}, settings);
    ASSERT_EQ(result.rows.size(), 3u);
    for (std::size_t k = 0; k < 3; ++k) {
        EXPECT_DOUBLE_EQ(f.model->sweepMetrics()[k].rmse, result.rows[k].metrics.rmse);
        EXPECT_DOUBLE_EQ(f.model->metricsAt(settings.ks[k]).rmse, result.rows[k].metrics.rmse);
    }
}

TEST(CfModel, PerUserQueriesMatchBruteForce)
{
    const Fixture f = make();
    const CfModel& m = *f.model;
    const std::uint32_t user = 7;
    // Neighbours at K are the list's prefix; co-rated counts by brute force.
    const auto nb = m.neighbours(user, 10);
    ASSERT_EQ(nb.size(), 10u);
    for (const auto& [n, common] : nb) {
        int expected = 0;
        for (std::uint32_t i = 0; i < m.train().items; ++i)
            expected += m.train().rating(user, i) && m.train().rating(n.user, i);
        EXPECT_EQ(common, expected);
    }
    // Test predictions equal the sweep's values for that user.
    const auto sweep = predictOffline(m.train(), m.neighbourLists(), m.test(), {10}, {});
    const auto mine = m.testPredictions(user, 10);
    std::size_t seen = 0;
    for (std::size_t t = 0; t < m.test().size(); ++t)
        if (m.test().users[t] == user) {
            ASSERT_LT(seen, mine.size());
            EXPECT_EQ(mine[seen].item, m.test().items[t]);
            EXPECT_FLOAT_EQ(mine[seen].prediction, sweep.perK[0].values[t]);
            ++seen;
        }
    EXPECT_EQ(seen, mine.size());

    // Recommendations: predict every unrated item through the engine, keep
    // neighbour-based ones, sort, compare with recommend().
    TestSet all;
    for (std::uint32_t i = 0; i < m.train().items; ++i)
        if (!m.train().rating(user, i)) {
            all.users.push_back(user);
            all.items.push_back(i);
            all.ratings.push_back(0);
        }
    const auto everything = predictOffline(m.train(), m.neighbourLists(), all, {10}, {});
    std::vector<std::pair<float, std::uint32_t>> expected;
    for (std::size_t t = 0; t < all.size(); ++t)
        if (everything.perK[0].sources[t] == PredictionSource::Neighbours)
            expected.push_back({-everything.perK[0].values[t], all.items[t]});
    std::sort(expected.begin(), expected.end());
    const auto recs = m.recommend(user, 10, 8);
    ASSERT_EQ(recs.size(), std::min<std::size_t>(8, expected.size()));
    for (std::size_t r = 0; r < recs.size(); ++r) {
        EXPECT_NEAR(recs[r].prediction, -expected[r].first, 1e-4);
        EXPECT_GE(recs[r].supporters, 1);
    }
    // Top features: sorted by utility, first equals the profile's maximum.
    const auto top = m.topFeatures(user, 4);
    ASSERT_EQ(top.size(), 4u);
    const Eigen::VectorXf profile = userProfile(buildRelevance(m.train(), m.items(), RelevantRule{}), m.items(), user);
    EXPECT_FLOAT_EQ(top[0].value, profile.maxCoeff());
    EXPECT_GE(top[0].value, top[3].value);
}

TEST(CfModel, RejectsKOutsideTheRange)
{
    const Fixture f = make();
    CfModelSettings bad;
    bad.kMax = 10;
    bad.ks = {5, 20};
    EXPECT_THROW(CfModel::build(f.data.dataset, f.split, f.data.features, bad), ConfigError);
}

}  // namespace
}  // namespace tl
