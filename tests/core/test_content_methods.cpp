// Content models beyond the paper's: paper-baseline (the paper's neighbours,
// centred on b_ui = mu + b_u + b_i) and item-knn (item k-NN on profile cosines,
// centred on b_ui), chosen with parseContentMethods. Float64 brute-force twins
// written here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/cf/Baselines.h"
#include "core/cf/ItemKnn.h"
#include "core/common/Error.h"
#include "core/common/Random.h"
#include "core/eval/Evaluator.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

using Case = test::RandomCase;

// users x items at density 0.4, every 4th rating tested; item 0's ratings all go to
// test (an item nobody rated in training, i.e. a cold item that has a profile); 5 feature
// columns in [0, 1).
Case makeCase(std::size_t users, std::size_t items, std::uint64_t seed)
{
    return test::makeRandomCase(users, items, seed,
                                {.density = 0.4, .testEvery = 4, .coldFirstItem = true, .dims = 5, .featureOffset = 0});
}

TEST(ContentMethods, ParseNamesAllAndErrors)
{
    using M = ContentMethod;
    EXPECT_EQ(parseContentMethods("paper"), (std::vector<M>{M::Paper}));
    EXPECT_EQ(parseContentMethods(" item-knn , paper "), (std::vector<M>{M::ItemKnn, M::Paper}));
    EXPECT_EQ(parseContentMethods("all"), (std::vector<M>{M::Paper, M::PaperBaseline, M::ItemKnn, M::Hybrid, M::Vbpr}));
    EXPECT_EQ(parseContentMethods("paper-baseline,all"), (std::vector<M>{M::PaperBaseline, M::Paper, M::ItemKnn, M::Hybrid, M::Vbpr}));
    for (const char* bad : {"", "hybrids", "paper,,item-knn", "paper;item-knn"}) {
        try {
            (void)parseContentMethods(bad);
            ADD_FAILURE() << "'" << bad << "' accepted";
        } catch (const ConfigError& e) {
            EXPECT_EQ(std::string(e.what()).rfind(std::string("methods '") + bad + "': unknown method", 0), 0u)
                << e.what();
        }
    }
}

TEST(ContentMethods, PaperBaselineMatchesBruteForceOnGivenLists)
{
    const Case c = makeCase(25, 30, 4);
    const TrainingMatrix train = TrainingMatrix::build(c.data, c.trainIdx);
    const TestSet test = TestSet::build(c.data, c.testIdx);
    const BiasModel bias = fitBias(train);
    // Hand-made lists: each user's neighbours, a seeded random order with similarities of both signs.
    const int kMax = 12;
    NeighbourLists lists(25, kMax);
    Rng rng(9);
    for (std::size_t u = 0; u < 25; ++u) {
        std::vector<Neighbour> list;
        for (std::size_t n = 0; n < static_cast<std::size_t>(kMax); ++n)
            list.push_back({static_cast<std::uint32_t>((u + 1 + n * 2) % 25), 0.9 - 0.1 * static_cast<double>(n) +
                                                                                    0.01 * rng.uniform()});
        lists.set(u, list);
    }
    const std::vector<int> ks = {1, 3, 6, 12};
    const SweepPredictions p = predictOfflineCentred(train, lists, test, ks, {}, bias);
    std::size_t fromNeighbours = 0;
    for (std::size_t k = 0; k < ks.size(); ++k)
        for (std::size_t t = 0; t < test.size(); ++t) {
            const std::uint32_t u = test.users[t], i = test.items[t];
            double num = 0, den = 0;
            for (const Neighbour& n : lists.of(u, ks[k]))
                if (auto r = train.rating(n.user, i)) {
                    num += n.similarity * (*r - bias.mu - bias.userBias[n.user] - bias.itemBias[i]);
                    den += std::fabs(n.similarity);
                }
            const double expected = bias.mu + bias.userBias[u] + bias.itemBias[i] + (den > 0 ? num / den : 0.0);
            ASSERT_NEAR(p.perK[k].values[t], expected, 1e-5) << "t " << t << " K " << ks[k];
            EXPECT_EQ(p.perK[k].sources[t], den > 0 ? PredictionSource::Neighbours : ratingOnlySource(train, u, i));
            fromNeighbours += den > 0;
        }
    EXPECT_GT(fromNeighbours, test.size());
}

TEST(ContentMethods, ItemKnnMatchesBruteForceAndPredictsColdItemsFromProfiles)
{
    const Case c = makeCase(30, 24, 6);
    const TrainingMatrix train = TrainingMatrix::build(c.data, c.trainIdx);
    const TestSet test = TestSet::build(c.data, c.testIdx);
    const BiasModel bias = fitBias(train);
    const ItemProfiles items = alignItemProfiles(c.features, c.data.items, Normalization::None);
    ASSERT_EQ(items.withoutProfile(), 1u);  // the last item
    ASSERT_FALSE(train.knowsItem(0));      // item 0 is cold
    const std::vector<int> ks = {1, 2, 5, 10, 30};
    const SweepPredictions p = predictItemKnn(train, items, bias, test, ks, {});

    auto cosine = [&](std::uint32_t a, std::uint32_t b) {
        double dot = 0, na = 0, nb = 0;
        for (Eigen::Index f = 0; f < 5; ++f) {
            const double x = c.features.values(a, f), y = c.features.values(b, f);
            dot += x * y, na += x * x, nb += y * y;
        }
        return dot / std::sqrt(na * nb);
    };
    std::size_t coldFromProfiles = 0;
    for (std::size_t k = 0; k < ks.size(); ++k)
        for (std::size_t t = 0; t < test.size(); ++t) {
            const std::uint32_t u = test.users[t], i = test.items[t];
            std::vector<std::pair<double, std::uint32_t>> rated;  // (s_ij, j) over u's profiled training items
            if (i + 1 < 24)
                for (std::size_t e = train.userOffsets[u]; e < train.userOffsets[u + 1]; ++e)
                    if (const std::uint32_t j = train.userItems[e]; j != i && j + 1 < 24)
                        rated.push_back({cosine(i, j), j});
            std::sort(rated.begin(), rated.end(), [](const auto& a, const auto& b) {
                return a.first != b.first ? a.first > b.first : a.second < b.second;
            });
            double num = 0, den = 0;
            for (std::size_t n = 0; n < rated.size() && n < static_cast<std::size_t>(ks[k]); ++n) {
                const auto [s, j] = rated[n];
                num += s * (*train.rating(u, j) - bias.predict(u, j));
                den += std::fabs(s);
            }
            const double expected = bias.predict(u, i) + (den > 0 ? num / den : 0.0);
            ASSERT_NEAR(p.perK[k].values[t], expected, 1e-5) << "t " << t << " K " << ks[k];
            EXPECT_EQ(p.perK[k].sources[t], den > 0 ? PredictionSource::Neighbours : ratingOnlySource(train, u, i));
            coldFromProfiles += i == 0 && den > 0;
        }
    EXPECT_GT(coldFromProfiles, 0u);
    // Without a profile (the last item), b_ui alone.
    TestSet noProfile;
    noProfile.users = {1};
    noProfile.items = {23};
    noProfile.ratings = {3};
    EXPECT_FLOAT_EQ(predictItemKnn(train, items, bias, noProfile, {5}, {}).perK[0].values[0],
                    static_cast<float>(bias.predict(1, 23)));
}

TEST(ContentMethods, EvaluatorNamesRowsAndKeepsThePaperRowsUnchanged)
{
    const Case c = makeCase(30, 24, 8);
    const Split split{c.trainIdx, c.testIdx};
    EvalSettings settings;
    settings.ks = {2, 5};
    settings.normalization = Normalization::None;
    const SplitResult paper = evaluateSplit(c.data, split, {{"video", &c.features}}, settings);
    settings.methods = parseContentMethods("all");
    const SplitResult all = evaluateSplit(c.data, split, {{"video", &c.features}}, settings);
    std::vector<std::string> names;
    for (const auto& row : all.rows)
        names.push_back(row.method + "@" + std::to_string(row.k));
    EXPECT_EQ(names, (std::vector<std::string>{"video@2", "video@5", "video:paper-baseline@2", "video:paper-baseline@5",
                                               "video:item-knn@2", "video:item-knn@5", "video:hybrid@2", "video:hybrid@5", "video:vbpr@0"}));
    ASSERT_EQ(paper.rows.size(), 2u);
    for (std::size_t r = 0; r < 2; ++r)
        EXPECT_EQ(paper.rows[r].metrics.rmse, all.rows[r].metrics.rmse);
    EXPECT_EQ(paper.crowding.size(), all.crowding.size());
    // paper-baseline needs offline lists.
    settings.mode = NeighbourMode::Raters;
    EXPECT_THROW((void)evaluateSplit(c.data, split, {{"video", &c.features}}, settings), ConfigError);
}

}  // namespace
}  // namespace tl
