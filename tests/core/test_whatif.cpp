// What-if edits (core/eval/WhatIf.h): after random sequences of edits (new users,
// added, changed and removed ratings, undos), the incrementally updated model equals
// a fresh full build on the edited ratings: the training matrix and rel(u) exactly,
// |MUP| and similarities to 1e-12, every neighbour list (same users, same order), and
// the predictions (the evaluation's predictOffline / predictRaters on the fresh build)
// to float rounding. Both neighbour modes; synthetic data of two shapes (more features
// than items, and fewer), a small set where lists are shorter than K and ties occur,
// and MovieLens 100K with genres when the shared data is present.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

#include <nlohmann/json.hpp>

#include "core/cf/Neighbours.h"
#include "core/cf/Prediction.h"
#include "core/cf/Similarity.h"
#include "core/data/Items.h"
#include "core/data/SyntheticData.h"
#include "core/eval/WhatIf.h"
#include "tests/support/CliRun.h"
#include "tests/support/TestSupport.h"
#include "tests/support/TrainingMatrixEq.h"

namespace tl {
namespace {

using Key = std::pair<std::uint32_t, std::uint32_t>;

// The ratings as the test keeps them (independently of the model), and the data set
// a fresh build reads: same user and item indices, new users appended.
struct Truth {
    IdMap users, items;
    RatingScale scale;
    std::map<Key, float> ratings;

    Dataset dataset() const
    {
        Dataset d;
        for (const auto& id : users.ids())
            d.users.intern(id);
        for (const auto& id : items.ids())
            d.items.intern(id);
        d.scale = scale;
        for (const auto& [key, value] : ratings)
            d.ratings.push_back({key.first, key.second, value, 0});
        return d;
    }
};

std::vector<std::size_t> allIndices(const Dataset& d)
{
    std::vector<std::size_t> all(d.ratings.size());
    for (std::size_t r = 0; r < all.size(); ++r)
        all[r] = r;
    return all;
}

Truth truthOf(const Dataset& data)
{
    Truth t;
    for (const auto& id : data.users.ids())
        t.users.intern(id);
    for (const auto& id : data.items.ids())
        t.items.intern(id);
    t.scale = data.scale;
    for (const Rating& r : data.ratings)
        t.ratings[{r.user, r.item}] = r.value;
    return t;
}

struct CheckOptions {
    std::size_t sampledUsers = 12;  // besides the edited user
    std::size_t sampledItems = 40;
};

// The model equals a fresh build on truth's ratings.
void expectEqualsFresh(const WhatIfModel& model, const Truth& truth, const FeatureMatrix& features,
                       std::uint32_t edited, std::mt19937& rng, const CheckOptions& check, bool allLists)
{
    const Dataset data = truth.dataset();
    const TrainingMatrix train = TrainingMatrix::build(data, allIndices(data));
    test::expectSameTraining(model.train(), train);
    if (::testing::Test::HasFatalFailure())
        return;

    const WhatIfSettings& settings = model.settings();
    const ItemProfiles items = alignItemProfiles(features, data.items, settings.normalization);
    const RelevanceMatrix w = buildRelevance(train, items, settings.relevant);
    ASSERT_EQ(model.relevance().offsets, w.offsets);
    ASSERT_EQ(model.relevance().rows, w.rows);
    ASSERT_EQ(model.relevance().weights, w.weights);
    const SimilarityEngine engine = SimilarityEngine::fromItemProfiles(w, items);
    for (std::uint32_t u = 0; u < train.users; ++u) {
        ASSERT_EQ(model.isActive(u), engine.isActive(u)) << "user " << u;
        ASSERT_NEAR(model.norm(u), engine.norm(u), 1e-12 * std::max(1.0, engine.norm(u))) << "user " << u;
    }

    // Users checked: the edited one and a sample (all of them for the lists at the end).
    std::vector<std::uint32_t> users = {edited};
    std::uniform_int_distribution<std::uint32_t> anyUser(0, static_cast<std::uint32_t>(train.users - 1));
    for (std::size_t s = 0; s < check.sampledUsers; ++s)
        users.push_back(anyUser(rng));

    const int k = settings.k;
    if (settings.mode == NeighbourMode::Offline) {
        const NeighbourLists lists = computeNeighbours(engine, k);
        std::vector<std::uint32_t> listed = users;
        if (allLists) {
            listed.clear();
            for (std::uint32_t u = 0; u < train.users; ++u)
                listed.push_back(u);
        }
        for (std::uint32_t u : listed) {
            const auto expected = lists.of(u);
            const auto actual = model.neighbours(u);
            ASSERT_EQ(actual.size(), expected.size()) << "list of user " << u;
            for (std::size_t p = 0; p < expected.size(); ++p) {
                ASSERT_EQ(actual[p].user, expected[p].user) << "list of user " << u << ", place " << p;
                ASSERT_NEAR(actual[p].similarity, expected[p].similarity, 1e-12) << "user " << u << ", place " << p;
            }
        }
    }

    // Predictions of the sampled users for a sample of items (all items for the edited
    // user), by the evaluation's own code on the fresh build.
    TestSet test;
    std::uniform_int_distribution<std::uint32_t> anyItem(0, static_cast<std::uint32_t>(train.items - 1));
    for (std::uint32_t u : users) {
        const std::size_t n = u == edited ? train.items : check.sampledItems;
        for (std::size_t j = 0; j < n; ++j) {
            test.users.push_back(u);
            test.items.push_back(u == edited ? static_cast<std::uint32_t>(j) : anyItem(rng));
            test.ratings.push_back(0);
        }
    }
    const PredictOptions options{settings.clip, data.scale};
    const Predictions expected =
        settings.mode == NeighbourMode::Offline
            ? predictOffline(train, computeNeighbours(engine, k), test, {k}, options).perK[0]
            : predictRaters(train, engine, test, {k}, options).perK[0];
    std::size_t t = 0;
    for (std::uint32_t u : users) {
        std::vector<std::uint32_t> theirs(test.items.begin() + static_cast<std::ptrdiff_t>(t),
                                          test.items.begin() + static_cast<std::ptrdiff_t>(
                                                                   t + (u == edited ? train.items : check.sampledItems)));
        std::vector<PredictionSource> sources;
        const std::vector<float> values = model.predict(u, theirs, &sources);
        for (std::size_t j = 0; j < theirs.size(); ++j, ++t) {
            ASSERT_NEAR(values[j], expected.values[t], 1e-5) << "pred(" << u << ", " << theirs[j] << ")";
            ASSERT_EQ(sources[j], expected.sources[t]) << "pred(" << u << ", " << theirs[j] << ")";
        }
    }
}

// A random edit sequence; after each step the model equals a fresh build.
void runSequence(const Dataset& start, const FeatureMatrix& features, WhatIfSettings settings, std::size_t steps,
                 std::uint64_t seed, const CheckOptions& check = {})
{
    std::mt19937 rng(static_cast<std::mt19937::result_type>(seed));
    WhatIfModel model(start, allIndices(start), features, settings);
    Truth truth = truthOf(start);
    // Edits concentrate on a few users so that some gain many ratings and some lose all.
    std::vector<std::uint32_t> focus;
    std::uniform_int_distribution<std::uint32_t> anyUser(0, static_cast<std::uint32_t>(start.users.size() - 1));
    std::uniform_int_distribution<std::uint32_t> anyItem(0, static_cast<std::uint32_t>(start.items.size() - 1));
    for (int f = 0; f < 3; ++f)
        focus.push_back(anyUser(rng));
    std::uniform_int_distribution<int> star(1, 5);
    std::uniform_real_distribution<double> coin(0, 1);
    int newUsers = 0;
    std::vector<RatingEdit> undo;
    for (std::size_t step = 0; step < steps; ++step) {
        const double c = coin(rng);
        RatingEdit edit;
        if (c < 0.12) {
            const std::uint32_t u = model.addUser();
            ASSERT_EQ(truth.users.intern("new" + std::to_string(++newUsers)), u);
            focus.push_back(u);
            edit = {u, anyItem(rng), static_cast<float>(star(rng))};
        } else if (c < 0.22 && !undo.empty()) {
            edit = undo.back();
            undo.pop_back();
        } else {
            const std::uint32_t u = coin(rng) < 0.7 ? focus[rng() % focus.size()] : anyUser(rng);
            std::vector<std::uint32_t> rated;
            for (const auto& [key, value] : truth.ratings)
                if (key.first == u)
                    rated.push_back(key.second);
            const double what = coin(rng);
            if (what < 0.35 && !rated.empty())
                edit = {u, rated[rng() % rated.size()], std::nullopt};  // remove
            else if (what < 0.6 && !rated.empty())
                edit = {u, rated[rng() % rated.size()], static_cast<float>(star(rng))};  // change
            else
                edit = {u, anyItem(rng), static_cast<float>(star(rng))};  // add (or change)
        }
        const EditReport report = model.apply(edit);
        undo.push_back(report.inverse);
        const Key key{edit.user, edit.item};
        if (edit.rating)
            truth.ratings[key] = *edit.rating;
        else
            truth.ratings.erase(key);
        SCOPED_TRACE("step " + std::to_string(step) + ": user " + std::to_string(edit.user) + ", item " +
                     std::to_string(edit.item) + (edit.rating ? " := " + std::to_string(*edit.rating) : " removed"));
        expectEqualsFresh(model, truth, features, edit.user, rng, check, step + 1 == steps);
        if (::testing::Test::HasFatalFailure())
            return;
    }
    // Reset: back to the fresh build of the starting ratings.
    model.reset();
    expectEqualsFresh(model, truthOf(start), features, 0, rng, check, true);
}

SyntheticData synthetic(std::size_t users, std::size_t items, std::size_t ratings, std::size_t features,
                        std::uint64_t seed)
{
    SyntheticSpec spec;
    spec.users = users, spec.items = items, spec.ratings = ratings, spec.features = features, spec.seed = seed;
    return generateSynthetic(spec);
}

TEST(WhatIf, OfflineListsFollowEditsOnSyntheticData)
{
    const SyntheticData s = synthetic(120, 90, 2400, 16, 7);  // F < items
    WhatIfSettings settings;
    settings.k = 10;
    runSequence(s.dataset, s.features, settings, 40, 1);
}

TEST(WhatIf, RatersModeFollowsEditsOnSyntheticData)
{
    const SyntheticData s = synthetic(120, 90, 2400, 16, 7);
    WhatIfSettings settings;
    settings.k = 10;
    settings.mode = NeighbourMode::Raters;
    runSequence(s.dataset, s.features, settings, 30, 2);
}

TEST(WhatIf, ManyFeaturesZScoreAndAllRelevant)
{
    const SyntheticData s = synthetic(80, 40, 1200, 120, 11);  // F > items; negative features
    WhatIfSettings settings;
    settings.k = 6;
    settings.normalization = Normalization::ZScore;
    settings.relevant.kind = RelevantRule::All;
    settings.clip = true;
    runSequence(s.dataset, s.features, settings, 30, 3);
    settings.mode = NeighbourMode::Raters;
    runSequence(s.dataset, s.features, settings, 20, 4);
}

// Lists shorter than K (K above the number of active users) and exact ties: users
// that copy another user's ratings have equal cosines to everyone.
TEST(WhatIf, ShortListsAndTies)
{
    SyntheticData s = synthetic(25, 30, 300, 8, 5);
    Dataset& d = s.dataset;
    const std::size_t n = d.ratings.size();
    for (const char* id : {"twinA", "twinB", "twinC"}) {
        const std::uint32_t twin = d.users.intern(id);
        for (std::size_t r = 0; r < n; ++r)
            if (d.ratings[r].user == 3)
                d.ratings.push_back({twin, d.ratings[r].item, d.ratings[r].value, 0});
    }
    WhatIfSettings settings;
    settings.k = 40;
    runSequence(d, s.features, settings, 40, 5);
    settings.k = 4;
    runSequence(d, s.features, settings, 40, 6);
}

TEST(WhatIf, EditReportUndoAndErrors)
{
    SyntheticData s = synthetic(60, 50, 900, 12, 9);
    WhatIfSettings settings;
    settings.k = 5;
    WhatIfModel model(s.dataset, allIndices(s.dataset), s.features, settings);
    const std::uint32_t u = model.addUser();
    EXPECT_FALSE(model.isActive(u));
    EXPECT_TRUE(model.neighbours(u).empty());
    // A new user rates one item: it becomes active, gets K neighbours, and its predictions move.
    const EditReport first = model.apply({u, 0, 5.0f}, {.movedPredictions = true});
    EXPECT_TRUE(first.changed);
    EXPECT_FALSE(first.activeBefore);
    EXPECT_TRUE(first.activeAfter);
    EXPECT_EQ(first.entered.size(), 5u);
    EXPECT_TRUE(first.left.empty());
    EXPECT_FALSE(first.moved.empty());
    EXPECT_EQ(first.inverse.rating, std::nullopt);
    for (const auto& m : first.moved)
        EXPECT_EQ(model.predict(u, m.item), m.after);
    // The same rating again changes nothing.
    EXPECT_FALSE(model.apply({u, 0, 5.0f}).changed);
    // Undo: the user has no ratings again, and is nobody's neighbour.
    const EditReport undo = model.apply(first.inverse);
    EXPECT_TRUE(undo.changed);
    EXPECT_FALSE(undo.activeAfter);
    EXPECT_EQ(undo.left.size(), 5u);
    EXPECT_EQ(undo.leftListsOf, first.enteredListsOf);
    for (std::uint32_t v = 0; v < model.users(); ++v)
        for (const Neighbour& nb : model.neighbours(v))
            EXPECT_NE(nb.user, u);
    // Recommendations: unrated items only, best first.
    model.apply({u, 1, 5.0f});
    const auto recs = model.recommend(u, 5);
    ASSERT_FALSE(recs.empty());
    for (std::size_t r = 0; r < recs.size(); ++r) {
        EXPECT_NE(recs[r].item, 1u);
        EXPECT_EQ(recs[r].prediction, model.predict(u, recs[r].item));
        if (r > 0) {
            EXPECT_GE(recs[r - 1].prediction, recs[r].prediction);
        }
    }
    EXPECT_THROW(model.apply({u, 1, 6.0f}), ConfigError);
    EXPECT_THROW(model.apply({u, 100000, 3.0f}), ConfigError);
    EXPECT_THROW(model.apply({100000, 1, 3.0f}), ConfigError);
}

TEST(WhatIf, MovieLens100kBothModes)
{
    TL_REQUIRE_SHARED(dir, "data/ml-100k");
    Dataset data;
    readRatings(dir / "u.data", data);
    const FeatureMatrix genres = genreFeatures(readItems(dir / "u.item"));
    CheckOptions check;
    check.sampledUsers = 6;
    check.sampledItems = 30;
    WhatIfSettings settings;
    settings.k = 30;
    runSequence(data, genres, settings, 12, 21, check);
    settings.mode = NeighbourMode::Raters;
    runSequence(data, genres, settings, 6, 22, check);
}

}  // namespace
}  // namespace tl

namespace tl {
namespace {

// trailerlab-cli whatif equals explain run on rating files edited by hand.
class WhatIfCli : public ::testing::Test {
protected:
    void SetUp() override
    {
        SyntheticSpec spec;
        spec.users = 60, spec.items = 40, spec.ratings = 900, spec.features = 12, spec.seed = 13;
        const SyntheticData s = generateSynthetic(spec);
        writeSynthetic(s, spec, dir_.path());  // features.csv
        for (const Rating& r : s.dataset.ratings)
            ratings_[{s.dataset.users.id(r.user), s.dataset.items.id(r.item)}] = r.value;
    }

    // Writes the training file (with `ratings_` after the edits) and a one-line test file.
    std::vector<std::string> files(const std::string& name) const
    {
        std::string text;
        for (const auto& [key, value] : ratings_)
            text += key.first + "," + key.second + "," + std::to_string(value) + "\n";
        test::writeFile(dir_ / (name + ".csv"), text);
        test::writeFile(dir_ / "test.csv", "1,1,3\n");
        return {"--train", (dir_ / (name + ".csv")).string(), "--test", (dir_ / "test.csv").string(),
                "--item-features", (dir_ / "features.csv").string(), "--k", "5"};
    }

    static std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b)
    {
        a.insert(a.end(), b.begin(), b.end());
        return a;
    }

    test::TempDir dir_;
    std::map<std::pair<std::string, std::string>, float> ratings_;
};

TEST_F(WhatIfCli, PredictionsEqualExplainOnEditedFiles)
{
    const auto original = files("train");
    // The edits: a change, a removal, and a new user with three ratings.
    const std::string user1Item = ratings_.lower_bound({"1", ""})->first.second;
    ratings_[{"1", "2"}] = 1;
    ratings_.erase({"1", user1Item});
    ratings_[{"me", "3"}] = 5, ratings_[{"me", "4"}] = 4.5, ratings_[{"me", "5"}] = 1;
    const auto edited = files("edited");
    const std::string set = "1:2:1,me:3:5,me:4:4.5,me:5:1", remove = "1:" + user1Item;

    for (const char* mode : {"offline", "raters"}) {
        SCOPED_TRACE(mode);
        const auto run = test::runCli(with({"whatif"}, with(original, {"--neighbors", mode, "--set", set, "--remove",
                                                                      remove, "--predict", "1:6,me:7,me:8,2:3",
                                                                      "--top", "3", "--user", "me", "--json"})));
        ASSERT_EQ(run.code, 0) << run.err;
        const auto doc = nlohmann::json::parse(run.out);
        ASSERT_EQ(doc.size(), 7u);  // four predictions, three recommendations
        for (const auto& entry : doc) {
            const auto ex = test::runCli(with({"explain"}, with(edited, {"--neighbors", mode, "--user",
                                                                       entry["user"].get<std::string>(), "--item",
                                                                       entry["item"].get<std::string>(), "--json"})));
            ASSERT_EQ(ex.code, 0) << ex.err;
            const auto truth = nlohmann::json::parse(ex.out);
            // Same ratings, same float (to rounding of the edited user's similarities).
            EXPECT_NEAR(entry["prediction"].get<double>(), truth["prediction"].get<double>(), 1e-5)
                << entry.dump();
        }
        // Without edits, whatif is explain on the original files.
        const auto plain =
            test::runCli(with({"whatif"}, with(original, {"--neighbors", mode, "--predict", "1:6", "--json"})));
        const auto ex = test::runCli(
            with({"explain"}, with(original, {"--neighbors", mode, "--user", "1", "--item", "6", "--json"})));
        ASSERT_EQ(plain.code, 0) << plain.err;
        EXPECT_EQ(nlohmann::json::parse(plain.out)[0]["prediction"].get<double>(),
                  nlohmann::json::parse(ex.out)["prediction"].get<double>());
        // ... and the edits did move user 1's prediction (its mean changed).
        EXPECT_NE(nlohmann::json::parse(plain.out)[0]["prediction"].get<double>(), doc[0]["prediction"].get<double>());
    }
}

TEST_F(WhatIfCli, BadArgumentsNameTheArgumentAndTheReason)
{
    const auto base = files("train");
    auto fails = [&](const std::vector<std::string>& extra, const std::string& message) {
        const auto run = test::runCli(with({"whatif"}, with(base, extra)));
        EXPECT_EQ(run.code, 2) << run.err;
        EXPECT_NE(run.err.find(message), std::string::npos) << run.err;
    };
    fails({"--set", "1:nosuch:3", "--predict", "1:2"}, "option --set: unknown item 'nosuch'");
    fails({"--set", "1:2:9", "--predict", "1:2"}, "option --set: '1:2:9': rating 9 is outside the scale");
    fails({"--set", "1:2", "--predict", "1:2"}, "option --set: '1:2' is not USER:ITEM:RATING");
    fails({"--set", "1:2:x", "--predict", "1:2"}, "rating 'x' is not a number");
    fails({"--remove", "ghost:2", "--predict", "1:2"}, "option --remove: unknown user 'ghost'");
    fails({"--predict", "1:2:3"}, "option --predict: '1:2:3' is not USER:ITEM");
    fails({"--top", "3"}, "--top N and --user U go together");
    fails({}, "nothing to print");
}

}  // namespace
}  // namespace tl
