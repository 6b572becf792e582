#pragma once
// An inspectable, precomputed CF model for one configuration (one split, one
// content source, one set of options): the offline half of method.md section 5.
// Build once (profiles, similarity pass, neighbour lists up to kMax, the
// predictions of every test rating for every K); afterwards every query is a
// lookup or a short walk, so an interface can move K instantly.
//
// Thread-safety: build() is long (run it in a worker); a built model is
// immutable and its const methods may be called from any thread.

#include <memory>
#include <string>
#include <vector>

#include "core/cf/CfOptions.h"
#include "core/cf/FusedSimilarity.h"
#include "core/cf/Neighbours.h"
#include "core/cf/Prediction.h"
#include "core/cf/Profiles.h"
#include "core/common/JobContext.h"
#include "core/data/FeatureMatrix.h"
#include "core/data/Split.h"
#include "core/eval/Explain.h"
#include "core/eval/Metrics.h"

namespace tl {

struct CfModelSettings {
    int kMax = 100;
    std::vector<int> ks = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};  // the sweep, each <= kMax
    RelevantRule relevant;
    Normalization normalization = Normalization::MinMax100;
    bool clip = false;
    RankingOptions ranking;
    // Late fusion (FusedSimilarity.h): the features are the modalities' blocks side by
    // side and sim(u, v) = sum_b w_b cos_b(u, v); not enabled: the paper's one cosine.
    // A built model holds the weights normalised to sum 1.
    LateFusion late;
};

struct FeatureUtility {
    std::size_t feature;  // column of the item feature matrix
    float value;          // MUP(u, feature)
};

struct TestPrediction {
    std::uint32_t item;
    float truth;
    float prediction;
    PredictionSource source;
};

struct Recommendation {
    std::uint32_t item;
    float prediction;
    int supporters;  // neighbours (among the first K) who rated the item
};

class CfModel;

// What CfModel::update changed.
struct CfModelChanges {
    std::vector<std::uint32_t> editedUsers;  // users whose training ratings changed, ascending
    std::size_t addedUsers = 0, removedUsers = 0;  // users appended to / dropped from the end
    std::vector<std::uint32_t> changedLists;  // users whose kMax list changed, ascending
    std::size_t rescannedLists = 0;  // lists recomputed from a full similarity row
    std::size_t recomputedTests = 0;  // test ratings predicted again (the others' predictions kept)
};

struct CfModelUpdate {
    std::shared_ptr<const CfModel> model;
    CfModelChanges changes;
};

class CfModel {
public:
    static std::shared_ptr<const CfModel> build(const Dataset& data, const Split& split, const FeatureMatrix& features,
                                                const CfModelSettings& settings,
                                                const JobContext& ctx = JobContext::none());

    // The model of the edited ratings `edited` (its split `editedSplit`), computed from
    // `base` incrementally, with the same features and settings: equal to
    // build(edited, editedSplit, <base's features>, base.settings()) (lists identical,
    // predictions to float rounding; see docs/whatif.md). `edited` keeps the base's
    // items and its users by index; users may be appended (new users) or dropped from
    // the end (their ratings count as removed). Each user whose training ratings differ
    // from the base's is updated as one what-if edit with K = kMax (KnnUpdater, the code
    // WhatIfModel runs); the test set, its predictions at every K and the sweep metrics
    // are those of the edited split: predictions are recomputed for the test ratings
    // they may have changed for (new test pairs, and users who were edited, have an
    // edited user in their list, whose list changed or who have no training ratings)
    // and kept for the others; the metrics are recomputed. Cost: one similarity row per edited
    // user (plus rescans) and the sweep, against a full build's all-pairs pass.
    // Throws ConfigError when `edited` has other items or another rating scale than the
    // base's data set: such a change needs a full build.
    static CfModelUpdate update(const CfModel& base, const Dataset& edited, const Split& editedSplit,
                                const JobContext& ctx = JobContext::none());

    const CfModelSettings& settings() const { return settings_; }
    const TrainingMatrix& train() const { return train_; }
    const TestSet& test() const { return test_; }
    const ItemProfiles& items() const { return *items_; }
    const NeighbourLists& neighbourLists() const { return lists_; }
    // rel(u) with its weights r(u, i): what the profiles (and their explanations) are made of.
    const RelevanceMatrix& relevance() const { return relevance_; }
    // The options the model's predictions were made with (its clip setting and rating scale).
    PredictOptions predictOptions() const { return {settings_.clip, scale_}; }

    // The n features with the highest utility MUP(u, f), largest first.
    std::vector<FeatureUtility> topFeatures(std::uint32_t user, std::size_t n) const;
    // The first K neighbours, with the number of training items each co-rated with `user`.
    std::vector<std::pair<Neighbour, int>> neighbours(std::uint32_t user, int k) const;
    // The user's test ratings with the predictions at K (any K <= kMax).
    std::vector<TestPrediction> testPredictions(std::uint32_t user, int k) const;
    // Top-n unrated items for the user at K, by predicted rating (ties: lower item index).
    std::vector<Recommendation> recommend(std::uint32_t user, int k, std::size_t n) const;
    // u's float64 cosine to every user v (formula 4), the values its neighbours were
    // chosen from; NaN for u itself and for users with an all-zero profile (nobody's
    // neighbour), and all NaN when u's own profile is zero. O(items x F + nnz).
    // With late fusion the fused similarity (sum_b w_b cos_b), NaN for inactive users.
    std::vector<double> similarityRow(std::uint32_t user) const;
    // The user may have and be a neighbour (a non-zero profile; late fusion: in some
    // block of positive weight).
    bool isActive(std::uint32_t user) const;
    // sim(user, neighbour) as item-pair terms (Explain.h's explainCosine; late fusion:
    // each pair's terms summed over the blocks, and each block's part).
    CosineExplanation explainNeighbour(std::uint32_t user, std::uint32_t neighbour, std::size_t top) const;
    // Metrics at each K of the sweep (precomputed).
    const std::vector<Metrics>& sweepMetrics() const { return sweepMetrics_; }
    // Metrics at any K <= kMax (computed on demand from the neighbour lists).
    Metrics metricsAt(int k) const;

private:
    CfModel() = default;
    // Keeps the test predictions at every K of the sweep, computes testsOf_ and their
    // metrics. With `base`, the ranking shares of the users not marked in `redo` are the
    // base's (their test ratings and predictions are the base's).
    void finishSweep(SweepPredictions sweep, const CfModel* base = nullptr, const std::vector<char>* redo = nullptr);
    CfModelSettings settings_;
    RatingScale scale_;
    TrainingMatrix train_;
    TestSet test_;
    std::shared_ptr<const ItemProfiles> items_;  // shared by a model and its updates
    RelevanceMatrix relevance_;
    NeighbourLists lists_;
    std::vector<double> norms_;  // |MUP(u)|, float64
    std::vector<char> active_;   // may have and be a neighbour
    std::vector<std::vector<double>> blockNorms_;  // late fusion: per block, |MUP_b(u)|
    SweepPredictions sweep_;  // test_'s predictions at each K of settings_.ks
    std::vector<Metrics> sweepMetrics_;
    // Per K of the sweep and user: computeMetrics on the user's test ratings alone (its
    // share of precision, recall and nDCG); the sweep's ranking metrics are their sums in
    // user order, as computeMetrics sums them.
    std::vector<std::vector<Metrics>> userRanking_;
    std::vector<std::vector<std::size_t>> testsOf_;  // per user: indices into test_
};

}  // namespace tl
