// trailerlab-cli evaluate and synth run in-process: outputs, exit codes and messages.
#include <gtest/gtest.h>

#include "core/cf/DeviceNeighbours.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/ArgParser.h"
#include "app/cli/Cli.h"
#include "core/data/Text.h"
#include "tests/support/CliRun.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

using test::CliRun;
using test::runCli;

std::string slurp(const std::filesystem::path& path)
{
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(CliEvaluate, SynthThenEvaluateWritesCsvAndJson)
{
    test::TempDir dir;
    const std::string data = (dir / "synth").string();
    const CliRun synth = runCli({"synth", "--out", data, "--users", "120", "--items", "80", "--ratings", "2400",
                           "--features", "16", "--seed", "5"});
    ASSERT_EQ(synth.code, 0) << synth.err;
    ASSERT_TRUE(std::filesystem::exists(dir / "synth" / "features.csv"));

    const std::string csv = (dir / "out" / "r.csv").string();
    const CliRun eval = runCli({"evaluate", "--ratings", data + "/ratings.csv", "--item-features", data + "/features.csv",
                          "--genres", data + "/movies.csv", "--k", "5,10", "--baselines", "--out", csv, "--quiet"});
    ASSERT_EQ(eval.code, 0) << eval.err;
    EXPECT_NE(eval.out.find("profiles 'features': 80 items with a profile, 0 without"), std::string::npos) << eval.out;
    EXPECT_NE(eval.out.find("best RMSE per method"), std::string::npos);
    const std::string table = slurp(csv);
    EXPECT_EQ(table.rfind("method,k,rmse,mae,from_neighbours,precision,recall,ndcg,predictions,folds,", 0), 0u) << table;
    // 4 baselines + svd + 2 K x (features, genre, cosine, pearson, knn-baseline, knn-means) = 17 rows + header.
    EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 18);
    EXPECT_NE(table.find("\nsvd,0,"), std::string::npos);
    EXPECT_NE(table.find("\nknn-baseline,10,"), std::string::npos);
    EXPECT_NE(table.find("\nfeatures,10,"), std::string::npos);

    // Same inputs and seed -> identical numbers; JSON carries the same rows.
    const std::string json = (dir / "r.json").string();
    ASSERT_EQ(runCli({"evaluate", "--ratings", data + "/ratings.csv", "--item-features", data + "/features.csv",
                   "--genres", data + "/movies.csv", "--k", "5,10", "--baselines", "--out", json, "--quiet"})
                  .code,
              0);
    const auto doc = nlohmann::json::parse(slurp(json));
    ASSERT_EQ(doc["rows"].size(), 17u);
    for (const auto& row : doc["rows"]) {
        if (row["method"] == "features" && row["k"] == 10) {
            const std::string needle = "\nfeatures,10," + std::to_string(row["rmse"].get<double>()).substr(0, 6);
            EXPECT_NE(table.find(needle), std::string::npos) << needle;
        }
    }

    // k-fold prints mean ± std.
    const CliRun folds = runCli({"evaluate", "--ratings", data + "/ratings.csv", "--split", "kfold:3", "--genres",
                           data + "/movies.csv", "--k", "10", "--quiet"});
    ASSERT_EQ(folds.code, 0) << folds.err;
    EXPECT_NE(folds.out.find("±"), std::string::npos);
}

TEST(CliEvaluate, BadInputGivesClearMessagesAndExitCodes)
{
    test::TempDir dir;
    test::writeFile(dir / "r.csv", "1,1,5\n1,2,3\n2,1,4\n2,3,oops\n");
    const std::string r = (dir / "r.csv").string();
    CliRun bad = runCli({"evaluate", "--ratings", r, "--baselines"});
    EXPECT_EQ(bad.code, 1);
    EXPECT_NE(bad.err.find(r + ":4: rating 'oops' is not a number"), std::string::npos) << bad.err;

    CliRun missing = runCli({"evaluate", "--ratings", (dir / "nope.csv").string(), "--baselines"});
    EXPECT_EQ(missing.code, 1);
    EXPECT_NE(missing.err.find("nope.csv: file not found"), std::string::npos) << missing.err;

    EXPECT_EQ(runCli({"evaluate", "--ratings", r, "--bogus"}).code, 2);
    EXPECT_EQ(runCli({"evaluate", "--ratings", r}).code, 2);  // nothing to evaluate
    const CliRun badK = runCli({"evaluate", "--ratings", r, "--baselines", "--k", "10:5"});
    EXPECT_EQ(badK.code, 2);
    EXPECT_NE(badK.err.find("--k"), std::string::npos);
    EXPECT_EQ(runCli({"evaluate", "--ratings", r, "--baselines", "--split", "holdout:2"}).code, 2);
    EXPECT_EQ(runCli({"evaluate", "--train", r}).code, 2);
    EXPECT_EQ(runCli({"frobnicate"}).code, 2);
    const CliRun badMethods = runCli({"evaluate", "--ratings", r, "--baselines", "--methods", "paper,svdpp"});
    EXPECT_EQ(badMethods.code, 2);
    EXPECT_NE(badMethods.err.find("option --methods: methods 'paper,svdpp': unknown method 'svdpp'"), std::string::npos)
        << badMethods.err;
}

// --methods adds content models as FEATURES:METHOD rows; a cold-start split is announced.
TEST(CliEvaluate, MethodsAndColdStartSplit)
{
    test::TempDir dir;
    const std::string data = (dir / "synth").string();
    ASSERT_EQ(runCli({"synth", "--out", data, "--users", "100", "--items", "60", "--ratings", "2000", "--features", "8",
                   "--seed", "3"})
                  .code,
              0);
    const std::string csv = (dir / "m.csv").string();
    const CliRun eval = runCli({"evaluate", "--ratings", data + "/ratings.csv", "--item-features",
                                data + "/features.csv", "--k", "5", "--methods", "item-knn,paper-baseline", "--split",
                                "coldstart:0.2", "--out", csv, "--quiet"});
    ASSERT_EQ(eval.code, 0) << eval.err;
    EXPECT_NE(eval.out.find("cold start: "), std::string::npos) << eval.out;
    const std::string table = slurp(csv);
    EXPECT_NE(table.find("\nfeatures:item-knn,5,"), std::string::npos) << table;
    EXPECT_NE(table.find("\nfeatures:paper-baseline,5,"), std::string::npos) << table;
    EXPECT_EQ(table.find("\nfeatures,5,"), std::string::npos) << table;  // paper not asked for
}

// --device picks the LibTorch route for content CF: where CUDA is present its
// RMSE per K must equal the CPU engine's up to float noise; everywhere an
// unusable device is a usage error naming it. (The route itself is checked
// against the brute force in test_cf_bruteforce, on LibTorch's CPU kernels.)
TEST(CliEvaluate, DeviceRouteGivesTheSameTable)
{
    test::TempDir dir;
    const std::string data = (dir / "synth").string();
    ASSERT_EQ(runCli({"synth", "--out", data, "--users", "150", "--items", "90", "--ratings", "3000", "--features", "12",
                   "--seed", "9"})
                  .code,
              0);
    const std::vector<std::string> base = {"evaluate", "--ratings", data + "/ratings.csv", "--item-features",
                                           data + "/features.csv", "--k", "5,20", "--quiet"};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = base;
        args.insert(args.end(), extra.begin(), extra.end());
        return runCli(args);
    };
    const CliRun cpu = with({"--out", (dir / "cpu.csv").string()});
    ASSERT_EQ(cpu.code, 0) << cpu.err;
    if (visibleCudaDevices() > 0) {
        const CliRun gpu = with({"--device", "cuda", "--out", (dir / "gpu.csv").string()});
        ASSERT_EQ(gpu.code, 0) << gpu.err;
        std::istringstream a(slurp(dir / "cpu.csv")), b(slurp(dir / "gpu.csv"));
        std::string la, lb;
        std::getline(a, la);
        std::getline(b, lb);
        int rows = 0;
        while (std::getline(a, la) && std::getline(b, lb)) {
            const auto fa = *text::splitCsv(la), fb = *text::splitCsv(lb);
            ASSERT_EQ(fa[0] + fa[1], fb[0] + fb[1]);
            EXPECT_NEAR(std::stod(fa[2]), std::stod(fb[2]), 1e-4) << la << " vs " << lb;
            ++rows;
        }
        EXPECT_EQ(rows, 2);
    } else {
        const CliRun cuda = with({"--device", "cuda"});
        EXPECT_EQ(cuda.code, 2);
        EXPECT_NE(cuda.err.find("--device"), std::string::npos) << cuda.err;
        EXPECT_NE(cuda.err.find("no CUDA"), std::string::npos) << cuda.err;
    }
    const CliRun bad = with({"--device", "tpu"});
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("'tpu'"), std::string::npos) << bad.err;
}

TEST(CliEvaluate, HelpDocumentsEveryOption)
{
    const CliRun help = runCli({"evaluate", "--help"});
    ASSERT_EQ(help.code, 0);
    for (const char* option : {"--ratings", "--format", "--split", "--seed", "--train", "--test", "--scale",
                               "--skip-bad-lines", "--item-features", "--genres", "--k", "--normalize", "--relevant",
                               "--neighbors", "--clip", "--baselines", "--restrict-to-profiled", "--top-n", "--device", "--out"})
        EXPECT_NE(help.out.find(option), std::string::npos) << option;
    EXPECT_EQ(runCli({"--version"}).code, 0);
    EXPECT_NE(runCli({"--help"}).out.find("evaluate"), std::string::npos);
}

TEST(CliArgs, IntegerListsAndRanges)
{
    EXPECT_EQ(cli::parseIntList("10:50:20", "k"), (std::vector<int>{10, 30, 50}));
    EXPECT_EQ(cli::parseIntList("50,10,10", "k"), (std::vector<int>{10, 50}));
    EXPECT_EQ(cli::parseIntList("7", "k"), (std::vector<int>{7}));
    EXPECT_THROW(cli::parseIntList("0", "k"), cli::UsageError);
    EXPECT_THROW(cli::parseIntList("10:", "k"), cli::UsageError);
    EXPECT_THROW(cli::parseIntList("a,b", "k"), cli::UsageError);
}

}  // namespace
}  // namespace tl
