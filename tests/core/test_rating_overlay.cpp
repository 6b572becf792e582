// The what-if overlay of a project: saved and loaded with the project file, checked
// against the ratings (file + field + entry + reason), applied on top of the source
// ratings (checked against a map built by hand and against the incremental model),
// and exported as CSV that reads back as the edited ratings.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <numeric>

#include "core/common/Error.h"
#include "core/eval/WhatIf.h"
#include "core/project/Project.h"
#include "core/project/RatingOverlay.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

using PairMap = std::map<std::pair<std::string, std::string>, float>;

PairMap asMap(const Dataset& d)
{
    PairMap m;
    for (const Rating& r : d.ratings)
        m[{d.users.id(r.user), d.items.id(r.item)}] = r.value;
    return m;
}

Project projectWithOverlay(const std::filesystem::path& ratings)
{
    Project p;
    p.name = "overlay";
    p.ratings = ratings;
    p.cache = ratings.parent_path() / "cache";
    p.newUsers = {"playground-1"};
    p.ratingEdits = {{"1", "10", 2.0f},          // change
                     {"1", "13", 5.0f},          // add
                     {"2", "10", std::nullopt},  // remove
                     {"playground-1", "11", 4.5f},
                     {"playground-1", "12", 1.0f},
                     {"2", "10", 3.0f},           // removed, then set again
                     {"3", "12", std::nullopt}};  // remove a pair that is not there: no-op
    return p;
}

// Users 1..users rate most of items 1..items, ratings 1-5 in a fixed pattern.
std::string gridRatings(int users, int items)
{
    std::string text = "user,item,rating,timestamp\n";
    for (int u = 1; u <= users; ++u)
        for (int i = 1; i <= items; ++i)
            if ((u * 7 + i * 3) % 4 != 0)
                text += std::to_string(u) + "," + std::to_string(i) + "," + std::to_string(1 + (u * i) % 5) + ",0\n";
    return text;
}

// The overlay replayed through the incremental model predicts as a fresh model on `edited`.
void expectReplayEqualsFresh(const Dataset& source, const std::vector<std::size_t>& train, const ResolvedOverlay& overlay,
                             const Dataset& edited, const std::vector<std::size_t>& editedTrain,
                             const FeatureMatrix& features, int k)
{
    WhatIfSettings settings;
    settings.k = k;
    WhatIfModel incremental(source, train, features, settings);
    for (std::size_t n = 0; n < overlay.newUsers.size(); ++n)
        incremental.addUser();
    for (const auto& e : overlay.edits)
        incremental.apply({e.user, e.item, e.rating});
    const WhatIfModel fresh(edited, editedTrain, features, settings);
    ASSERT_EQ(fresh.users(), incremental.users());
    for (std::uint32_t u = 0; u < fresh.users(); ++u)
        for (std::uint32_t i = 0; i < fresh.items(); ++i)
            EXPECT_NEAR(incremental.predict(u, i), fresh.predict(u, i), 1e-5) << "user " << u << " item " << i;
}

const char* kRatings =
    "user,item,rating,timestamp\n"
    "1,10,4,100\n1,11,3,101\n2,10,5,102\n2,12,2,103\n3,11,1,104\n3,13,4,105\n";

TEST(RatingOverlay, RoundTripThroughTheProjectFile)
{
    test::TempDir dir;
    test::writeFile(dir / "ratings.csv", kRatings);
    Project p = projectWithOverlay(dir / "ratings.csv");
    saveProject(p, dir / "p.trailerlab.json");
    const Project back = loadProject(dir / "p.trailerlab.json");
    EXPECT_EQ(back.newUsers, p.newUsers);
    EXPECT_EQ(back.ratingEdits, p.ratingEdits);

    // A project written without an overlay has no overlay fields and loads with none.
    Project plain = p;
    plain.newUsers.clear();
    plain.ratingEdits.clear();
    saveProject(plain, dir / "plain.trailerlab.json");
    std::ifstream in(dir / "plain.trailerlab.json");
    const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(written.find("rating_edits"), std::string::npos);
    EXPECT_EQ(written.find("new_users"), std::string::npos);
    EXPECT_TRUE(loadProject(dir / "plain.trailerlab.json").ratingEdits.empty());
}

TEST(RatingOverlay, EditedRatingsAreTheSourcePlusTheEdits)
{
    test::TempDir dir;
    test::writeFile(dir / "ratings.csv", kRatings);
    Dataset source;
    readRatings(dir / "ratings.csv", source);
    const Project p = projectWithOverlay(dir / "ratings.csv");
    const Dataset edited = applyOverlay(source, resolveOverlay(p, source));

    // Brute force: the source as a map, the edits applied by id.
    PairMap expected = asMap(source);
    for (const auto& e : p.ratingEdits) {
        if (e.rating)
            expected[{e.user, e.item}] = *e.rating;
        else
            expected.erase({e.user, e.item});
    }
    EXPECT_EQ(asMap(edited), expected);
    EXPECT_EQ(edited.ratings.size(), expected.size());
    EXPECT_EQ(edited.users.size(), source.users.size() + 1);
    EXPECT_EQ(edited.users.id(static_cast<std::uint32_t>(source.users.size())), "playground-1");
    EXPECT_EQ(asMap(source).size(), 6u);  // the source is untouched

    // Exported CSV reads back as the same ratings.
    writeRatingsCsv(edited, dir / "edited.csv");
    Dataset reread;
    readRatings(dir / "edited.csv", reread);
    EXPECT_EQ(asMap(reread), expected);
}

TEST(RatingOverlay, TheIncrementalModelAgreesWithTheOverlay)
{
    // The workbench replays the overlay through WhatIfModel; a fresh model on the edited
    // ratings must predict the same.
    test::TempDir dir;
    test::writeFile(dir / "ratings.csv", gridRatings(12, 9));
    Dataset source;
    readRatings(dir / "ratings.csv", source);
    FeatureMatrix features;
    features.values.resize(static_cast<Eigen::Index>(source.items.size()), 3);
    for (std::uint32_t i = 0; i < source.items.size(); ++i) {
        features.ids.push_back(source.items.id(i));
        features.values.row(i) << float(i % 3), float((i * 5) % 7), float(1 + i % 2);
    }
    Project p;
    p.file = dir / "p.trailerlab.json";
    p.newUsers = {"new"};
    p.ratingEdits = {{"new", "3", 5.0f}, {"new", "7", 2.0f}, {"4", "2", 1.0f}, {"5", "1", std::nullopt}, {"1", "9", 4.0f}};
    const ResolvedOverlay overlay = resolveOverlay(p, source);
    std::vector<std::size_t> all(source.ratings.size());
    std::iota(all.begin(), all.end(), std::size_t{0});
    const Dataset edited = applyOverlay(source, overlay);
    std::vector<std::size_t> allEdited(edited.ratings.size());
    std::iota(allEdited.begin(), allEdited.end(), std::size_t{0});
    expectReplayEqualsFresh(source, all, overlay, edited, allEdited, features, 3);
}

PairMap subsetMap(const Dataset& d, const std::vector<std::size_t>& indices)
{
    PairMap m;
    for (std::size_t index : indices) {
        const Rating& r = d.ratings.at(index);
        m[{d.users.id(r.user), d.items.id(r.item)}] = r.value;
    }
    return m;
}

TEST(RatingOverlay, AProjectWithItsOverlayEditsTheTrainingRatings)
{
    test::TempDir dir;
    test::writeFile(dir / "ratings.csv", gridRatings(15, 10));
    Project p;
    p.ratings = dir / "ratings.csv";
    p.cache = dir / "cache";
    p.split = "holdout:0.3";
    saveProject(p, dir / "p.trailerlab.json");
    const auto source = loadProjectData(loadProject(dir / "p.trailerlab.json"));
    // Edits: one on a test pair, one on a training pair, a removal of each, a new pair, a new user.
    const Rating& t0 = source->data.ratings[source->split.test[0]];
    const Rating& t1 = source->data.ratings[source->split.test[1]];
    const Rating& r0 = source->data.ratings[source->split.train[0]];
    const Rating& r1 = source->data.ratings[source->split.train[1]];
    const auto id = [&](const Rating& r) {
        return std::pair{source->data.users.id(r.user), source->data.items.id(r.item)};
    };
    ProjectData edited = *source;
    edited.project.newUsers = {"playground-1"};
    edited.project.ratingEdits = {{id(t0).first, id(t0).second, 1.0f},
                                  {id(r0).first, id(r0).second, 5.0f},
                                  {id(t1).first, id(t1).second, std::nullopt},
                                  {id(r1).first, id(r1).second, std::nullopt},
                                  {"playground-1", "3", 4.0f},
                                  {"playground-1", "4", 2.0f}};
    const auto withEdits = withOverlay(edited);

    PairMap train = subsetMap(source->data, source->split.train);
    PairMap test = subsetMap(source->data, source->split.test);
    for (const auto& e : edited.project.ratingEdits) {
        test.erase({e.user, e.item});
        if (e.rating)
            train[{e.user, e.item}] = *e.rating;
        else
            train.erase({e.user, e.item});
    }
    EXPECT_EQ(subsetMap(withEdits->data, withEdits->split.train), train);
    EXPECT_EQ(subsetMap(withEdits->data, withEdits->split.test), test);
    EXPECT_EQ(withEdits->data.ratings.size(), train.size() + test.size());
    EXPECT_TRUE(std::is_sorted(withEdits->split.train.begin(), withEdits->split.train.end()));

    // The same edits through the incremental model on the source's training ratings.
    FeatureMatrix features;
    features.values.resize(static_cast<Eigen::Index>(source->data.items.size()), 2);
    for (std::uint32_t i = 0; i < source->data.items.size(); ++i) {
        features.ids.push_back(source->data.items.id(i));
        features.values.row(i) << float(1 + i % 3), float((i * 5) % 7);
    }
    expectReplayEqualsFresh(source->data, source->split.train, resolveOverlay(edited.project, source->data),
                            withEdits->data, withEdits->split.train, features, 4);
}

TEST(RatingOverlay, BadEntriesNameFileFieldAndReason)
{
    test::TempDir dir;
    test::writeFile(dir / "ratings.csv", kRatings);
    const auto expectError = [&](const std::string& overlay, const std::string& field, const std::string& reason) {
        test::writeFile(dir / "p.json", R"({"format": "trailerlab-project", "ratings": "ratings.csv", )" + overlay + "}");
        try {
            const Project p = loadProject(dir / "p.json");
            Dataset source;
            readRatings(p.ratings, source);
            (void)resolveOverlay(p, source);
            FAIL() << overlay;
        } catch (const DataError& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find("p.json"), std::string::npos) << what;
            EXPECT_NE(what.find("\"" + field + "\""), std::string::npos) << what;
            EXPECT_NE(what.find(reason), std::string::npos) << what;
        }
    };
    expectError(R"("rating_edits": [{"user": "1", "item": "10"}])", "rating_edits", "exactly one of");
    expectError(R"("rating_edits": [{"user": "1", "item": "10", "rating": "four"}])", "rating_edits", "not a number");
    expectError(R"("rating_edits": {"user": "1"})", "rating_edits", "expected a list");
    expectError(R"("rating_edits": [{"user": "1", "item": "99", "rating": 3}])", "rating_edits",
                "item '99' is not in the ratings file");
    expectError(R"("rating_edits": [{"user": "1", "item": "10", "rating": 3}, {"user": "7", "item": "10", "rating": 3}])",
                "rating_edits", "entry 2: user '7' is neither");
    expectError(R"("rating_edits": [{"user": "1", "item": "10", "rating": 9}])", "rating_edits", "outside the scale");
    expectError(R"("new_users": ["1"])", "new_users", "already a user");
    expectError(R"("new_users": ["a", "a"])", "new_users", "listed twice");
    expectError(R"("new_users": [3])", "new_users", "not a user id");
}

}  // namespace
}  // namespace tl
