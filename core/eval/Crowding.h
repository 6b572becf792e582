#pragma once
// How crowded the neighbour similarities are, per K (docs/exact-neighbours.md).
// All-positive features make every user profile a sum of positive vectors, so
// cosines crowd near 1; the neighbour choice then hinges on tiny differences.
//   spread(u, K) = 1 - s_K(u)            (how far u's K-th neighbour is from 1)
//   gap(u, K)    = s_K(u) - s_(K+1)(u)   (what separates the K-th from the next)
// For each K: the median spread over the users with at least K neighbours, and
// the share of users (with at least K+1 neighbours) whose gap is below 1e-6.
// Crowding is "severe" when that share is at least 5 % (one user in twenty has
// a K-th neighbour decided by less than 1e-6, below float32's resolution near
// 1) or the median spread is below 1e-3 (the median user's K neighbours all
// have cosines above 0.999). z-score scaling (`--normalize zscore`) centres
// the features and spreads the cosines.

#include <string>
#include <vector>

#include "core/cf/Neighbours.h"

namespace tl {

constexpr double kNearTieGap = 1e-6;
constexpr double kSevereNearTieShare = 0.05;
constexpr double kSevereMedianSpread = 1e-3;

struct CrowdingStats {
    int k = 0;
    std::size_t spreadUsers = 0;  // users with at least K neighbours
    double medianSpread = 0;      // median of 1 - s_K over them (NaN when none)
    std::size_t gapUsers = 0;     // users with at least K + 1 neighbours
    double nearTieShare = 0;      // share of gapUsers with s_K - s_(K+1) < kNearTieGap (NaN when none)

    bool severe() const;
};

// Needs lists of at least max(ks) + 1 neighbours for the gap at the largest K.
std::vector<CrowdingStats> crowdingStats(const NeighbourLists& lists, const std::vector<int>& ks);

// The one-line hint printed under a severe configuration.
std::string crowdingHint();

// Crowding of one k-NN method's similarities at one K.
struct CrowdingRow {
    std::string method;
    CrowdingStats stats;
};

// The table `evaluate` and the experiment print: one line per method and K, and
// under each method with severe crowding at some K, the hint.
std::string crowdingTable(const std::vector<CrowdingRow>& rows);

// Equal-width bins over [min, max] of the finite values (NaN skipped); bin b
// covers [low + b w, low + (b + 1) w), the last one includes max. All values
// equal: one bin. No finite value: no bins.
struct Histogram {
    double low = 0, high = 0;
    std::vector<std::size_t> counts;
    double binWidth() const { return counts.empty() ? 0 : (high - low) / static_cast<double>(counts.size()); }
};
Histogram histogram(const std::vector<double>& values, int bins);

}  // namespace tl
