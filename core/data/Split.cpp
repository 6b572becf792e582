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
        " (expected holdout:RATIO, peruser:RATIO with 0 < RATIO < 1, or kfold:K with 2 <= K <= 100; e.g. holdout:0.2)";
    const auto colon = text.find(':');
    if (colon == std::string::npos)
        throw ConfigError("split '" + text + "': no ':'" + expected);
    const std::string_view kind = text::trim(std::string_view(text).substr(0, colon));
    const std::string_view arg = text::trim(std::string_view(text).substr(colon + 1));
    const std::optional<double> value = text::parseDouble(arg);
    SplitSpec spec;
    if (kind == "holdout" || kind == "peruser") {
        if (!value || !(*value > 0 && *value < 1))
            throw ConfigError("split '" + text + "': the ratio '" + std::string(arg) +
                              "' is not a number strictly between 0 and 1" + expected);
        spec.kind = kind == "holdout" ? SplitSpec::Holdout : SplitSpec::PerUser;
        spec.ratio = *value;
        return spec;
    }
    if (kind == "kfold") {
        if (!value || !(*value >= 2 && *value <= 100) || *value != std::floor(*value))
            throw ConfigError("split '" + text + "': the fold count '" + std::string(arg) +
                              "' is not a whole number from 2 to 100" + expected);
        spec.kind = SplitSpec::KFold;
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
    }
    return {};
}

Split makeSplit(const Dataset& data, const SplitSpec& spec, std::uint64_t seed)
{
    if (spec.kind == SplitSpec::KFold)
        return foldSplit(foldAssignment(data, spec.folds, seed), 0);
    return makeSplits(data, spec, seed).front();
}

}  // namespace tl
