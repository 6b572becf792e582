// A trailer nobody has rated: the users it suits are ranked by cos(MUP(u), p), checked
// against a direct cosine per user (ties by user index); a trailer of the project
// placed again as a new one gets its stored profile and the same ranking; a genre
// configuration, a missing file and a file without a video stream are refused with
// the reason; the project keeps the added videos.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <sstream>

#include "app/cli/Cli.h"
#include "core/cf/Profiles.h"
#include "core/common/Error.h"
#include "core/data/SyntheticData.h"
#include "core/demo/DemoProject.h"
#include "core/eval/CfModel.h"
#include "core/eval/FrameScores.h"
#include "core/eval/UsersForItem.h"
#include "core/experiment/NewTrailer.h"
#include "core/experiment/ProjectExtraction.h"
#include "core/project/Project.h"
#include "core/session/ProjectSession.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

// Brute force: every user's float64 profile, the direct cosine, sorted by (-cos, user).
UsersForItem bruteForce(const CfModel& model, const Eigen::VectorXd& p)
{
    UsersForItem out;
    for (std::uint32_t u = 0; u < model.train().users; ++u) {
        const Eigen::VectorXd mup = userProfileExact(model, u);
        if (mup.norm() == 0) {
            ++out.withoutProfile;
            continue;
        }
        out.ranked.push_back({u, p.norm() == 0 ? 0.0 : mup.dot(p) / (mup.norm() * p.norm())});
    }
    std::sort(out.ranked.begin(), out.ranked.end(), [](const UserMatch& a, const UserMatch& b) {
        // Equal to 12 decimals: a tie, by user index.
        const double ka = std::round(a.similarity * 1e12), kb = std::round(b.similarity * 1e12);
        return ka != kb ? ka > kb : a.user < b.user;
    });
    return out;
}

// The same users in the same order with the same similarities (within `tolerance`); two
// users may trade places only where their similarities differ by less than the tolerance
// (rounding of the profiles may order a near-tie either way).
void expectSameRanking(const UsersForItem& got, const UsersForItem& want, double tolerance)
{
    EXPECT_EQ(got.withoutProfile, want.withoutProfile);
    ASSERT_EQ(got.ranked.size(), want.ranked.size());
    std::map<std::uint32_t, double> wanted;
    for (const auto& m : want.ranked)
        wanted[m.user] = m.similarity;
    for (std::size_t r = 0; r < got.ranked.size(); ++r) {
        EXPECT_NEAR(got.ranked[r].similarity, want.ranked[r].similarity, tolerance) << "rank " << r;
        const auto it = wanted.find(got.ranked[r].user);
        ASSERT_NE(it, wanted.end()) << "user " << got.ranked[r].user;
        EXPECT_NEAR(got.ranked[r].similarity, it->second, tolerance) << "user " << it->first;
        if (got.ranked[r].user != want.ranked[r].user) {
            EXPECT_NEAR(it->second, want.ranked[r].similarity, tolerance)
                << "rank " << r << ": user " << it->first << " instead of " << want.ranked[r].user
                << ", not a near-tie";
        }
    }
}

TEST(UsersForItem, EqualsTheDirectCosineOfEveryUser)
{
    for (const Normalization mode : {Normalization::MinMax100, Normalization::ZScore, Normalization::L2}) {
        SyntheticSpec spec;
        spec.users = 80, spec.items = 50, spec.ratings = 1200, spec.features = 9, spec.seed = 11;
        const SyntheticData data = generateSynthetic(spec);
        CfModelSettings settings;
        settings.kMax = 10;
        settings.ks = {10};
        settings.normalization = mode;
        const auto model = CfModel::build(data.dataset, randomHoldout(data.dataset, 0.2, 12), data.features, settings);
        std::mt19937_64 rng(5);
        std::normal_distribution<double> value(0, 1);
        for (int trial = 0; trial < 5; ++trial) {
            Eigen::VectorXd p(static_cast<Eigen::Index>(spec.features));
            for (auto& x : p)
                x = value(rng);
            const UsersForItem got = usersForItem(*model, p);
            expectSameRanking(got, bruteForce(*model, p), 1e-12);
            EXPECT_EQ(got.ranked.size() + got.withoutProfile, spec.users);
        }
    }
}

TEST(UsersForItem, KnownAnswersAndTiesByUserIndex)
{
    // Items: e1, e2, e1 + e2. Users 0 and 2 both like item 0 (equal profiles: a tie),
    // user 1 likes item 2, user 3 nothing.
    ItemProfiles items;
    items.values = RowMatrixF(3, 2);
    items.values << 1, 0, 0, 1, 1, 1;
    items.rowOf = {0, 1, 2};
    RelevanceMatrix w;
    w.users = 4;
    w.profileRows = 3;
    w.offsets = {0, 1, 2, 4, 4};
    w.rows = {0, 2, 0, 0};
    w.weights = {1, 1, 2, 1};  // user 2: item 0 twice over (weights 2 and 1): same direction as user 0
    const Eigen::Vector2d p(1, 0);
    const UsersForItem got = usersForItem(w, items, p);
    ASSERT_EQ(got.ranked.size(), 3u);
    EXPECT_EQ(got.withoutProfile, 1u);
    EXPECT_EQ(got.ranked[0].user, 0u);
    EXPECT_EQ(got.ranked[1].user, 2u);
    EXPECT_DOUBLE_EQ(got.ranked[0].similarity, 1.0);
    EXPECT_DOUBLE_EQ(got.ranked[1].similarity, 1.0);
    EXPECT_EQ(got.ranked[2].user, 1u);
    EXPECT_NEAR(got.ranked[2].similarity, 1 / std::sqrt(2.0), 1e-15);
    EXPECT_THROW(usersForItem(w, items, Eigen::Vector3d(1, 0, 0)), Error);
    // A zero trailer profile: every user with a profile at 0, in user order.
    const UsersForItem zero = usersForItem(w, items, Eigen::Vector2d(0, 0));
    ASSERT_EQ(zero.ranked.size(), 3u);
    EXPECT_EQ(zero.ranked[0].user, 0u);
    EXPECT_EQ(zero.ranked[2].user, 2u);
    EXPECT_EQ(zero.ranked[1].similarity, 0.0);
}

// A small demo project (real generated trailers) with one extracted configuration.
struct ExtractedDemo {
    test::TempDir dir;
    std::shared_ptr<const ProjectData> data;
    ContentSourceInfo source;
    ContentSourceInfo genre;
    ExtractedDemo()
    {
        DemoSpec spec;
        spec.items = 6, spec.users = 40, spec.width = 64, spec.height = 48, spec.minSeconds = 2, spec.maxSeconds = 3;
        const auto file = createDemoProject(dir / "demo", spec);
        data = loadProjectData(loadProject(file));
        ExtractionSettings settings;
        settings.model.model = "mobilenetv2";
        settings.model.randomSeed = 5;
        settings.model.device = ComputeDevice::cpu();
        const ExtractionSummary summary = runExtraction(*data, settings);
        for (const auto& s : listContentSources(*data)) {
            if (s.name == summary.configuration)
                source = s;
            if (s.file.empty())
                genre = s;
        }
    }
};

// Generated and extracted once for the tests below (a few seconds).
const ExtractedDemo& extractedDemo()
{
    static const ExtractedDemo demo;
    return demo;
}

TEST(NewTrailer, ATrailerOfTheProjectGetsItsStoredProfileAndRanking)
{
    const ExtractedDemo& demo = extractedDemo();
    ASSERT_FALSE(demo.source.file.empty()) << "the extraction made no configuration";
    const auto model = session::buildModel(*demo.data, loadContent(*demo.data, demo.source));
    const auto trailers = trailersInOrder(*demo.data);
    ASSERT_GE(trailers.size(), 2u);
    for (std::size_t t : {std::size_t{0}, trailers.size() - 1}) {
        const auto found = demo.data->data.items.find(trailers[t].id);
        ASSERT_TRUE(found.has_value()) << trailers[t].id;
        const std::uint32_t item = *found;
        const std::int32_t row = model->items().rowOf[item];
        ASSERT_GE(row, 0);
        const NewTrailerProfile placed =
            newTrailerProfile(*demo.data, demo.source, model->settings().normalization, trailers[t].path);
        EXPECT_GT(placed.frames, 0u);
        EXPECT_GT(placed.info.width, 0);
        const Eigen::VectorXd stored = model->items().values.row(row).transpose().cast<double>();
        ASSERT_EQ(placed.profile.size(), stored.size());
        // minmax profiles lie in [0, 100]: float rounding of the mean and the scaling.
        EXPECT_LT((placed.profile - stored).cwiseAbs().maxCoeff(), 1e-3) << trailers[t].id;
        const UsersForItem fromStored = usersForItem(*model, stored);
        const UsersForItem fromPlaced = usersForItem(*model, placed.profile);
        expectSameRanking(fromPlaced, fromStored, 1e-6);
        expectSameRanking(fromPlaced, bruteForce(*model, placed.profile), 1e-12);
    }
}

TEST(NewTrailer, RefusalsNameTheReason)
{
    const ExtractedDemo& demo = extractedDemo();
    ASSERT_FALSE(demo.genre.name.empty());
    const std::string why = whyNoNewTrailers(*demo.data, demo.genre);
    EXPECT_NE(why.find("genres"), std::string::npos) << why;
    EXPECT_TRUE(whyNoNewTrailers(*demo.data, demo.source).empty());
    const auto clip = trailersInOrder(*demo.data).front().path;
    EXPECT_THROW(newTrailerProfile(*demo.data, demo.genre, Normalization::MinMax100, clip), ConfigError);

    const auto missing = demo.dir / "no-such-trailer.mp4";
    try {
        newTrailerProfile(*demo.data, demo.source, Normalization::MinMax100, missing);
        FAIL() << "a missing file was placed";
    } catch (const DecodeError& e) {
        EXPECT_NE(std::string(e.what()).find("no-such-trailer.mp4"), std::string::npos) << e.what();
    }
    const auto text = demo.dir / "notes.mp4";
    test::writeFile(text, "this is not a video\n");
    try {
        newTrailerProfile(*demo.data, demo.source, Normalization::MinMax100, text);
        FAIL() << "a text file was placed";
    } catch (const DecodeError& e) {
        EXPECT_NE(std::string(e.what()).find("notes.mp4"), std::string::npos) << e.what();
    }
}

TEST(NewTrailer, TheCliListsTheRankedUsers)
{
    const ExtractedDemo& demo = extractedDemo();
    const auto model = session::buildModel(*demo.data, loadContent(*demo.data, demo.source));
    const auto clip = trailersInOrder(*demo.data).back().path;
    const UsersForItem users = usersForItem(
        *model, newTrailerProfile(*demo.data, demo.source, model->settings().normalization, clip).profile);
    std::ostringstream out, err;
    ASSERT_EQ(cli::run({"suits", "--project", demo.data->project.file.string(), "--config", demo.source.name,
                        "--video", clip.string(), "--top", "4"},
                       out, err),
              0)
        << err.str();
    std::ostringstream expected;
    expected << "rank,user,similarity\n";
    for (std::size_t r = 0; r < 4 && r < users.ranked.size(); ++r) {
        char line[128];
        std::snprintf(line, sizeof line, "%zu,%s,%.6f\n", r + 1,
                      demo.data->data.users.id(users.ranked[r].user).c_str(), users.ranked[r].similarity);
        expected << line;
    }
    EXPECT_EQ(out.str(), expected.str());
    std::ostringstream out2, err2;
    EXPECT_NE(cli::run({"suits", "--project", demo.data->project.file.string(), "--config", "genre", "--video",
                        clip.string()},
                       out2, err2),
              0);
    EXPECT_NE(err2.str().find("genres"), std::string::npos) << err2.str();
}

TEST(NewTrailer, TheProjectKeepsItsAddedVideos)
{
    test::TempDir dir;
    Project p;
    p.ratings = dir / "ratings.csv";
    p.cache = dir / "cache";
    p.addedVideos = {dir / "new" / "a.mp4", "/elsewhere/b.mkv"};
    saveProject(p, dir / "p.trailerlab.json");
    const Project back = loadProject(dir / "p.trailerlab.json");
    ASSERT_EQ(back.addedVideos.size(), 2u);
    EXPECT_EQ(back.addedVideos[0], dir / "new" / "a.mp4");
    EXPECT_EQ(back.addedVideos[1], std::filesystem::path("/elsewhere/b.mkv"));
    test::writeFile(dir / "bad.trailerlab.json", R"({"format": "trailerlab-project", "version": 1,
        "ratings": "r.csv", "added_videos": [3]})");
    try {
        loadProject(dir / "bad.trailerlab.json");
        FAIL() << "a number was taken for a video";
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find("added_videos"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace tl
