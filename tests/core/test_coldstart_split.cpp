// Item cold-start splits (coldstart:RATIO, coldstart-kfold:K): parsing, the
// invariants that define them, and how the rating-only models mark their
// fallbacks on such a split.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/common/Error.h"
#include "core/common/Random.h"
#include "core/data/Split.h"
#include "core/eval/Evaluator.h"

namespace tl {
namespace {

// `users` x `items`, each cell rated with probability `density` (seeded); item ids
// ids "0".. are interned first so items without ratings can exist too.
Dataset randomDataset(std::size_t users, std::size_t items, double density, std::uint64_t seed)
{
    Dataset data;
    for (std::size_t i = 0; i < items; ++i)
        data.items.intern(std::to_string(i));
    Rng rng(seed);
    for (std::size_t u = 0; u < users; ++u) {
        const std::uint32_t user = data.users.intern(std::to_string(u));
        for (std::size_t i = 0; i < items; ++i)
            if (rng.uniform() < density)
                data.ratings.push_back({user, static_cast<std::uint32_t>(i), static_cast<float>(1 + rng.below(5))});
    }
    return data;
}

std::set<std::uint32_t> itemsOf(const Dataset& data, const std::vector<std::size_t>& indices)
{
    std::set<std::uint32_t> items;
    for (std::size_t r : indices)
        items.insert(data.ratings[r].item);
    return items;
}

void expectPartition(const Dataset& data, const Split& split)
{
    std::vector<std::size_t> all = split.train;
    all.insert(all.end(), split.test.begin(), split.test.end());
    std::sort(all.begin(), all.end());
    ASSERT_EQ(all.size(), data.ratings.size());
    for (std::size_t r = 0; r < all.size(); ++r)
        ASSERT_EQ(all[r], r);
    EXPECT_TRUE(std::is_sorted(split.train.begin(), split.train.end()));
    EXPECT_TRUE(std::is_sorted(split.test.begin(), split.test.end()));
}

TEST(ColdStartSplit, ParsesAndRefusesWithTheExpectedForms)
{
    using K = SplitSpec::Kind;
    EXPECT_EQ(parseSplitSpec("coldstart:0.2"), (SplitSpec{K::ColdStart, 0.2, 5}));
    EXPECT_EQ(parseSplitSpec(" coldstart : .1 "), (SplitSpec{K::ColdStart, 0.1, 5}));
    EXPECT_EQ(parseSplitSpec("coldstart-kfold:5"), (SplitSpec{K::ColdStartKFold, 0.2, 5}));
    EXPECT_TRUE(parseSplitSpec("coldstart-kfold:3").coldStart());
    EXPECT_FALSE(parseSplitSpec("kfold:3").coldStart());
    for (const char* bad : {"coldstart:1", "coldstart:0", "coldstart:x", "coldstart-kfold:1", "coldstart-kfold:2.5",
                            "coldstart-kfold:101", "cold:0.2"}) {
        try {
            (void)parseSplitSpec(bad);
            ADD_FAILURE() << bad << " was accepted";
        } catch (const ConfigError& e) {
            const std::string message = e.what();
            EXPECT_EQ(message.rfind(std::string("split '") + bad + "': ", 0), 0u) << message;
            EXPECT_NE(message.find("coldstart:RATIO"), std::string::npos) << message;
        }
    }
}

TEST(ColdStartSplit, HoldoutMovesWholeItemsRespectsTheRatioAndIsSeeded)
{
    const Dataset data = randomDataset(40, 60, 0.2, 1);
    const std::size_t rated = itemsOf(data, [&] {
                                  std::vector<std::size_t> all(data.ratings.size());
                                  for (std::size_t r = 0; r < all.size(); ++r)
                                      all[r] = r;
                                  return all;
                              }()).size();
    for (double ratio : {0.1, 0.25, 0.5}) {
        const Split split = coldStartHoldout(data, ratio, 7);
        expectPartition(data, split);
        const auto testItems = itemsOf(data, split.test), trainItems = itemsOf(data, split.train);
        for (std::uint32_t i : testItems)
            EXPECT_EQ(trainItems.count(i), 0u) << "test item " << i << " has a training rating";
        EXPECT_EQ(testItems.size() + trainItems.size(), rated);
        EXPECT_EQ(testItems.size(), static_cast<std::size_t>(std::llround(static_cast<double>(rated) * ratio)));
    }
    const Split a = coldStartHoldout(data, 0.2, 7), b = coldStartHoldout(data, 0.2, 7), c = coldStartHoldout(data, 0.2, 8);
    EXPECT_EQ(a.test, b.test);
    EXPECT_NE(a.test, c.test);
    EXPECT_EQ(makeSplit(data, parseSplitSpec("coldstart:0.2"), 7).test, a.test);
}

TEST(ColdStartSplit, KFoldTestsEveryItemInExactlyOneFold)
{
    Dataset data = randomDataset(30, 23, 0.3, 2);
    data.items.intern("never-rated");  // no ratings: in no fold, and no error
    const auto folds = coldStartKFold(data, 4, 3);
    ASSERT_EQ(folds.size(), 4u);
    std::map<std::uint32_t, int> foldsTesting;
    std::vector<std::size_t> sizes;
    for (const auto& fold : folds) {
        expectPartition(data, fold);
        const auto testItems = itemsOf(data, fold.test), trainItems = itemsOf(data, fold.train);
        for (std::uint32_t i : testItems) {
            EXPECT_EQ(trainItems.count(i), 0u);
            ++foldsTesting[i];
        }
        sizes.push_back(testItems.size());
    }
    EXPECT_EQ(foldsTesting.size(), 23u);
    for (const auto& [item, n] : foldsTesting)
        EXPECT_EQ(n, 1) << "item " << item;
    EXPECT_LE(*std::max_element(sizes.begin(), sizes.end()) - *std::min_element(sizes.begin(), sizes.end()), 1u);
    // makeSplit computes the first fold alone; makeSplits gives all of them.
    const SplitSpec spec = parseSplitSpec("coldstart-kfold:4");
    EXPECT_EQ(makeSplit(data, spec, 3).test, folds.front().test);
    EXPECT_EQ(makeSplits(data, spec, 3).back().test, folds.back().test);
    EXPECT_NE(coldStartKFold(data, 4, 4).front().test, folds.front().test);
    EXPECT_THROW((void)coldStartKFold(data, 24, 3), ConfigError);  // 23 rated items
}

TEST(ColdStartSplit, RatingOnlyModelsMarkEveryColdPredictionAsAFallback)
{
    const Dataset data = randomDataset(30, 40, 0.3, 5);
    const Split split = coldStartHoldout(data, 0.25, 1);
    EvalSettings settings;
    settings.ks = {5, 10};
    settings.baselines = true;
    const SplitResult result = evaluateSplit(data, split, {}, settings);
    EXPECT_EQ(result.coldTestRatings, split.test.size());
    for (const auto& row : result.rows) {
        SCOPED_TRACE(row.method);  // global and user mean ignore the item: nothing to fall back from
        EXPECT_EQ(row.metrics.fromNeighbours, 0.0);
        EXPECT_EQ(row.metrics.userMeanFallbacks + row.metrics.itemMeanFallbacks + row.metrics.globalMeanFallbacks,
                  row.method == "global-mean" || row.method == "user-mean" ? 0u : split.test.size());
    }
    // A random holdout has (almost) no cold ratings here and says so.
    EXPECT_LT(evaluateSplit(data, randomHoldout(data, 0.25, 1), {}, settings).coldTestRatings, split.test.size());
}

}  // namespace
}  // namespace tl
