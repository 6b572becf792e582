#pragma once
// Projections of points (rows) to a few dimensions, for looking at them.
//
// PCA, exact: the rows are centred on their mean and the leading eigenvectors
// of the covariance are found by a full self-adjoint eigen-decomposition, of
// the dims x dims covariance X'X / n when dims <= n, else of the n x n Gram
// matrix XX' / n (the same non-zero eigenvalues; axes = X'u normalised). Signs
// are fixed so that each axis's largest-|loading| feature is positive (ties:
// the lowest feature index), so the same points always give the same picture.
// Explained-variance ratios are eigenvalue / total variance (trace).
//
// t-SNE, exact O(n^2) (van der Maaten & Hinton 2008): Gaussian input
// affinities with a per-point bandwidth found by bisection to the requested
// perplexity, symmetrised P = (P_j|i + P_i|j) / 2n; Student-t output
// affinities; gradient descent with momentum (0.5, then 0.8 after the early
// exaggeration phase) and the original per-coordinate gains. The start is
// N(0, 1e-4) drawn from the seed, so a seed gives the same map every time.
// Input distances are Euclidean between the given rows (callers pass
// L2-normalised rows when their similarity is cosine: |a-b|^2 = 2 - 2 cos).
// Cost: O(n^2) per iteration (one pass over the pairs); memory: the n x n float64
// affinities (n = 2,600: 54 MB), three such matrices while they are built.
//
// Threading: pure functions; call them from any thread. Both report progress
// and check cancellation on the context (t-SNE every 10 iterations).

#include <cstdint>

#include <Eigen/Core>

#include "core/common/JobContext.h"

namespace tl {

using ProjectionMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct PcaResult {
    ProjectionMatrix coords;    // n x components: the centred rows projected on the axes
    ProjectionMatrix axes;      // components x dims, orthonormal rows
    Eigen::VectorXd mean;       // dims
    Eigen::VectorXd variance;   // per component: the eigenvalue (population variance along it)
    Eigen::VectorXd explained;  // per component: variance / total variance (0 when the total is 0)
    double totalVariance = 0;
};

// Throws ConfigError when components < 1 or there are no rows. Components beyond
// min(n, dims) are returned as zero columns with zero variance.
PcaResult pca(const ProjectionMatrix& points, int components, const JobContext& ctx = JobContext::none());

struct TsneOptions {
    double perplexity = 30;       // capped at (n - 1) / 3 for small n
    int iterations = 1000;
    int exaggerationIterations = 250;
    double exaggeration = 12;
    double learningRate = 0;      // 0: max(50, n / exaggeration / 4) (scikit-learn's "auto", after Belkina et al. 2019)
    std::uint64_t seed = 1;
};

// n x 2 coordinates, centred on 0. Throws ConfigError for fewer than 3 rows or a
// perplexity < 1.
ProjectionMatrix tsne(const ProjectionMatrix& points, const TsneOptions& options,
                      const JobContext& ctx = JobContext::none());

// The input affinities P (n x n, symmetric, zero diagonal, summing to 1) that tsne
// fits: exposed for tests.
ProjectionMatrix tsneAffinities(const ProjectionMatrix& points, double perplexity);

// The gradient of KL(P || Q) at the n x 2 map y with P scaled by `exaggeration`:
// one pass over the pairs (tested against the textbook double sum).
ProjectionMatrix tsneGradient(const ProjectionMatrix& p, const ProjectionMatrix& y, double exaggeration);

}  // namespace tl
