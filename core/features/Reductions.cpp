#include "core/features/Reductions.h"

#include <algorithm>
#include <numeric>

#include <Eigen/Eigenvalues>

#include "core/common/Error.h"

namespace tl::features {
namespace {

Eigen::VectorXd columnVariances(const RowMatrixF& x)
{
    const Eigen::MatrixXd xd = x.cast<double>();
    const Eigen::RowVectorXd mean = xd.colwise().mean();
    return ((xd.rowwise() - mean).array().square().colwise().sum() / static_cast<double>(std::max<Eigen::Index>(1, x.rows())))
        .transpose();
}

void requireRows(const FeatureMatrix& m, const char* what)
{
    if (m.rows() == 0 || m.dims() == 0)
        throw ConfigError(std::string(what) + ": the feature matrix is empty");
}

}  // namespace

TopKVariance topKByVariance(const FeatureMatrix& matrix, std::size_t k)
{
    requireRows(matrix, "top-K by variance");
    const Eigen::VectorXd var = columnVariances(matrix.values);
    std::vector<Eigen::Index> order(static_cast<std::size_t>(var.size()));
    std::iota(order.begin(), order.end(), Eigen::Index{0});
    std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) { return var[a] > var[b]; });
    order.resize(std::min(k, order.size()));
    TopKVariance result;
    result.columns = order;
    result.reduced.ids = matrix.ids;
    result.reduced.values.resize(matrix.values.rows(), static_cast<Eigen::Index>(order.size()));
    for (std::size_t j = 0; j < order.size(); ++j)
        result.reduced.values.col(static_cast<Eigen::Index>(j)) = matrix.values.col(order[j]);
    return result;
}

PcaModel fitPca(const FeatureMatrix& matrix, std::size_t k)
{
    requireRows(matrix, "PCA");
    const Eigen::Index n = matrix.values.rows(), f = matrix.values.cols();
    const Eigen::MatrixXd x = matrix.values.cast<double>();
    const Eigen::RowVectorXd mean = x.colwise().mean();
    const Eigen::MatrixXd xc = x.rowwise() - mean;
    const Eigen::Index kk = std::min<Eigen::Index>(static_cast<Eigen::Index>(k), std::min(n, f));

    Eigen::MatrixXd components(kk, f);  // rows: unit principal directions
    std::vector<double> variances(static_cast<std::size_t>(kk));
    if (f <= n) {
        const Eigen::MatrixXd cov = xc.transpose() * xc / static_cast<double>(n);
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(cov);
        for (Eigen::Index i = 0; i < kk; ++i) {  // eigenvalues ascending
            components.row(i) = eig.eigenvectors().col(f - 1 - i).transpose();
            variances[static_cast<std::size_t>(i)] = std::max(0.0, eig.eigenvalues()[f - 1 - i]);
        }
    } else {
        // Xc Xc^T u = lambda u  =>  v = Xc^T u / |Xc^T u| is a covariance eigenvector, variance lambda / n.
        const Eigen::MatrixXd gram = xc * xc.transpose();
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(gram);
        for (Eigen::Index i = 0; i < kk; ++i) {
            const double lambda = eig.eigenvalues()[n - 1 - i];
            Eigen::RowVectorXd v = (xc.transpose() * eig.eigenvectors().col(n - 1 - i)).transpose();
            const double norm = v.norm();
            if (norm > 0)
                v /= norm;
            components.row(i) = v;
            variances[static_cast<std::size_t>(i)] = std::max(0.0, lambda / static_cast<double>(n));
        }
    }
    for (Eigen::Index i = 0; i < kk; ++i) {
        Eigen::Index arg;
        components.row(i).cwiseAbs().maxCoeff(&arg);
        if (components(i, arg) < 0)
            components.row(i) *= -1.0;
    }
    PcaModel model;
    model.mean = mean.cast<float>();
    model.components = components.cast<float>();
    model.explainedVariance = std::move(variances);
    return model;
}

FeatureMatrix PcaModel::transform(const FeatureMatrix& matrix) const
{
    if (matrix.dims() != static_cast<std::size_t>(mean.size()))
        throw ConfigError("PCA: the matrix has " + std::to_string(matrix.dims()) + " features, the model " +
                          std::to_string(mean.size()));
    FeatureMatrix out;
    out.ids = matrix.ids;
    const Eigen::MatrixXd xc = matrix.values.cast<double>().rowwise() - mean.cast<double>();
    out.values = (xc * components.cast<double>().transpose()).cast<float>();
    return out;
}

}  // namespace tl::features
