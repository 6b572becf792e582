// CfModel::update (core/eval/CfModel.h): after every step of random edit sequences
// (new users, added, changed and removed training ratings, sets and removals of test
// pairs, several users edited in one step, and undos back to an earlier state with
// fewer users), the incrementally updated model equals CfModel::build on the edited
// ratings: the training matrix and rel(u) exactly, every neighbour list at kMax (so
// at every K) with the same users in the same order and similarities to 1e-12, the
// test predictions at several K, recommend and similarityRow of sampled users to
// 1e-5 / 1e-12, the sweep metrics to 1e-9, and the reported edited users equal the
// users whose training ratings differ. On synthetic data (lists shorter than kMax and
// full ones), the demo's shape, and MovieLens 100K with genres (shared data).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <optional>
#include <random>
#include <set>

#include "core/cf/TrainingMatrixPatch.h"
#include "core/data/Items.h"
#include "core/data/SyntheticData.h"
#include "core/eval/CfModel.h"
#include "core/session/SyntheticDemo.h"
#include "tests/support/TestSupport.h"
#include "tests/support/TrainingMatrixEq.h"

namespace tl {
namespace {

// Edited ratings as the workbench's overlay makes them: a set of a training pair
// changes it, of a test pair moves it to training, of a new pair appends it; a remove
// drops the pair from either set.
struct Ratings {
    Dataset data;
    Split split;
};

std::optional<std::size_t> find(const Ratings& r, std::uint32_t user, std::uint32_t item)
{
    for (std::size_t n = 0; n < r.data.ratings.size(); ++n)
        if (r.data.ratings[n].user == user && r.data.ratings[n].item == item)
            return n;
    return std::nullopt;
}

bool inTest(const Ratings& r, std::size_t index)
{
    return std::binary_search(r.split.test.begin(), r.split.test.end(), index);
}

Ratings edit(Ratings r, std::uint32_t user, std::uint32_t item, std::optional<float> rating)
{
    const auto at = find(r, user, item);
    if (rating && at) {
        r.data.ratings[*at].value = *rating;
        if (inTest(r, *at)) {
            r.split.test.erase(std::find(r.split.test.begin(), r.split.test.end(), *at));
            r.split.train.insert(std::lower_bound(r.split.train.begin(), r.split.train.end(), *at), *at);
        }
    } else if (rating) {
        r.split.train.push_back(r.data.ratings.size());
        r.data.ratings.push_back({user, item, *rating, 0});
    } else if (at) {
        r.data.ratings.erase(r.data.ratings.begin() + static_cast<std::ptrdiff_t>(*at));
        for (auto* part : {&r.split.train, &r.split.test}) {
            std::vector<std::size_t> kept;
            for (std::size_t index : *part)
                if (index != *at)
                    kept.push_back(index > *at ? index - 1 : index);
            *part = std::move(kept);
        }
    }
    return r;
}

void expectSameMetrics(const Metrics& a, const Metrics& b)
{
    EXPECT_NEAR(a.rmse, b.rmse, 1e-9);
    EXPECT_NEAR(a.mae, b.mae, 1e-9);
    EXPECT_NEAR(a.fromNeighbours, b.fromNeighbours, 1e-9);
    EXPECT_NEAR(a.precision, b.precision, 1e-9);
    EXPECT_NEAR(a.recall, b.recall, 1e-9);
    EXPECT_NEAR(a.ndcg, b.ndcg, 1e-9);
    EXPECT_EQ(a.predictions, b.predictions);
    EXPECT_EQ(a.userMeanFallbacks, b.userMeanFallbacks);
    EXPECT_EQ(a.itemMeanFallbacks, b.itemMeanFallbacks);
    EXPECT_EQ(a.globalMeanFallbacks, b.globalMeanFallbacks);
    EXPECT_EQ(a.rankedUsers, b.rankedUsers);
}

// The updated model equals the fresh one; `sampled` users get the per-user queries.
void expectEqual(const CfModel& updated, const CfModel& fresh, const std::vector<std::uint32_t>& sampled)
{
    test::expectSameTraining(updated.train(), fresh.train());
    if (::testing::Test::HasFatalFailure())
        return;
    ASSERT_EQ(updated.test().users, fresh.test().users);
    ASSERT_EQ(updated.test().items, fresh.test().items);
    ASSERT_EQ(updated.test().ratings, fresh.test().ratings);
    ASSERT_EQ(updated.relevance().offsets, fresh.relevance().offsets);
    ASSERT_EQ(updated.relevance().rows, fresh.relevance().rows);
    ASSERT_EQ(updated.relevance().weights, fresh.relevance().weights);
    const int kMax = fresh.settings().kMax;
    ASSERT_EQ(updated.neighbourLists().users(), fresh.neighbourLists().users());
    for (std::size_t u = 0; u < fresh.neighbourLists().users(); ++u) {
        const auto a = updated.neighbourLists().of(u, kMax), b = fresh.neighbourLists().of(u, kMax);
        ASSERT_EQ(a.size(), b.size()) << "list of user " << u;
        for (std::size_t p = 0; p < b.size(); ++p) {
            ASSERT_EQ(a[p].user, b[p].user) << "list of user " << u << ", place " << p;
            ASSERT_NEAR(a[p].similarity, b[p].similarity, 1e-12) << "user " << u << ", place " << p;
        }
    }
    ASSERT_EQ(updated.sweepMetrics().size(), fresh.sweepMetrics().size());
    for (std::size_t k = 0; k < fresh.sweepMetrics().size(); ++k) {
        expectSameMetrics(updated.sweepMetrics()[k], fresh.sweepMetrics()[k]);
        // The sweep's metrics (kept per user, patched by an update) are computeMetrics's own
        // numbers, bit for bit (the smallest and largest K: metricsAt costs a full sweep).
        if (k != 0 && k + 1 != fresh.sweepMetrics().size())
            continue;
        for (const CfModel* model : {&updated, &fresh}) {
            const Metrics a = model->sweepMetrics()[k], b = model->metricsAt(fresh.settings().ks[k]);
            EXPECT_EQ(a.rmse, b.rmse);
            EXPECT_EQ(a.mae, b.mae);
            EXPECT_EQ(a.precision, b.precision);
            EXPECT_EQ(a.recall, b.recall);
            EXPECT_EQ(a.ndcg, b.ndcg);
            EXPECT_EQ(a.rankedUsers, b.rankedUsers);
        }
    }
    expectSameMetrics(updated.metricsAt(3), fresh.metricsAt(3));
    for (std::uint32_t u : sampled) {
        for (int k : {1, 3, kMax / 2 + 1, kMax}) {
            const auto a = updated.testPredictions(u, k), b = fresh.testPredictions(u, k);
            ASSERT_EQ(a.size(), b.size());
            for (std::size_t t = 0; t < b.size(); ++t) {
                ASSERT_EQ(a[t].item, b[t].item);
                ASSERT_EQ(a[t].source, b[t].source) << "user " << u << " item " << b[t].item << " K " << k;
                ASSERT_NEAR(a[t].prediction, b[t].prediction, 1e-5) << "user " << u << " item " << b[t].item;
            }
            const auto ra = updated.recommend(u, k, 10), rb = fresh.recommend(u, k, 10);
            ASSERT_EQ(ra.size(), rb.size());
            for (std::size_t r = 0; r < rb.size(); ++r) {
                EXPECT_NEAR(ra[r].prediction, rb[r].prediction, 1e-5) << "user " << u << " place " << r;
                EXPECT_EQ(ra[r].supporters, rb[r].supporters);
            }
        }
        const auto sa = updated.similarityRow(u), sb = fresh.similarityRow(u);
        ASSERT_EQ(sa.size(), sb.size());
        for (std::size_t v = 0; v < sb.size(); ++v) {
            ASSERT_EQ(std::isnan(sa[v]), std::isnan(sb[v])) << "user " << u << " v " << v;
            if (!std::isnan(sb[v])) {
                ASSERT_NEAR(sa[v], sb[v], 1e-12) << "user " << u << " v " << v;
            }
        }
    }
}

// The users whose training ratings differ between two rating states.
std::vector<std::uint32_t> differingUsers(const TrainingMatrix& a, const TrainingMatrix& b)
{
    std::vector<std::uint32_t> out;
    for (std::uint32_t u = 0; u < b.users; ++u) {
        const bool had = u < a.users;
        std::vector<std::pair<std::uint32_t, float>> ra, rb;
        for (std::size_t e = had ? a.userOffsets[u] : 0; had && e < a.userOffsets[u + 1]; ++e)
            ra.emplace_back(a.userItems[e], a.userValues[e]);
        for (std::size_t e = b.userOffsets[u]; e < b.userOffsets[u + 1]; ++e)
            rb.emplace_back(b.userItems[e], b.userValues[e]);
        if (ra != rb)
            out.push_back(u);
    }
    return out;
}

struct Sequence {
    int steps = 20;
    std::uint64_t seed = 1;
    std::size_t sampledUsers = 4;
};

// Random steps from `start`; each is checked against a fresh build.
void runSequence(const Ratings& start, const FeatureMatrix& features, const CfModelSettings& settings,
                 const Sequence& seq)
{
    std::mt19937 rng(static_cast<std::uint32_t>(seq.seed));
    std::vector<Ratings> history = {start};
    auto model = CfModel::build(start.data, start.split, features, settings);
    const auto items = static_cast<std::uint32_t>(start.data.items.size());
    const float lo = start.data.scale.min, hi = start.data.scale.max;
    auto star = [&] { return lo + static_cast<float>(rng() % static_cast<std::uint32_t>(hi - lo + 1)); };
    int newUsers = 0;
    std::set<int> kinds;
    for (int step = 0; step < seq.steps; ++step) {
        Ratings next = history.back();
        const auto users = static_cast<std::uint32_t>(next.data.users.size());
        auto anyRating = [&](const std::vector<std::size_t>& part) -> const Rating* {
            return part.empty() ? nullptr : &next.data.ratings[part[rng() % part.size()]];
        };
        const int kind = step == 0 ? 0 : static_cast<int>(rng() % 8);
        kinds.insert(kind);
        switch (kind) {
        case 0: {  // a new user who rates a few items at once
            next.data.users.intern("new-" + std::to_string(++newUsers));
            const auto u = static_cast<std::uint32_t>(next.data.users.size() - 1);
            for (int n = 0; n < 4; ++n)
                next = edit(next, u, static_cast<std::uint32_t>(rng() % items), star());
            break;
        }
        case 1:  // change a training rating
            if (const Rating* r = anyRating(next.split.train))
                next = edit(next, r->user, r->item, r->value == hi ? lo : hi);
            break;
        case 2:  // add a rating
            next = edit(next, static_cast<std::uint32_t>(rng() % users), static_cast<std::uint32_t>(rng() % items),
                        star());
            break;
        case 3:  // remove a training rating
            if (const Rating* r = anyRating(next.split.train))
                next = edit(next, r->user, r->item, std::nullopt);
            break;
        case 4:  // rate a test pair: it becomes a training rating
            if (const Rating* r = anyRating(next.split.test))
                next = edit(next, r->user, r->item, star());
            break;
        case 5:  // remove a test pair
            if (const Rating* r = anyRating(next.split.test))
                next = edit(next, r->user, r->item, std::nullopt);
            break;
        case 6:  // several users in one step (a reset or a redo of many edits)
            for (int n = 0; n < 3; ++n)
                if (const Rating* r = anyRating(next.split.train))
                    next = edit(next, r->user, r->item, n == 1 ? std::nullopt : std::optional<float>(star()));
            break;
        default:  // undo back to an earlier state (new users may go)
            if (history.size() > 1) {
                history.resize(1 + rng() % (history.size() - 1));
                next = history.back();
                history.pop_back();
            }
            break;
        }
        const auto updated = CfModel::update(*model, next.data, next.split);
        const auto fresh = CfModel::build(next.data, next.split, features, settings);
        EXPECT_EQ(updated.changes.editedUsers, differingUsers(model->train(), fresh->train())) << "step " << step;
        std::vector<std::uint32_t> sampled = updated.changes.editedUsers;
        if (sampled.size() > 3)
            sampled.resize(3);
        for (std::size_t s = 0; s < seq.sampledUsers; ++s)
            sampled.push_back(static_cast<std::uint32_t>(rng() % next.data.users.size()));
        SCOPED_TRACE("step " + std::to_string(step) + ", kind " + std::to_string(kind));
        expectEqual(*updated.model, *fresh, sampled);
        if (::testing::Test::HasFatalFailure())
            return;
        model = updated.model;
        history.push_back(std::move(next));
    }
    EXPECT_GE(kinds.size(), 6u) << "the sequence should exercise most kinds of step";
}

Ratings holdout(const Dataset& data, double ratio, std::uint64_t seed)
{
    return {data, perUserHoldout(data, ratio, seed)};
}

// Random sequences on synthetic ratings of the given shape (users, items, ratings, F, seed).
void runSynthetic(std::initializer_list<std::size_t> shape, const CfModelSettings& settings, double testRatio,
                  const Sequence& seq)
{
    SyntheticSpec spec;
    const auto* v = shape.begin();
    spec.users = v[0], spec.items = v[1], spec.ratings = v[2], spec.features = v[3], spec.seed = v[4];
    const SyntheticData s = generateSynthetic(spec);
    runSequence(holdout(s.dataset, testRatio, seq.seed), s.features, settings, seq);
}

TEST(CfModelUpdate, SyntheticShortAndFullLists)
{
    CfModelSettings settings;
    settings.kMax = 12;
    settings.ks = {1, 4, 12};
    runSynthetic({70, 50, 1400, 9, 5}, settings, 0.2, {60, 11, 6});
    // Lists longer than the active users: every list holds everyone (never a rescan).
    settings.kMax = 100;
    settings.ks = {5, 50, 100};
    runSynthetic({70, 50, 1400, 9, 5}, settings, 0.2, {30, 12, 6});
}

TEST(CfModelUpdate, MoreFeaturesThanItems)
{
    CfModelSettings settings;
    settings.kMax = 20;
    settings.ks = {2, 10, 20};
    settings.relevant.kind = RelevantRule::All;
    runSynthetic({90, 30, 1200, 80, 8}, settings, 0.25, {40, 13, 5});
}

TEST(CfModelUpdate, DemoShape)
{
    const SyntheticData s = generateSynthetic(session::demoSpec());
    CfModelSettings settings;
    runSequence(holdout(s.dataset, 0.2, 42), s.features, settings, {16, 14, 4});
}

// Late fusion (CfModelSettings::late): two blocks side by side, the second zero for the
// odd items (a modality without a row for them), so users who liked only those are
// active in the first block alone; the weights are normalised by the build.
TEST(CfModelUpdate, LateFusion)
{
    SyntheticSpec spec;
    spec.users = 70, spec.items = 50, spec.ratings = 1400, spec.features = 9, spec.seed = 6;
    SyntheticData s = generateSynthetic(spec);
    for (std::size_t r = 0; r < s.features.rows(); ++r)
        if (std::stoi(s.features.ids[r].substr(s.features.ids[r].find_first_of("0123456789"))) % 2)
            s.features.values.row(static_cast<Eigen::Index>(r)).tail(3).setZero();
    CfModelSettings settings;
    settings.kMax = 12;
    settings.ks = {1, 4, 12};
    settings.normalization = Normalization::None;
    settings.late.dims = {6, 3};
    settings.late.weights = {2, 3};
    runSequence(holdout(s.dataset, 0.2, 3), s.features, settings, {40, 16, 5});
}

TEST(CfModelUpdate, MovieLens100kGenres)
{
    TL_REQUIRE_SHARED(dir, "data/ml-100k");
    Dataset data;
    readRatings(dir / "u.data", data);
    const FeatureMatrix genres = genreFeatures(readItems(dir / "u.item"));
    CfModelSettings settings;  // the workbench's sweep, kMax = 100
    runSequence(holdout(data, 0.2, 7), genres, settings, {9, 15, 3});
}

// The patched training matrix (CfModel::update's route) against TrainingMatrix::build
// and a row-by-row comparison, after random edits of a shuffled copy of the ratings
// (the patch must not depend on their order), with users added and dropped, and with a
// pair rated twice (build's order decides: the fallback).
TEST(CfModelUpdate, PatchedTrainingMatrixEqualsBuild)
{
    SyntheticSpec spec;
    spec.users = 60, spec.items = 40, spec.ratings = 900, spec.features = 3, spec.seed = 21;
    const SyntheticData s = generateSynthetic(spec);
    std::mt19937 rng(5);
    std::vector<std::size_t> all(s.dataset.ratings.size());
    for (std::size_t r = 0; r < all.size(); ++r)
        all[r] = r;
    const TrainingMatrix base = TrainingMatrix::build(s.dataset, all);
    int patched = 0, fellBack = 0;
    for (int step = 0; step < 40; ++step) {
        Dataset edited = s.dataset;
        std::shuffle(edited.ratings.begin(), edited.ratings.end(), rng);
        const int kind = step % 5;
        const auto users = static_cast<std::uint32_t>(edited.users.size());
        const auto items = static_cast<std::uint32_t>(edited.items.size());
        for (int n = 0; n < 1 + step % 3; ++n) {
            Rating& r = edited.ratings[rng() % edited.ratings.size()];
            if (kind == 0)
                r.value = r.value == 5 ? 1.0f : 5.0f;  // a changed value
            else if (kind == 1)
                edited.ratings.push_back({static_cast<std::uint32_t>(rng() % users), static_cast<std::uint32_t>(rng() % items), 3, 0});
            else if (kind == 2)
                edited.ratings.erase(edited.ratings.begin() + static_cast<std::ptrdiff_t>(rng() % edited.ratings.size()));
            else if (kind == 3) {
                // The same pair twice, and (every other time) another rating of the user
                // gone: the same number of ratings as its base row.
                const Rating twice = r;
                edited.ratings.push_back(twice);
                const auto other = std::find_if(edited.ratings.begin(), edited.ratings.end(), [&](const Rating& x) {
                    return x.user == twice.user && x.item != twice.item;
                });
                if (step % 2 && other != edited.ratings.end())
                    edited.ratings.erase(other);
            }
        }
        if (kind == 4) {  // a new user with ratings, one without, and (every other time) the last user dropped
            edited.users.intern("new-a");
            edited.users.intern("new-b");
            edited.ratings.push_back({users, 0, 4, 0});
            edited.ratings.push_back({users, 7, 2, 0});
        }
        Dataset dropped;
        if (kind == 4 && step % 2) {
            dropped.scale = edited.scale;
            dropped.items = edited.items;
            for (std::uint32_t u = 0; u + 1 < users; ++u)
                dropped.users.intern(edited.users.id(u));
            for (const Rating& r : edited.ratings)
                if (r.user + 1 < users)
                    dropped.ratings.push_back(r);
        }
        const Dataset& data = kind == 4 && step % 2 ? dropped : edited;
        std::vector<std::size_t> indices;
        for (std::size_t r = 0; r < data.ratings.size(); ++r)
            if (rng() % 10)  // not every rating selected
                indices.push_back(r);
        const TrainingMatrix built = TrainingMatrix::build(data, indices);
        std::vector<std::uint32_t> changed = {12345};
        const TrainingMatrix mine = patchTrainingMatrix(base, data, indices, changed);
        SCOPED_TRACE("step " + std::to_string(step) + ", kind " + std::to_string(kind));
        test::expectSameTraining(mine, built);
        EXPECT_EQ(mine.items, built.items);
        EXPECT_EQ(changed, differingUsers(base, built));
        EXPECT_EQ(changed, changedTrainingUsers(base, built));
        bool twice = false;
        for (std::size_t u = 0; u < built.users; ++u)
            for (std::size_t e = built.userOffsets[u] + 1; e < built.userOffsets[u + 1]; ++e)
                twice = twice || built.userItems[e] == built.userItems[e - 1];
        (twice ? fellBack : patched) += 1;
    }
    EXPECT_GT(patched, 0);
    EXPECT_GT(fellBack, 0);
}

// The same ratings in another order: nothing edited, every kept test prediction found
// (the update looks them up by user, whatever the order of the test set).
TEST(CfModelUpdate, ReorderedRatingsChangeNothing)
{
    SyntheticSpec spec;
    spec.users = 50, spec.items = 35, spec.ratings = 700, spec.features = 5, spec.seed = 4;
    const SyntheticData s = generateSynthetic(spec);
    const Ratings r = holdout(s.dataset, 0.25, 2);
    CfModelSettings settings;
    settings.kMax = 10;
    settings.ks = {2, 10};
    const auto model = CfModel::build(r.data, r.split, s.features, settings);
    Ratings reversed = r;
    std::reverse(reversed.data.ratings.begin(), reversed.data.ratings.end());
    const std::size_t last = r.data.ratings.size() - 1;
    for (auto* part : {&reversed.split.train, &reversed.split.test}) {
        for (std::size_t& index : *part)
            index = last - index;
        std::sort(part->begin(), part->end());
    }
    const auto same = CfModel::update(*model, reversed.data, reversed.split);
    EXPECT_TRUE(same.changes.editedUsers.empty());
    EXPECT_EQ(same.changes.recomputedTests, 0u);
    const auto fresh = CfModel::build(reversed.data, reversed.split, s.features, settings);
    expectEqual(*same.model, *fresh, {0, 1, 2, 3});
}

TEST(CfModelUpdate, OtherItemsNeedAFullBuild)
{
    SyntheticSpec spec;
    spec.users = 40, spec.items = 30, spec.ratings = 400, spec.features = 4, spec.seed = 3;
    const SyntheticData s = generateSynthetic(spec);
    const Ratings r = holdout(s.dataset, 0.2, 1);
    const auto model = CfModel::build(r.data, r.split, s.features, {});
    Ratings more = r;
    more.data.items.intern("another");
    EXPECT_THROW(CfModel::update(*model, more.data, more.split), ConfigError);
    // No edit: the same model, nothing reported.
    const auto same = CfModel::update(*model, r.data, r.split);
    EXPECT_TRUE(same.changes.editedUsers.empty());
    EXPECT_TRUE(same.changes.changedLists.empty());
    expectEqual(*same.model, *model, {0, 1, 2});
}

}  // namespace
}  // namespace tl
