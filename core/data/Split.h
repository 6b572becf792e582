#pragma once
// Train/test splits of a Dataset's ratings, as index lists into
// Dataset::ratings. Deterministic: the same seed gives the same split on every
// machine (tl::Rng, no std distributions).

#include <cstdint>
#include <string>
#include <vector>

#include "core/data/Ratings.h"

namespace tl {

struct Split {
    std::vector<std::size_t> train;  // indices into Dataset::ratings, ascending
    std::vector<std::size_t> test;
};

// Each rating goes to test with the given share (exactly round(n * testRatio) ratings).
Split randomHoldout(const Dataset& data, double testRatio, std::uint64_t seed);

// k folds of a shuffled order; fold f tests on the f-th part (sizes differ by at most 1).
std::vector<Split> kFold(const Dataset& data, int k, std::uint64_t seed);

// Per user: round(n_u * testRatio) of the user's ratings go to test, at least
// one when the user has two or more, and never all of them.
Split perUserHoldout(const Dataset& data, double testRatio, std::uint64_t seed);

// Item cold start: round(n * itemRatio) of the n items that have ratings (at least
// one, never all) move to test with every one of their ratings; no test item has a
// training rating.
Split coldStartHoldout(const Dataset& data, double itemRatio, std::uint64_t seed);

// Item cold start in k folds: the rated items, shuffled, cut into k parts whose sizes
// differ by at most 1; fold f tests every rating of the items of part f.
std::vector<Split> coldStartKFold(const Dataset& data, int k, std::uint64_t seed);

// The first `trainCount` ratings are train, the rest test (explicit train and
// test files read one after the other into one Dataset).
Split explicitSplit(const Dataset& data, std::size_t trainCount);

}  // namespace tl

namespace tl {

// A split named in options and project files, one of
//   holdout:RATIO   a random RATIO of all ratings is the test set      holdout:0.2
//   peruser:RATIO   RATIO of each user's ratings (at least one) tested  peruser:0.2
//   kfold:K         K folds, each tested once (2 <= K <= 100)          kfold:5
//   coldstart:RATIO RATIO of the items, with all their ratings, tested  coldstart:0.2
//   coldstart-kfold:K  the items in K folds, each fold's items tested   coldstart-kfold:5
// RATIO is a decimal number strictly between 0 and 1 (0.2, .25, 2e-1); K a whole
// number (5, 5.0, 1e1). Spaces around either part are allowed; nothing else.
struct SplitSpec {
    enum Kind { Holdout, KFold, PerUser, ColdStart, ColdStartKFold } kind = Holdout;
    double ratio = 0.2;  // Holdout, PerUser, ColdStart
    int folds = 5;       // KFold, ColdStartKFold

    // Test items have no training rating (item cold start).
    bool coldStart() const { return kind == ColdStart || kind == ColdStartKFold; }

    bool operator==(const SplitSpec&) const = default;
};
// Throws ConfigError "split 'TEXT': ..." saying what is wrong and what is expected.
SplitSpec parseSplitSpec(const std::string& text);
// The splits of a spec: one, or K folds.
std::vector<Split> makeSplits(const Dataset& data, const SplitSpec& spec, std::uint64_t seed);
// The first of makeSplits (for a k-fold spec its first fold, computed alone): what
// an interactive session evaluates.
Split makeSplit(const Dataset& data, const SplitSpec& spec, std::uint64_t seed);

}  // namespace tl
