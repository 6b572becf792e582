#pragma once
// Dimensionality reductions of the item-profile matrix (paper Table 1 rows):
// top-K features by variance, PCA, and a small autoencoder (LibTorch). Each is
// deterministic: top-K and PCA by construction (ties and signs fixed below), the
// autoencoder by its seed (same seed, same thread count -> same codes).
// All take and return FeatureMatrix (ids kept, rows in the same order).

#include <cstdint>
#include <vector>

#include "core/common/JobContext.h"
#include "core/data/FeatureMatrix.h"

namespace tl::features {

// Columns with the K largest population variances, in decreasing variance order
// (ties: lower column first). K larger than the column count keeps all columns.
struct TopKVariance {
    std::vector<Eigen::Index> columns;
    FeatureMatrix reduced;
};
TopKVariance topKByVariance(const FeatureMatrix& matrix, std::size_t k);

// PCA on the column-centred matrix. Components are unit vectors in decreasing order
// of explained variance (population variance of the scores); each component's sign
// makes its largest-magnitude loading positive. Uses the F x F covariance when
// F <= items, else the items x items Gram matrix (same result, much cheaper for
// VGG's 25,088 features). K is capped at min(items, F).
struct PcaModel {
    Eigen::RowVectorXf mean;          // 1 x F
    RowMatrixF components;            // K x F
    std::vector<double> explainedVariance;
    FeatureMatrix transform(const FeatureMatrix& matrix) const;  // (X - mean) * components^T
};
PcaModel fitPca(const FeatureMatrix& matrix, std::size_t k);

// A small autoencoder: z-scored input -> Linear(F, H) -> ReLU -> Linear(H, K) = code ->
// Linear(K, H) -> ReLU -> Linear(H, F), trained with Adam on the MSE, in mini-batches
// shuffled with tl::Rng(seed). Returns the codes of all rows.
struct AutoencoderOptions {
    std::size_t codeSize = 64;
    std::size_t hidden = 256;
    int epochs = 60;
    std::size_t batchSize = 64;
    double learningRate = 1e-3;
    std::uint64_t seed = 1;
};
struct AutoencoderResult {
    FeatureMatrix codes;
    std::vector<double> lossPerEpoch;  // mean training MSE (z-scored units) per epoch
};
// Reports stage "autoencoder" per epoch and checks cancellation there.
AutoencoderResult trainAutoencoder(const FeatureMatrix& matrix, const AutoencoderOptions& options,
                                   const JobContext& ctx = JobContext::none());

}  // namespace tl::features
