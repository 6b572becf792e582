// The one metrics table writer: exact CSV / Markdown / JSON text for a small table
// (missing values, CSV quoting, Markdown pipes), JSON numbers that read back exactly,
// and `evaluate` and the experiment report writing the same results header.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/Error.h"
#include "core/data/Text.h"
#include "core/eval/MetricsTable.h"
#include "core/project/Project.h"
#include "tests/support/CliRun.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string slurp(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string firstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

Metrics metrics(double rmse, double mae, double fromNeighbours, double precision, double recall, double ndcg)
{
    Metrics m;
    m.rmse = rmse, m.mae = mae, m.fromNeighbours = fromNeighbours;
    m.precision = precision, m.recall = recall, m.ndcg = ndcg;
    return m;
}

// A method name with a comma and quotes, one with a pipe; a missing recall; a baseline (K 0).
std::vector<AggregateRow> smallRows()
{
    return {{"a,b \"q\"", 10, metrics(0.9123456789, 0.75, 0.5, 1.0 / 3.0, kNaN, 0.25), {}, 1},
            {"bias|x", 0, metrics(1.0, 0.8, 0.0, 0.1, 0.2, 0.3), {}, 1}};
}

TEST(MetricsTable, CsvKnownAnswer)
{
    const MetricsTable table(bestKColumns(), smallRows());
    EXPECT_EQ(table.text(MetricsFormat::Csv),
              "method,best_k,rmse,mae,from_neighbours,precision,recall,ndcg\n"
              "\"a,b \"\"q\"\"\",10,0.912346,0.750000,0.500000,0.333333,,0.250000\n"
              "bias|x,0,1.000000,0.800000,0.000000,0.100000,0.200000,0.300000\n");
    // The quoted field reads back as it was.
    std::istringstream lines(table.text(MetricsFormat::Csv));
    std::string line;
    std::getline(lines, line);
    std::getline(lines, line);
    const auto fields = text::splitCsv(line);
    ASSERT_TRUE(fields);
    ASSERT_EQ(fields->size(), 8u);
    EXPECT_EQ((*fields)[0], "a,b \"q\"");
    EXPECT_EQ((*fields)[6], "");
}

TEST(MetricsTable, MarkdownKnownAnswer)
{
    const MetricsTable table(bestKColumns(), smallRows());
    EXPECT_EQ(table.text(MetricsFormat::Markdown),
              "| method | best K | RMSE | MAE | from neighbours | P@N | R@N | NDCG@N |\n"
              "|---|---|---|---|---|---|---|---|\n"
              "| a,b \"q\" | 10 | 0.9123 | 0.7500 | 0.500 | 0.3333 | - | 0.2500 |\n"
              "| bias\\|x | - | 1.0000 | 0.8000 | 0.000 | 0.1000 | 0.2000 | 0.3000 |\n");
}

TEST(MetricsTable, ResultColumnsCarrySpreadAndFallbacks)
{
    AggregateRow row{"video", 20, metrics(0.95, 0.74, 0.875, 0.05, 0.125, 0.0625), metrics(0.0123456, 0.001, 0, 0, 0, kNaN), 3};
    row.mean.predictions = 1234;
    row.mean.userMeanFallbacks = 1, row.mean.itemMeanFallbacks = 2, row.mean.globalMeanFallbacks = 3;
    const MetricsTable table(resultColumns(), {row});
    EXPECT_EQ(table.text(MetricsFormat::Csv),
              "method,k,rmse,mae,from_neighbours,precision,recall,ndcg,predictions,folds,rmse_std,mae_std,"
              "from_neighbours_std,precision_std,recall_std,ndcg_std,user_mean_fallbacks,item_mean_fallbacks,"
              "global_mean_fallbacks\n"
              "video,20,0.950000,0.740000,0.875000,0.050000,0.125000,0.062500,1234,3,0.012346,0.001000,0.000000,"
              "0.000000,0.000000,,1,2,3\n");
    EXPECT_EQ(firstLine(table.text(MetricsFormat::Markdown)),
              "| method | K | RMSE | MAE | from neighbours | P@N | R@N | NDCG@N | predictions | folds | RMSE std | "
              "MAE std | from neighbours std | P@N std | R@N std | NDCG@N std | user-mean fallbacks | "
              "item-mean fallbacks | global-mean fallbacks |");
}

TEST(MetricsTable, JsonRoundTripsNumbersAndMarksMissingAsNull)
{
    const double awkward[] = {0.1 + 0.2, 1.0 / 3.0, 1e-17, 0.9123456789012345, 123456.789};
    std::vector<AggregateRow> rows;
    for (double v : awkward)
        rows.push_back({"m", 5, metrics(v, v / 7, v / 3, v * 1e-3, kNaN, std::numeric_limits<double>::infinity()),
                        metrics(v / 11, 0, 0, 0, 0, 0), 2});
    const MetricsTable table(resultColumns(), rows);
    const auto doc = nlohmann::json::parse(table.text(MetricsFormat::Json));
    ASSERT_TRUE(doc.is_array());
    ASSERT_EQ(doc.size(), std::size(awkward));
    for (std::size_t i = 0; i < doc.size(); ++i) {
        const auto& r = doc[i];
        const double v = awkward[i];
        EXPECT_EQ(r["method"], "m");
        EXPECT_EQ(r["k"], 5);
        EXPECT_EQ(r["folds"], 2);
        EXPECT_EQ(r["rmse"].get<double>(), v);
        EXPECT_EQ(r["mae"].get<double>(), v / 7);
        EXPECT_EQ(r["from_neighbours"].get<double>(), v / 3);
        EXPECT_EQ(r["precision"].get<double>(), v * 1e-3);
        EXPECT_EQ(r["rmse_std"].get<double>(), v / 11);
        EXPECT_TRUE(r["recall"].is_null());
        EXPECT_TRUE(r["ndcg"].is_null());
        EXPECT_EQ(r.size(), resultColumns().size());  // one key per column, nothing else
        for (MetricColumn c : resultColumns())
            EXPECT_TRUE(r.contains(std::string(columnInfo(c).name))) << columnInfo(c).name;
    }
}

TEST(MetricsTable, WriteFilePicksTheFormatAndFailsLoudly)
{
    test::TempDir dir;
    const MetricsTable table(bestKColumns(), smallRows());
    for (const char* name : {"t.csv", "t.md", "t.json", "t.txt"}) {
        table.writeFile(dir / name);
        EXPECT_EQ(slurp(dir / name), table.text(metricsFormatFor(dir / name))) << name;
    }
    EXPECT_EQ(metricsFormatFor("x.md"), MetricsFormat::Markdown);
    EXPECT_EQ(metricsFormatFor("x.json"), MetricsFormat::Json);
    EXPECT_EQ(metricsFormatFor("x.txt"), MetricsFormat::Csv);
    // A folder where the file should go: refused with WriteError naming the path.
    std::filesystem::create_directories(dir / "taken.csv");
    try {
        table.writeFile(dir / "taken.csv");
        FAIL() << "no WriteError";
    } catch (const WriteError& e) {
        EXPECT_NE(std::string(e.what()).find("taken.csv"), std::string::npos) << e.what();
    }
}

// `evaluate --out` and the experiment report's results.csv: one header, one number format.
TEST(MetricsTable, EvaluateAndReportWriteTheSameResultsTable)
{
    test::TempDir dir;
    const std::string data = (dir / "synth").string();
    ASSERT_EQ(test::runCli({"synth", "--out", data, "--users", "60", "--items", "30", "--ratings", "900",
                            "--features", "0", "--seed", "4"})
                  .code,
              0);
    const auto evaluate = test::runCli({"evaluate", "--ratings", data + "/ratings.csv", "--genres",
                                        data + "/movies.csv", "--k", "5,10", "--baselines", "--out",
                                        (dir / "eval.csv").string(), "--quiet"});
    ASSERT_EQ(evaluate.code, 0) << evaluate.err;

    Project project;
    project.name = "headers";
    project.ratings = dir / "synth" / "ratings.csv";
    project.items = dir / "synth" / "movies.csv";
    project.k = "5,10";
    project.cache = dir / "cache";
    saveProject(project, dir / "headers.trailerlab.json");
    const auto experiment =
        test::runCli({"experiment", (dir / "headers.trailerlab.json").string(), "--out", (dir / "report").string(),
                      "--quiet"});
    ASSERT_EQ(experiment.code, 0) << experiment.err;

    const std::string evalCsv = slurp(dir / "eval.csv"), reportCsv = slurp(dir / "report" / "results.csv");
    // Both end with the tuning column (how each row's hyper-parameters were chosen).
    std::vector<MetricColumn> columns = resultColumns();
    columns.push_back(MetricColumn::Tuning);
    const std::string header = MetricsTable(columns, {}).text(MetricsFormat::Csv);
    EXPECT_EQ(firstLine(evalCsv) + "\n", header);
    EXPECT_EQ(firstLine(reportCsv) + "\n", header);
    // Same data, split, seed and K: the genre and baseline rows agree byte for byte.
    for (const char* row : {"\ngenre,5,", "\ngenre,10,", "\nbias,0,", "\nuser-knn-cosine,10,"}) {
        const auto a = evalCsv.find(row), b = reportCsv.find(row);
        ASSERT_NE(a, std::string::npos) << row << "\n" << evalCsv;
        ASSERT_NE(b, std::string::npos) << row << "\n" << reportCsv;
        EXPECT_EQ(evalCsv.substr(a, evalCsv.find('\n', a + 1) - a), reportCsv.substr(b, reportCsv.find('\n', b + 1) - b));
    }
    // results.json rows carry the same keys as the CSV header.
    const auto doc = nlohmann::json::parse(slurp(dir / "report" / "results.json"));
    ASSERT_FALSE(doc["rows"].empty());
    EXPECT_EQ(doc["rows"][0].size(), columns.size());
    EXPECT_TRUE(doc["rows"][0].contains("from_neighbours"));
    EXPECT_EQ(doc["rows"][0]["tuning"], "defaults");
}

}  // namespace
}  // namespace tl
