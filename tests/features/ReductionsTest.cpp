// Pooling and reductions against brute-force references.

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>

#include "core/common/Random.h"
#include "core/features/Pooling.h"
#include "core/features/Reductions.h"

using namespace tl::features;
using tl::FeatureMatrix;
using tl::RowMatrixF;

namespace {

FeatureMatrix randomMatrix(int rows, int cols, std::uint64_t seed)
{
    tl::Rng rng(seed);
    FeatureMatrix m;
    m.values.resize(rows, cols);
    for (int r = 0; r < rows; ++r) {
        m.ids.push_back("item" + std::to_string(r));
        for (int c = 0; c < cols; ++c)  // columns of different scales, some correlated
            m.values(r, c) = static_cast<float>(rng.normal() * (1.0 + c % 5) + (c > 0 ? 0.5 * m.values(r, c - 1) : 0.0));
    }
    return m;
}

}  // namespace

TEST(Pooling, StreamingMatchesBruteForce)
{
    const FeatureMatrix frames = randomMatrix(37, 11, 3);
    FeaturePooler pooler(11);
    pooler.addRows(frames.values.topRows(20));  // two batches
    pooler.addRows(frames.values.bottomRows(17));
    ASSERT_EQ(pooler.count(), 37u);
    for (int c = 0; c < 11; ++c) {
        double sum = 0, mx = -1e300;
        for (int r = 0; r < 37; ++r) { sum += frames.values(r, c); mx = std::max(mx, double(frames.values(r, c))); }
        const double mean = sum / 37;
        double ss = 0;
        for (int r = 0; r < 37; ++r) ss += (frames.values(r, c) - mean) * (frames.values(r, c) - mean);
        EXPECT_NEAR(pooler.mean()[c], mean, 1e-5);                // formula 2
        EXPECT_EQ(pooler.max()[c], static_cast<float>(mx));
        EXPECT_NEAR(pooler.stdDev()[c], std::sqrt(ss / 37), 1e-5);  // population std
    }
    EXPECT_EQ(pooler.pooled(parsePooling("max")), pooler.max());
    EXPECT_THROW(FeaturePooler(3).mean(), tl::Error);
    EXPECT_THROW(parsePooling("median"), tl::ConfigError);
}

TEST(Reductions, TopKByVarianceMatchesBruteForce)
{
    const FeatureMatrix m = randomMatrix(25, 9, 4);
    const TopKVariance top = topKByVariance(m, 4);
    std::vector<std::pair<double, int>> var;
    for (int c = 0; c < 9; ++c) {
        const double mean = m.values.col(c).cast<double>().mean();
        var.emplace_back((m.values.col(c).cast<double>().array() - mean).square().mean(), c);
    }
    std::sort(var.begin(), var.end(), [](auto a, auto b) { return a.first > b.first; });
    ASSERT_EQ(top.columns.size(), 4u);
    for (int j = 0; j < 4; ++j) {
        EXPECT_EQ(top.columns[j], var[j].second);
        EXPECT_EQ(top.reduced.values.col(j), m.values.col(var[j].second));
    }
    EXPECT_EQ(top.reduced.ids, m.ids);
    EXPECT_EQ(topKByVariance(m, 100).columns.size(), 9u);
}

// Both code paths (covariance when F <= items, Gram when F > items) against the naive
// covariance's SelfAdjointEigenSolver.
TEST(Reductions, PcaMatchesNaiveCovarianceEigenvectors)
{
    for (auto [rows, cols] : {std::pair{40, 8}, std::pair{12, 30}}) {
        SCOPED_TRACE(std::to_string(rows) + "x" + std::to_string(cols));
        const FeatureMatrix m = randomMatrix(rows, cols, 5);
        const int k = 5;
        const PcaModel pca = fitPca(m, k);

        Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(cols, cols);  // naive double loop
        Eigen::VectorXd mean = Eigen::VectorXd::Zero(cols);
        for (int r = 0; r < rows; ++r) for (int c = 0; c < cols; ++c) mean[c] += m.values(r, c) / double(rows);
        for (int a = 0; a < cols; ++a)
            for (int b = 0; b < cols; ++b) {
                for (int r = 0; r < rows; ++r) cov(a, b) += (m.values(r, a) - mean[a]) * (m.values(r, b) - mean[b]);
                cov(a, b) /= rows;
            }
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(cov);
        const FeatureMatrix scores = pca.transform(m);
        ASSERT_EQ(scores.values.cols(), k);
        for (int i = 0; i < k; ++i) {
            Eigen::VectorXd v = eig.eigenvectors().col(cols - 1 - i);
            Eigen::Index arg;
            v.cwiseAbs().maxCoeff(&arg);
            if (v[arg] < 0) v = -v;
            EXPECT_NEAR(pca.explainedVariance[i], eig.eigenvalues()[cols - 1 - i], 1e-6 * eig.eigenvalues().maxCoeff());
            EXPECT_LT((pca.components.row(i).transpose().cast<double>() - v).norm(), 1e-4);
            // Scores' variance is the explained variance.
            EXPECT_NEAR(scores.values.col(i).cast<double>().array().square().mean(), pca.explainedVariance[i],
                        1e-4 * pca.explainedVariance[0]);
        }
    }
}

TEST(Reductions, AutoencoderIsSeededAndLearns)
{
    const FeatureMatrix m = randomMatrix(64, 20, 6);
    AutoencoderOptions options;
    options.codeSize = 4;
    options.hidden = 16;
    options.epochs = 40;
    options.batchSize = 16;
    options.learningRate = 5e-3;
    options.seed = 9;
    const AutoencoderResult a = trainAutoencoder(m, options);
    const AutoencoderResult b = trainAutoencoder(m, options);
    ASSERT_EQ(a.codes.values.rows(), 64);
    ASSERT_EQ(a.codes.values.cols(), 4);
    EXPECT_EQ(a.codes.values, b.codes.values);  // same seed, same codes
    EXPECT_EQ(a.codes.ids, m.ids);
    EXPECT_LT(a.lossPerEpoch.back(), 0.6 * a.lossPerEpoch.front());
    options.seed = 10;
    EXPECT_NE(trainAutoencoder(m, options).codes.values, a.codes.values);

    tl::CancelToken token;
    token.cancel();
    EXPECT_THROW(trainAutoencoder(m, options, tl::JobContext({}, token)), tl::Cancelled);
}
