// vbpr: matrix factorisation with a learned projection of the item features.
// One SGD step against values worked out by hand; without features it is svd (to
// rounding); seeded reproducibility; an item nobody rated is predicted from its
// features (not the fallback).
#include <gtest/gtest.h>

#include <cmath>

#include "core/cf/MatrixFactorisation.h"
#include "core/cf/Vbpr.h"
#include "core/common/Error.h"
#include "core/common/Random.h"

namespace tl {
namespace {

// Two users, three items: user 0 rated item 0 (4), user 1 rated item 1 (2); item 2
// is rated by user 0 in test only. Features (F = 2): item 0 (3, 4), item 1 (1, 0), item 2 (0, 2).
struct Tiny {
    Dataset data;
    FeatureMatrix features;
    Tiny()
    {
        for (const char* id : {"0", "1", "2"})
            data.items.intern(id);
        data.users.intern("0");
        data.users.intern("1");
        data.ratings = {{0, 0, 4.0f}, {1, 1, 2.0f}, {0, 2, 5.0f}};
        features.ids = {"0", "1", "2"};
        features.values.resize(3, 2);
        features.values << 3, 4, 1, 0, 0, 2;
    }
};

TEST(Vbpr, OneSgdStepByHand)
{
    const Tiny t;
    const TrainingMatrix train = TrainingMatrix::build(t.data, {0, 1});
    const ItemProfiles items = alignItemProfiles(t.features, t.data.items, Normalization::None);
    VbprOptions o;
    o.factors = 1;
    o.visualDims = 1;
    o.learningRate = 0.1;
    o.regularisation = 0.01;
    o.visualRegularisation = 0.02;
    VbprModel m = initialVbpr(train, items, o);
    ASSERT_DOUBLE_EQ(m.mf.mu, 3.0);
    // f: profiles minus their mean (4/3, 2), to unit length: item 1 (-1/3, -2) / sqrt(37/9).
    EXPECT_NEAR(m.features[2], -1.0 / std::sqrt(37.0), 1e-15);
    EXPECT_NEAR(m.features[3], -6.0 / std::sqrt(37.0), 1e-15);
    m.features[0] = 0.6;  // the step below uses f_0 = (0.6, 0.8)
    m.features[1] = 0.8;
    m.mf.userBias[0] = 0.1;
    m.mf.itemBias[0] = -0.2;
    m.mf.userFactors[0] = 0.5;
    m.mf.itemFactors[0] = 0.4;
    m.userVisual[0] = 0.3;
    m.projection = {1.0, -1.0};
    m.featureBias = {0.2, 0.1};
    // prediction 3 + 0.1 - 0.2 + 0.2 + 0.3 (0.6 - 0.8) + (0.12 + 0.08) = 3.24, error 0.76
    EXPECT_NEAR(m.predict(train, 0, 0), 3.24, 1e-12);
    vbprEpoch(m, train, {0}, o);  // CSR entry 0: user 0, item 0
    EXPECT_NEAR(m.mf.userBias[0], 0.1759, 1e-12);          // 0.1 + 0.1 (0.76 - 0.01 * 0.1)
    EXPECT_NEAR(m.mf.itemBias[0], -0.1238, 1e-12);         // -0.2 + 0.1 (0.76 + 0.01 * 0.2)
    EXPECT_NEAR(m.mf.userFactors[0], 0.5299, 1e-12);       // 0.5 + 0.1 (0.76 * 0.4 - 0.01 * 0.5)
    EXPECT_NEAR(m.mf.itemFactors[0], 0.4376, 1e-12);       // 0.4 + 0.1 (0.76 * 0.5 - 0.01 * 0.4)
    EXPECT_NEAR(m.userVisual[0], 0.2845, 1e-12);        // 0.3 + 0.1 (0.76 * -0.2 - 0.01 * 0.3)
    EXPECT_NEAR(m.projection[0], 1.01168, 1e-12);       // 1 + 0.1 (0.76 * 0.3 * 0.6 - 0.02 * 1)
    EXPECT_NEAR(m.projection[1], -0.97976, 1e-12);      // -1 + 0.1 (0.76 * 0.3 * 0.8 + 0.02 * 1)
    EXPECT_NEAR(m.featureBias[0], 0.2452, 1e-12);       // 0.2 + 0.1 (0.76 * 0.6 - 0.02 * 0.2)
    EXPECT_NEAR(m.featureBias[1], 0.1606, 1e-12);       // 0.1 + 0.1 (0.76 * 0.8 - 0.02 * 0.1)
    EXPECT_EQ(m.mf.userBias[1], 0.0);                      // user 1 untouched
}

struct Random {
    Dataset data;
    std::vector<std::size_t> train, test;
    FeatureMatrix features;
};

Random makeRandom(std::uint64_t seed, bool withFeatures)
{
    Random r;
    Rng rng(seed);
    for (std::size_t i = 0; i < 30; ++i)
        r.data.items.intern(std::to_string(i));
    for (std::size_t u = 0; u < 40; ++u) {
        const auto user = r.data.users.intern(std::to_string(u));
        for (std::uint32_t i = 0; i < 30; ++i)
            if (rng.uniform() < 0.4) {
                (i == 0 || r.data.ratings.size() % 5 == 0 ? r.test : r.train).push_back(r.data.ratings.size());
                r.data.ratings.push_back({user, i, static_cast<float>(1 + rng.below(5))});
            }
    }
    if (withFeatures) {
        r.features.values.resize(29, 3);  // item 29 has no profile
        for (std::size_t i = 0; i < 29; ++i) {
            r.features.ids.push_back(std::to_string(i));
            for (Eigen::Index f = 0; f < 3; ++f)
                r.features.values(static_cast<Eigen::Index>(i), f) = static_cast<float>(rng.uniform());
        }
    }
    return r;
}

TEST(Vbpr, WithoutFeaturesIsSvdBitForBit)
{
    const Random r = makeRandom(5, false);
    const TrainingMatrix train = TrainingMatrix::build(r.data, r.train);
    const ItemProfiles none = alignItemProfiles(r.features, r.data.items, Normalization::None);
    ASSERT_EQ(none.withProfile(), 0u);
    VbprOptions v;
    v.factors = 8;
    v.visualDims = 0;
    v.epochs = 5;
    v.seed = 17;
    SvdOptions s;
    s.factors = 8;
    s.epochs = 5;
    s.seed = 17;
    const VbprModel a = trainVbpr(train, none, v);
    const SvdModel b = trainSvd(train, s);
    // Equal up to rounding (the compiled sums may differ in the last bit).
    auto near = [](const std::vector<double>& x, const std::vector<double>& y) {
        ASSERT_EQ(x.size(), y.size());
        for (std::size_t n = 0; n < x.size(); ++n)
            ASSERT_NEAR(x[n], y[n], 1e-12) << "entry " << n;
    };
    near(a.mf.userBias, b.userBias);
    near(a.mf.itemBias, b.itemBias);
    near(a.mf.userFactors, b.userFactors);
    near(a.mf.itemFactors, b.itemFactors);
    EXPECT_NE(a.mf.userBias, std::vector<double>(a.mf.userBias.size(), 0.0));  // it trained
    const TestSet test = TestSet::build(r.data, r.test);
    const Predictions pa = predictVbpr(a, train, test, {}), pb = predictSvd(b, train, test, {});
    for (std::size_t t = 0; t < test.size(); ++t) {
        EXPECT_NEAR(pa.values[t], pb.values[t], 1e-6);
        EXPECT_EQ(pa.sources[t], pb.sources[t]);
    }
}

TEST(Vbpr, SeededAndReproducible)
{
    const Random r = makeRandom(6, true);
    const TrainingMatrix train = TrainingMatrix::build(r.data, r.train);
    const ItemProfiles items = alignItemProfiles(r.features, r.data.items, Normalization::None);
    VbprOptions o;
    o.factors = 6;
    o.visualDims = 2;
    o.epochs = 4;
    o.seed = 3;
    const VbprModel a = trainVbpr(train, items, o), b = trainVbpr(train, items, o);
    EXPECT_EQ(a.mf.userFactors, b.mf.userFactors);
    EXPECT_EQ(a.projection, b.projection);
    EXPECT_EQ(a.featureBias, b.featureBias);
    EXPECT_EQ(a.userVisual, b.userVisual);
    o.seed = 4;
    const VbprModel c = trainVbpr(train, items, o);
    EXPECT_NE(a.projection, c.projection);
}

TEST(Vbpr, ColdItemIsPredictedFromItsFeatures)
{
    const Random r = makeRandom(7, true);
    const TrainingMatrix train = TrainingMatrix::build(r.data, r.train);
    ASSERT_FALSE(train.knowsItem(0));  // every rating of item 0 is in test
    const ItemProfiles items = alignItemProfiles(r.features, r.data.items, Normalization::None);
    VbprOptions o;
    o.factors = 4;
    o.visualDims = 2;
    o.epochs = 10;
    o.seed = 1;
    const VbprModel m = trainVbpr(train, items, o);
    const TestSet test = TestSet::build(r.data, r.test);
    const Predictions p = predictVbpr(m, train, test, {});
    std::size_t cold = 0;
    for (std::size_t t = 0; t < test.size(); ++t) {
        if (test.items[t] != 0)
            continue;
        ++cold;
        const std::uint32_t u = test.users[t];
        ASSERT_TRUE(train.knowsUser(u));
        // mu + b_u + theta_u . (E f_0) + beta . f_0, by hand; q_0 and b_0 take no part.
        double g[2] = {0, 0}, expected = m.mf.mu + m.mf.userBias[u];
        for (int v = 0; v < 2; ++v) {
            for (int d = 0; d < 3; ++d)
                g[v] += m.projection[static_cast<std::size_t>(v * 3 + d)] * m.features[static_cast<std::size_t>(d)];
            expected += m.userVisual[u * 2 + static_cast<std::size_t>(v)] * g[v];
        }
        for (int d = 0; d < 3; ++d)
            expected += m.featureBias[static_cast<std::size_t>(d)] * m.features[static_cast<std::size_t>(d)];
        EXPECT_NEAR(p.values[t], expected, 1e-5);
        EXPECT_GT(std::abs(expected - (m.mf.mu + m.mf.userBias[u])), 1e-4);  // not the mu + b_u fallback
        EXPECT_EQ(p.sources[t], PredictionSource::Model);
    }
    EXPECT_GT(cold, 3u);
}

TEST(Vbpr, RejectsBadOptions)
{
    const Tiny t;
    const TrainingMatrix train = TrainingMatrix::build(t.data, {0, 1});
    const ItemProfiles items = alignItemProfiles(t.features, t.data.items, Normalization::None);
    VbprOptions o;
    o.learningRate = 0;
    EXPECT_THROW((void)initialVbpr(train, items, o), ConfigError);
}

}  // namespace
}  // namespace tl
