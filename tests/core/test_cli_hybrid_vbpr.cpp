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

TEST(CliHybridVbpr, RowsAndTheChoiceMadeOnValidation)
{
    test::TempDir dir;
    const std::string data = (dir / "synth").string();
    ASSERT_EQ(runCli({"synth", "--out", data, "--users", "80", "--items", "50", "--ratings", "1500", "--features", "6",
                      "--seed", "4"})
                  .code,
              0);
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

}  // namespace
}  // namespace tl
