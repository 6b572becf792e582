// The workbench's background-extraction queue (core/session/AutoExtraction):
// which configurations of the project are missing and in what order they run,
// and that a model whose weights cannot be found is left out (never a job that can only fail).
#include <gtest/gtest.h>

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
    const auto plan = planAutoExtraction(project, {}, &withWeights());
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
    const auto plan = planAutoExtraction(project, {}, &registry, &missing);
    // vgg16 is the project's default model, but without weights: MobileNetV2 comes first.
    EXPECT_EQ(names(plan), (std::vector<std::string>{"mobilenetv2-fps1", "mobilenetv2-fps2", "mobilenetv2-fps3"}));
    EXPECT_TRUE(plan[0].first);
    ASSERT_EQ(missing.size(), 1u);
    EXPECT_EQ(missing[0].model, "vgg16");
    ASSERT_EQ(missing[0].searched.size(), 2u);
    EXPECT_EQ(missing[0].searched[0].second, dir / "project" / "models" / "vgg16.safetensors");
    EXPECT_EQ(missing[0].searched[1].second, dir / "data" / "vgg16.safetensors");
    // With no weights at all, nothing is planned.
    project.models = {"vgg16"};
    EXPECT_TRUE(planAutoExtraction(project, {}, &registry).empty());
}

TEST(AutoExtraction, SkipsWhatTheProfileFolderHas)
{
    const Project project = projectWithTrailers();
    // 1 fps is there: the rest is background work only.
    const auto plan = planAutoExtraction(project, {"mobilenetv2-fps1", "genre-like", "synthetic-visual"}, &withWeights());
    EXPECT_EQ(names(plan), (std::vector<std::string>{"mobilenetv2-fps2", "mobilenetv2-fps3"}));
    EXPECT_FALSE(plan[0].first);
    // A middle rate present: the others keep their order, the lowest missing one is not "first".
    const auto gap = planAutoExtraction(project, {"mobilenetv2-fps2"}, &withWeights());
    EXPECT_EQ(names(gap), (std::vector<std::string>{"mobilenetv2-fps1", "mobilenetv2-fps3"}));
    EXPECT_FALSE(gap[0].first);
    EXPECT_TRUE(planAutoExtraction(project, {"mobilenetv2-fps1", "mobilenetv2-fps2", "mobilenetv2-fps3"}, &withWeights()).empty());
}

TEST(AutoExtraction, NothingWithoutTrailersOrRates)
{
    Project project = projectWithTrailers();
    project.manifest.clear();
    EXPECT_TRUE(planAutoExtraction(project, {}, &withWeights()).empty());
    project = projectWithTrailers();
    project.fps = {0, -1};
    EXPECT_TRUE(planAutoExtraction(project, {}, &withWeights()).empty());
    project = projectWithTrailers();
    project.fps = {2, 2, 0.5};
    project.models = {"mobilenetv2", "mobilenetv2"};
    EXPECT_EQ(names(planAutoExtraction(project, {}, &withWeights())),
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
    EXPECT_EQ(existingProfiles(project), (std::set<std::string>{"mobilenetv2-fps1", "synthetic-visual"}));
    EXPECT_EQ(names(planAutoExtraction(project, existingProfiles(project), &withWeights())),
              (std::vector<std::string>{"mobilenetv2-fps2", "mobilenetv2-fps3"}));
}

}  // namespace
}  // namespace tl::session
