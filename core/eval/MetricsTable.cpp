#include "core/eval/MetricsTable.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/AtomicFile.h"

namespace tl {

namespace {

// In the order of MetricColumn.
const MetricColumnInfo kColumns[] = {
    {"method", "method", -1, -1},
    {"k", "K", -1, -1},
    {"best_k", "best K", -1, -1},
    {"rmse", "RMSE", 6, 4},
    {"mae", "MAE", 6, 4},
    {"from_neighbours", "from neighbours", 6, 3},
    {"precision", "P@N", 6, 4},
    {"recall", "R@N", 6, 4},
    {"ndcg", "NDCG@N", 6, 4},
    {"predictions", "predictions", -1, -1},
    {"folds", "folds", -1, -1},
    {"rmse_std", "RMSE std", 6, 4},
    {"mae_std", "MAE std", 6, 4},
    {"from_neighbours_std", "from neighbours std", 6, 3},
    {"precision_std", "P@N std", 6, 4},
    {"recall_std", "R@N std", 6, 4},
    {"ndcg_std", "NDCG@N std", 6, 4},
    {"user_mean_fallbacks", "user-mean fallbacks", -1, -1},
    {"item_mean_fallbacks", "item-mean fallbacks", -1, -1},
    {"global_mean_fallbacks", "global-mean fallbacks", -1, -1},
    {"tuning", "hyper-parameters", -1, -1},
};
static_assert(std::size(kColumns) == static_cast<std::size_t>(MetricColumn::Tuning) + 1);

// One cell before formatting: text, a count, or a real number.
struct Cell {
    enum Kind { Text, Integer, Real } kind;
    std::string text;
    long long integer = 0;
    double real = 0;
};

Cell cellOf(const AggregateRow& r, MetricColumn column, const std::string& tuning)
{
    auto integer = [](auto v) { return Cell{Cell::Integer, {}, static_cast<long long>(v), 0}; };
    auto real = [](double v) { return Cell{Cell::Real, {}, 0, v}; };
    switch (column) {
    case MetricColumn::Method: return Cell{Cell::Text, r.method, 0, 0};
    case MetricColumn::K:
    case MetricColumn::BestK: return integer(r.k);
    case MetricColumn::Rmse: return real(r.mean.rmse);
    case MetricColumn::Mae: return real(r.mean.mae);
    case MetricColumn::FromNeighbours: return real(r.mean.fromNeighbours);
    case MetricColumn::Precision: return real(r.mean.precision);
    case MetricColumn::Recall: return real(r.mean.recall);
    case MetricColumn::Ndcg: return real(r.mean.ndcg);
    case MetricColumn::Predictions: return integer(r.mean.predictions);
    case MetricColumn::Folds: return integer(r.folds);
    case MetricColumn::RmseStd: return real(r.stddev.rmse);
    case MetricColumn::MaeStd: return real(r.stddev.mae);
    case MetricColumn::FromNeighboursStd: return real(r.stddev.fromNeighbours);
    case MetricColumn::PrecisionStd: return real(r.stddev.precision);
    case MetricColumn::RecallStd: return real(r.stddev.recall);
    case MetricColumn::NdcgStd: return real(r.stddev.ndcg);
    case MetricColumn::UserMeanFallbacks: return integer(r.mean.userMeanFallbacks);
    case MetricColumn::ItemMeanFallbacks: return integer(r.mean.itemMeanFallbacks);
    case MetricColumn::GlobalMeanFallbacks: return integer(r.mean.globalMeanFallbacks);
    case MetricColumn::Tuning: return Cell{Cell::Text, tuning, 0, 0};
    }
    return Cell{Cell::Text, {}, 0, 0};
}

std::string fixed(double v, int decimals)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
    return buffer;
}

std::string csvText(const std::string& s)
{
    if (s.find_first_of(",\"\r\n") == std::string::npos)
        return s;
    std::string quoted = "\"";
    for (char c : s) {
        if (c == '"')
            quoted += '"';
        quoted += c;
    }
    return quoted + '"';
}

std::string markdownText(const std::string& s)
{
    std::string escaped;
    for (char c : s) {
        if (c == '|')
            escaped += "\\|";
        else if (c == '\n' || c == '\r')
            escaped += ' ';
        else
            escaped += c;
    }
    return escaped;
}

bool isK(MetricColumn c) { return c == MetricColumn::K || c == MetricColumn::BestK; }

std::string csvCell(const Cell& cell, const MetricColumnInfo& info)
{
    switch (cell.kind) {
    case Cell::Text: return csvText(cell.text);
    case Cell::Integer: return std::to_string(cell.integer);
    case Cell::Real: return std::isfinite(cell.real) ? fixed(cell.real, info.csvDecimals) : std::string();
    }
    return {};
}

std::string markdownCell(const Cell& cell, const MetricColumnInfo& info, MetricColumn column)
{
    switch (cell.kind) {
    case Cell::Text: return markdownText(cell.text);
    case Cell::Integer: return isK(column) && cell.integer == 0 ? "-" : std::to_string(cell.integer);
    case Cell::Real: return std::isfinite(cell.real) ? fixed(cell.real, info.markdownDecimals) : "-";
    }
    return {};
}

}  // namespace

const MetricColumnInfo& columnInfo(MetricColumn column) { return kColumns[static_cast<std::size_t>(column)]; }

const std::vector<MetricColumn>& resultColumns()
{
    using C = MetricColumn;
    static const std::vector<MetricColumn> columns = {
        C::Method,       C::K,       C::Rmse,   C::Mae,         C::FromNeighbours,    C::Precision,
        C::Recall,       C::Ndcg,    C::Predictions, C::Folds,  C::RmseStd,           C::MaeStd,
        C::FromNeighboursStd, C::PrecisionStd, C::RecallStd, C::NdcgStd, C::UserMeanFallbacks, C::ItemMeanFallbacks,
        C::GlobalMeanFallbacks};
    return columns;
}

const std::vector<MetricColumn>& bestKColumns()
{
    using C = MetricColumn;
    static const std::vector<MetricColumn> columns = {C::Method,    C::BestK,  C::Rmse, C::Mae, C::FromNeighbours,
                                                      C::Precision, C::Recall, C::Ndcg};
    return columns;
}

MetricsFormat metricsFormatFor(const std::filesystem::path& file)
{
    const auto ext = file.extension();
    if (ext == ".md")
        return MetricsFormat::Markdown;
    if (ext == ".json")
        return MetricsFormat::Json;
    return MetricsFormat::Csv;
}

AggregateRow singleSplitRow(const ResultRow& row) { return {row.method, row.k, row.metrics, Metrics{}, 1}; }

std::vector<AggregateRow> singleSplitRows(const std::vector<ResultRow>& rows)
{
    std::vector<AggregateRow> out;
    out.reserve(rows.size());
    for (const auto& r : rows)
        out.push_back(singleSplitRow(r));
    return out;
}

MetricsTable::MetricsTable(std::vector<MetricColumn> columns, std::vector<AggregateRow> rows,
                           std::vector<std::string> tuning)
    : columns_(std::move(columns)), rows_(std::move(rows)), tuning_(std::move(tuning))
{
    tuning_.resize(rows_.size());
}

nlohmann::json MetricsTable::json() const
{
    auto rows = nlohmann::json::array();
    for (std::size_t row = 0; row < rows_.size(); ++row) {
        const AggregateRow& r = rows_[row];
        nlohmann::json object = nlohmann::json::object();
        for (MetricColumn c : columns_) {
            const Cell cell = cellOf(r, c, tuning_[row]);
            auto& value = object[std::string(columnInfo(c).name)];
            switch (cell.kind) {
            case Cell::Text: value = cell.text; break;
            case Cell::Integer: value = cell.integer; break;
            case Cell::Real:
                if (std::isfinite(cell.real))
                    value = cell.real;
                break;  // else stays null
            }
        }
        rows.push_back(std::move(object));
    }
    return rows;
}

void MetricsTable::write(std::ostream& out, MetricsFormat format) const
{
    if (format == MetricsFormat::Json) {
        out << json().dump(2) << '\n';
        return;
    }
    const bool csv = format == MetricsFormat::Csv;
    const std::string_view open = csv ? "" : "| ", separator = csv ? "," : " | ", close = csv ? "\n" : " |\n";
    out << open;
    for (std::size_t i = 0; i < columns_.size(); ++i)
        out << (i ? separator : "") << (csv ? columnInfo(columns_[i]).name : columnInfo(columns_[i]).label);
    out << close;
    if (!csv) {
        out << '|';
        for (std::size_t i = 0; i < columns_.size(); ++i)
            out << "---|";
        out << '\n';
    }
    for (std::size_t row = 0; row < rows_.size(); ++row) {
        const AggregateRow& r = rows_[row];
        out << open;
        for (std::size_t i = 0; i < columns_.size(); ++i) {
            const MetricColumn c = columns_[i];
            const Cell cell = cellOf(r, c, tuning_[row]);
            out << (i ? separator : "") << (csv ? csvCell(cell, columnInfo(c)) : markdownCell(cell, columnInfo(c), c));
        }
        out << close;
    }
}

std::string MetricsTable::text(MetricsFormat format) const
{
    std::ostringstream out;
    write(out, format);
    return out.str();
}

void MetricsTable::writeFile(const std::filesystem::path& file) const
{
    writeFileAtomically(file, [&](std::ostream& out) { write(out, metricsFormatFor(file)); });
}

}  // namespace tl
