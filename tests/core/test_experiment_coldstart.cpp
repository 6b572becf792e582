// The experiment report's cold-start table: written next to Table 1 (csv, md and a
// "cold_start" key in results.json) only when the report has one.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/experiment/Experiment.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

TEST(ExperimentColdStart, TableWrittenNextToTable1OnlyWhenPresent)
{
    test::TempDir dir;
    ExperimentReport report;
    report.project = "cold";
    Metrics bias, vbpr;
    bias.rmse = 1.0937;
    vbpr.rmse = 0.9682;
    report.results.rows = {{"bias", 0, bias}, {"video:vbpr", 0, vbpr}};
    report.table = bestPerMethod(report.results.rows);
    EXPECT_EQ(writeExperimentReport(report, dir / "plain").size(), 7u);
    EXPECT_FALSE(std::filesystem::exists(dir / "plain" / "coldstart_table.md"));
    EXPECT_FALSE(nlohmann::json::parse(test::readFile(dir / "plain" / "results.json")).contains("cold_start"));

    report.coldStartTable = bestPerMethod({{"bias", 0, bias}, {"video:vbpr", 0, vbpr}});
    report.coldStartRatio = 0.2;
    report.coldStartTestRatings = 4138;
    EXPECT_EQ(writeExperimentReport(report, dir / "cold").size(), 9u);
    const std::string md = test::readFile(dir / "cold" / "coldstart_table.md");
    EXPECT_NE(md.find("| video:vbpr |"), std::string::npos) << md;
    EXPECT_NE(md.find("0.9682"), std::string::npos) << md;
    EXPECT_NE(test::readFile(dir / "cold" / "coldstart_table.csv").find("\nbias,"), std::string::npos);
    const auto doc = nlohmann::json::parse(test::readFile(dir / "cold" / "results.json"));
    EXPECT_EQ(doc["cold_start"]["item_ratio"].get<double>(), 0.2);
    EXPECT_EQ(doc["cold_start"]["test_ratings"].get<std::size_t>(), 4138u);
    EXPECT_EQ(doc["cold_start"]["table"].size(), 2u);
}

}  // namespace
}  // namespace tl
