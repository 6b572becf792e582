// experiment --fuse-with FILE --fuse early,late on a tiny generated demo: the audio
// file's own rows, each configuration fused with it in both ways, side by side in the
// table; with the weights (1, 0) late fusion is the configuration's rows exactly and
// early fusion its rows up to rounding; the items without sound are counted.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "core/common/Error.h"
#include "core/common/Random.h"
#include "core/data/FeatureMatrix.h"
#include "core/demo/DemoProject.h"
#include "core/experiment/Experiment.h"
#include "core/project/Project.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

TEST(FusionExperiment, FusedRowsBesideTheConfigurationAndTheAudioFile)
{
    TL_REQUIRE_VIDEO();
    test::TempDir dir;
    DemoSpec spec;
    spec.items = 8, spec.users = 40, spec.density = 0.5, spec.width = 64, spec.height = 48, spec.minSeconds = 2,
    spec.maxSeconds = 3;
    const Project project = loadProject(createDemoProject(dir / "demo", spec));
    // A soundtrack descriptor file for the demo's items 1..6 (7 and 8 without sound).
    std::ostringstream audio;
    audio << "item_id,tempo_bpm,loudness_lufs\n";
    Rng rng(4);
    for (int i = 1; i <= 6; ++i)
        audio << i << "," << 60 + 100 * rng.uniform() << "," << -30 + 20 * rng.uniform() << "\n";
    test::writeFile(dir / "audio.csv", audio.str());

    ExperimentOptions options;
    options.models = {"mobilenetv2"};
    options.fps = {1};
    options.ks = {3, 5};
    options.randomWeightsSeed = 5;
    options.device = ComputeDevice::cpu();
    options.genres = false;
    options.fuseWith = {dir / "audio.csv"};
    options.fusions = {FusionKind::Early, FusionKind::Late};
    options.fusionWeights = std::vector<double>{1.0, 0.0};
    const ExperimentReport report = runExperiment(project, options);
    ASSERT_EQ(report.configurations.size(), 1u);
    const std::string config = report.configurations.front().name;

    std::map<std::pair<std::string, int>, double> rmse;
    for (const auto& r : report.results.rows)
        rmse[std::make_pair(r.method, r.k)] = r.metrics.rmse;
    for (int k : {3, 5}) {
        const auto alone = std::make_pair(config, k), audioAlone = std::make_pair(std::string("audio"), k);
        const auto early = std::make_pair(config + "+audio", k), late = std::make_pair(config + "+audio-late", k);
        ASSERT_TRUE(rmse.count(alone) && rmse.count(audioAlone) && rmse.count(early) && rmse.count(late)) << "K " << k;
        EXPECT_EQ(rmse[late], rmse[alone]) << "K " << k;
        EXPECT_NEAR(rmse[early], rmse[alone], 1e-6) << "K " << k;
    }
    std::vector<std::string> tableMethods;
    for (const auto& r : report.table)
        tableMethods.push_back(r.method);
    for (const std::string& m : {config, std::string("audio"), config + "+audio", config + "+audio-late"})
        EXPECT_NE(std::find(tableMethods.begin(), tableMethods.end(), m), tableMethods.end()) << m;
    std::string notes;
    for (const auto& n : report.results.notes)
        notes += n + "\n";
    EXPECT_NE(notes.find("block audio: 2 dims, 6 items with a row, 2 without"), std::string::npos) << notes;
    EXPECT_NE(notes.find("weights given"), std::string::npos) << notes;

    // Weights that are not one per block are refused, naming the count.
    options.fusionWeights = std::vector<double>{1.0, 0.0, 1.0};
    EXPECT_THROW(runExperiment(project, options), ConfigError);
}

}  // namespace
}  // namespace tl
