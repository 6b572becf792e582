// The experiment runner on a tiny project: table shape, report files, and
// numbers equal to the CF engine's direct evaluation of the same features.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/data/SyntheticData.h"
#include "core/experiment/Experiment.h"
#include "core/features/ExtractionPipeline.h"
#include "core/features/FeatureExtractor.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

TEST(Experiment, TinyProjectMatchesDirectEvaluation)
{
    TL_REQUIRE_VIDEO();
    TL_REQUIRE_SHARED(videos, "videos");
    TL_REQUIRE_SHARED(onnx, "models/mobilenetv2-12-int8.onnx");
    test::TempDir dir;
    SyntheticSpec spec;
    spec.users = 120, spec.items = 6, spec.ratings = 300, spec.features = 0, spec.seed = 3;
    const auto synthetic = generateSynthetic(spec);
    writeSynthetic(synthetic, spec, dir / "data");
    // Items 1-3 have trailers (short real clips); items 4-6 have none.
    writeManifest({{"1", videos / "realshort.mp4"}, {"2", videos / "g1.avi"}, {"3", videos / "g2.avi"}},
                  dir / "manifest.csv");
    Project project;
    project.name = "tiny";
    project.ratings = dir / "data" / "ratings.csv";
    project.items = dir / "data" / "movies.csv";
    project.manifest = dir / "manifest.csv";
    project.fps = {1};
    project.k = "2,5";
    project.cache = dir / "cache";
    saveProject(project, dir / "tiny.trailerlab.json");

    ExperimentOptions options;
    options.weightsDir = onnx.parent_path();
    const ExperimentReport report = runExperiment(loadProject(dir / "tiny.trailerlab.json"), options);
    ASSERT_EQ(report.configurations.size(), 1u);
    EXPECT_EQ(report.configurations[0].name, "mobilenetv2-fps1");
    EXPECT_EQ(report.configurations[0].failedVideos, 0u);
    // 4 baselines + svd + mobilenet + genre + 4 rating k-NN = 11 methods; 5 + 6 x 2 K rows.
    EXPECT_EQ(report.table.size(), 11u);
    EXPECT_EQ(report.results.rows.size(), 17u);
    ASSERT_EQ(report.results.coverage.size(), 2u);
    EXPECT_EQ(report.results.coverage[0].withProfile, 3u);
    EXPECT_EQ(report.results.coverage[0].withoutProfile, 3u);

    // Direct: extract the same features and evaluate with the engine.
    features::ModelSpec model;
    model.weights = onnx;
    auto extractor = features::createExtractor(model);
    features::PipelineOptions pipeline;
    pipeline.sampler.fps = 1;
    const auto extraction = features::extractFeatures(
        *extractor, {{"1", videos / "realshort.mp4"}, {"2", videos / "g1.avi"}, {"3", videos / "g2.avi"}}, pipeline);
    const FeatureMatrix matrix = features::itemProfileMatrix(extraction);
    Dataset data;
    readRatings(project.ratings, data);
    EvalSettings settings;
    settings.ks = {2, 5};
    const auto direct = evaluateSplit(data, makeSplits(data, parseSplitSpec(project.split), project.seed)[0],
                                      {{"video", &matrix}}, settings);
    for (std::size_t k = 0; k < 2; ++k) {
        const auto& expected = direct.rows[k].metrics;
        bool found = false;
        for (const auto& row : report.results.rows)
            if (row.method == "mobilenetv2-fps1" && row.k == direct.rows[k].k) {
                EXPECT_NEAR(row.metrics.rmse, expected.rmse, 1e-6);
                found = true;
            }
        EXPECT_TRUE(found);
    }

    // The workbench finds the configuration in <cache>/profiles.
    const FeatureMatrix saved = readFeatureMatrix(dir / "cache" / "profiles" / "mobilenetv2-fps1.npy");
    EXPECT_EQ(saved.ids, matrix.ids);
    EXPECT_TRUE(saved.values.isApprox(matrix.values, 1e-6f));
    EXPECT_TRUE(std::filesystem::exists(dir / "cache" / "profiles" / "mobilenetv2-fps1.meta.json"));

    // The second run reads the feature store instead of extracting again.
    const ExperimentReport again = runExperiment(loadProject(dir / "tiny.trailerlab.json"), options);
    EXPECT_EQ(again.configurations[0].cachedVideos, 3u);
    EXPECT_EQ(again.configurations[0].frames, 0u);
    EXPECT_DOUBLE_EQ(again.table[4].metrics.rmse, report.table[4].metrics.rmse);

    const auto files = writeExperimentReport(report, dir / "report");
    ASSERT_EQ(files.size(), 7u);  // table.csv/.md, results.csv/.json, rmse_vs_k.svg, crowding.csv/.txt
    std::ifstream md(dir / "report" / "table.md");
    std::stringstream text;
    text << md.rdbuf();
    EXPECT_NE(text.str().find("| mobilenetv2-fps1 |"), std::string::npos);
    std::ifstream svg(dir / "report" / "rmse_vs_k.svg");
    std::stringstream chart;
    chart << svg.rdbuf();
    EXPECT_NE(chart.str().find("<polyline"), std::string::npos);
    EXPECT_NE(chart.str().find("bias (baseline)"), std::string::npos);
    // Crowding: one row per k-NN method and K, in its own file.
    std::ifstream crowding(dir / "report" / "crowding.csv");
    std::string header, first;
    std::getline(crowding, header);
    std::getline(crowding, first);
    EXPECT_EQ(header, "method,k,median_spread,near_tie_share,spread_users,gap_users,severe");
    EXPECT_EQ(first.rfind("mobilenetv2-fps1,", 0), 0u) << first;
    EXPECT_EQ(report.results.crowding.size(), 8u);  // 4 k-NN methods x 2 K
}

TEST(Experiment, BestPerMethodPicksTheLowestRmse)
{
    std::vector<ResultRow> rows(4);
    rows[0] = {"a", 10, {}};
    rows[0].metrics.rmse = 1.0;
    rows[1] = {"a", 20, {}};
    rows[1].metrics.rmse = 0.9;
    rows[2] = {"a", 30, {}};
    rows[2].metrics.rmse = 0.95;
    rows[3] = {"bias", 0, {}};
    rows[3].metrics.rmse = 0.97;
    const auto table = bestPerMethod(rows);
    ASSERT_EQ(table.size(), 2u);
    EXPECT_EQ(table[0].bestK, 20);
    EXPECT_DOUBLE_EQ(table[0].metrics.rmse, 0.9);
    EXPECT_EQ(table[1].method, "bias");
}

}  // namespace
}  // namespace tl
