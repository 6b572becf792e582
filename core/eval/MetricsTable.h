#pragma once
// The one writer of metrics tables: `evaluate`'s --out file, the experiment
// report (table.csv, table.md, results.csv, results.json) and the GUI's export
// all come from here, so they share one set of column names and one number
// format per column.
//
// Columns (name: meaning; CSV digits / Markdown digits):
//   method             method name: a feature source, "genre" or a baseline
//   k                  neighbourhood size K; 0 for methods without neighbours
//   best_k             the K with the lowest RMSE of this method (ties: smaller K); 0 as k
//   rmse, mae          error of the predicted ratings on the test ratings      (6 / 4)
//   from_neighbours    share of predictions made by neighbours, not a fallback (6 / 3)
//   precision, recall, ndcg
//                      Precision@N, Recall@N, NDCG@N (N = top-n, 10 by default)  (6 / 4)
//   predictions        predictions made (summed over folds)
//   folds              folds averaged in this row (1 for one split)
//   <metric>_std       sample standard deviation over folds (0 for one fold)   (as the metric)
//   user_mean_fallbacks, item_mean_fallbacks, global_mean_fallbacks
//                      predictions that fell back to that mean (summed over folds)
//   tuning             how the row's hyper-parameters were chosen (Tuning.h): "defaults",
//                      "... on validation (RATIO of training, seed S)", or "best K picked on
//                      test (the paper's Table 1 practice)"; given to the table beside the
//                      rows; in no standard list below, callers append it
//
// Formats:
//   CSV       header of column names; RFC 4180 quoting of text with a comma, quote or
//             line break; real numbers in fixed notation with the digits above.
//   Markdown  a pipe table with human labels; '|' in text escaped as "\|", line breaks
//             as spaces; k and best_k of 0 shown as "-".
//   JSON      an array of one object per row, keyed by the column names; numbers at
//             full double precision (they read back exactly).
// A missing value (NaN or infinite) is an empty CSV field, "-" in Markdown, null in JSON.
//
// No Qt: a GUI caller renders into a std::string (or std::ostream) and writes the
// file itself, or calls writeFile, which writes atomically and throws WriteError.

#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/eval/Evaluator.h"

namespace tl {

enum class MetricColumn {
    Method,
    K,
    BestK,
    Rmse,
    Mae,
    FromNeighbours,
    Precision,
    Recall,
    Ndcg,
    Predictions,
    Folds,
    RmseStd,
    MaeStd,
    FromNeighboursStd,
    PrecisionStd,
    RecallStd,
    NdcgStd,
    UserMeanFallbacks,
    ItemMeanFallbacks,
    GlobalMeanFallbacks,
    Tuning,
};

struct MetricColumnInfo {
    std::string_view name;   // CSV header and JSON key
    std::string_view label;  // Markdown header
    int csvDecimals;         // fixed-point digits of a real number; -1: integer or text
    int markdownDecimals;
};

const MetricColumnInfo& columnInfo(MetricColumn column);

// Every method at every K: `evaluate`'s --out file, the report's results.csv and
// results.json rows, the GUI's export.
const std::vector<MetricColumn>& resultColumns();
// The best K per method: the report's table.csv and table.md.
const std::vector<MetricColumn>& bestKColumns();

enum class MetricsFormat { Csv, Markdown, Json };

// By extension: .md -> Markdown, .json -> JSON, anything else CSV.
MetricsFormat metricsFormatFor(const std::filesystem::path& file);

// One split's rows as table rows: folds 1, standard deviations 0.
AggregateRow singleSplitRow(const ResultRow& row);
std::vector<AggregateRow> singleSplitRows(const std::vector<ResultRow>& rows);

class MetricsTable {
public:
    // Row k fills both K and BestK columns; `mean` the metrics, `stddev` the _std columns.
    // `tuning`: the Tuning column's text of each row (missing ones empty).
    MetricsTable(std::vector<MetricColumn> columns, std::vector<AggregateRow> rows,
                 std::vector<std::string> tuning = {});

    const std::vector<MetricColumn>& columns() const { return columns_; }
    const std::vector<AggregateRow>& rows() const { return rows_; }

    void write(std::ostream& out, MetricsFormat format) const;
    std::string text(MetricsFormat format) const;
    // The rows as a JSON array (to embed in a larger document).
    nlohmann::json json() const;
    // Writes atomically in the format of the file's extension; throws WriteError.
    void writeFile(const std::filesystem::path& file) const;

private:
    std::vector<MetricColumn> columns_;
    std::vector<AggregateRow> rows_;
    std::vector<std::string> tuning_;
};

}  // namespace tl
