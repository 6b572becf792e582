// Rating-only models beyond the bias baseline: svd (biased matrix factorisation
// by SGD), knn-baseline (shrunk Pearson-baseline similarity, centred on
// mu + b_u + b_i) and knn-means (msd similarity, centred on user means).
// Known answers worked by hand and float64 brute-force twins written here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <tuple>

#include "core/cf/Baselines.h"
#include "core/cf/KnnBaseline.h"
#include "core/cf/MatrixFactorisation.h"
#include "core/common/Random.h"

namespace tl {
namespace {

void add(Dataset& data, const std::string& user, const std::string& item, float value)
{
    data.ratings.push_back({data.users.intern(user), data.items.intern(item), value});
}

std::vector<std::size_t> allIndices(const Dataset& data)
{
    std::vector<std::size_t> all(data.ratings.size());
    for (std::size_t r = 0; r < all.size(); ++r)
        all[r] = r;
    return all;
}

// A seeded random ratings matrix: `users` x `items`, each cell rated with the given
// probability, values 1..5 with a user and an item tendency so correlations exist.
Dataset randomDataset(std::size_t users, std::size_t items, double density, std::uint64_t seed)
{
    Dataset data;
    Rng rng(seed);
    for (std::size_t u = 0; u < users; ++u)
        data.users.intern(std::to_string(u));
    for (std::size_t i = 0; i < items; ++i)
        data.items.intern(std::to_string(i));
    for (std::size_t u = 0; u < users; ++u)
        for (std::size_t i = 0; i < items; ++i)
            if (rng.uniform() < density) {
                const double v = 3.0 + static_cast<double>(u % 3) - 1.0 + (i % 2 ? 0.5 : -0.5) + rng.normal();
                data.ratings.push_back({static_cast<std::uint32_t>(u), static_cast<std::uint32_t>(i),
                                        static_cast<float>(std::clamp(std::round(v), 1.0, 5.0))});
            }
    return data;
}

// ---- svd ------------------------------------------------------------------

TEST(Svd, OneEpochOnThreeRatingsByHand)
{
    // Ratings A-X 4, A-Y 2, B-X 5; mu = 11/3. One factor, lr 0.1, reg 0.5, visited
    // B-X, A-X, A-Y. By hand, the first step: e = 5 - 11/3 - (-0.2)(0.3) = 1.393333;
    // b_B = b_X = 0.1 e = 0.139333; p_B = -0.2 + 0.1 (0.3 e + 0.5 * 0.2) = -0.1482;
    // q_X = 0.3 + 0.1 (-0.2 e - 0.5 * 0.3) = 0.257133; and so on for the other two.
    Dataset data;
    add(data, "A", "X", 4);
    add(data, "A", "Y", 2);
    add(data, "B", "X", 5);
    const TrainingMatrix train = TrainingMatrix::build(data, allIndices(data));
    SvdOptions options;
    options.factors = 1;
    options.learningRate = 0.1;
    options.regularisation = 0.5;
    SvdModel model = initialSvd(train, options);
    model.userFactors = {0.1, -0.2};  // A, B
    model.itemFactors = {0.3, 0.5};   // X, Y
    // CSR entries: 0 = A-X, 1 = A-Y, 2 = B-X.
    svdEpoch(model, train, {2, 0, 1}, options);
    EXPECT_NEAR(model.userBias[0], -0.15732866055777778, 1e-14);
    EXPECT_NEAR(model.userBias[1], 0.13933333333333336, 1e-14);
    EXPECT_NEAR(model.itemBias[0], 0.14919533333333335, 1e-14);
    EXPECT_NEAR(model.itemBias[1], -0.17331589389111113, 1e-14);
    EXPECT_NEAR(model.userFactors[0], 0.007702903652222218, 1e-14);
    EXPECT_NEAR(model.userFactors[1], -0.1482, 1e-14);
    EXPECT_NEAR(model.itemFactors[0], 0.2459595333333333, 1e-14);
    EXPECT_NEAR(model.itemFactors[1], 0.4577850156108637, 1e-14);
    // The prediction is the formula: mu + b_u + b_i + p_u q_i.
    EXPECT_NEAR(model.predict(train, 1, 1), 11.0 / 3 + 0.13933333333333336 - 0.17331589389111113 +
                                                -0.1482 * 0.4577850156108637, 1e-14);
}

TEST(Svd, SameSeedSameFloatsOtherSeedOtherFloats)
{
    const Dataset data = randomDataset(30, 40, 0.3, 7);
    const TrainingMatrix train = TrainingMatrix::build(data, allIndices(data));
    SvdOptions options;
    options.factors = 8;
    options.epochs = 5;
    options.seed = 11;
    const SvdModel a = trainSvd(train, options), b = trainSvd(train, options);
    ASSERT_EQ(a.userFactors.size(), b.userFactors.size());
    EXPECT_EQ(0, std::memcmp(a.userFactors.data(), b.userFactors.data(), a.userFactors.size() * sizeof(double)));
    EXPECT_EQ(0, std::memcmp(a.itemFactors.data(), b.itemFactors.data(), a.itemFactors.size() * sizeof(double)));
    EXPECT_EQ(a.userBias, b.userBias);
    EXPECT_EQ(a.itemBias, b.itemBias);
    options.seed = 12;
    const SvdModel c = trainSvd(train, options);
    EXPECT_NE(a.userFactors, c.userFactors);
    EXPECT_NE(a.userBias, c.userBias);  // the epoch order differs too
}

TEST(Svd, TrainingLowersTheTrainingErrorAndInitialFactorsHaveTheRequestedSpread)
{
    const Dataset data = randomDataset(40, 50, 0.4, 3);
    const TrainingMatrix train = TrainingMatrix::build(data, allIndices(data));
    SvdOptions options;
    options.seed = 5;
    const SvdModel initial = initialSvd(train, options);
    double sum = 0, sq = 0;
    for (double x : initial.userFactors) {
        sum += x;
        sq += x * x;
    }
    const double n = static_cast<double>(initial.userFactors.size());  // 4000 draws
    EXPECT_NEAR(sum / n, 0.0, 0.01);
    EXPECT_NEAR(std::sqrt(sq / n), 0.1, 0.005);
    auto trainingRmse = [&](const SvdModel& m) {
        double se = 0;
        for (const auto& r : data.ratings) {
            const double d = m.predict(train, r.user, r.item) - r.value;
            se += d * d;
        }
        return std::sqrt(se / static_cast<double>(data.ratings.size()));
    };
    options.epochs = 40;
    options.learningRate = 0.02;
    EXPECT_LT(trainingRmse(trainSvd(train, options)), 0.8 * trainingRmse(initial));
}

TEST(Svd, UnknownItemOrUserFallsBackToTheKnownBiasAndIsMarked)
{
    Dataset data;
    add(data, "A", "X", 4);
    add(data, "A", "Y", 2);
    add(data, "B", "X", 5);
    data.users.intern("C");  // no training rating
    data.items.intern("Z");  // no training rating
    const TrainingMatrix train = TrainingMatrix::build(data, allIndices(data));
    SvdOptions options;
    options.factors = 3;
    options.epochs = 3;
    const SvdModel m = trainSvd(train, options);
    TestSet test;
    test.users = {0, 2, 2, 0};
    test.items = {2, 0, 2, 1};
    test.ratings = {3, 3, 3, 3};
    const Predictions p = predictSvd(m, train, test, {});
    EXPECT_FLOAT_EQ(p.values[0], static_cast<float>(m.mu + m.userBias[0]));  // item Z unknown: mu + b_u
    EXPECT_EQ(p.sources[0], PredictionSource::UserMean);
    EXPECT_FLOAT_EQ(p.values[1], static_cast<float>(m.mu + m.itemBias[0]));  // user C unknown: mu + b_i
    EXPECT_EQ(p.sources[1], PredictionSource::ItemMean);
    EXPECT_FLOAT_EQ(p.values[2], static_cast<float>(m.mu));
    EXPECT_EQ(p.sources[2], PredictionSource::GlobalMean);
    EXPECT_EQ(p.sources[3], PredictionSource::Model);
}

// ---- similarities -----------------------------------------------------------

using RatedItems = std::vector<std::map<std::uint32_t, double>>;

RatedItems ratedItems(const Dataset& data)
{
    RatedItems rated(data.users.size());
    for (const auto& r : data.ratings)
        rated[r.user][r.item] = r.value;
    return rated;
}

TEST(RatingSimilarity, PearsonBaselineAndMsdMatchTheDirectFormulas)
{
    const Dataset data = randomDataset(25, 30, 0.35, 21);
    const TrainingMatrix train = TrainingMatrix::build(data, allIndices(data));
    const BiasModel bias = fitBias(train);
    const RatedItems rated = ratedItems(data);
    for (double shrinkage : {0.0, 100.0}) {
        const UserSimilarity sim = pearsonBaselineSimilarity(train, bias, shrinkage);
        int positive = 0;
        for (std::uint32_t u = 0; u < 25; ++u)
            for (std::uint32_t v = 0; v < 25; ++v) {
                double prod = 0, su = 0, sv = 0;
                int n = 0;
                for (const auto& [i, ru] : rated[u]) {
                    const auto it = rated[v].find(i);
                    if (it == rated[v].end())
                        continue;
                    const double du = ru - bias.mu - bias.userBias[u] - bias.itemBias[i];
                    const double dv = it->second - bias.mu - bias.userBias[v] - bias.itemBias[i];
                    prod += du * dv, su += du * du, sv += dv * dv, ++n;
                }
                double expected = 0;
                if (u == v)
                    expected = 1;
                else if (n > 0 && su * sv > 0)
                    expected = prod / std::sqrt(su * sv) * (shrinkage > 0 ? (n - 1.0) / (n - 1.0 + shrinkage) : 1.0);
                ASSERT_NEAR(sim(u, v), expected, 1e-12) << u << " " << v << " shrinkage " << shrinkage;
                EXPECT_EQ(sim(u, v), sim(v, u));
                positive += expected > 0.01;
            }
        EXPECT_GT(positive, 100);  // the case is not trivially all zero
    }
    const UserSimilarity msd = msdSimilarity(train);
    for (std::uint32_t u = 0; u < 25; ++u)
        for (std::uint32_t v = 0; v < 25; ++v) {
            double sq = 0;
            int n = 0;
            for (const auto& [i, ru] : rated[u])
                if (auto it = rated[v].find(i); it != rated[v].end())
                    sq += (ru - it->second) * (ru - it->second), ++n;
            const double expected = u == v ? 1.0 : n > 0 ? 1.0 / (sq / n + 1.0) : 0.0;
            ASSERT_NEAR(msd(u, v), expected, 1e-12) << u << " " << v;
        }
}

TEST(RatingSimilarity, PearsonBaselineOfTwoUsersByHand)
{
    // With mu, b_u and b_i set to zero the residuals are the ratings themselves.
    Dataset data;
    add(data, "A", "X", 1), add(data, "A", "Y", 2), add(data, "A", "Z", 3);
    add(data, "B", "X", 2), add(data, "B", "Y", 4), add(data, "B", "Z", 5);
    const TrainingMatrix train = TrainingMatrix::build(data, allIndices(data));
    BiasModel zero{0.0, {0.0, 0.0}, {0.0, 0.0, 0.0}};
    // sum d_A d_B = 2 + 8 + 15 = 25; sum d_A^2 = 14; sum d_B^2 = 45; n = 3.
    const double raw = 25.0 / std::sqrt(14.0 * 45.0);
    EXPECT_NEAR(pearsonBaselineSimilarity(train, zero, 0)(0, 1), raw, 1e-15);
    EXPECT_NEAR(pearsonBaselineSimilarity(train, zero, 100)(0, 1), raw * 2.0 / 102.0, 1e-15);
}

// ---- knn-baseline and knn-means predictions ---------------------------------

// Brute force: every rater v != u of i with s > 0, fully sorted (s desc, id asc), the first k.
double brutePrediction(const RatedItems& rated, const UserSimilarity& sim, std::uint32_t u, std::uint32_t i, int k,
                       const std::function<double(std::uint32_t, std::uint32_t)>& centre, bool& fromNeighbours)
{
    std::vector<std::pair<double, std::uint32_t>> raters;
    for (std::uint32_t v = 0; v < rated.size(); ++v)
        if (v != u && rated[v].count(i) && sim(u, v) > 0)
            raters.push_back({sim(u, v), v});
    std::sort(raters.begin(), raters.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    double num = 0, den = 0;
    for (std::size_t n = 0; n < raters.size() && n < static_cast<std::size_t>(k); ++n) {
        const auto [s, v] = raters[n];
        num += s * (rated[v].at(i) - centre(v, i));
        den += s;
    }
    fromNeighbours = den > 0;
    return centre(u, i) + (den > 0 ? num / den : 0.0);
}

TEST(RatingKnn, KnnBaselineAndKnnMeansMatchBruteForceOverAKSweep)
{
    Dataset data = randomDataset(30, 40, 0.4, 99);
    // Hold out every 5th rating.
    std::vector<std::size_t> trainIdx, testIdx;
    for (std::size_t r = 0; r < data.ratings.size(); ++r)
        (r % 5 == 0 ? testIdx : trainIdx).push_back(r);
    const TrainingMatrix train = TrainingMatrix::build(data, trainIdx);
    const TestSet test = TestSet::build(data, testIdx);
    RatedItems rated(data.users.size());
    for (std::size_t r : trainIdx)
        rated[data.ratings[r].user][data.ratings[r].item] = data.ratings[r].value;
    const BiasModel bias = fitBias(train);
    const std::vector<int> ks = {1, 2, 3, 5, 10, 40};
    const UserSimilarity pb = pearsonBaselineSimilarity(train, bias);
    const UserSimilarity msd = msdSimilarity(train);
    const SweepPredictions kb = predictKnnBaseline(train, bias, pb, test, ks, {});
    const SweepPredictions km = predictKnnWithMeans(train, msd, test, ks, {});
    std::size_t neighbourCount = 0;
    for (std::size_t k = 0; k < ks.size(); ++k)
        for (std::size_t t = 0; t < test.size(); ++t) {
            const std::uint32_t u = test.users[t], i = test.items[t];
            bool from = false;
            const double b = brutePrediction(
                rated, pb, u, i, ks[k], [&](std::uint32_t x, std::uint32_t y) { return bias.predict(x, y); }, from);
            ASSERT_NEAR(kb.perK[k].values[t], b, 1e-5) << "knn-baseline t " << t << " K " << ks[k];
            EXPECT_EQ(kb.perK[k].sources[t], from ? PredictionSource::Neighbours : PredictionSource::Model);
            neighbourCount += from;
            const double m = brutePrediction(
                rated, msd, u, i, ks[k], [&](std::uint32_t x, std::uint32_t) { return train.userMean[x]; }, from);
            ASSERT_NEAR(km.perK[k].values[t], m, 1e-5) << "knn-means t " << t << " K " << ks[k];
            EXPECT_EQ(km.perK[k].sources[t], from ? PredictionSource::Neighbours : PredictionSource::UserMean);
        }
    EXPECT_GT(neighbourCount, test.size());  // neighbours do speak
}

TEST(RatingKnn, FallbacksNoPositiveNeighbourUnknownItemAndClip)
{
    // A and B disagree completely on X, Y, Z (negative similarity); both rated W.
    Dataset data;
    for (auto [item, a, b] : {std::tuple{"X", 5.f, 1.f}, {"Y", 1.f, 5.f}, {"Z", 5.f, 1.f}, {"V", 1.f, 5.f}})
        add(data, "A", item, a), add(data, "B", item, b);
    add(data, "B", "W", 5);
    add(data, "A", "W", 3);  // test
    add(data, "A", "Q", 3);  // test: Q has no training rating
    std::vector<std::size_t> trainIdx = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    const TrainingMatrix train = TrainingMatrix::build(data, trainIdx);
    const TestSet test = TestSet::build(data, {9, 10});
    const BiasModel bias = fitBias(train);
    const UserSimilarity pb = pearsonBaselineSimilarity(train, bias, 0);
    ASSERT_LT(pb(0, 1), 0);
    const SweepPredictions p = predictKnnBaseline(train, bias, pb, test, {40}, {});
    EXPECT_FLOAT_EQ(p.perK[0].values[0], static_cast<float>(bias.predict(0, 4)));  // b_ui alone
    EXPECT_EQ(p.perK[0].sources[0], PredictionSource::Model);
    EXPECT_FLOAT_EQ(p.perK[0].values[1], static_cast<float>(bias.mu + bias.userBias[0]));  // mu + b_u
    EXPECT_EQ(p.perK[0].sources[1], PredictionSource::UserMean);
    const SweepPredictions m = predictKnnWithMeans(train, msdSimilarity(train), test, {40}, {});
    EXPECT_EQ(m.perK[0].sources[1], PredictionSource::GlobalMean);
    EXPECT_FLOAT_EQ(m.perK[0].values[1], static_cast<float>(train.globalMean));
    // Clipping: a model value outside the scale comes back on its edge.
    PredictOptions clip{true, {1.0f, 5.0f}};
    EXPECT_FLOAT_EQ(finishPrediction(5.7, clip), 5.0f);
    EXPECT_FLOAT_EQ(finishPrediction(0.2, clip), 1.0f);
    EXPECT_FLOAT_EQ(finishPrediction(5.7, {}), 5.7f);
}

}  // namespace
}  // namespace tl
