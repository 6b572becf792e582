#include "core/data/Split.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numeric>

#include "core/common/Error.h"
#include "core/common/Random.h"

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

std::vector<Split> kFold(const Dataset& data, int k, std::uint64_t seed)
{
    if (k < 2)
        throw ConfigError("k-fold needs k >= 2, got " + std::to_string(k));
    if (static_cast<std::size_t>(k) > data.ratings.size())
        throw ConfigError("k-fold with k = " + std::to_string(k) + " needs at least k ratings");
    auto order = shuffledIndices(data.ratings.size(), seed);
    std::vector<int> foldOf(order.size());
    const std::size_t n = order.size();
    for (int f = 0; f < k; ++f) {
        const std::size_t begin = n * static_cast<std::size_t>(f) / static_cast<std::size_t>(k);
        const std::size_t end = n * static_cast<std::size_t>(f + 1) / static_cast<std::size_t>(k);
        for (std::size_t p = begin; p < end; ++p)
            foldOf[order[p]] = f;
    }
    std::vector<Split> folds(static_cast<std::size_t>(k));
    for (std::size_t r = 0; r < n; ++r)
        for (int f = 0; f < k; ++f)
            (foldOf[r] == f ? folds[static_cast<std::size_t>(f)].test : folds[static_cast<std::size_t>(f)].train)
                .push_back(r);
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
    const auto colon = text.find(':');
    const std::string kind = text.substr(0, colon);
    const std::string arg = colon == std::string::npos ? "" : text.substr(colon + 1);
    char* end = nullptr;
    const double value = std::strtod(arg.c_str(), &end);
    const bool number = !arg.empty() && *end == '\0';
    SplitSpec spec;
    if ((kind == "holdout" || kind == "peruser") && number && value > 0 && value < 1) {
        spec.kind = kind == "holdout" ? SplitSpec::Holdout : SplitSpec::PerUser;
        spec.ratio = value;
        return spec;
    }
    if (kind == "kfold" && number && value >= 2 && value <= 100 && value == std::floor(value)) {
        spec.kind = SplitSpec::KFold;
        spec.folds = static_cast<int>(value);
        return spec;
    }
    throw ConfigError("split '" + text +
                      "' is not holdout:RATIO, kfold:K (K >= 2) or peruser:RATIO (0 < RATIO < 1)");
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

}  // namespace tl
