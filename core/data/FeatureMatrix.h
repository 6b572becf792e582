#pragma once
// Item feature matrices (MIP in the paper): one row of F floats per item id.
// On disk: CSV rows `item_id,f1,...,fF` (header optional), or a .npy array
// (float32 or float64, C order, shape [items, F]) with a sidecar text file of
// item ids, one per line, named like the .npy with extension `.ids.txt`
// (features.npy -> features.ids.txt). Non-finite values, values whose magnitude
// exceeds kMaxFeatureMagnitude (1e30: larger ones overflow float32 in the sums of
// profile building), empty matrices and duplicate item ids are a DataError that
// names the file, the line (or row) and the item. A .npy header is checked against
// the file's size before anything is allocated.

#include <filesystem>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace tl {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

inline constexpr double kMaxFeatureMagnitude = 1e30;

struct FeatureMatrix {
    std::vector<std::string> ids;  // item id of each row
    RowMatrixF values;             // ids.size() x F

    std::size_t rows() const { return ids.size(); }
    std::size_t dims() const { return static_cast<std::size_t>(values.cols()); }
};

// Reads by extension: .npy (with its .ids.txt sidecar) or anything else as CSV.
FeatureMatrix readFeatureMatrix(const std::filesystem::path& path);
FeatureMatrix readFeatureCsv(const std::filesystem::path& path);
FeatureMatrix readFeatureNpy(const std::filesystem::path& path);
// The .npy array alone (no ids): rows x cols float32 values. Throws DataError naming `path`.
RowMatrixF readNpyArray(const std::filesystem::path& path);

// Writes by extension: .npy (float32, plus sidecar ids) or CSV with a header
// `item_id,f1,...`. Written to a temporary file and renamed, so a reader
// never sees half a file.
void writeFeatureMatrix(const FeatureMatrix& matrix, const std::filesystem::path& path);

// The sidecar ids path of a .npy file.
std::filesystem::path npyIdsPath(const std::filesystem::path& npyPath);

}  // namespace tl
