#pragma once
// k-means (Lloyd's algorithm) with k-means++ seeding from a seed: the same
// points, k and seed give the same clusters. Iterates until no assignment
// changes (or maxIterations). An emptied cluster is re-seeded with the point
// farthest from its centre. Squared Euclidean distance; for unit-length rows
// that is 2 - 2 cos, so clusters follow cosine similarity.
//
// Threading: pure; O(n k dims) per iteration.

#include <cstdint>
#include <vector>

#include "core/eval/Projection.h"

namespace tl {

struct KMeansResult {
    std::vector<int> cluster;  // per row, 0..k-1
    ProjectionMatrix centres;  // k x dims: the mean of each cluster's rows
    double inertia = 0;        // sum of squared distances to the assigned centres
    int iterations = 0;
};

// Throws ConfigError when k < 1 or k > rows.
KMeansResult kmeans(const ProjectionMatrix& points, int k, std::uint64_t seed, int maxIterations = 300);

}  // namespace tl
