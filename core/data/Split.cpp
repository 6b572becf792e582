#include "core/data/Split.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <string_view>

#include "core/common/Error.h"
#include "core/common/Random.h"
#include "core/data/Text.h"

namespace tl {

namespace {
void checkRatio(double testRatio)
{
    if (!(testRatio > 0.0 && testRatio < 1.0))
        throw ConfigError("test ratio must be between 0 and 1 (exclusive), got " + std::to_string(testRatio));
}

std::vector<std::size_t> shuffledIndices(std::size_t n, std::uint64_t seed)
{
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    Rng rng(seed);
    rng.shuffle(order);
    return order;
}
}  // namespace

Split randomHoldout(const Dataset& data, double testRatio, std::uint64_t seed)
{
    checkRatio(testRatio);
    auto order = shuffledIndices(data.ratings.size(), seed);
    const auto testCount = static_cast<std::size_t>(std::llround(static_cast<double>(order.size()) * testRatio));
    Split split;
    split.test.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(testCount));
    split.train.assign(order.begin() + static_cast<std::ptrdiff_t>(testCount), order.end());
    std::sort(split.train.begin(), split.train.end());
    std::sort(split.test.begin(), split.test.end());
    return split;
}

namespace {
// The fold of every rating: a shuffled order cut into k parts whose sizes differ by at most 1.
std::vector<int> foldAssignment(const Dataset& data, int k, std::uint64_t seed)
{
    if (k < 2)
        throw ConfigError("k-fold needs k >= 2, got " + std::to_string(k));
    if (static_cast<std::size_t>(k) > data.ratings.size())
        throw ConfigError("k-fold with k = " + std::to_string(k) + " needs at least k ratings");
    const auto order = shuffledIndices(data.ratings.size(), seed);
    std::vector<int> foldOf(order.size());
    const std::size_t n = order.size();
    for (int f = 0; f < k; ++f) {
        const std::size_t begin = n * static_cast<std::size_t>(f) / static_cast<std::size_t>(k);
        const std::size_t end = n * static_cast<std::size_t>(f + 1) / static_cast<std::size_t>(k);
        for (std::size_t p = begin; p < end; ++p)
            foldOf[order[p]] = f;
    }
    return foldOf;
}

Split foldSplit(const std::vector<int>& foldOf, int fold)
{
    Split split;
    for (std::size_t r = 0; r < foldOf.size(); ++r)
        (foldOf[r] == fold ? split.test : split.train).push_back(r);
    return split;
}
}  // namespace

std::vector<Split> kFold(const Dataset& data, int k, std::uint64_t seed)
{
    const auto foldOf = foldAssignment(data, k, seed);
    std::vector<Split> folds;
    for (int f = 0; f < k; ++f)
        folds.push_back(foldSplit(foldOf, f));
    return folds;
}

Split perUserHoldout(const Dataset& data, double testRatio, std::uint64_t seed)
{
    checkRatio(testRatio);
    std::vector<std::vector<std::size_t>> byUser(data.users.size());
    for (std::size_t r = 0; r < data.ratings.size(); ++r)
        byUser[data.ratings[r].user].push_back(r);
    Rng rng(seed);
    Split split;
    for (auto& ratings : byUser) {
        rng.shuffle(ratings);
        std::size_t testCount = 0;
        if (ratings.size() >= 2) {
            testCount = static_cast<std::size_t>(std::llround(static_cast<double>(ratings.size()) * testRatio));
            testCount = std::clamp<std::size_t>(testCount, 1, ratings.size() - 1);
        }
        split.test.insert(split.test.end(), ratings.begin(), ratings.begin() + static_cast<std::ptrdiff_t>(testCount));
        split.train.insert(split.train.end(), ratings.begin() + static_cast<std::ptrdiff_t>(testCount), ratings.end());
    }
    std::sort(split.train.begin(), split.train.end());
    std::sort(split.test.begin(), split.test.end());
    return split;
}

namespace {
// The items that have at least one rating, ascending, then shuffled.
std::vector<std::uint32_t> shuffledRatedItems(const Dataset& data, std::uint64_t seed)
{
    std::vector<char> rated(data.items.size(), 0);
    for (const auto& r : data.ratings)
        rated[r.item] = 1;
    std::vector<std::uint32_t> items;
    for (std::size_t i = 0; i < rated.size(); ++i)
        if (rated[i])
            items.push_back(static_cast<std::uint32_t>(i));
    Rng rng(seed);
    rng.shuffle(items);
    return items;
}

// Every rating whose item is marked goes to test, the rest to train (both ascending).
Split splitByTestItems(const Dataset& data, const std::vector<char>& testItem)
{
    Split split;
    for (std::size_t r = 0; r < data.ratings.size(); ++r)
        (testItem[data.ratings[r].item] ? split.test : split.train).push_back(r);
    return split;
}
}  // namespace

Split coldStartHoldout(const Dataset& data, double itemRatio, std::uint64_t seed)
{
    checkRatio(itemRatio);
    const auto items = shuffledRatedItems(data, seed);
    if (items.size() < 2)
        throw ConfigError("cold-start split needs ratings of at least 2 items, got " + std::to_string(items.size()));
    auto testCount = static_cast<std::size_t>(std::llround(static_cast<double>(items.size()) * itemRatio));
    testCount = std::clamp<std::size_t>(testCount, 1, items.size() - 1);
    std::vector<char> testItem(data.items.size(), 0);
    for (std::size_t n = 0; n < testCount; ++n)
        testItem[items[n]] = 1;
    return splitByTestItems(data, testItem);
}

namespace {
// The fold of every item (-1: no ratings), as foldAssignment does for ratings.
std::vector<int> itemFoldAssignment(const Dataset& data, int k, std::uint64_t seed)
{
    if (k < 2)
        throw ConfigError("cold-start k-fold needs k >= 2, got " + std::to_string(k));
    const auto items = shuffledRatedItems(data, seed);
    if (static_cast<std::size_t>(k) > items.size())
        throw ConfigError("cold-start k-fold with k = " + std::to_string(k) + " needs ratings of at least k items, got " +
                          std::to_string(items.size()));
    std::vector<int> foldOf(data.items.size(), -1);
    const std::size_t n = items.size();
    for (int f = 0; f < k; ++f)
        for (std::size_t p = n * static_cast<std::size_t>(f) / static_cast<std::size_t>(k);
             p < n * static_cast<std::size_t>(f + 1) / static_cast<std::size_t>(k); ++p)
            foldOf[items[p]] = f;
    return foldOf;
}

Split itemFoldSplit(const Dataset& data, const std::vector<int>& foldOf, int fold)
{
    std::vector<char> testItem(foldOf.size(), 0);
    for (std::size_t i = 0; i < foldOf.size(); ++i)
        testItem[i] = foldOf[i] == fold;
    return splitByTestItems(data, testItem);
}
}  // namespace

std::vector<Split> coldStartKFold(const Dataset& data, int k, std::uint64_t seed)
{
    const auto foldOf = itemFoldAssignment(data, k, seed);
    std::vector<Split> folds;
    for (int f = 0; f < k; ++f)
        folds.push_back(itemFoldSplit(data, foldOf, f));
    return folds;
}

Split explicitSplit(const Dataset& data, std::size_t trainCount)
{
    if (trainCount > data.ratings.size())
        throw ConfigError("explicit split: train count exceeds the number of ratings");
    Split split;
    split.train.resize(trainCount);
    std::iota(split.train.begin(), split.train.end(), 0);
    split.test.resize(data.ratings.size() - trainCount);
    std::iota(split.test.begin(), split.test.end(), trainCount);
    return split;
}

}  // namespace tl

namespace tl {

SplitSpec parseSplitSpec(const std::string& text)
{
    const std::string expected =
        " (expected holdout:RATIO, peruser:RATIO, coldstart:RATIO with 0 < RATIO < 1, or kfold:K, coldstart-kfold:K "
        "with 2 <= K <= 100; e.g. holdout:0.2)";
    const auto colon = text.find(':');
    if (colon == std::string::npos)
        throw ConfigError("split '" + text + "': no ':'" + expected);
    const std::string_view kind = text::trim(std::string_view(text).substr(0, colon));
    const std::string_view arg = text::trim(std::string_view(text).substr(colon + 1));
    const std::optional<double> value = text::parseDouble(arg);
    SplitSpec spec;
    if (kind == "holdout" || kind == "peruser" || kind == "coldstart") {
        if (!value || !(*value > 0 && *value < 1))
            throw ConfigError("split '" + text + "': the ratio '" + std::string(arg) +
                              "' is not a number strictly between 0 and 1" + expected);
        spec.kind = kind == "holdout" ? SplitSpec::Holdout : kind == "peruser" ? SplitSpec::PerUser : SplitSpec::ColdStart;
        spec.ratio = *value;
        return spec;
    }
    if (kind == "kfold" || kind == "coldstart-kfold") {
        if (!value || !(*value >= 2 && *value <= 100) || *value != std::floor(*value))
            throw ConfigError("split '" + text + "': the fold count '" + std::string(arg) +
                              "' is not a whole number from 2 to 100" + expected);
        spec.kind = kind == "kfold" ? SplitSpec::KFold : SplitSpec::ColdStartKFold;
        spec.folds = static_cast<int>(*value);
        return spec;
    }
    throw ConfigError("split '" + text + "': unknown kind '" + std::string(kind) + "'" + expected);
}

std::vector<Split> makeSplits(const Dataset& data, const SplitSpec& spec, std::uint64_t seed)
{
    switch (spec.kind) {
    case SplitSpec::Holdout: return {randomHoldout(data, spec.ratio, seed)};
    case SplitSpec::PerUser: return {perUserHoldout(data, spec.ratio, seed)};
    case SplitSpec::KFold: return kFold(data, spec.folds, seed);
    case SplitSpec::ColdStart: return {coldStartHoldout(data, spec.ratio, seed)};
    case SplitSpec::ColdStartKFold: return coldStartKFold(data, spec.folds, seed);
    }
    return {};
}

Split makeSplit(const Dataset& data, const SplitSpec& spec, std::uint64_t seed)
{
    if (spec.kind == SplitSpec::KFold)
        return foldSplit(foldAssignment(data, spec.folds, seed), 0);
    if (spec.kind == SplitSpec::ColdStartKFold)
        return itemFoldSplit(data, itemFoldAssignment(data, spec.folds, seed), 0);
    return makeSplits(data, spec, seed).front();
}

}  // namespace tl
