// Project files and manifests: round trip, relative paths that survive a move, errors.
#include <gtest/gtest.h>

#include "core/common/Error.h"
#include "core/project/Project.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

TEST(Project, RoundTripAndMoveTheFolder)
{
    test::TempDir dir;
    Project p;
    p.name = "Demo";
    p.ratings = dir.path() / "data" / "ratings.csv";
    p.items = dir.path() / "data" / "movies.csv";
    p.manifest = dir.path() / "manifest.csv";
    p.fps = {0.5, 2};
    p.models = {"mobilenetv2", "vgg19"};
    p.cache = dir.path() / "cache";
    p.seed = 7;
    saveProject(p, dir / "demo.trailerlab.json");
    writeManifest({{"1", dir.path() / "clips" / "a, b.mp4"}, {"2", "/elsewhere/x.mp4"}}, dir / "manifest.csv");

    const auto moved = dir.path().parent_path() / (dir.path().filename().string() + "-moved");
    std::filesystem::rename(dir.path(), moved);
    const Project back = loadProject(moved / "demo.trailerlab.json");
    EXPECT_EQ(back.name, "Demo");
    EXPECT_EQ(back.ratings, moved / "data" / "ratings.csv");
    EXPECT_EQ(back.cache, moved / "cache");
    EXPECT_EQ(back.fps, (std::vector<double>{0.5, 2}));
    EXPECT_EQ(back.models.size(), 2u);
    EXPECT_EQ(back.seed, 7u);
    const auto manifest = readManifest(back.manifest);
    ASSERT_EQ(manifest.size(), 2u);
    EXPECT_EQ(manifest[0].video, moved / "clips" / "a, b.mp4");
    EXPECT_EQ(manifest[1].video, std::filesystem::path("/elsewhere/x.mp4"));
    std::filesystem::rename(moved, dir.path());
}

TEST(Project, FusionWeightsRoundTripAndMalformedEntriesWarn)
{
    test::TempDir dir;
    Project p;
    p.ratings = dir.path() / "ratings.csv";
    p.cache = dir.path() / "cache";
    p.fusionWeights["mobilenetv2-fps1+audio-late"] = {0.25, 0.75};
    p.fusionWeights["gone+audio"] = {1, 3};  // not listed by any project: kept as is
    saveProject(p, dir / "p.json");
    const Project back = loadProject(dir / "p.json");
    EXPECT_EQ(back.fusionWeights, p.fusionWeights);
    EXPECT_TRUE(back.warnings.empty());

    // An older file without the key loads with none and writes none.
    test::writeFile(dir / "old.json", R"({"format": "trailerlab-project", "version": 1, "ratings": "ratings.csv"})");
    Project old = loadProject(dir / "old.json");
    EXPECT_TRUE(old.fusionWeights.empty());
    EXPECT_TRUE(old.warnings.empty());
    saveProject(old, dir / "old.json");
    EXPECT_EQ(test::readFile(dir / "old.json").find("fusion_weights"), std::string::npos);

    // Malformed: a warning naming the entry, never an error; the good entries stay.
    test::writeFile(dir / "bad.json", R"({"format": "trailerlab-project", "version": 1, "ratings": "ratings.csv",
        "fusion_weights": {"a+audio": [0.5, "x"], "b+audio": 3, "c+audio-late": [-1, 0]}})");
    const Project bad = loadProject(dir / "bad.json");
    ASSERT_EQ(bad.warnings.size(), 2u);
    EXPECT_NE(bad.warnings[0].find("a+audio"), std::string::npos);
    EXPECT_NE(bad.warnings[1].find("b+audio"), std::string::npos);
    // Values are checked against the configuration where they are applied (the workbench).
    EXPECT_EQ(bad.fusionWeights.at("c+audio-late"), (std::vector<double>{-1, 0}));
    test::writeFile(dir / "notobject.json", R"({"format": "trailerlab-project", "version": 1, "ratings": "ratings.csv",
        "fusion_weights": [0.5, 0.5]})");
    const Project notObject = loadProject(dir / "notobject.json");
    EXPECT_TRUE(notObject.fusionWeights.empty());
    EXPECT_EQ(notObject.warnings.size(), 1u);
}

TEST(Project, ErrorsNameTheFile)
{
    test::TempDir dir;
    test::writeFile(dir / "bad.json", "{ not json");
    EXPECT_THROW(loadProject(dir / "bad.json"), DataError);
    test::writeFile(dir / "other.json", R"({"format": "something-else", "ratings": "r.csv"})");
    try {
        loadProject(dir / "other.json");
        FAIL();
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find("not a TrailerLab project"), std::string::npos);
    }
    test::writeFile(dir / "m.csv", "item_id,video\n1,a.mp4\n1,b.mp4\n");
    try {
        readManifest(dir / "m.csv");
        FAIL();
    } catch (const DataError& e) {
        EXPECT_EQ(e.line(), 3u);
        EXPECT_NE(std::string(e.what()).find("listed twice"), std::string::npos);
    }
}

}  // namespace
}  // namespace tl
