// A project's fused configuration: listed when its profiles hold a frame configuration
// and a soundtrack's descriptors, built as the early fusion of the two (equal weights,
// the items without sound counted), named with each block's prefix, modelled without
// a second normalisation, and refused where frames alone are needed.
#include <gtest/gtest.h>

#include "core/common/Error.h"
#include "core/experiment/ConfigurationFrames.h"
#include "core/experiment/NewTrailer.h"
#include "core/session/ProjectSession.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

struct FusedProject {
    test::TempDir dir;
    ProjectData data;
    test::RandomCase c;
    FusedProject()
    {
        c = test::makeRandomCase(30, 12, 9, {.density = 0.6, .testEvery = 5, .dims = 3});
        data.project.cache = dir / "cache";
        data.data = c.data;
        data.split = {c.trainIdx, c.testIdx};
        data.ks = {3, 5};
        const auto profiles = profilesDir(data.project);
        writeFeatureMatrix(c.features, profiles / "mobilenetv2-fps1.csv");
        test::writeFile(profiles / "mobilenetv2-fps1.meta.json",
                        R"json({"model": "mobilenetv2", "provenance": "RANDOM WEIGHTS (seed 1)", "random_weights": true})json");
        // Sound for items 0..7 only (8..10 have frames but no sound).
        std::string audio = "item_id,tempo_bpm,loudness_lufs\n";
        for (int i = 0; i < 8; ++i)
            audio += std::to_string(i) + "," + std::to_string(90 + 10 * i) + "," + std::to_string(-30 + i) + "\n";
        test::writeFile(profiles / "audio.csv", audio);
        test::writeFile(profiles / "audio.meta.json", R"({"model": "audio"})");
    }
    ContentSourceInfo source(const std::string& name) const
    {
        for (const auto& s : listContentSources(data))
            if (s.name == name)
                return s;
        ADD_FAILURE() << "no source " << name;
        return {};
    }
};

TEST(FusedProject, ListedBuiltNamedAndModelled)
{
    const FusedProject p;
    std::vector<std::string> names;
    for (const auto& s : listContentSources(p.data))
        names.push_back(s.name);
    EXPECT_EQ(names, (std::vector<std::string>{"audio", "mobilenetv2-fps1", "mobilenetv2-fps1+audio",
                                               "mobilenetv2-fps1+audio-late"}));
    const ContentSourceInfo fused = p.source("mobilenetv2-fps1+audio");
    ASSERT_TRUE(fused.isFused());
    EXPECT_EQ(fused.fusion, "early");
    EXPECT_TRUE(fused.randomWeights);  // a part's random weights show on the fusion
    EXPECT_TRUE(p.source("audio").isAudio());
    EXPECT_FALSE(p.source("mobilenetv2-fps1").isAudio());

    const FeatureMatrix m = session::loadContent(p.data, fused);
    EXPECT_EQ(m.rows(), 11u);  // items 0..10 have frames; 0..7 sound
    ASSERT_EQ(m.dims(), 5u);
    // Items without sound get the audio block's mean row: after min-max (90..160 -> 0..100,
    // -30..-23 -> 0..100) every row is (100 t, 100 t) for t = i / 7, mean (50, 50), mean row
    // norm = mean of 100 sqrt(2) t = 50 sqrt(2); scale 1 / (50 sqrt(2)) -> (0.7071, 0.7071).
    for (Eigen::Index r = 8; r < 11; ++r) {
        EXPECT_NEAR(m.values(r, 3), 1 / std::sqrt(2.0), 1e-6) << "row " << r;
        EXPECT_NEAR(m.values(r, 4), 1 / std::sqrt(2.0), 1e-6) << "row " << r;
    }
    EXPECT_NEAR(m.values(7, 3), 100.0 / (50 * std::sqrt(2.0)), 1e-5);

    const auto layout = featureLayoutOf(p.data, fused, 5);
    // The frame block's names are its model's layout (FeatureNames.h), prefix included.
    EXPECT_EQ(features::featureName(layout, 0),
              features::featureName(features::FeatureLayout::forModel("mobilenetv2", 3), 0));
    EXPECT_EQ(features::featureName(layout, 0).rfind("mobilenetv2.", 0), 0u);
    EXPECT_EQ(features::featureName(layout, 3), "audio.tempo_bpm");
    EXPECT_EQ(features::featureName(layout, 4), "audio.loudness_lufs");

    const auto model = session::buildModel(p.data, fused, m);
    EXPECT_EQ(model->settings().normalization, Normalization::None);
    EXPECT_EQ(model->items().dims(), 5u);
    EXPECT_EQ(model->sweepMetrics().size(), 2u);
    // A plain source keeps the default scaling.
    const ContentSourceInfo visual = p.source("mobilenetv2-fps1");
    EXPECT_EQ(session::buildModel(p.data, visual, session::loadContent(p.data, visual))->settings().normalization,
              Normalization::MinMax100);
}

TEST(FusedProject, RefusedWhereFramesOrAFileAreNeeded)
{
    const FusedProject p;
    const ContentSourceInfo fused = p.source("mobilenetv2-fps1+audio");
    EXPECT_THROW(loadContent(p.data, fused), ConfigError);
    try {
        frameExtractionSetup(p.data, fused);
        ADD_FAILURE() << "frames accepted for a fused configuration";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("fuses frames with sound"), std::string::npos) << e.what();
    }
    // Placing a new trailer says the same (not that it is made of genres).
    EXPECT_NE(whyNoNewTrailers(p.data, fused).find("fuses frames with sound"), std::string::npos)
        << whyNoNewTrailers(p.data, fused);
}

TEST(FusedProject, NoAudioProfileNoFusedSource)
{
    FusedProject p;
    std::filesystem::remove(profilesDir(p.data.project) / "audio.csv");
    for (const auto& s : listContentSources(p.data))
        EXPECT_FALSE(s.isFused()) << s.name;
}

}  // namespace
}  // namespace tl
