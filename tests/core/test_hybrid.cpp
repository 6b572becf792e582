// hybrid: knn-baseline on a fused similarity a * pearson-baseline + (1 - a) * the
// users' content-profile cosine, a chosen on a seeded validation share of the
// training ratings. a = 1 is knn-baseline bit for bit; a = 0 is checked against a
// float64 brute force written here; the validation share and the choice are
// checked for their invariants and reproducibility.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/cf/Baselines.h"
#include "core/cf/Hybrid.h"
#include "core/cf/KnnBaseline.h"
#include "core/common/Error.h"
#include "core/eval/Evaluator.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

using Case = test::RandomCase;

// Density 0.5, every 5th rating tested; 4 feature columns in [-0.3, 0.7): both signs, so
// some content cosines are negative.
Case makeCase(std::size_t users, std::size_t items, std::uint64_t seed)
{
    return test::makeRandomCase(users, items, seed,
                                {.density = 0.5, .testEvery = 5, .coldFirstItem = false, .dims = 4, .featureOffset = -0.3});
}

RelevantRule allRated()
{
    RelevantRule rule;
    rule.kind = RelevantRule::All;
    return rule;
}

TEST(Hybrid, WeightOneIsKnnBaselineExactly)
{
    const Case c = makeCase(30, 25, 3);
    const TrainingMatrix train = TrainingMatrix::build(c.data, c.trainIdx);
    const TestSet test = TestSet::build(c.data, c.testIdx);
    const ItemProfiles items = alignItemProfiles(c.features, c.data.items, Normalization::None);
    const std::vector<int> ks = {1, 3, 8, 40};
    const BiasModel bias = fitBias(train);
    const SweepPredictions expected =
        predictKnnBaseline(train, bias, pearsonBaselineSimilarity(train, bias, 100), test, ks, {});
    const SweepPredictions hybrid = predictHybrid(train, items, {}, test, 1.0, ks, {});
    ASSERT_EQ(hybrid.perK.size(), ks.size());
    for (std::size_t k = 0; k < ks.size(); ++k) {
        EXPECT_EQ(hybrid.perK[k].values, expected.perK[k].values) << "K = " << ks[k];
        EXPECT_EQ(hybrid.perK[k].sources, expected.perK[k].sources) << "K = " << ks[k];
    }
    // and a = 0 differs (content neighbours), so the comparison above can fail.
    EXPECT_NE(predictHybrid(train, items, {}, test, 0.0, ks, {}).perK[1].values, expected.perK[1].values);
}

TEST(Hybrid, WeightZeroMatchesBruteForceContentNeighbours)
{
    const Case c = makeCase(25, 20, 7);
    const TrainingMatrix train = TrainingMatrix::build(c.data, c.trainIdx);
    const TestSet test = TestSet::build(c.data, c.testIdx);
    const ItemProfiles items = alignItemProfiles(c.features, c.data.items, Normalization::None);
    const BiasModel bias = fitBias(train);
    const std::vector<int> ks = {2, 5, 30};
    const SweepPredictions hybrid = predictHybrid(train, items, allRated(), test, 0.0, ks, {});

    // Brute force: MUP(u) = sum over u's training items with a profile of r_ui * f_i; cosine.
    const std::size_t users = c.data.users.size(), dims = 4;
    std::vector<std::vector<double>> mup(users, std::vector<double>(dims, 0.0));
    for (std::size_t r : c.trainIdx) {
        const auto& rating = c.data.ratings[r];
        if (rating.item + 1 == c.data.items.size())
            continue;  // the item without a profile
        for (std::size_t f = 0; f < dims; ++f)
            mup[rating.user][f] += rating.value * c.features.values(rating.item, static_cast<Eigen::Index>(f));
    }
    auto cosine = [&](std::size_t u, std::size_t v) {
        double uv = 0, uu = 0, vv = 0;
        for (std::size_t f = 0; f < dims; ++f) {
            uv += mup[u][f] * mup[v][f];
            uu += mup[u][f] * mup[u][f];
            vv += mup[v][f] * mup[v][f];
        }
        return uu > 0 && vv > 0 ? uv / std::sqrt(uu * vv) : 0.0;
    };
    std::size_t fromNeighbours = 0;
    for (std::size_t t = 0; t < test.size(); ++t) {
        const std::uint32_t u = test.users[t], i = test.items[t];
        std::vector<std::pair<double, std::uint32_t>> raters;  // (-s, v): most similar first, ties to smaller v
        for (std::size_t r : c.trainIdx) {
            const auto& rating = c.data.ratings[r];
            if (rating.item == i && rating.user != u && cosine(u, rating.user) > 0)
                raters.push_back({-cosine(u, rating.user), rating.user});
        }
        std::sort(raters.begin(), raters.end());
        const double base = bias.predict(u, i);
        for (std::size_t k = 0; k < ks.size(); ++k) {
            double num = 0, den = 0;
            const std::size_t used = std::min(raters.size(), static_cast<std::size_t>(ks[k]));
            for (std::size_t n = 0; n < used; ++n) {
                const std::uint32_t v = raters[n].second;
                num += -raters[n].first * (*train.rating(v, i) - bias.predict(v, i));
                den += -raters[n].first;
            }
            const double expected = used > 0 ? base + num / den : base;
            EXPECT_NEAR(hybrid.perK[k].values[t], expected, 1e-5) << "test " << t << " K = " << ks[k];
            EXPECT_EQ(hybrid.perK[k].sources[t] == PredictionSource::Neighbours, used > 0);
            fromNeighbours += used > 0;
        }
    }
    EXPECT_GT(fromNeighbours, test.size());  // the case exercises the neighbours, not only the centre
}

TEST(Hybrid, FusionIsTheWeightedSum)
{
    UserSimilarity r{2, {1, 0.5, 0.5, 1}}, s{2, {1, -0.25, -0.25, 1}};
    const UserSimilarity f = fuseSimilarity(r, s, 0.75);
    EXPECT_DOUBLE_EQ(f(0, 1), 0.75 * 0.5 - 0.25 * 0.25);
    EXPECT_THROW((void)fuseSimilarity(r, s, 1.5), ConfigError);
}

TEST(Hybrid, ValidationShareIsASeededPartitionOfTrain)
{
    std::vector<std::size_t> train;
    for (std::size_t r = 0; r < 1000; r += 3)  // not every rating: a subset with gaps
        train.push_back(r);
    const Split a = validationShare(train, 0.1, 42), b = validationShare(train, 0.1, 42),
                other = validationShare(train, 0.1, 43);
    EXPECT_EQ(a.train, b.train);
    EXPECT_EQ(a.test, b.test);
    EXPECT_NE(a.test, other.test);
    EXPECT_EQ(a.test.size(), static_cast<std::size_t>(std::llround(train.size() * 0.1)));
    EXPECT_TRUE(std::is_sorted(a.train.begin(), a.train.end()));
    EXPECT_TRUE(std::is_sorted(a.test.begin(), a.test.end()));
    std::vector<std::size_t> both = a.train;
    both.insert(both.end(), a.test.begin(), a.test.end());
    std::sort(both.begin(), both.end());
    EXPECT_EQ(both, train);  // disjoint, nothing lost, nothing outside train
    EXPECT_THROW((void)validationShare(train, 0.0, 1), ConfigError);
    EXPECT_THROW((void)validationShare(train, 1.0, 1), ConfigError);
}

TEST(Hybrid, ChoiceIsReproducibleAndMadeOnValidation)
{
    const Case c = makeCase(40, 30, 11);
    const ItemProfiles items = alignItemProfiles(c.features, c.data.items, Normalization::None);
    const std::vector<int> ks = {3, 10};
    const HybridChoice first = chooseHybridWeight(c.data, c.trainIdx, items, {}, ks, {}, 0.2, 5);
    const HybridChoice again = chooseHybridWeight(c.data, c.trainIdx, items, {}, ks, {}, 0.2, 5);
    EXPECT_EQ(first.a, again.a);
    EXPECT_EQ(first.k, again.k);
    EXPECT_EQ(first.rmsePerA, again.rmsePerA);
    ASSERT_EQ(first.rmsePerA.size(), defaultHybridGrid().size());
    EXPECT_EQ(first.validationRmse, *std::min_element(first.rmsePerA.begin(), first.rmsePerA.end()));
    // The reported RMSE is the chosen a's on the held-out share, fitted on the rest.
    const Split share = validationShare(c.trainIdx, 0.2, 5);
    EXPECT_EQ(first.validationRatings, share.test.size());
    const TestSet validation = TestSet::build(c.data, share.test);
    const SweepPredictions p = predictHybrid(TrainingMatrix::build(c.data, share.train), items, {}, validation, first.a,
                                             {first.k}, {});
    double sum = 0;
    for (std::size_t t = 0; t < validation.size(); ++t)
        sum += std::pow(static_cast<double>(p.perK[0].values[t]) - validation.ratings[t], 2);
    EXPECT_NEAR(first.validationRmse, std::sqrt(sum / static_cast<double>(validation.size())), 1e-12);
}

TEST(Hybrid, EvaluatorReportsTheChoiceAndRows)
{
    const Case c = makeCase(30, 24, 8);
    EvalSettings settings;
    settings.ks = {2, 5};
    settings.normalization = Normalization::None;
    settings.methods = parseContentMethods("hybrid");
    const SplitResult result = evaluateSplit(c.data, {c.trainIdx, c.testIdx}, {{"video", &c.features}}, settings);
    ASSERT_EQ(result.rows.size(), 2u);
    EXPECT_EQ(result.rows[0].method, "video:hybrid");
    ASSERT_EQ(result.choices.size(), 1u);
    EXPECT_EQ(result.choices[0].method, "video:hybrid");
    EXPECT_EQ(result.choices[0].parameter, "a");
    const HybridChoice choice =
        chooseHybridWeight(c.data, c.trainIdx, alignItemProfiles(c.features, c.data.items, Normalization::None),
                           settings.relevant, settings.ks, {}, settings.validateRatio, settings.seed);
    EXPECT_EQ(result.choices[0].value, choice.a);
}

}  // namespace
}  // namespace tl
