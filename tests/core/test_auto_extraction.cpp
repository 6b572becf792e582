// The workbench's background-extraction queue (core/session/AutoExtraction):
// which configurations of the project are missing and in what order they run,
// and that a model whose weights cannot be found is left out (never a job that can only fail);
// the soundtracks' audio extraction comes right after the first frame configuration, once:
// not when audio.csv is there, not again for trailers already found silent.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "core/session/AutoExtraction.h"
#include "tests/support/TestSupport.h"

namespace tl::session {
namespace {

std::vector<std::string> names(const std::vector<PlannedExtraction>& plan)
{
    std::vector<std::string> out;
    for (const auto& p : plan)
        out.push_back(p.configuration);
    return out;
}

// The plan's frame configurations only (the tests of their order).
std::vector<PlannedExtraction> frames(std::vector<PlannedExtraction> plan)
{
    std::erase_if(plan, [](const PlannedExtraction& p) { return p.audio(); });
    return plan;
}

// A registry whose data folder holds (dummy) MobileNetV2 and VGG19 files; nothing else.
const features::ModelRegistry& withWeights()
{
    static test::TempDir dir;
    static const features::ModelRegistry registry = [] {
        test::writeFile(dir / "models" / "mobilenetv2-12-int8.onnx", "onnx");
        test::writeFile(dir / "models" / "vgg19.safetensors", "vgg19");
        features::RegistryFolders folders;
        folders.userData = dir / "models";
        return features::ModelRegistry(folders);
    }();
    return registry;
}

Project projectWithTrailers()
{
    Project project;
    project.manifest = "/nowhere/manifest.csv";
    project.models = {"mobilenetv2"};
    project.fps = {1, 2, 3};
    return project;
}

TEST(AutoExtraction, LowestRateOfTheDefaultModelFirst)
{
    Project project = projectWithTrailers();
    project.fps = {3, 1, 2};
    project.models = {"mobilenetv2", "vgg19"};
    const auto plan = frames(planAutoExtraction(project, {}, &withWeights()));
    EXPECT_EQ(names(plan), (std::vector<std::string>{"mobilenetv2-fps1", "mobilenetv2-fps2", "mobilenetv2-fps3",
                                                      "vgg19-fps1", "vgg19-fps2", "vgg19-fps3"}));
    ASSERT_FALSE(plan.empty());
    EXPECT_TRUE(plan[0].first);
    for (std::size_t i = 1; i < plan.size(); ++i)
        EXPECT_FALSE(plan[i].first);
    EXPECT_EQ(plan[0].settings.model.model, "mobilenetv2");
    EXPECT_EQ(plan[0].settings.mode, video::SamplingMode::Uniform);
    EXPECT_DOUBLE_EQ(plan[2].settings.fps, 3.0);
    EXPECT_EQ(plan[0].settings.model.weights, withWeights().folders().userData / "mobilenetv2-12-int8.onnx");
    EXPECT_EQ(plan[3].settings.model.weights, withWeights().folders().userData / "vgg19.safetensors");
}

TEST(AutoExtraction, ModelsWithoutWeightsAreLeftOutAndReported)
{
    test::TempDir dir;
    test::writeFile(dir / "data" / "mobilenetv2-12-int8.onnx", "onnx");
    features::RegistryFolders folders;
    folders.project = dir / "project" / "models";
    folders.userData = dir / "data";
    const features::ModelRegistry registry(folders);
    Project project = projectWithTrailers();
    project.models = {"vgg16", "mobilenetv2"};
    std::vector<features::WeightsLookup> missing;
    const auto plan = frames(planAutoExtraction(project, {}, &registry, &missing));
    // vgg16 is the project's default model, but without weights: MobileNetV2 comes first.
    EXPECT_EQ(names(plan), (std::vector<std::string>{"mobilenetv2-fps1", "mobilenetv2-fps2", "mobilenetv2-fps3"}));
    EXPECT_TRUE(plan[0].first);
    ASSERT_EQ(missing.size(), 1u);
    EXPECT_EQ(missing[0].model, "vgg16");
    ASSERT_EQ(missing[0].searched.size(), 2u);
    EXPECT_EQ(missing[0].searched[0].second, dir / "project" / "models" / "vgg16.safetensors");
    EXPECT_EQ(missing[0].searched[1].second, dir / "data" / "vgg16.safetensors");
    // With no weights at all, no frame configuration is planned: only the soundtracks.
    project.models = {"vgg16"};
    EXPECT_EQ(names(planAutoExtraction(project, {}, &registry)), std::vector<std::string>{"audio"});
    EXPECT_TRUE(planAutoExtraction(project, {"audio"}, &registry).empty());
}

TEST(AutoExtraction, SkipsWhatTheProfileFolderHas)
{
    const Project project = projectWithTrailers();
    // 1 fps is there: the rest is background work only.
    const auto plan = planAutoExtraction(project, {"mobilenetv2-fps1", "genre-like", "synthetic-visual", "audio"}, &withWeights());
    EXPECT_EQ(names(plan), (std::vector<std::string>{"mobilenetv2-fps2", "mobilenetv2-fps3"}));
    EXPECT_FALSE(plan[0].first);
    // A middle rate present: the others keep their order, the lowest missing one is not "first".
    const auto gap = planAutoExtraction(project, {"mobilenetv2-fps2", "audio"}, &withWeights());
    EXPECT_EQ(names(gap), (std::vector<std::string>{"mobilenetv2-fps1", "mobilenetv2-fps3"}));
    EXPECT_FALSE(gap[0].first);
    EXPECT_TRUE(
        planAutoExtraction(project, {"mobilenetv2-fps1", "mobilenetv2-fps2", "mobilenetv2-fps3", "audio"}, &withWeights())
            .empty());
}

TEST(AutoExtraction, NothingWithoutTrailersOrRates)
{
    Project project = projectWithTrailers();
    project.manifest.clear();
    EXPECT_TRUE(planAutoExtraction(project, {}, &withWeights()).empty());
    project = projectWithTrailers();
    project.fps = {0, -1};
    EXPECT_TRUE(frames(planAutoExtraction(project, {}, &withWeights())).empty());
    project = projectWithTrailers();
    project.fps = {2, 2, 0.5};
    project.models = {"mobilenetv2", "mobilenetv2"};
    EXPECT_EQ(names(frames(planAutoExtraction(project, {}, &withWeights()))),
              (std::vector<std::string>{"mobilenetv2-fps0.5", "mobilenetv2-fps2"}));
}

TEST(AutoExtraction, ExistingProfilesListsTheProfileFolder)
{
    test::TempDir dir;
    Project project = projectWithTrailers();
    project.cache = dir / "cache";
    EXPECT_TRUE(existingProfiles(project).empty());  // no folder yet
    std::filesystem::create_directories(project.cache / "profiles");
    std::ofstream(project.cache / "profiles" / "mobilenetv2-fps1.npy") << "x";
    std::ofstream(project.cache / "profiles" / "mobilenetv2-fps1.meta.json") << "{}";
    std::ofstream(project.cache / "profiles" / "synthetic-visual.csv") << "x";
    std::ofstream(project.cache / "profiles" / "audio.csv") << "x";
    std::ofstream(project.cache / "profiles" / "audio.none.json") << "{}";  // the no-sound marker: no profile
    EXPECT_EQ(existingProfiles(project), (std::set<std::string>{"audio", "mobilenetv2-fps1", "synthetic-visual"}));
    EXPECT_EQ(names(planAutoExtraction(project, existingProfiles(project), &withWeights())),
              (std::vector<std::string>{"mobilenetv2-fps2", "mobilenetv2-fps3"}));
}

TEST(AutoExtraction, SoundtracksRightAfterTheFirstFrameConfiguration)
{
    const Project project = projectWithTrailers();
    const auto plan = planAutoExtraction(project, {}, &withWeights());
    EXPECT_EQ(names(plan), (std::vector<std::string>{"mobilenetv2-fps1", "audio", "mobilenetv2-fps2", "mobilenetv2-fps3"}));
    ASSERT_EQ(plan.size(), 4u);
    EXPECT_EQ(plan[1].kind, PlannedExtraction::Kind::Audio);
    EXPECT_TRUE(plan[1].audio());
    EXPECT_EQ(plan[1].settings.model.model, "audio");
    EXPECT_TRUE(plan[1].settings.model.weights.empty());
    EXPECT_FALSE(plan[1].first);  // the views follow the first video configuration, not the sound
    EXPECT_TRUE(plan[0].first);
    EXPECT_EQ(plan[0].kind, PlannedExtraction::Kind::Frames);
    EXPECT_EQ(plan[2].kind, PlannedExtraction::Kind::Frames);
    // The first missing frame configuration still leads when others exist.
    EXPECT_EQ(names(planAutoExtraction(project, {"mobilenetv2-fps1"}, &withWeights())),
              (std::vector<std::string>{"mobilenetv2-fps2", "audio", "mobilenetv2-fps3"}));
    // Every frame configuration there: the soundtracks alone.
    const auto alone = planAutoExtraction(project, {"mobilenetv2-fps1", "mobilenetv2-fps2", "mobilenetv2-fps3"}, &withWeights());
    ASSERT_EQ(names(alone), std::vector<std::string>{"audio"});
    EXPECT_FALSE(alone[0].first);
}

TEST(AutoExtraction, SoundtracksNotPlannedWhenAudioIsThereOrWithoutTrailers)
{
    test::TempDir dir;
    Project project = projectWithTrailers();
    project.cache = dir / "cache";
    // audio.csv in the profile folder: no audio extraction.
    test::writeFile(project.cache / "profiles" / "audio.csv", "item_id,a\n1,0.5\n");
    EXPECT_EQ(names(planAutoExtraction(project, existingProfiles(project), &withWeights())),
              (std::vector<std::string>{"mobilenetv2-fps1", "mobilenetv2-fps2", "mobilenetv2-fps3"}));
    std::filesystem::remove(project.cache / "profiles" / "audio.csv");
    EXPECT_EQ(names(planAutoExtraction(project, existingProfiles(project), &withWeights())),
              (std::vector<std::string>{"mobilenetv2-fps1", "audio", "mobilenetv2-fps2", "mobilenetv2-fps3"}));
    // No manifest: no trailer, no sound to describe.
    project.manifest.clear();
    EXPECT_TRUE(planAutoExtraction(project, existingProfiles(project), &withWeights()).empty());
    project.models.clear();
    EXPECT_TRUE(planAutoExtraction(project, existingProfiles(project), &withWeights()).empty());
}

TEST(AutoExtraction, SilentTrailersAreNotPlannedAgainUntilTheyChange)
{
    test::TempDir dir;
    Project project = projectWithTrailers();
    project.cache = dir / "cache";
    project.manifest = dir / "manifest.csv";
    test::writeFile(dir / "a.mp4", "silent a");
    test::writeFile(dir / "b.mp4", "silent b");
    test::writeFile(dir / "c.mp4", "silent c");
    test::writeFile(project.manifest, "item_id,video\n1,a.mp4\n2,b.mp4\n");
    const std::vector<features::VideoItem> checked{{"2", dir / "b.mp4"}, {"1", dir / "a.mp4"}};  // any order
    const std::set<std::string> allFrames{"mobilenetv2-fps1", "mobilenetv2-fps2", "mobilenetv2-fps3"};
    auto plannedAudio = [&] { return names(planAutoExtraction(project, allFrames, &withWeights())) == std::vector<std::string>{"audio"}; };
    ASSERT_TRUE(plannedAudio());
    EXPECT_FALSE(soundtracksKnownSilent(project, checked));

    // An extraction of these two trailers gave no row: the marker lists them and the plan skips audio.
    recordSoundtrackOutcome(project, checked, 0, 2, 0);
    ASSERT_TRUE(std::filesystem::exists(silentSoundtracksMarker(project)));
    EXPECT_NE(test::readFile(silentSoundtracksMarker(project)).find(R"("reason": "no trailer has sound")"),
              std::string::npos);
    EXPECT_EQ(silentSoundtracksMarker(project), project.cache / "profiles" / "audio.none.json");
    EXPECT_TRUE(soundtracksKnownSilent(project, checked));
    EXPECT_FALSE(plannedAudio());
    EXPECT_EQ(names(planAutoExtraction(project, {"mobilenetv2-fps1"}, &withWeights())),
              (std::vector<std::string>{"mobilenetv2-fps2", "mobilenetv2-fps3"}));
    EXPECT_TRUE(existingProfiles(project).empty());  // the marker is no profile

    // A third trailer: planned again; back to the two: skipped again.
    test::writeFile(project.manifest, "item_id,video\n1,a.mp4\n2,b.mp4\n3,c.mp4\n");
    EXPECT_TRUE(plannedAudio());
    test::writeFile(project.manifest, "item_id,video\n1,a.mp4\n2,b.mp4\n");
    EXPECT_FALSE(plannedAudio());
    // One trailer removed, or pointing at another video: planned again.
    test::writeFile(project.manifest, "item_id,video\n1,a.mp4\n");
    EXPECT_TRUE(plannedAudio());
    test::writeFile(project.manifest, "item_id,video\n1,a.mp4\n2,c.mp4\n");
    EXPECT_TRUE(plannedAudio());
    test::writeFile(project.manifest, "item_id,video\n1,a.mp4\n2,b.mp4\n");
    EXPECT_FALSE(plannedAudio());
    // The same size, touched later (re-encoded in place): planned again; its old time back: skipped.
    const auto when = std::filesystem::last_write_time(dir / "b.mp4");
    std::filesystem::last_write_time(dir / "b.mp4", when + std::chrono::seconds(10));
    EXPECT_TRUE(plannedAudio());
    std::filesystem::last_write_time(dir / "b.mp4", when);
    EXPECT_FALSE(plannedAudio());
    // The same file replaced (now with a soundtrack): planned again.
    test::writeFile(dir / "b.mp4", "b, now with a soundtrack");
    EXPECT_TRUE(plannedAudio());
    EXPECT_FALSE(soundtracksKnownSilent(project, checked));

    // A later extraction that wrote audio.csv removes the marker.
    recordSoundtrackOutcome(project, checked, 0, 1, 1);
    EXPECT_NE(test::readFile(silentSoundtracksMarker(project))
                  .find(R"x("reason": "no trailer gave audio descriptors (1 without sound, 1 failed)")x"),
              std::string::npos);
    EXPECT_FALSE(plannedAudio());
    recordSoundtrackOutcome(project, checked, 2, 0, 0);
    EXPECT_FALSE(std::filesystem::exists(silentSoundtracksMarker(project)));
    EXPECT_TRUE(plannedAudio());

    // A damaged marker counts as none: audio is planned.
    test::writeFile(silentSoundtracksMarker(project), "{ not json");
    EXPECT_FALSE(soundtracksKnownSilent(project, checked));
    EXPECT_TRUE(plannedAudio());
}

}  // namespace
}  // namespace tl::session
