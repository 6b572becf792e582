// trailerlab-cli evaluate --fuse: the visual and audio files each alone and fused,
// side by side, on files whose users' tastes need both (a visual and an audio
// property); the weight's origin said in the output; w = 1 gives the visual rows.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/Random.h"
#include "tests/support/CliRun.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

using test::runCli;

// 60 trailers with a visual property v(i) and an audio property a(i); every 7th has no
// sound (no audio row). User type (x, y): r(u, i) = 1 + 2 [v(i) = x] + 2 [a(i) = y].
void writeTasteFiles(const std::filesystem::path& dir)
{
    Rng rng(31);
    std::ostringstream visual, audio, ratings;
    visual << "item_id,v0,v1,v2\n";
    audio << "item_id,tempo_bpm,centroid_hz_mean\n";
    ratings << "user,item,rating\n";
    std::vector<int> v(60), a(60);
    for (int i = 0; i < 60; ++i) {
        v[i] = static_cast<int>(rng.below(2));
        a[i] = static_cast<int>(rng.below(2));
        visual << "i" << i << "," << v[i] + 0.2 * rng.uniform() << "," << rng.uniform() << "," << rng.uniform() << "\n";
        if (i % 7 != 3)
            audio << "i" << i << "," << a[i] + 0.2 * rng.uniform() << "," << rng.uniform() << "\n";
    }
    for (int u = 0; u < 120; ++u)
        for (int i = 0; i < 60; ++i)
            if (rng.uniform() < 0.5)
                ratings << "u" << u << ",i" << i << "," << 1 + 2 * (v[i] == u % 2) + 2 * (a[i] == (u / 2) % 2) << "\n";
    test::writeFile(dir / "visual.csv", visual.str());
    test::writeFile(dir / "audio.csv", audio.str());
    test::writeFile(dir / "ratings.csv", ratings.str());
}

std::vector<std::string> args(const test::TempDir& dir, std::vector<std::string> more)
{
    std::vector<std::string> all = {"evaluate", "--ratings", (dir / "ratings.csv").string(), "--scale", "1:5",
                                    "--item-features", (dir / "visual.csv").string() + "," + (dir / "audio.csv").string(),
                                    "--normalize", "zscore", "--k", "5,10,20", "--quiet"};
    all.insert(all.end(), more.begin(), more.end());
    return all;
}

double bestRmse(const nlohmann::json& rows, const std::string& method)
{
    double best = 1e9;
    for (const auto& r : rows)
        if (r["method"] == method)
            best = std::min(best, r["rmse"].get<double>());
    return best;
}

TEST(CliFusion, VisualAudioAndFusedSideBySide)
{
    test::TempDir dir;
    writeTasteFiles(dir.path());
    const std::string json = (dir / "r.json").string();
    const auto run = runCli(args(dir, {"--fuse", "early,late", "--out", json}));
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_NE(run.out.find("visual+audio: w = 0.5 chosen on validation"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("never chosen on test"), std::string::npos) << run.out;
    // The items without sound are counted, never silent.
    EXPECT_NE(run.out.find("block audio: 2 dims, 51 items with a row, 9 without"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("visual+audio-late: block audio has no row for 9 of 60 items"), std::string::npos) << run.out;
    std::ifstream in(json);
    const auto doc = nlohmann::json::parse(in);
    const double visual = bestRmse(doc["rows"], "visual"), audio = bestRmse(doc["rows"], "audio");
    const double early = bestRmse(doc["rows"], "visual+audio"), late = bestRmse(doc["rows"], "visual+audio-late");
    EXPECT_LT(visual, 1e9);
    EXPECT_LT(audio, 1e9);
    EXPECT_LT(early, std::min(visual, audio) - 0.2) << visual << " " << audio << " " << early;
    EXPECT_LT(late, std::min(visual, audio) - 0.2) << visual << " " << audio << " " << late;
    EXPECT_EQ(doc["settings"]["fuse"], "early,late");
    EXPECT_EQ(doc["choices"].size(), 2u);
}

TEST(CliFusion, WeightOneIsTheVisualFileAlone)
{
    test::TempDir dir;
    writeTasteFiles(dir.path());
    const std::string json = (dir / "r.json").string();
    const auto run = runCli(args(dir, {"--fuse", "late", "--fuse-weight", "1", "--out", json}));
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_NE(run.out.find("late fusion, weights given (visual 1, audio 0)"), std::string::npos) << run.out;
    std::ifstream in(json);
    const auto doc = nlohmann::json::parse(in);
    int compared = 0;
    for (const auto& fused : doc["rows"])
        if (fused["method"] == "visual+audio-late")
            for (const auto& alone : doc["rows"])
                if (alone["method"] == "visual" && alone["k"] == fused["k"]) {
                    EXPECT_EQ(alone["rmse"], fused["rmse"]) << "K " << fused["k"];
                    ++compared;
                }
    EXPECT_EQ(compared, 3);
}

TEST(CliFusion, BadFusionOptionsAreUsageErrors)
{
    test::TempDir dir;
    writeTasteFiles(dir.path());
    auto fails = [&](std::vector<std::string> more, const std::string& message) {
        const auto run = runCli(args(dir, more));
        EXPECT_EQ(run.code, 2) << run.err;
        EXPECT_NE(run.err.find(message), std::string::npos) << run.err;
    };
    fails({"--fuse", "middle"}, "option --fuse: fusion 'middle': expected early or late");
    fails({"--fuse", "early", "--fuse-weights", "1,2,3"}, "3 weights for 2 feature blocks");
    fails({"--fuse", "early", "--fuse-weights", "1,-2"}, "'-2' is not a weight >= 0");
    fails({"--fuse", "early", "--fuse-weight", "1.5"}, "W must be in [0, 1]");
    fails({"--fuse-weight", "0.5"}, "need --fuse early|late");
    fails({"--fuse", "late", "--fuse-weight", "0.5", "--fuse-weights", "1,1"}, "not both");
    const auto one = runCli({"evaluate", "--ratings", (dir / "ratings.csv").string(), "--item-features",
                             (dir / "visual.csv").string(), "--fuse", "late"});
    EXPECT_EQ(one.code, 2);
    EXPECT_NE(one.err.find("--fuse needs two or more --item-features files"), std::string::npos) << one.err;
    // --help names every fusion option.
    const auto help = runCli({"evaluate", "--help"});
    for (const char* option : {"--fuse ", "--fuse-weights", "--fuse-weight "})
        EXPECT_NE(help.out.find(option), std::string::npos) << option;
}

}  // namespace
}  // namespace tl
