#pragma once
// What-if edits: content-based user k-NN whose ratings can be added, changed and
// removed one at a time (also for a brand-new user), with every derived number
// updated incrementally instead of rebuilt.
//
// What an edit of r(u, i) changes (nothing else moves):
//   - the training matrix: u's row, i's column, mean(u), the item mean of i and the
//     global mean (the last two only matter to fallbacks);
//   - rel(u) and MUP(u), hence |MUP(u)| and whether u is active (non-zero profile);
//   - sim(u, v) for every v (u's similarity row and column);
//   - u's own top-K list, and the list of any v that u enters, leaves or moves in.
// For another user v only the entry of u changes in v's ranking, so v's list is
// updated from its stored list alone unless u was in a full list and fell below its
// last entry (or became inactive): then the K-th place may go to a user outside the
// list and v's list is recomputed from v's similarity row ("rescanned"). A list
// shorter than K holds every active user, so it never needs a rescan.
//
// Exactness: lists use the ranking rule of Neighbours.h (cosine rounded to 12
// decimals, then the smaller user id), predictions the evaluation's own walk
// (predictOffline, through explainPrediction). Similarities of the edited user are
// summed in float64 in another order than the full engine's (MIP MUP(u) instead of
// the engine's item Gram or normalised-profile products), so they agree with a full
// rebuild to ~1e-15 relative, not bit for bit: neighbour lists are the same and
// predictions agree to float rounding (the tests allow 1e-5 on ratings 1-5).
//
// Neighbour modes: offline keeps every user's K-list (updated as above); raters
// needs a user's whole similarity row per query, which predict() computes on
// demand from the current state (O(items x F + nnz) per queried user).
//
// Not thread-safe for edits; const queries may run concurrently between edits.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/cf/CfOptions.h"
#include "core/cf/FusedSimilarity.h"
#include "core/cf/Neighbours.h"
#include "core/cf/Prediction.h"
#include "core/cf/Profiles.h"
#include "core/cf/TrainingMatrix.h"
#include "core/common/JobContext.h"
#include "core/data/FeatureMatrix.h"
#include "core/data/Ratings.h"

namespace tl {

struct WhatIfSettings {
    int k = 20;  // neighbourhood size (offline lists hold K users)
    NeighbourMode mode = NeighbourMode::Offline;
    RelevantRule relevant;
    Normalization normalization = Normalization::MinMax100;
    bool clip = false;  // clip predictions to the data set's scale
};

// Set r(user, item) = *rating (add or change), or remove it when rating is empty.
struct RatingEdit {
    std::uint32_t user = 0;
    std::uint32_t item = 0;
    std::optional<float> rating;
};

struct MovedPrediction {
    std::uint32_t item = 0;
    float before = 0, after = 0;
};

// What one edit changed; `inverse` undoes it (apply(report.inverse)).
struct EditReport {
    RatingEdit inverse;
    bool changed = false;  // false when the edit left the ratings as they were
    bool activeBefore = false, activeAfter = false;  // the edited user has a non-zero profile
    // Offline mode: the edited user's own neighbours that entered / left its list.
    std::vector<std::uint32_t> entered, left;
    // Offline mode: users whose lists the edited user entered / left.
    std::vector<std::uint32_t> enteredListsOf, leftListsOf;
    std::size_t rescannedLists = 0;  // lists recomputed from a full similarity row
    // With EditOptions::movedPredictions: the edited user's predictions (at K, every
    // item) that changed, by item.
    std::vector<MovedPrediction> moved;
};

struct EditOptions {
    bool movedPredictions = false;
};

// The state an edit of the training ratings changes, and the one piece of code that
// updates it: WhatIfModel (lists of K) and CfModel::update (lists of kMax) both run it.
// With late fusion (FusedSimilarity.h: the item profiles are the modalities' blocks
// side by side) the similarity is sum_b w_b cos_b and a user is active when some block
// of positive weight has a non-zero profile; without, one block of weight 1.
struct KnnState {
    TrainingMatrix train;
    RelevanceMatrix w;          // rel(u) with its weights
    std::vector<double> norms;  // |MUP(u)|
    std::vector<char> active;   // |MUP(u)| > 0 (late fusion: |MUP_b(u)| > 0 in a block of positive weight)
    NeighbourLists lists;       // offline lists (K entries at most)
    LateFusion late;            // normalised weights; not enabled: one block
    std::vector<std::vector<double>> blockNorms;  // late fusion: per block, |MUP_b(u)|
};

// What a similarity row is computed from: a KnnState's pieces, or a built CfModel's.
struct SimilarityInputs {
    const RelevanceMatrix& w;
    const std::vector<double>& norms;
    const std::vector<char>& active;
    const LateFusion& late;
    const std::vector<std::vector<double>>& blockNorms;
    static SimilarityInputs of(const KnnState& s) { return {s.w, s.norms, s.active, s.late, s.blockNorms}; }
};

// What one user's list update changed in the other users' lists.
struct ListChanges {
    std::vector<std::uint32_t> enteredListsOf, leftListsOf;  // lists the user entered / left
    std::size_t rescannedLists = 0;  // lists recomputed from a full similarity row
};

// The incremental steps on a KnnState whose item profiles and relevant rule are fixed.
// After editing u's training row, refreshUser(u) then updateLists(u, similarityRows({u})[0])
// bring rel, |MUP|, activity and every list to what a full build on the edited ratings
// gives, provided every other user's rel and lists were consistent before (one user at
// a time; users edited together are processed one after the other).
class KnnUpdater {
public:
    KnnUpdater(KnnState& state, const ItemProfiles& items, const RelevantRule& rule, int k)
        : s_(state), items_(items), rule_(rule), k_(k)
    {
    }
    std::size_t users() const { return s_.norms.size(); }
    // Grows (users without ratings, inactive) or shrinks rel, |MUP|, activity and the
    // lists to `users` (not the training matrix); dropped users must be inactive with an
    // empty rel.
    void resize(std::size_t users);
    // rel(u) emptied, |MUP(u)| = 0, inactive: what refreshUser gives for no ratings.
    void clearUser(std::uint32_t user);
    // r(u, i) = rating (add or change) or removed, in both layouts, with mean(u) and the
    // item mean of i; the global mean is refreshGlobalMean's (one pass for many edits).
    void setRating(std::uint32_t user, std::uint32_t item, std::optional<float> rating);
    void refreshGlobalMean();
    // rel(u) from u's training row (by buildRelevance itself), |MUP(u)| and active(u).
    void refreshUser(std::uint32_t user);
    // Similarity rows of `users` (rows[x][v] = sim(users[x], v); 0 for inactive users and
    // for the user itself), float64: h = MIP MUP(x), then sums over rel(v) (late fusion:
    // per block, each block's cosine weighted and summed in block order, as
    // fuseUserSimilarities sums them).
    static std::vector<std::vector<double>> similarityRows(const SimilarityInputs& state, const ItemProfiles& items,
                                                           const std::vector<std::uint32_t>& users);
    // u's own list from its row, and u's entry in every other list (rescanning where needed).
    ListChanges updateLists(std::uint32_t user, const std::vector<double>& row);

private:
    KnnState& s_;
    const ItemProfiles& items_;
    RelevantRule rule_;
    int k_;
};

struct WhatIfRecommendation {
    std::uint32_t item = 0;
    float prediction = 0;
};

class WhatIfModel {
public:
    // Full build from the training ratings data.ratings[trainIndices] (as CfModel and the
    // evaluation build it). Users and items are the data set's; a user without training
    // ratings is kept (inactive) and can be given ratings.
    WhatIfModel(const Dataset& data, const std::vector<std::size_t>& trainIndices, const FeatureMatrix& features,
                const WhatIfSettings& settings, const JobContext& ctx = JobContext::none());

    const WhatIfSettings& settings() const { return settings_; }
    std::size_t users() const { return s_.train.users; }
    std::size_t items() const { return s_.train.items; }
    const TrainingMatrix& train() const { return s_.train; }
    const RelevanceMatrix& relevance() const { return s_.w; }
    const ItemProfiles& itemProfiles() const { return items_; }
    bool isActive(std::uint32_t user) const { return s_.active[user] != 0; }
    double norm(std::uint32_t user) const { return s_.norms[user]; }

    // A new user without ratings (inactive until a relevant profiled item is rated);
    // returns its index (= users() before the call).
    std::uint32_t addUser();
    // Applies one edit (throws ConfigError for an unknown user or item, or a rating
    // outside the scale) and updates everything it changes.
    EditReport apply(const RatingEdit& edit, const EditOptions& options = {});
    // Back to the ratings the model was built from (users added since are dropped).
    void reset();

    // Offline mode: user's list (at most K, rank order). Empty in raters mode.
    std::span<const Neighbour> neighbours(std::uint32_t user) const;
    // The neighbours a prediction of (user, item) uses: the offline list, or in raters
    // mode the K most similar users who rated the item.
    std::vector<Neighbour> neighboursFor(std::uint32_t user, std::uint32_t item) const;
    // sim(user, v) for every v, float64 (0 for inactive users and for user itself).
    std::vector<double> similarityRow(std::uint32_t user) const;

    // pred(user, item) at K, exactly as the evaluation computes it on these ratings.
    float predict(std::uint32_t user, std::uint32_t item, PredictionSource* source = nullptr) const;
    // Several items of one user (raters mode computes the similarity row once).
    std::vector<float> predict(std::uint32_t user, const std::vector<std::uint32_t>& items,
                               std::vector<PredictionSource>* sources = nullptr) const;
    // The n best items the user has not rated whose prediction comes from neighbours,
    // by prediction (ties: smaller item index).
    std::vector<WhatIfRecommendation> recommend(std::uint32_t user, std::size_t n) const;

private:
    KnnUpdater updater() { return KnnUpdater(s_, items_, settings_.relevant, settings_.k); }
    std::vector<float> predictAll(std::uint32_t user) const;

    WhatIfSettings settings_;
    RatingScale scale_;
    ItemProfiles items_;
    KnnState s_;
    KnnState initial_;
};

}  // namespace tl
