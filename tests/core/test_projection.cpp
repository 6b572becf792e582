// Projections (core/eval/Projection.h): exact PCA against a brute-force twin
// (covariance summed in loops, eigenvectors by power iteration with deflation)
// on both routes (covariance when dims <= n, Gram when dims > n), sign rule and
// its independence from row order, a known answer (points on a line); t-SNE on
// well-separated clusters keeps them apart, and a seed gives the same map.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/common/Error.h"
#include "core/common/Random.h"
#include "core/eval/Projection.h"

namespace tl {
namespace {

ProjectionMatrix randomPoints(int n, int dims, std::uint64_t seed)
{
    Rng rng(seed);
    ProjectionMatrix m(n, dims);
    for (int i = 0; i < n; ++i)
        for (int f = 0; f < dims; ++f)
            m(i, f) = rng.normal() * (1.0 + 0.7 * f) + 0.3 * f;  // unequal spreads: distinct eigenvalues
    return m;
}

struct Twin {
    std::vector<double> values;
    std::vector<std::vector<double>> axes;
};

// Covariance by explicit sums, then power iteration with deflation: the slow,
// independent way to the leading eigenpairs.
Twin bruteForcePca(const ProjectionMatrix& x, int components)
{
    const int n = static_cast<int>(x.rows()), d = static_cast<int>(x.cols());
    std::vector<double> mean(d, 0.0);
    for (int i = 0; i < n; ++i)
        for (int f = 0; f < d; ++f)
            mean[f] += x(i, f) / n;
    std::vector<std::vector<double>> cov(d, std::vector<double>(d, 0.0));
    for (int a = 0; a < d; ++a)
        for (int b = 0; b < d; ++b) {
            double s = 0;
            for (int i = 0; i < n; ++i)
                s += (x(i, a) - mean[a]) * (x(i, b) - mean[b]);
            cov[a][b] = s / n;
        }
    Twin t;
    for (int k = 0; k < components; ++k) {
        std::vector<double> v(d);
        for (int f = 0; f < d; ++f)
            v[f] = 1.0 + 0.01 * f;
        double lambda = 0;
        for (int it = 0; it < 20000; ++it) {
            std::vector<double> w(d, 0.0);
            for (int a = 0; a < d; ++a)
                for (int b = 0; b < d; ++b)
                    w[a] += cov[a][b] * v[b];
            double norm = 0;
            for (double e : w)
                norm += e * e;
            norm = std::sqrt(norm);
            for (int f = 0; f < d; ++f)
                w[f] /= norm;
            double change = 0;
            for (int f = 0; f < d; ++f)
                change += std::abs(w[f] - v[f]);
            v = w;
            lambda = norm;
            if (change < 1e-14)
                break;
        }
        for (int a = 0; a < d; ++a)
            for (int b = 0; b < d; ++b)
                cov[a][b] -= lambda * v[a] * v[b];
        t.values.push_back(lambda);
        t.axes.push_back(v);
    }
    return t;
}

void expectMatchesTwin(const ProjectionMatrix& x, int components)
{
    const PcaResult r = pca(x, components);
    const Twin t = bruteForcePca(x, components);
    double total = 0;
    for (Eigen::Index f = 0; f < x.cols(); ++f) {
        const double m = x.col(f).mean();
        total += (x.col(f).array() - m).square().sum() / double(x.rows());
    }
    EXPECT_NEAR(r.totalVariance, total, 1e-9 * total);
    for (int k = 0; k < components; ++k) {
        SCOPED_TRACE("component " + std::to_string(k));
        EXPECT_NEAR(r.variance[k], t.values[k], 1e-8 * t.values[0]);
        EXPECT_NEAR(r.explained[k], t.values[k] / total, 1e-8);
        // Same axis up to sign (the sign rule is checked separately).
        double dot = 0;
        for (Eigen::Index f = 0; f < x.cols(); ++f)
            dot += r.axes(k, f) * t.axes[k][f];
        EXPECT_NEAR(std::abs(dot), 1.0, 1e-7);
        // Coordinates: the centred row dotted with the axis, by loops.
        for (Eigen::Index i = 0; i < x.rows(); ++i) {
            double c = 0;
            for (Eigen::Index f = 0; f < x.cols(); ++f)
                c += (x(i, f) - x.col(f).mean()) * r.axes(k, f);
            EXPECT_NEAR(r.coords(i, k), c, 1e-9);
        }
    }
}

TEST(Pca, CovarianceRouteMatchesPowerIteration)
{
    expectMatchesTwin(randomPoints(40, 6, 7), 3);  // dims <= n
}

TEST(Pca, GramRouteMatchesPowerIteration)
{
    expectMatchesTwin(randomPoints(8, 30, 11), 3);  // dims > n
}

TEST(Pca, BothRoutesAgree)
{
    // The same 12 points in 12 dims (covariance route) and padded to 13 zero-extended
    // dims (Gram route): the spectra and coordinates are the same.
    const ProjectionMatrix a = randomPoints(12, 12, 3);
    ProjectionMatrix b = ProjectionMatrix::Zero(12, 13);
    b.leftCols(12) = a;
    const PcaResult ra = pca(a, 4), rb = pca(b, 4);
    for (int k = 0; k < 4; ++k) {
        EXPECT_NEAR(ra.variance[k], rb.variance[k], 1e-9);
        for (int i = 0; i < 12; ++i)
            EXPECT_NEAR(ra.coords(i, k), rb.coords(i, k), 1e-8);
    }
}

TEST(Pca, PointsOnALineHaveOneComponent)
{
    ProjectionMatrix x(5, 2);
    x << 0, 0, 1, 2, 2, 4, -1, -2, 3, 6;  // t (1, 2), t = 0 1 2 -1 3 -> mean t = 1
    const PcaResult r = pca(x, 2);
    EXPECT_NEAR(r.explained[0], 1.0, 1e-12);
    EXPECT_DOUBLE_EQ(r.explained[1], 0.0);
    EXPECT_NEAR(r.axes(0, 0), 1 / std::sqrt(5.0), 1e-12);
    EXPECT_NEAR(r.axes(0, 1), 2 / std::sqrt(5.0), 1e-12);  // the larger loading is positive
    EXPECT_NEAR(r.coords(0, 0), -std::sqrt(5.0), 1e-12);   // t - mean = -1, times |(1,2)|
    EXPECT_NEAR(r.coords(4, 0), 2 * std::sqrt(5.0), 1e-12);
    EXPECT_NEAR(r.variance[0], 5.0 * 2.0, 1e-12);          // var(t) = 2, |(1,2)|^2 = 5
}

TEST(Pca, SignRuleHoldsAndIgnoresRowOrder)
{
    for (int dims : {5, 20}) {
        const ProjectionMatrix x = randomPoints(10, dims, 5);
        ProjectionMatrix reversed = x.colwise().reverse();
        const PcaResult a = pca(x, 3), b = pca(reversed, 3);
        for (int k = 0; k < 3; ++k) {
            Eigen::Index best;
            a.axes.row(k).cwiseAbs().maxCoeff(&best);
            EXPECT_GT(a.axes(k, best), 0) << "dims " << dims << " component " << k;
            for (Eigen::Index f = 0; f < dims; ++f)
                EXPECT_NEAR(a.axes(k, f), b.axes(k, f), 1e-9);
            for (int i = 0; i < 10; ++i)
                EXPECT_NEAR(a.coords(i, k), b.coords(9 - i, k), 1e-9);
        }
    }
}

TEST(Pca, RejectsBadInput)
{
    EXPECT_THROW(pca(ProjectionMatrix(0, 3), 2), ConfigError);
    EXPECT_THROW(pca(randomPoints(4, 3, 1), 0), ConfigError);
    // More components than the rank: zero columns with zero variance.
    const PcaResult r = pca(randomPoints(3, 5, 1), 4);
    EXPECT_GT(r.variance[1], 0);
    EXPECT_DOUBLE_EQ(r.variance[2], 0);
    EXPECT_DOUBLE_EQ(r.coords.col(3).cwiseAbs().sum(), 0);
}

// Three tight clusters far apart in 8-D, 25 points each.
ProjectionMatrix clusters(std::vector<int>& cluster)
{
    Rng rng(42);
    ProjectionMatrix x(75, 8);
    for (int i = 0; i < 75; ++i) {
        const int c = i % 3;
        cluster.push_back(c);
        for (int f = 0; f < 8; ++f)
            x(i, f) = (f == c ? 10.0 : 0.0) + 0.5 * rng.normal();
    }
    return x;
}

TEST(Tsne, AffinitiesAreAJointDistribution)
{
    std::vector<int> cluster;
    const ProjectionMatrix p = tsneAffinities(clusters(cluster), 10);
    EXPECT_NEAR(p.sum(), 1.0, 1e-12);
    EXPECT_NEAR((p - p.transpose()).cwiseAbs().maxCoeff(), 0.0, 1e-15);
    EXPECT_DOUBLE_EQ(p.diagonal().cwiseAbs().sum(), 0.0);
    // Almost all of each point's affinity stays inside its cluster.
    for (int i = 0; i < 75; ++i) {
        double inside = 0;
        for (int j = 0; j < 75; ++j)
            if (cluster[j] == cluster[i])
                inside += p(i, j);
        EXPECT_GT(inside / p.row(i).sum(), 0.999);
    }
}

TEST(Tsne, GradientMatchesTheTextbookDoubleSum)
{
    std::vector<int> cluster;
    const ProjectionMatrix p = tsneAffinities(clusters(cluster), 10);
    Rng rng(9);
    ProjectionMatrix y(75, 2);
    for (int i = 0; i < 75; ++i)
        y(i, 0) = rng.normal(), y(i, 1) = rng.normal();
    for (double exaggeration : {1.0, 12.0}) {
        const ProjectionMatrix fast = tsneGradient(p, y, exaggeration);
        double z = 0;
        for (int i = 0; i < 75; ++i)
            for (int j = 0; j < 75; ++j)
                if (i != j)
                    z += 1 / (1 + (y.row(i) - y.row(j)).squaredNorm());
        for (int i = 0; i < 75; ++i) {
            double gx = 0, gy = 0;
            for (int j = 0; j < 75; ++j) {
                if (i == j)
                    continue;
                const double w = 1 / (1 + (y.row(i) - y.row(j)).squaredNorm());
                const double m = 4 * (exaggeration * p(i, j) - w / z) * w;
                gx += m * (y(i, 0) - y(j, 0));
                gy += m * (y(i, 1) - y(j, 1));
            }
            EXPECT_NEAR(fast(i, 0), gx, 1e-12);
            EXPECT_NEAR(fast(i, 1), gy, 1e-12);
        }
    }
}

TEST(Tsne, KeepsSeparatedClustersApart)
{
    std::vector<int> cluster;
    const ProjectionMatrix x = clusters(cluster);
    for (std::uint64_t seed : {1, 2, 3}) {
        TsneOptions options;
        options.perplexity = 10;
        options.iterations = 500;
        options.seed = seed;
        const ProjectionMatrix y = tsne(x, options);
        ASSERT_EQ(y.rows(), 75);
        ASSERT_EQ(y.cols(), 2);
        Eigen::Matrix<double, 3, 2> centre = Eigen::Matrix<double, 3, 2>::Zero();
        for (int i = 0; i < 75; ++i)
            centre.row(cluster[i]) += y.row(i) / 25.0;
        for (int i = 0; i < 75; ++i)
            for (int c = 0; c < 3; ++c) {
                if (c != cluster[i]) {
                    EXPECT_LT((y.row(i) - centre.row(cluster[i])).norm(), 0.5 * (y.row(i) - centre.row(c)).norm())
                        << "seed " << seed << " point " << i;
                }
            }
    }
}

TEST(Tsne, SameSeedSameMapOtherSeedOtherMap)
{
    std::vector<int> cluster;
    const ProjectionMatrix x = clusters(cluster);
    TsneOptions options;
    options.perplexity = 10;
    options.iterations = 100;
    const ProjectionMatrix a = tsne(x, options), b = tsne(x, options);
    EXPECT_EQ(a, b);
    options.seed = 2;
    const ProjectionMatrix c = tsne(x, options);
    EXPECT_GT((a - c).cwiseAbs().maxCoeff(), 1e-3);
}

TEST(Tsne, RejectsTooFewPointsAndStopsWhenCancelled)
{
    EXPECT_THROW(tsne(randomPoints(2, 3, 1), TsneOptions{}), ConfigError);
    CancelToken token;
    token.cancel();
    EXPECT_THROW(tsne(randomPoints(20, 3, 1), TsneOptions{}, JobContext({}, token)), Cancelled);
}

}  // namespace
}  // namespace tl
