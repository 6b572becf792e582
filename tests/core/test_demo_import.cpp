// The embedded demo project (deterministic, its rating model holds) and the
// MovieLens + trailer-folder import (missing, corrupt and unmatched trailers).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/data/FeatureMatrix.h"
#include "core/data/Text.h"
#include "core/demo/DemoProject.h"
#include "core/eval/Evaluator.h"
#include "core/experiment/Experiment.h"
#include "core/project/Import.h"
#include "core/video/ClipWriter.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

TEST(Demo, DeterministicFilesAndClips)
{
    TL_REQUIRE_VIDEO();
    test::TempDir a, b;
    DemoSpec spec;
    spec.items = 4;
    spec.users = 30;
    spec.density = 0.25;
    spec.minSeconds = spec.maxSeconds = 1;
    createDemoProject(a.path(), spec);
    createDemoProject(b.path(), spec);
    for (const char* file : {"ratings.csv", "movies.csv", "properties.csv", "clips/trailer_1.mp4", "clips/trailer_4.mp4"})
        EXPECT_EQ(test::readFile(a / file), test::readFile(b / file)) << file;
    EXPECT_GT(std::filesystem::file_size(a / "clips/trailer_2.mp4"), 1000u);
    const Project project = loadProject(a / "demo.trailerlab.json");
    EXPECT_EQ(readManifest(project.manifest).size(), 4u);
    // A different seed gives different ratings; the same spec is reused, not rewritten.
    const auto before = std::filesystem::last_write_time(a / "ratings.csv");
    createDemoProject(a.path(), spec);
    EXPECT_EQ(std::filesystem::last_write_time(a / "ratings.csv"), before);
    spec.seed = 7;
    spec.writeClips = false;
    createDemoProject(b.path(), spec);
    EXPECT_NE(test::readFile(a / "ratings.csv"), test::readFile(b / "ratings.csv"));
}

// A demo written by an older version is written again, not reused, and what was
// derived from it (item profiles, reports) goes; the feature store stays.
TEST(Demo, OlderVersionIsRegenerated)
{
    test::TempDir dir;
    DemoSpec spec;
    spec.items = 8;
    spec.users = 20;
    spec.writeClips = false;
    createDemoProject(dir.path(), spec);
    EXPECT_EQ(demoVersionIn(dir.path()), demoVersion());
    EXPECT_GE(demoVersion(), 2);
    const std::string readme = test::readFile(dir / "README.txt");
    EXPECT_EQ(readme.rfind("TrailerLab demo project, demo version " + std::to_string(demoVersion()), 0), 0u) << readme;
    const std::string ratings = test::readFile(dir / "ratings.csv");

    // Make it look like a version-1 demo (no stamp, v1 marker) with derived files.
    std::string marker = test::readFile(dir / ".complete");
    marker.replace(marker.find(" v" + std::to_string(demoVersion()) + " "), 4, " v1 ");
    test::writeFile(dir / ".complete", marker);
    test::writeFile(dir / "README.txt", "TrailerLab demo project (trailerlab-demo v1 ...)\n");
    test::writeFile(dir / "ratings.csv", "userId,movieId,rating,timestamp\n1,1,5,0\n");
    test::writeFile(dir / "cache" / "profiles" / "mobilenetv2-fps1.npy", "old");
    test::writeFile(dir / "cache" / "features" / "store.bin", "kept");
    test::writeFile(dir / "reports" / "experiment" / "table.md", "old");
    EXPECT_EQ(demoVersionIn(dir.path()), 0);
    createDemoProject(dir.path(), spec);
    EXPECT_EQ(demoVersionIn(dir.path()), demoVersion());
    EXPECT_EQ(test::readFile(dir / "ratings.csv"), ratings);
    EXPECT_FALSE(std::filesystem::exists(dir / "cache" / "profiles" / "mobilenetv2-fps1.npy"));
    EXPECT_FALSE(std::filesystem::exists(dir / "reports"));
    EXPECT_TRUE(std::filesystem::exists(dir / "cache" / "features" / "store.bin"));

    // The stamp alone counts too: a current marker with an unstamped README is not reused.
    test::writeFile(dir / "README.txt", "edited by hand\n");
    test::writeFile(dir / "ratings.csv", "userId,movieId,rating,timestamp\n1,1,5,0\n");
    createDemoProject(dir.path(), spec);
    EXPECT_EQ(test::readFile(dir / "ratings.csv"), ratings);
}

// The rating model: users' tastes act on the visual properties, so CF on the
// true properties beats the user-mean baseline by a clear margin.
TEST(Demo, RatingsFollowTheVisualProperties)
{
    test::TempDir dir;
    DemoSpec spec;
    spec.writeClips = false;
    createDemoProject(dir.path(), spec);
    FeatureMatrix properties;
    {
        auto in = text::openForRead(dir / "properties.csv");
        std::string line;
        bool first = true;
        std::vector<float> values;
        while (text::readLine(in, line, first)) {
            const bool header = first;
            first = false;
            if (header || line.empty())
                continue;
            auto fields = text::split(line, ",");
            properties.ids.emplace_back(fields[0]);
            for (int f = 2; f < 7; ++f)
                values.push_back(static_cast<float>(*text::parseDouble(fields[static_cast<std::size_t>(f)])));
        }
        properties.values = Eigen::Map<RowMatrixF>(values.data(), static_cast<Eigen::Index>(properties.ids.size()), 5);
    }
    Dataset data;
    readRatings(dir / "ratings.csv", data);
    // A teaching set: 15-30 % of the pairs rated, so that the 20 % holdout leaves
    // each user several test ratings (the user explorer's predictions panel).
    const double density = static_cast<double>(data.ratings.size()) / (150.0 * 600.0);
    EXPECT_GT(density, 0.15);
    EXPECT_LT(density, 0.30);
    const Split split = randomHoldout(data, 0.2, 42);
    std::vector<int> testPerUser(data.users.size(), 0);
    for (std::size_t r : split.test)
        ++testPerUser[data.ratings[r].user];
    std::sort(testPerUser.begin(), testPerUser.end());
    EXPECT_GE(testPerUser[testPerUser.size() / 2], 5) << "median test ratings per user";
    EXPECT_GE(testPerUser[testPerUser.size() / 10], 2) << "10th percentile of test ratings per user";
    EvalSettings settings;
    settings.ks = {100};
    settings.baselines = true;
    const auto result = evaluateSplit(data, split, {{"properties", &properties}}, settings);
    double userMean = 0, cf = 0;
    for (const auto& row : result.rows) {
        if (row.method == "user-mean")
            userMean = row.metrics.rmse;
        if (row.method == "properties")
            cf = row.metrics.rmse;
    }
    EXPECT_LT(cf, userMean - 0.05) << "properties " << cf << ", user mean " << userMean;
}

// The demo's promise on real features: CF on MobileNetV2 trailer features
// beats the user-mean baseline (a smaller demo than the default, for time).
TEST(Demo, VideoFeatureCfBeatsUserMean)
{
    TL_REQUIRE_VIDEO();
    TL_REQUIRE_SHARED(onnx, "models/mobilenetv2-12-int8.onnx");
    test::TempDir dir;
    DemoSpec spec;
    spec.items = 60;
    spec.users = 400;  // the default density (20 %)
    const Project project = loadProject(createDemoProject(dir.path(), spec));
    ExperimentOptions options;
    options.weightsDir = onnx.parent_path();
    options.fps = {1};
    options.ks = {100};
    options.genres = false;
    const ExperimentReport report = runExperiment(project, options);
    double userMean = 0, video = 0;
    for (const auto& row : report.table) {
        if (row.method == "user-mean")
            userMean = row.metrics.rmse;
        if (row.method == "mobilenetv2-fps1")
            video = row.metrics.rmse;
    }
    ASSERT_GT(video, 0);
    EXPECT_LT(video, userMean - 0.02) << "video features " << video << ", user mean " << userMean;
}

TEST(Import, MovieLensFolderWithMissingCorruptAndUnmatchedTrailers)
{
    TL_REQUIRE_VIDEO();
    test::TempDir dir;
    const auto ml = dir / "ml";
    const auto trailers = dir / "trailers";
    std::filesystem::create_directories(ml);
    std::filesystem::create_directories(trailers / "sub");
    test::writeFile(ml / "ratings.csv", "userId,movieId,rating,timestamp\n1,1,4,0\n1,2,3,0\n2,3,5,0\n2,4,1,0\n3,5,2,0\n");
    test::writeFile(ml / "movies.csv",
                    "movieId,title,genres\n1,A,Drama\n2,\"B, The\",Comedy\n3,C,Drama\n4,D,Drama\n5,E,Comedy\n");
    test::writeFile(ml / "ml-youtube.csv", "youtubeId,movieId,title\nabcXYZ_123,2,\"B, The\"\n");
    video::ClipSpec clip;
    clip.width = 64;
    clip.height = 48;
    clip.frames = 10;
    clip.fps = 10;
    auto grey = [](int index, int w, int h, std::vector<std::uint8_t>& rgb) {
        rgb.assign(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3, static_cast<std::uint8_t>(index * 20));
    };
    video::writeClip(trailers / "1.mp4", clip, grey);
    video::writeClip(trailers / "sub" / "abcXYZ_123.mp4", clip, grey);
    test::writeFile(trailers / "3.mp4", "this is not a video");
    video::writeClip(trailers / "99.mp4", clip, grey);

    ImportOptions options;
    options.movielensDir = ml;
    options.trailersDir = trailers;
    options.projectFile = dir / "project" / "ml.trailerlab.json";
    const ImportReport report = importMovieLens(options);
    EXPECT_EQ(report.items, 5u);
    EXPECT_EQ(report.withTrailer, 2u);
    EXPECT_EQ(report.withoutTrailer, 3u);
    ASSERT_EQ(report.unreadable.size(), 1u);
    EXPECT_NE(report.unreadable[0].find("3.mp4"), std::string::npos);
    ASSERT_EQ(report.unmatched.size(), 1u);
    EXPECT_NE(report.unmatched[0].find("99.mp4"), std::string::npos);
    const Project project = loadProject(options.projectFile);
    const auto manifest = readManifest(project.manifest);
    ASSERT_EQ(manifest.size(), 2u);
    EXPECT_EQ(manifest[0].item, "1");
    EXPECT_EQ(manifest[1].item, "2");
    EXPECT_EQ(manifest[1].video.filename(), "abcXYZ_123.mp4");
    const std::string text = describeImport(report);
    EXPECT_NE(text.find("2 items with a readable trailer, 3 without"), std::string::npos) << text;

    options.movielensDir = dir / "nothing";
    EXPECT_THROW(importMovieLens(options), DataError);
}

}  // namespace
}  // namespace tl
