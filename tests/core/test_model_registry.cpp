// The model registry: the search order for weights files (explicit file, project,
// data folder, installed folder, the checkout's reference folder), imports into
// the data folder with their SHA-256 recorded and checked on use, and the
// not-found message that lists every place looked in.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/Cli.h"
#include "core/common/Error.h"
#include "core/features/ModelRegistry.h"
#include "core/features/Sha256.h"
#include "tests/support/TestSupport.h"

namespace tl::features {
namespace {

namespace fs = std::filesystem;

const std::string kOnnx = "mobilenetv2-12-int8.onnx";

// The four folders of a registry under one scratch folder.
struct Places {
    test::TempDir dir;
    RegistryFolders folders{dir / "project/models", dir / "data", dir / "installed", dir / "checkout"};
    ModelRegistry registry{folders};
};

// Sets one environment variable for a test and restores it afterwards.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : name_(name)
    {
        if (const char* old = std::getenv(name))
            old_ = old;
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv()
    {
        if (old_)
            ::setenv(name_, old_->c_str(), 1);
        else
            ::unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

TEST(ModelRegistry, FileNamesPerModel)
{
    EXPECT_EQ(ModelRegistry::weightsFileName("mobilenetv2"), kOnnx);
    EXPECT_EQ(ModelRegistry::weightsFileName("vgg19"), "vgg19.safetensors");
    EXPECT_EQ(ModelRegistry::weightsFileName("torchscript:/some/where/r3d_18.pt"), "r3d_18.pt");
    EXPECT_THROW(ModelRegistry::weightsFileName("resnet"), ModelError);
    EXPECT_EQ(ModelRegistry::modelForFile("/x/mobilenetv2-12-int8.onnx"), "mobilenetv2");
    EXPECT_EQ(ModelRegistry::modelForFile("vgg16-imagenet.safetensors"), "vgg16");
    EXPECT_EQ(ModelRegistry::modelForFile("r3d_18.pt"), "torchscript:r3d_18.pt");
    EXPECT_EQ(ModelRegistry::modelForFile("weights.bin"), "");
}

TEST(ModelRegistry, SearchOrderProjectDataInstalledCheckout)
{
    Places p;
    for (const auto& folder : {p.folders.project, p.folders.userData, p.folders.installed, p.folders.checkout})
        test::writeFile(folder / kOnnx, folder.string());
    const std::pair<WeightsSource, fs::path> order[] = {{WeightsSource::Project, p.folders.project},
                                                         {WeightsSource::UserData, p.folders.userData},
                                                         {WeightsSource::Installed, p.folders.installed},
                                                         {WeightsSource::Checkout, p.folders.checkout}};
    // Each place wins while it has the file; removing it hands over to the next one.
    for (const auto& [source, folder] : order) {
        const auto lookup = p.registry.find("mobilenetv2");
        ASSERT_TRUE(lookup.found());
        EXPECT_EQ(lookup.source, source) << describeSource(lookup.source);
        EXPECT_EQ(lookup.file, folder / kOnnx);
        fs::remove(folder / kOnnx);
    }
    EXPECT_FALSE(p.registry.find("mobilenetv2").found());
}

TEST(ModelRegistry, ExplicitFileWinsAndAMissingOneDoesNotFallBack)
{
    Places p;
    test::writeFile(p.folders.project / kOnnx, "project");
    test::writeFile(p.dir / "elsewhere.onnx", "explicit");
    auto lookup = p.registry.find("mobilenetv2", p.dir / "elsewhere.onnx");
    EXPECT_EQ(lookup.source, WeightsSource::Explicit);
    EXPECT_EQ(lookup.file, p.dir / "elsewhere.onnx");
    // A typo in an explicit path is an error, not a silent switch to the project's file.
    lookup = p.registry.find("mobilenetv2", p.dir / "typo.onnx");
    EXPECT_FALSE(lookup.found());
    ASSERT_EQ(lookup.searched.size(), 1u);
    EXPECT_EQ(lookup.searched[0].second, p.dir / "typo.onnx");
}

TEST(ModelRegistry, NotFoundListsEveryPlaceAndTheAdvice)
{
    Places p;
    const auto lookup = p.registry.find("vgg19");
    EXPECT_FALSE(lookup.found());
    ASSERT_EQ(lookup.searched.size(), 4u);
    const std::string message = lookup.describeMissing();
    EXPECT_NE(message.find("vgg19 weights (vgg19.safetensors) not found"), std::string::npos) << message;
    for (const auto& folder : {p.folders.project, p.folders.userData, p.folders.installed, p.folders.checkout})
        EXPECT_NE(message.find((folder / "vgg19.safetensors").string()), std::string::npos) << message;
    for (const char* place : {"the project's models folder", "your data folder", "the installed models folder",
                              "the checkout's reference models folder"})
        EXPECT_NE(message.find(place), std::string::npos) << message;
    try {
        p.registry.require("vgg19", {}, "Choose Extraction > Import Weights…");
        FAIL() << "require() found a file that does not exist";
    } catch (const ModelError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find((p.folders.installed / "vgg19.safetensors").string()), std::string::npos) << what;
        EXPECT_NE(what.find("Choose Extraction > Import Weights…"), std::string::npos) << what;
    }
    // Empty folders are not searched (nor listed).
    RegistryFolders only;
    only.userData = p.folders.userData;
    const ModelRegistry dataOnly(only);
    EXPECT_EQ(dataOnly.find("vgg19").searched.size(), 1u);
}

TEST(ModelRegistry, ImportCopiesRecordsTheHashAndIsFoundFromThen)
{
    Places p;
    const fs::path original = p.dir / "downloads" / "some-name.onnx";
    test::writeFile(original, "the weights, version 1");
    const std::string sha = sha256File(original);
    const ImportedWeights imported = p.registry.importWeights("mobilenetv2", original);
    EXPECT_EQ(imported.file, p.folders.userData / kOnnx);
    EXPECT_EQ(imported.sha256, sha);
    EXPECT_EQ(sha256File(imported.file), sha);
    // The index records it, written whole (no temporary left behind).
    std::ifstream in(p.folders.userData / "index.json");
    const auto index = nlohmann::json::parse(in);
    ASSERT_EQ(index["models"].size(), 1u);
    EXPECT_EQ(index["models"][0]["model"], "mobilenetv2");
    EXPECT_EQ(index["models"][0]["file"], kOnnx);
    EXPECT_EQ(index["models"][0]["sha256"], sha);
    for (const auto& entry : fs::directory_iterator(p.folders.userData))
        EXPECT_TRUE(entry.path().filename() == kOnnx || entry.path().filename() == "index.json") << entry.path();
    // Found (and verified) from the data folder, even after the original is gone.
    fs::remove(original);
    const auto lookup = p.registry.find("mobilenetv2");
    EXPECT_EQ(lookup.source, WeightsSource::UserData);
    EXPECT_EQ(p.registry.require("mobilenetv2"), p.folders.userData / kOnnx);
    ASSERT_EQ(p.registry.imported().size(), 1u);
    EXPECT_EQ(p.registry.imported()[0].sha256, sha);

    // Importing a second model keeps the first; re-importing a model replaces its entry.
    test::writeFile(p.dir / "vgg11.safetensors", "vgg");
    p.registry.importWeights("vgg11", p.dir / "vgg11.safetensors");
    test::writeFile(p.dir / "v2.onnx", "the weights, version 2");
    p.registry.importWeights("mobilenetv2", p.dir / "v2.onnx");
    const auto all = p.registry.imported();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].model, "vgg11");
    EXPECT_EQ(all[1].sha256, sha256File(p.dir / "v2.onnx"));
}

TEST(ModelRegistry, ATamperedImportIsReportedWhenUsed)
{
    Places p;
    test::writeFile(p.dir / "w.onnx", "good weights");
    const auto imported = p.registry.importWeights("mobilenetv2", p.dir / "w.onnx");
    test::writeFile(imported.file, "good weights, changed");
    try {
        p.registry.require("mobilenetv2");
        FAIL() << "a changed import was used";
    } catch (const ModelError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("changed since it was imported"), std::string::npos) << what;
        EXPECT_NE(what.find(imported.sha256), std::string::npos) << what;
        EXPECT_NE(what.find(sha256File(imported.file)), std::string::npos) << what;
    }
    // The extractors pass the hash they computed anyway: the same check, no second read.
    EXPECT_THROW(checkImported(imported.file, sha256File(imported.file)), ModelError);
    EXPECT_NO_THROW(checkImported(imported.file, imported.sha256));
    // Files that were never imported are not checked.
    test::writeFile(p.folders.project / kOnnx, "anything");
    EXPECT_NO_THROW(checkImported(p.folders.project / kOnnx));
    // Importing again makes it good.
    p.registry.importWeights("mobilenetv2", p.dir / "w.onnx");
    EXPECT_NO_THROW(p.registry.require("mobilenetv2"));
}

TEST(ModelRegistry, ABrokenIndexIsAClearError)
{
    Places p;
    test::writeFile(p.folders.userData / kOnnx, "w");
    test::writeFile(p.folders.userData / "index.json", "{\"models\": [");
    try {
        p.registry.require("mobilenetv2");
        FAIL() << "a broken index was ignored";
    } catch (const ModelError& e) {
        EXPECT_NE(std::string(e.what()).find((p.folders.userData / "index.json").string()), std::string::npos)
            << e.what();
    }
    EXPECT_THROW(p.registry.importWeights("mobilenetv2", p.folders.userData / kOnnx), ModelError);
    EXPECT_THROW(p.registry.importWeights("mobilenetv2", p.dir / "missing.onnx"), ModelError);
}

TEST(ModelRegistry, StandardFoldersFollowXdgAndTheProject)
{
    test::TempDir dir;
    ScopedEnv data("XDG_DATA_HOME", (dir / "xdg").string());
    const auto registry = ModelRegistry::standard(dir / "myproject");
    EXPECT_EQ(registry.folders().userData, dir / "xdg" / "trailerlab" / "models");
    EXPECT_EQ(registry.folders().project, dir / "myproject" / "models");
    EXPECT_EQ(registry.folders().installed.filename(), "models");
    EXPECT_EQ(registry.folders().installed.parent_path().filename(), "trailerlab");
    EXPECT_TRUE(ModelRegistry::standard().folders().project.empty());
    // This test runs from the build tree: the checkout's reference folder is last, when it exists.
    const fs::path checkout = fs::path(TRAILERLAB_SHARED_DIR) / "models";
    if (fs::is_directory(checkout))
        EXPECT_EQ(registry.folders().checkout, fs::weakly_canonical(checkout));
    else
        EXPECT_TRUE(registry.folders().checkout.empty());
}

TEST(ModelRegistry, CliImportThenList)
{
    test::TempDir dir;
    ScopedEnv data("XDG_DATA_HOME", (dir / "xdg").string());
    test::writeFile(dir / "vgg16.safetensors", "vgg16 weights");
    std::ostringstream out, err;
    ASSERT_EQ(cli::run({"models", "import", (dir / "vgg16.safetensors").string()}, out, err), 0) << err.str();
    const fs::path copy = dir / "xdg" / "trailerlab" / "models" / "vgg16.safetensors";
    EXPECT_EQ(out.str(), copy.string() + "\n");
    EXPECT_NE(err.str().find(sha256File(copy)), std::string::npos) << err.str();
    std::ostringstream listed, listErr;
    ASSERT_EQ(cli::run({"models", "list"}, listed, listErr), 0) << listErr.str();
    EXPECT_NE(listed.str().find("vgg16: " + copy.string() + " (your data folder"), std::string::npos) << listed.str();
    EXPECT_NE(listed.str().find("vgg11 weights (vgg11.safetensors) not found"), std::string::npos) << listed.str();
    // A name that says nothing about the model needs --model.
    test::writeFile(dir / "weights.bin", "?");
    std::ostringstream o2, e2;
    EXPECT_EQ(cli::run({"models", "import", (dir / "weights.bin").string()}, o2, e2), 2);
    EXPECT_NE(e2.str().find("--model"), std::string::npos) << e2.str();
}

}  // namespace
}  // namespace tl::features
