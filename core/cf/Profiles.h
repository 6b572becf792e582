#pragma once
// Item profiles (MIP) aligned to a Dataset's items, and user profiles
// (formula 3): MUP(u, f) = sum over i in relevant(u) of r(u,i) * MIP(i, f).
// Items without a profile (no trailer, unreadable video) have no row: they take
// no part in user profiles, but their ratings still count as neighbours'
// ratings and as test targets (method.md, "Items without a video").

#include <cstdint>
#include <vector>

#include "core/cf/CfOptions.h"
#include "core/cf/TrainingMatrix.h"
#include "core/data/FeatureMatrix.h"
#include "core/data/IdMap.h"

namespace tl {

// Scales the columns (MinMax100, ZScore) or rows (L2) of a feature matrix in place.
// MinMax100: each column to [0, 100] over all rows; a constant column becomes 0.
// ZScore: each column to mean 0, standard deviation 1 (population); a constant column becomes 0.
// L2: each row to unit length; an all-zero row stays zero.
void normalizeFeatures(RowMatrixF& values, Normalization mode);

struct ItemProfiles {
    RowMatrixF values;             // one row per item that has a profile
    std::vector<std::int32_t> rowOf;  // per dataset item: its row in values, or -1
    std::size_t unknownIds = 0;    // feature rows whose id is not an item of the dataset

    std::size_t withProfile() const { return static_cast<std::size_t>(values.rows()); }
    std::size_t withoutProfile() const { return rowOf.size() - withProfile(); }
    std::size_t dims() const { return static_cast<std::size_t>(values.cols()); }
};

// Normalises a copy of `features` (over all its rows) and keeps the rows of the dataset's items.
ItemProfiles alignItemProfiles(const FeatureMatrix& features, const IdMap& items, Normalization mode);

// W: per user, the relevant training items that have a profile, with weight r(u, i).
// Column indices are rows of ItemProfiles::values.
struct RelevanceMatrix {
    std::size_t users = 0;
    std::size_t profileRows = 0;
    std::vector<std::size_t> offsets;  // users + 1
    std::vector<std::uint32_t> rows;   // ItemProfiles rows
    std::vector<float> weights;

    std::size_t nonZeros() const { return rows.size(); }
};

RelevanceMatrix buildRelevance(const TrainingMatrix& train, const ItemProfiles& items, const RelevantRule& rule);

using RowMatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// MUP for all users (users x F). A user with no relevant profiled item gets a zero row.
RowMatrixF buildUserProfiles(const RelevanceMatrix& w, const ItemProfiles& items);
// The same, summed in float64 (what exact similarities start from).
RowMatrixD buildUserProfilesExact(const RelevanceMatrix& w, const ItemProfiles& items);

// MUP of one user (for inspection: the UI's profile chart).
Eigen::VectorXf userProfile(const RelevanceMatrix& w, const ItemProfiles& items, std::uint32_t user);

}  // namespace tl
