// trailerlab-cli extract in-process: output readable by readFeatureMatrix (what
// `evaluate --item-features` uses), provenance stamped, usage errors.

#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

#include "app/cli/ArgParser.h"
#include "app/cli/Cli.h"
#include "core/data/FeatureMatrix.h"
#include "tests/support/TestSupport.h"

TEST(ExtractCommand, WritesItemProfilesWithProvenance)
{
    TL_REQUIRE_VIDEO();
    TL_REQUIRE_SHARED(video, "videos/realshort.mp4");
    TL_REQUIRE_SHARED(other, "videos/balle1-vp9.avi");
    tl::test::TempDir dir;
    tl::test::writeFile(dir / "items.csv", "item_id,video_path\n42," + video.string() + "\n7," + other.string() +
                                               "\n9,missing.mp4\n");
    std::ostringstream out, err;
    const int rc = tl::cli::extractCommand({"--manifest", (dir / "items.csv").string(), "--random-weights", "5",
                                            "--fps", "2", "--device", "cpu", "--out", (dir / "mip.npy").string(),
                                            "--quiet"},
                                           out, err);
    ASSERT_EQ(rc, tl::cli::kExitSomeFailed) << err.str();  // finished, one video missing
    EXPECT_NE(err.str().find("RANDOM WEIGHTS (seed 5)"), std::string::npos);
    EXPECT_NE(err.str().find("failed: 9"), std::string::npos);  // missing video: recorded, not fatal
    const tl::FeatureMatrix mip = tl::readFeatureMatrix(dir / "mip.npy");
    EXPECT_EQ(mip.ids, (std::vector<std::string>{"42", "7"}));
    EXPECT_EQ(mip.dims(), 1280u);
    std::ifstream meta(dir / "mip.meta.json");
    std::stringstream text;
    text << meta.rdbuf();
    EXPECT_NE(text.str().find("\"random_weights\": true"), std::string::npos);

    std::ostringstream out2, err2;
    ASSERT_EQ(tl::cli::extractCommand({"--manifest", (dir / "items.csv").string(), "--random-weights", "5", "--fps",
                                       "2", "--device", "cpu", "--reduce", "pca:1", "--out", (dir / "mip.csv").string(),
                                       "--quiet"},
                                      out2, err2),
              tl::cli::kExitSomeFailed);
    EXPECT_EQ(tl::readFeatureMatrix(dir / "mip.csv").dims(), 1u);
}

TEST(ExtractCommand, UsageErrors)
{
    std::ostringstream out, err;
    EXPECT_THROW(tl::cli::extractCommand({"--out", "x.npy"}, out, err), tl::cli::UsageError);
    EXPECT_THROW(tl::cli::extractCommand({"--videos", "/nonexistent", "--out", "x.npy"}, out, err), tl::cli::UsageError);
    EXPECT_EQ(tl::cli::extractCommand({"--help"}, out, err), 0);
    EXPECT_NE(out.str().find("--random-weights"), std::string::npos);
}
