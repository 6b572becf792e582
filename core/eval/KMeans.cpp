#include "core/eval/KMeans.h"

#include <limits>
#include <string>

#include "core/common/Error.h"
#include "core/common/Random.h"

namespace tl {

KMeansResult kmeans(const ProjectionMatrix& points, int k, std::uint64_t seed, int maxIterations)
{
    const Eigen::Index n = points.rows();
    if (k < 1 || k > n)
        throw ConfigError("k-means needs 1 <= k <= points, got k = " + std::to_string(k) + " for " +
                          std::to_string(n) + " points");
    Rng rng(seed);
    KMeansResult r;
    r.centres.resize(k, points.cols());
    // k-means++: the first centre uniformly, each next one with probability proportional
    // to the squared distance to the nearest centre chosen so far.
    std::vector<double> nearest(static_cast<std::size_t>(n), std::numeric_limits<double>::infinity());
    r.centres.row(0) = points.row(static_cast<Eigen::Index>(rng.below(static_cast<std::uint64_t>(n))));
    for (int c = 1; c < k; ++c) {
        double total = 0;
        for (Eigen::Index i = 0; i < n; ++i) {
            const double d = (points.row(i) - r.centres.row(c - 1)).squaredNorm();
            nearest[std::size_t(i)] = std::min(nearest[std::size_t(i)], d);
            total += nearest[std::size_t(i)];
        }
        Eigen::Index pick = 0;
        if (total > 0) {
            double target = rng.uniform() * total;
            for (pick = 0; pick < n - 1; ++pick) {
                target -= nearest[std::size_t(pick)];
                if (target < 0)
                    break;
            }
        } else {
            pick = static_cast<Eigen::Index>(rng.below(static_cast<std::uint64_t>(n)));
        }
        r.centres.row(c) = points.row(pick);
    }

    r.cluster.assign(static_cast<std::size_t>(n), -1);
    std::vector<double> distance(static_cast<std::size_t>(n), 0);
    for (r.iterations = 0; r.iterations < maxIterations; ++r.iterations) {
        bool changed = false;
        for (Eigen::Index i = 0; i < n; ++i) {
            int best = 0;
            double bestDistance = std::numeric_limits<double>::infinity();
            for (int c = 0; c < k; ++c) {
                const double d = (points.row(i) - r.centres.row(c)).squaredNorm();
                if (d < bestDistance) {  // ties: the lowest cluster index
                    bestDistance = d;
                    best = c;
                }
            }
            distance[std::size_t(i)] = bestDistance;
            if (r.cluster[std::size_t(i)] != best) {
                r.cluster[std::size_t(i)] = best;
                changed = true;
            }
        }
        if (!changed)
            break;
        std::vector<Eigen::Index> count(static_cast<std::size_t>(k), 0);
        r.centres.setZero();
        for (Eigen::Index i = 0; i < n; ++i) {
            r.centres.row(r.cluster[std::size_t(i)]) += points.row(i);
            ++count[std::size_t(r.cluster[std::size_t(i)])];
        }
        for (int c = 0; c < k; ++c) {
            if (count[std::size_t(c)] > 0) {
                r.centres.row(c) /= double(count[std::size_t(c)]);
                continue;
            }
            // Empty: take the point farthest from its centre (it then leaves its cluster).
            Eigen::Index far = 0;
            for (Eigen::Index i = 1; i < n; ++i)
                if (distance[std::size_t(i)] > distance[std::size_t(far)])
                    far = i;
            r.centres.row(c) = points.row(far);
            distance[std::size_t(far)] = 0;
        }
    }
    r.inertia = 0;
    for (Eigen::Index i = 0; i < n; ++i)
        r.inertia += (points.row(i) - r.centres.row(r.cluster[std::size_t(i)])).squaredNorm();
    return r;
}

}  // namespace tl
