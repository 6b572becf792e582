// k-means (core/eval/KMeans.h): on well-separated clusters it finds them exactly;
// on random data its result is a fixed point of Lloyd's algorithm checked by brute
// force (every point at its nearest centre, every centre the mean of its points,
// inertia the sum of squared distances); the seed fixes the result.
#include <gtest/gtest.h>

#include <map>

#include "core/common/Error.h"
#include "core/common/Random.h"
#include "core/eval/KMeans.h"

namespace tl {
namespace {

ProjectionMatrix blobs(int perCluster, int clusters, int dims, std::vector<int>& truth)
{
    Rng rng(5);
    ProjectionMatrix x(perCluster * clusters, dims);
    for (int i = 0; i < x.rows(); ++i) {
        const int c = i % clusters;
        truth.push_back(c);
        for (int f = 0; f < dims; ++f)
            x(i, f) = (f == c ? 8.0 : 0.0) + 0.3 * rng.normal();
    }
    return x;
}

TEST(KMeans, FindsSeparatedClusters)
{
    std::vector<int> truth;
    const ProjectionMatrix x = blobs(20, 4, 6, truth);
    for (std::uint64_t seed : {1, 2, 3}) {
        const KMeansResult r = kmeans(x, 4, seed);
        std::map<int, int> labelOf;  // found cluster -> true cluster, one to one
        for (std::size_t i = 0; i < truth.size(); ++i) {
            const auto [it, fresh] = labelOf.emplace(r.cluster[i], truth[i]);
            EXPECT_EQ(it->second, truth[i]) << "seed " << seed << " point " << i;
        }
        EXPECT_EQ(labelOf.size(), 4u);
    }
}

TEST(KMeans, ResultIsALloydFixedPoint)
{
    Rng rng(11);
    ProjectionMatrix x(60, 3);
    for (int i = 0; i < 60; ++i)
        for (int f = 0; f < 3; ++f)
            x(i, f) = rng.normal();
    const KMeansResult r = kmeans(x, 5, 7);
    double inertia = 0;
    for (int i = 0; i < 60; ++i) {
        double best = 1e300;
        for (int c = 0; c < 5; ++c) {
            double d = 0;
            for (int f = 0; f < 3; ++f)
                d += (x(i, f) - r.centres(c, f)) * (x(i, f) - r.centres(c, f));
            best = std::min(best, d);
        }
        double own = 0;
        for (int f = 0; f < 3; ++f)
            own += (x(i, f) - r.centres(r.cluster[i], f)) * (x(i, f) - r.centres(r.cluster[i], f));
        EXPECT_NEAR(own, best, 1e-12) << "point " << i;
        inertia += own;
    }
    EXPECT_NEAR(r.inertia, inertia, 1e-9);
    for (int c = 0; c < 5; ++c) {
        std::vector<double> mean(3, 0);
        int count = 0;
        for (int i = 0; i < 60; ++i)
            if (r.cluster[i] == c) {
                ++count;
                for (int f = 0; f < 3; ++f)
                    mean[f] += x(i, f);
            }
        ASSERT_GT(count, 0);
        for (int f = 0; f < 3; ++f)
            EXPECT_NEAR(r.centres(c, f), mean[f] / count, 1e-12);
    }
    const KMeansResult again = kmeans(x, 5, 7);
    EXPECT_EQ(again.cluster, r.cluster);
}

TEST(KMeans, RejectsBadK)
{
    const ProjectionMatrix x = ProjectionMatrix::Zero(3, 2);
    EXPECT_THROW(kmeans(x, 0, 1), ConfigError);
    EXPECT_THROW(kmeans(x, 4, 1), ConfigError);
    const KMeansResult same = kmeans(x, 2, 1);  // identical points: still k valid labels
    for (int c : same.cluster)
        EXPECT_TRUE(c == 0 || c == 1);
}

}  // namespace
}  // namespace tl
