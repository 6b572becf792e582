// trailerlab-cli evaluate --methods hybrid,vbpr --validate: the rows, the report of
// the value chosen on validation (text and JSON), and bad --validate values.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/CliRun.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

using test::CliRun;
using test::runCli;

// A small synthetic data set (ratings.csv, features.csv) in dir/synth; returns its folder.
std::string writeSynth(const test::TempDir& dir)
{
    const std::string data = (dir / "synth").string();
    const CliRun synth = runCli({"synth", "--out", data, "--users", "80", "--items", "50", "--ratings", "1500",
                                 "--features", "6", "--seed", "4"});
    EXPECT_EQ(synth.code, 0) << synth.err;
    return data;
}

TEST(CliHybridVbpr, RowsAndTheChoiceMadeOnValidation)
{
    test::TempDir dir;
    const std::string data = writeSynth(dir);
    const std::string json = (dir / "m.json").string();
    const CliRun eval = runCli({"evaluate", "--ratings", data + "/ratings.csv", "--item-features",
                                data + "/features.csv", "--k", "5,10", "--methods", "hybrid,vbpr", "--validate",
                                "0.2", "--out", json, "--quiet"});
    ASSERT_EQ(eval.code, 0) << eval.err;
    EXPECT_NE(eval.out.find("features:hybrid: a = "), std::string::npos) << eval.out;
    EXPECT_NE(eval.out.find("chosen on validation"), std::string::npos) << eval.out;
    EXPECT_NE(eval.out.find("never chosen on test"), std::string::npos) << eval.out;
    std::ifstream in(json);
    const nlohmann::json doc = nlohmann::json::parse(in);
    EXPECT_EQ(doc["settings"]["validate"].get<double>(), 0.2);
    ASSERT_EQ(doc["choices"].size(), 1u);
    EXPECT_EQ(doc["choices"][0]["method"], "features:hybrid");
    EXPECT_EQ(doc["choices"][0]["chosen_on"], "validation");
    std::vector<std::string> methods;
    for (const auto& row : doc["rows"])
        methods.push_back(row["method"].get<std::string>());
    EXPECT_EQ(methods, (std::vector<std::string>{"features:hybrid", "features:hybrid", "features:vbpr"}));

    EXPECT_NE(runCli({"evaluate", "--help"}).out.find("--validate RATIO"), std::string::npos);
    for (const char* bad : {"0", "1", "x", "-0.1"}) {
        const CliRun r = runCli({"evaluate", "--ratings", data + "/ratings.csv", "--item-features",
                                 data + "/features.csv", "--methods", "hybrid", "--validate", bad, "--quiet"});
        EXPECT_NE(r.code, 0) << bad;
        EXPECT_NE(r.err.find("--validate"), std::string::npos) << bad << ": " << r.err;
    }
}

// Each best-per-method row says how its hyper-parameters were chosen (text and
// --out JSON's "best"); with --validate-k the K shown is the one chosen on validation.
TEST(CliHybridVbpr, TuningSaidPerRowAndKOnValidation)
{
    test::TempDir dir;
    const std::string data = writeSynth(dir);
    auto best = [](const nlohmann::json& doc, const std::string& method) {
        for (const auto& row : doc["best"])
            if (row["method"] == method)
                return row;
        ADD_FAILURE() << "no best row " << method;
        return nlohmann::json();
    };
    const std::string testPicked = "defaults; best K picked on test (the paper's Table 1 practice)";
    for (bool validateK : {false, true}) {
        const std::string json = (dir / (validateK ? "v.json" : "t.json")).string();
        std::vector<std::string> args = {"evaluate", "--ratings", data + "/ratings.csv", "--item-features",
                                         data + "/features.csv", "--k", "5,10,20", "--methods", "paper,hybrid",
                                         "--baselines", "--out", json, "--quiet"};
        if (validateK)
            args.push_back("--validate-k");
        const CliRun eval = runCli(args);
        ASSERT_EQ(eval.code, 0) << eval.err;
        std::ifstream in(json);
        const nlohmann::json doc = nlohmann::json::parse(in);
        EXPECT_EQ(doc["settings"]["validate_k"].get<bool>(), validateK);
        for (const auto& row : doc["rows"])
            EXPECT_TRUE(row.contains("tuning")) << row.dump();
        EXPECT_EQ(best(doc, "bias")["tuning"], "defaults");
        EXPECT_EQ(best(doc, "svd")["tuning"], "defaults, SGD seed 42");
        const std::string a = best(doc, "features:hybrid")["tuning"].get<std::string>();
        EXPECT_EQ(a.rfind("a = ", 0), 0u) << a;
        if (!validateK) {
            EXPECT_EQ(best(doc, "features")["tuning"], testPicked);
            EXPECT_EQ(best(doc, "knn-baseline")["tuning"], testPicked);
            EXPECT_NE(a.find("on validation (0.1 of training, seed 42); best K picked on test"), std::string::npos)
                << a;
            EXPECT_NE(eval.out.find(testPicked), std::string::npos) << eval.out;
        } else {
            EXPECT_EQ(best(doc, "features")["tuning"], "defaults; K on validation (0.1 of training, seed 42)");
            EXPECT_NE(a.find(", K on validation (0.1 of training, seed 42)"), std::string::npos) << a;
            EXPECT_EQ(best(doc, "features:hybrid")["best_k"], doc["choices"][0]["validation_k"]);
            EXPECT_EQ(eval.out.find(testPicked), std::string::npos) << eval.out;
        }
    }
    const std::string help = runCli({"experiment", "--help"}).out;
    for (const char* option : {"--validate-k", "--validate RATIO", "--split SPEC", "--no-rating-models"})
        EXPECT_NE(help.find(option), std::string::npos) << option;
}

}  // namespace
}  // namespace tl
