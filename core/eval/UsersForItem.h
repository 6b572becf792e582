#pragma once
// Which users a trailer suits before anyone rates it: cos(MUP(u), p) for every user u,
// where p is the trailer's item profile in the configuration's normalised space (the
// space of ItemProfiles::values) and MUP(u) the user's profile (formula 3) in float64.
//
// Users whose profile is all zeros (no relevant training item with a profile) have no
// direction to compare with: they are left out and counted. A zero item profile gives
// every other user a similarity of 0.
//
// Order: by similarity, largest first; similarities equal to 12 decimals are ties (the
// rounding of mathematically equal cosines, e.g. of profiles that are multiples of each
// other, must not decide), ordered by user index.
//
// No Qt; pure functions; O(nnz(W) x F) for the profiles' lengths plus O(items x F).

#include <cstddef>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "core/cf/Profiles.h"

namespace tl {

class CfModel;

struct UserMatch {
    std::uint32_t user = 0;
    double similarity = 0;  // cos(MUP(u), p)
};

struct UsersForItem {
    std::vector<UserMatch> ranked;    // largest similarity first; ties (tieKey): lower user index first
    std::size_t withoutProfile = 0;   // users left out: their MUP is all zeros
};

// The similarity as ordered: round(similarity x 1e12).
double tieKey(double similarity);

// Throws tl::Error when p's width is not the profiles' width.
UsersForItem usersForItem(const RelevanceMatrix& w, const ItemProfiles& items, const Eigen::VectorXd& itemProfile);
// The model's relevance and item profiles.
UsersForItem usersForItem(const CfModel& model, const Eigen::VectorXd& itemProfile);

}  // namespace tl
