#include "core/cf/FeatureFusion.h"

#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>
#include <unordered_map>

#include "core/cf/Profiles.h"
#include "core/common/Error.h"
#include "core/data/Text.h"

namespace tl {

namespace {

std::string indexName(std::size_t f)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "f%04zu", f);
    return buffer;
}

// Early fusion, or with `stacked` the blocks side by side for late fusion: column
// scaling only (no block scale, no weight) and zeros for an item a block has no row for.
FusedFeatures assemble(const std::vector<FusionBlock>& blocks, Normalization columnScaling, bool stacked)
{
    if (blocks.empty())
        throw ConfigError("early fusion: no feature block");
    double weightSum = 0;
    std::set<std::string> seen;
    for (const auto& b : blocks) {
        if (!b.features || b.features->rows() == 0)
            throw ConfigError("early fusion: block '" + b.name + "' has no rows");
        if (!std::isfinite(b.weight) || b.weight < 0)
            throw ConfigError("early fusion: block '" + b.name + "' has weight " + std::to_string(b.weight) +
                              " (a weight must be finite and >= 0)");
        if (!b.columnNames.empty() && b.columnNames.size() != b.features->dims())
            throw ConfigError("early fusion: block '" + b.name + "' has " + std::to_string(b.features->dims()) +
                              " columns but " + std::to_string(b.columnNames.size()) + " names");
        if (!seen.insert(b.name).second)
            throw ConfigError("early fusion: two blocks are named '" + b.name + "'");
        weightSum += b.weight;
    }
    if (!(weightSum > 0))
        throw ConfigError("early fusion: every weight is 0");

    FusedFeatures fused;
    // The union of ids: the first block's order, then ids first seen later.
    std::unordered_map<std::string, std::size_t> rowOf;
    for (const auto& b : blocks)
        for (const auto& id : b.features->ids)
            if (rowOf.emplace(id, fused.matrix.ids.size()).second)
                fused.matrix.ids.push_back(id);
    std::size_t totalDims = 0;
    for (const auto& b : blocks)
        totalDims += b.features->dims();
    const auto items = static_cast<Eigen::Index>(fused.matrix.ids.size());
    fused.matrix.values.resize(items, static_cast<Eigen::Index>(totalDims));

    Eigen::Index column = 0;
    for (const auto& b : blocks) {
        const auto dims = static_cast<Eigen::Index>(b.features->dims());
        RowMatrixF scaled = b.features->values;
        normalizeFeatures(scaled, columnScaling);
        double normSum = 0;
        Eigen::RowVectorXd meanRow = Eigen::RowVectorXd::Zero(dims);
        for (Eigen::Index r = 0; r < scaled.rows(); ++r) {
            const Eigen::RowVectorXd row = scaled.row(r).cast<double>();
            normSum += row.norm();
            meanRow += row;
        }
        const double rows = static_cast<double>(scaled.rows());
        meanRow /= rows;
        FusionBlockReport report;
        report.name = b.name;
        report.dims = b.features->dims();
        report.meanRowNorm = normSum / rows;
        report.weight = b.weight;
        report.scale = stacked ? 1.0 : report.meanRowNorm > 0 ? b.weight / report.meanRowNorm : 0.0;
        std::vector<char> has(fused.matrix.ids.size(), 0);
        for (std::size_t r = 0; r < b.features->ids.size(); ++r) {
            const std::size_t target = rowOf.at(b.features->ids[r]);
            has[target] = 1;
            fused.matrix.values.block(static_cast<Eigen::Index>(target), column, 1, dims) =
                (scaled.row(static_cast<Eigen::Index>(r)).cast<double>() * report.scale).cast<float>();
        }
        const Eigen::RowVectorXf imputedRow =
            stacked ? Eigen::RowVectorXf::Zero(dims) : Eigen::RowVectorXf((meanRow * report.scale).cast<float>());
        for (std::size_t target = 0; target < has.size(); ++target)
            if (!has[target]) {
                fused.matrix.values.block(static_cast<Eigen::Index>(target), column, 1, dims) = imputedRow;
                ++report.imputed;
            }
        report.present = has.size() - report.imputed;
        for (std::size_t f = 0; f < b.features->dims(); ++f)
            fused.names.push_back(b.columnNames.empty() ? b.name + "." + indexName(f)
                                  : b.qualifiedNames  ? b.columnNames[f]
                                                      : b.name + "." + b.columnNames[f]);
        fused.blocks.push_back(report);
        column += dims;
    }
    fused.stacked = stacked;
    return fused;
}

}  // namespace

FusedFeatures fuseEarly(const std::vector<FusionBlock>& blocks, Normalization columnScaling)
{
    return assemble(blocks, columnScaling, false);
}

FusedFeatures stackBlocks(const std::vector<FusionBlock>& blocks, Normalization columnScaling)
{
    return assemble(blocks, columnScaling, true);
}

std::vector<std::string> featureColumnNames(const std::filesystem::path& path)
{
    if (path.extension() == ".npy")
        return {};
    auto in = text::openForRead(path);
    std::string line;
    bool first = true;
    while (text::readLine(in, line, first)) {
        first = false;
        if (text::trim(line).empty())
            continue;
        const auto fields = text::split(line, ",");
        // The readers' rule (readFeatureCsv): a first line whose first feature is not a number is a header.
        if (fields.size() < 2 || text::parseDouble(fields[1]) || text::trim(fields[1]) == "nan")
            return {};
        std::vector<std::string> names;
        for (std::size_t f = 1; f < fields.size(); ++f)
            names.emplace_back(text::trim(fields[f]));
        return names;
    }
    return {};
}

std::string describeFusion(const FusedFeatures& fused)
{
    std::ostringstream out;
    for (const auto& b : fused.blocks) {
        out << b.name << ": " << b.dims << " dims, " << b.present << " items with a row, " << b.imputed
            << (fused.stacked ? " without (no profile in this block)" : " without (given the block's mean row)")
            << ", mean row norm " << b.meanRowNorm << ", weight " << b.weight;
        if (b.scale == 0 && b.weight > 0)
            out << " (all rows zero after column scaling: contributes nothing)";
        out << "\n";
    }
    return out.str();
}

}  // namespace tl
