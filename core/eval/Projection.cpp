#include "core/eval/Projection.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Eigenvalues>

#include "core/common/Error.h"
#include "core/common/Random.h"

namespace tl {

namespace {

// Flips `axis` so that its largest-|value| entry (lowest index on ties) is positive.
// Returns true when it flipped.
bool fixSign(Eigen::Ref<Eigen::RowVectorXd> axis)
{
    Eigen::Index best = -1;
    double bestAbs = 0;
    for (Eigen::Index f = 0; f < axis.size(); ++f)
        if (std::abs(axis[f]) > bestAbs) {
            bestAbs = std::abs(axis[f]);
            best = f;
        }
    if (best >= 0 && axis[best] < 0) {
        axis = -axis;
        return true;
    }
    return false;
}

// Squared Euclidean distances between all rows, clamped at 0 (rounding).
ProjectionMatrix squaredDistances(const ProjectionMatrix& points)
{
    const Eigen::VectorXd sq = points.rowwise().squaredNorm();
    ProjectionMatrix d = -2.0 * (points * points.transpose());
    d.colwise() += sq;
    d.rowwise() += sq.transpose();
    d = d.cwiseMax(0.0);
    d.diagonal().setZero();
    return d;
}

}  // namespace

PcaResult pca(const ProjectionMatrix& points, int components, const JobContext& ctx)
{
    if (components < 1)
        throw ConfigError("PCA needs at least one component, got " + std::to_string(components));
    const Eigen::Index n = points.rows(), dims = points.cols();
    if (n == 0 || dims == 0)
        throw ConfigError("PCA needs at least one point with at least one dimension");
    ctx.report("pca", 0, 2);
    PcaResult r;
    r.mean = points.colwise().mean().transpose();
    ProjectionMatrix centred = points.rowwise() - r.mean.transpose();
    const auto c = static_cast<Eigen::Index>(components);
    r.coords = ProjectionMatrix::Zero(n, c);
    r.axes = ProjectionMatrix::Zero(c, dims);
    r.variance = Eigen::VectorXd::Zero(c);
    r.explained = Eigen::VectorXd::Zero(c);
    r.totalVariance = centred.squaredNorm() / static_cast<double>(n);

    const bool covarianceRoute = dims <= n;
    const ProjectionMatrix gram = covarianceRoute ? ProjectionMatrix(centred.transpose() * centred / double(n))
                                                  : ProjectionMatrix(centred * centred.transpose() / double(n));
    ctx.checkCancelled();
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(gram);
    if (solver.info() != Eigen::Success)
        throw Error("PCA: the eigen-decomposition did not converge");
    ctx.report("pca", 1, 2);
    const Eigen::Index m = gram.rows();
    // Relative threshold below which an eigenvalue is rounding noise of a zero one.
    const double tiny = 1e-12 * std::max(1.0, r.totalVariance);
    for (Eigen::Index k = 0; k < std::min(c, m); ++k) {
        const double lambda = solver.eigenvalues()[m - 1 - k];  // ascending order
        if (lambda <= tiny)
            break;
        Eigen::RowVectorXd axis;
        if (covarianceRoute) {
            axis = solver.eigenvectors().col(m - 1 - k).transpose();
        } else {
            axis = (centred.transpose() * solver.eigenvectors().col(m - 1 - k)).transpose();
            axis /= axis.norm();
        }
        fixSign(axis);
        r.axes.row(k) = axis;
        r.coords.col(k) = centred * axis.transpose();
        r.variance[k] = lambda;
        r.explained[k] = r.totalVariance > 0 ? lambda / r.totalVariance : 0.0;
    }
    ctx.report("pca", 2, 2);
    return r;
}

ProjectionMatrix tsneAffinities(const ProjectionMatrix& points, double perplexity)
{
    const Eigen::Index n = points.rows();
    const ProjectionMatrix d = squaredDistances(points);
    ProjectionMatrix p = ProjectionMatrix::Zero(n, n);
    const double target = std::log(perplexity);
    std::vector<double> row(static_cast<std::size_t>(n));
    for (Eigen::Index i = 0; i < n; ++i) {
        double dmin = std::numeric_limits<double>::infinity();
        for (Eigen::Index j = 0; j < n; ++j)
            if (j != i)
                dmin = std::min(dmin, d(i, j));
        // Bisection on the precision beta: entropy H(P_i) (nats) falls as beta grows.
        double beta = 1, lo = 0, hi = std::numeric_limits<double>::infinity();
        for (int step = 0; step < 200; ++step) {
            double sum = 0, weighted = 0;
            for (Eigen::Index j = 0; j < n; ++j) {
                const double shifted = d(i, j) - dmin;
                const double v = j == i ? 0.0 : std::exp(-beta * shifted);
                row[static_cast<std::size_t>(j)] = v;
                sum += v;
                weighted += v * shifted;
            }
            const double entropy = std::log(sum) + beta * weighted / sum;
            if (std::abs(entropy - target) < 1e-6)
                break;
            if (entropy > target) {
                lo = beta;
                beta = std::isinf(hi) ? beta * 2 : (beta + hi) / 2;
            } else {
                hi = beta;
                beta = (beta + lo) / 2;
            }
        }
        double sum = 0;
        for (double v : row)
            sum += v;
        for (Eigen::Index j = 0; j < n; ++j)
            p(i, j) = row[static_cast<std::size_t>(j)] / sum;
    }
    ProjectionMatrix sym = (p + p.transpose()) / (2.0 * double(n));
    return sym;
}

ProjectionMatrix tsneGradient(const ProjectionMatrix& p, const ProjectionMatrix& y, double exaggeration)
{
    // dC/dy_i = 4 sum_j (exaggeration p_ij - q_ij) w_ij (y_i - y_j) with the Student-t kernel
    // w_ij = (1 + |y_i - y_j|^2)^-1 and q_ij = w_ij / Z, Z = sum over i != j of w_ij; split as
    // 4 (exaggeration A_i - R_i / Z), A_i = sum_j p_ij w_ij (y_i - y_j), R_i = sum_j w_ij^2 (y_i - y_j),
    // so one pass over the pairs i < j gives A, R and Z.
    const Eigen::Index n = y.rows();
    ProjectionMatrix attract = ProjectionMatrix::Zero(n, 2), repel = ProjectionMatrix::Zero(n, 2);
    double z = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
        const double yi0 = y(i, 0), yi1 = y(i, 1);
        double ax = 0, ay = 0, rx = 0, ry = 0;
        for (Eigen::Index j = i + 1; j < n; ++j) {
            const double dx = yi0 - y(j, 0), dy = yi1 - y(j, 1);
            const double w = 1.0 / (1.0 + dx * dx + dy * dy);
            const double pw = p(i, j) * w, ww = w * w;
            z += 2 * w;
            ax += pw * dx;
            ay += pw * dy;
            rx += ww * dx;
            ry += ww * dy;
            attract(j, 0) -= pw * dx;
            attract(j, 1) -= pw * dy;
            repel(j, 0) -= ww * dx;
            repel(j, 1) -= ww * dy;
        }
        attract(i, 0) += ax;
        attract(i, 1) += ay;
        repel(i, 0) += rx;
        repel(i, 1) += ry;
    }
    return 4.0 * (exaggeration * attract - repel / z);
}

ProjectionMatrix tsne(const ProjectionMatrix& points, const TsneOptions& options, const JobContext& ctx)
{
    const Eigen::Index n = points.rows();
    if (n < 3)
        throw ConfigError("t-SNE needs at least 3 points, got " + std::to_string(n));
    if (!(options.perplexity >= 1))
        throw ConfigError("t-SNE perplexity must be >= 1");
    const double perplexity = std::min(options.perplexity, std::max(1.0, double(n - 1) / 3.0));
    const int total = std::max(0, options.iterations);
    ctx.report("t-SNE affinities", 0, total);
    const ProjectionMatrix p = tsneAffinities(points, perplexity);
    ctx.checkCancelled();
    const double eta = options.learningRate > 0 ? options.learningRate
                                               : std::max(50.0, double(n) / options.exaggeration / 4.0);

    ProjectionMatrix y(n, 2), update = ProjectionMatrix::Zero(n, 2), gains = ProjectionMatrix::Ones(n, 2);
    Rng rng(options.seed);
    for (Eigen::Index i = 0; i < n; ++i)
        for (int c = 0; c < 2; ++c)
            y(i, c) = 1e-4 * rng.normal();

    ProjectionMatrix grad(n, 2);
    for (int it = 0; it < total; ++it) {
        const double exaggeration = it < options.exaggerationIterations ? options.exaggeration : 1.0;
        const double momentum = it < options.exaggerationIterations ? 0.5 : 0.8;
        grad = tsneGradient(p, y, exaggeration);
        for (Eigen::Index i = 0; i < n; ++i)
            for (int c = 0; c < 2; ++c) {
                const bool sameSign = (grad(i, c) > 0) == (update(i, c) > 0);
                gains(i, c) = std::max(0.01, sameSign ? gains(i, c) * 0.8 : gains(i, c) + 0.2);
                update(i, c) = momentum * update(i, c) - eta * gains(i, c) * grad(i, c);
                y(i, c) += update(i, c);
            }
        const Eigen::RowVector2d centre = y.colwise().mean();
        y.rowwise() -= centre;
        if (it % 10 == 9) {
            ctx.report("t-SNE", it + 1, total);
            ctx.checkCancelled();
        }
    }
    return y;
}

}  // namespace tl
