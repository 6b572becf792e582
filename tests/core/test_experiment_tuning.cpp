// No test-set tuning, said per row: the tuning texts (known answers), the table at
// a K chosen on validation, runExperiment's tuning column (hybrid's a on validation,
// K on test or on validation; the K chosen on validation equals a brute-force
// evaluation of the validation share), the report files' tuning column, and the
// experiment's split and rating-only options.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/cf/Hybrid.h"
#include "core/common/Error.h"
#include "core/data/Items.h"
#include "core/data/Ratings.h"
#include "core/experiment/Experiment.h"
#include "core/session/SyntheticDemo.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

TEST(Tuning, TextsSayHowEachRowWasChosen)
{
    TuningFacts facts;
    facts.ks = {10, 20, 30};
    facts.validateRatio = 0.1;
    facts.seed = 7;
    facts.choices = {{"genre:hybrid", "a", 0.9, 20, 0.93, 800}};
    EXPECT_EQ(tableRowTuning("bias", 0, facts), "defaults");
    EXPECT_EQ(tableRowTuning("svd", 0, facts), "defaults, SGD seed 7");
    EXPECT_EQ(tableRowTuning("genre:vbpr", 0, facts), "defaults, SGD seed 7");
    EXPECT_EQ(tableRowTuning("genre", 20, facts), "defaults; best K picked on test (the paper's Table 1 practice)");
    EXPECT_EQ(tableRowTuning("knn-baseline", 30, facts),
              "defaults; best K picked on test (the paper's Table 1 practice)");
    EXPECT_EQ(tableRowTuning("genre:hybrid", 30, facts),
              "a = 0.9 on validation (0.1 of training, seed 7); best K picked on test (the paper's Table 1 practice)");
    EXPECT_EQ(sweepRowTuning("genre:hybrid", 10, facts), "a = 0.9 on validation (0.1 of training, seed 7)");
    EXPECT_EQ(sweepRowTuning("genre", 10, facts), "defaults");

    facts.kOnValidation = true;
    facts.validatedK = {{"genre", 10}, {"genre:hybrid", 20}};
    EXPECT_EQ(tableRowTuning("genre", 10, facts), "defaults; K on validation (0.1 of training, seed 7)");
    EXPECT_EQ(tableRowTuning("genre:hybrid", 20, facts), "a = 0.9, K on validation (0.1 of training, seed 7)");

    facts.ks = {40};
    facts.validatedK.clear();
    EXPECT_EQ(tableRowTuning("genre", 40, facts), "defaults; K = 40 fixed");
    // Several folds: one value per fold.
    facts.choices.push_back({"genre:hybrid", "a", 0.75, 40, 0.94, 800});
    EXPECT_EQ(sweepRowTuning("genre:hybrid", 40, facts),
              "a = 0.9, 0.75 (per fold) on validation (0.1 of training, seed 7)");

    // A fused source's weight holds for every method run on it, and comes first.
    facts.choices = {{"v+audio", "w", 0.25, 20, 0.9, 800}, {"v+audio:hybrid", "a", 0.5, 20, 0.9, 800}};
    EXPECT_EQ(sweepRowTuning("v+audio", 40, facts), "w = 0.25 on validation (0.1 of training, seed 7)");
    EXPECT_EQ(sweepRowTuning("v+audio:item-knn", 40, facts), "w = 0.25 on validation (0.1 of training, seed 7)");
    EXPECT_EQ(sweepRowTuning("v+audio:hybrid", 40, facts), "w = 0.25, a = 0.5 on validation (0.1 of training, seed 7)");
    EXPECT_EQ(tableRowTuning("v+audio:vbpr", 0, facts), "w = 0.25 on validation (0.1 of training, seed 7), SGD seed 7");
    EXPECT_EQ(sweepRowTuning("v+audiox", 40, facts), "defaults");  // another source
    EXPECT_EQ(sweepRowTuning("v", 40, facts), "defaults");
}

TEST(Tuning, TableAtAChosenKIgnoresTheTestOptimum)
{
    auto m = [](double rmse) {
        Metrics metrics;
        metrics.rmse = rmse;
        return metrics;
    };
    const std::vector<ResultRow> rows = {{"genre", 10, m(0.95)}, {"genre", 20, m(0.93)}, {"genre", 30, m(0.94)},
                                         {"bias", 0, m(1.0)}};
    const auto onTest = bestPerMethod(rows);
    ASSERT_EQ(onTest.size(), 2u);
    EXPECT_EQ(onTest[0].bestK, 20);
    const auto chosen = bestPerMethod(rows, {{"genre", 30}});
    ASSERT_EQ(chosen.size(), 2u);
    EXPECT_EQ(chosen[0].bestK, 30);
    EXPECT_EQ(chosen[0].metrics.rmse, 0.94);
    EXPECT_EQ(chosen[1].method, "bias");
}

class ExperimentTuning : public ::testing::Test {
protected:
    void SetUp() override
    {
        SyntheticSpec spec;
        spec.users = 120;
        spec.items = 90;
        spec.ratings = 4000;
        spec.features = 8;
        spec.latentDims = 3;
        spec.genres = 5;
        spec.seed = 11;
        project = session::writeSyntheticDemo(dir.path() / "p", spec);
        ReadOptions read;
        read.format = parseRatingsFormat(project.ratingsFormat);
        readRatings(project.ratings, data, read);
        split = makeSplits(data, parseSplitSpec(project.split), project.seed).front();
        genres = genreFeatures(readItems(project.items));
        options.ks = {5, 10, 20, 40};
        options.eval.methods = {ContentMethod::Paper, ContentMethod::Hybrid};
        options.ratingModels = false;
    }

    const TableRow& row(const ExperimentReport& report, const std::string& method)
    {
        for (const auto& r : report.table)
            if (r.method == method)
                return r;
        ADD_FAILURE() << "no row " << method;
        return report.table.front();
    }

    test::TempDir dir;
    Project project;
    Dataset data;
    Split split;
    FeatureMatrix genres;
    ExperimentOptions options;
};

TEST_F(ExperimentTuning, KOnTestIsSaidSoAndHybridsWeightOnValidation)
{
    const ExperimentReport report = runExperiment(project, options);
    std::vector<std::string> methods;
    for (const auto& r : report.table)
        methods.push_back(r.method);
    // Rating-only models off: only the content rows, named as the CLI names them.
    EXPECT_EQ(methods, (std::vector<std::string>{"genre", "genre:hybrid"}));
    const std::string seed = std::to_string(project.seed);
    EXPECT_EQ(row(report, "genre").tuning, "defaults; best K picked on test (the paper's Table 1 practice)");
    ASSERT_EQ(report.results.choices.size(), 1u);
    const ModelChoice& a = report.results.choices.front();
    std::ostringstream value;
    value << a.value;
    EXPECT_EQ(row(report, "genre:hybrid").tuning, "a = " + value.str() + " on validation (0.1 of training, seed " +
                                                      seed + "); best K picked on test (the paper's Table 1 practice)");
    // The shown K is the test optimum.
    double best = std::numeric_limits<double>::max();
    int bestK = 0;
    for (const auto& r : report.results.rows)
        if (r.method == "genre" && r.metrics.rmse < best) {
            best = r.metrics.rmse;
            bestK = r.k;
        }
    EXPECT_EQ(row(report, "genre").bestK, bestK);

    const auto files = writeExperimentReport(report, dir.path() / "report");
    const std::string table = test::readFile(dir.path() / "report" / "table.csv");
    EXPECT_EQ(table.substr(0, table.find('\n')), "method,best_k,rmse,mae,from_neighbours,precision,recall,ndcg,tuning");
    EXPECT_NE(table.find("\ngenre,"), std::string::npos);
    EXPECT_NE(table.find(",defaults; best K picked on test (the paper's Table 1 practice)\n"), std::string::npos)
        << table;
    const std::string md = test::readFile(dir.path() / "report" / "table.md");
    EXPECT_NE(md.find("| hyper-parameters |"), std::string::npos) << md;
    const auto json = nlohmann::json::parse(test::readFile(dir.path() / "report" / "results.json"));
    for (const auto& r : json["rows"])
        if (r["method"] == "genre:hybrid")
            EXPECT_EQ(r["tuning"], "a = " + value.str() + " on validation (0.1 of training, seed " + seed + ")");
        else
            EXPECT_EQ(r["tuning"], "defaults");
}

TEST_F(ExperimentTuning, KOnValidationIsTheBruteForceValidationOptimum)
{
    options.validateK = true;
    const ExperimentReport report = runExperiment(project, options);
    const std::string seed = std::to_string(project.seed);
    EXPECT_EQ(row(report, "genre").tuning, "defaults; K on validation (0.1 of training, seed " + seed + ")");
    // Brute force: the paper's model evaluated on the validation share, K of the lowest RMSE.
    EvalSettings settings;
    settings.ks = options.ks;
    settings.seed = project.seed;
    const std::vector<ContentSource> sources = {{"genre", &genres, nullptr}};
    const SplitResult validation =
        evaluateSplit(data, validationShare(split.train, 0.1, project.seed), sources, settings);
    double best = std::numeric_limits<double>::max();
    int bestK = 0;
    for (const auto& r : validation.rows)
        if (r.method == "genre" && r.metrics.rmse < best) {
            best = r.metrics.rmse;
            bestK = r.k;
        }
    EXPECT_EQ(row(report, "genre").bestK, bestK);
    // The test row at that K, not the test optimum.
    for (const auto& r : report.results.rows) {
        if (r.method == "genre" && r.k == bestK) {
            EXPECT_EQ(row(report, "genre").metrics.rmse, r.metrics.rmse);
        }
    }
    // The hybrid's K is the one its own validation kept.
    ASSERT_EQ(report.results.choices.size(), 1u);
    EXPECT_EQ(row(report, "genre:hybrid").bestK, report.results.choices.front().validationK);
    EXPECT_NE(row(report, "genre:hybrid").tuning.find(", K on validation (0.1 of training"), std::string::npos);
}

TEST_F(ExperimentTuning, SplitAndRatingModelsOptions)
{
    options.eval.methods = {ContentMethod::ItemKnn};
    options.ratingModels = true;
    options.split = "coldstart:0.2";
    options.ks = {10};
    const ExperimentReport report = runExperiment(project, options);
    // Item cold start: every test rating is of a film without a training rating.
    EXPECT_GT(report.results.testRatings, 0u);
    EXPECT_EQ(report.results.coldTestRatings, report.results.testRatings);
    std::vector<std::string> methods;
    for (const auto& r : report.table)
        methods.push_back(r.method);
    for (const char* m : {"bias", "svd", "knn-baseline", "knn-means", "genre:item-knn"})
        EXPECT_NE(std::find(methods.begin(), methods.end(), m), methods.end()) << m;
    EXPECT_EQ(std::find(methods.begin(), methods.end(), "genre"), methods.end());  // paper not asked for
    EXPECT_EQ(row(report, "genre:item-knn").tuning, "defaults; K = 10 fixed");
    EXPECT_EQ(row(report, "svd").tuning, "defaults, SGD seed " + std::to_string(project.seed));
    options.split = "halves";
    EXPECT_THROW(runExperiment(project, options), Error);
}

}  // namespace
}  // namespace tl
