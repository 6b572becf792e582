#pragma once
// A training matrix from another one built on nearly the same ratings (the what-if
// overlay's edited ratings against the model's): only the rows that differ are made
// anew, without sorting every rating as TrainingMatrix::build does.

#include <cstdint>
#include <vector>

#include "core/cf/TrainingMatrix.h"

namespace tl {

// Completes a matrix from its rows by user (users, items, userOffsets, userItems,
// userValues set; items ascending within a user): the columns by item and the means,
// exactly as TrainingMatrix::build makes them from the same rows (same order, same
// float64 sums).
TrainingMatrix trainingFromUserRows(TrainingMatrix rows);

// TrainingMatrix::build(data, indices), computed from `base`, a matrix of the same
// items: each selected rating is looked up in its user's base row; users whose ratings
// differ from their base row (in number, items or values) get their rows from `data`
// (sorted as build sorts them), the others keep the base's rows. Sets `changed` to
// changedTrainingUsers(base, result). Falls back to build() when a changed user rated
// an item twice (build's order then decides).
TrainingMatrix patchTrainingMatrix(const TrainingMatrix& base, const Dataset& data,
                                   const std::vector<std::size_t>& indices, std::vector<std::uint32_t>& changed);

// The users whose rows differ between two matrices of the same items (in number, items
// or values; a user beyond `before`'s count when it has ratings in `after`), ascending.
std::vector<std::uint32_t> changedTrainingUsers(const TrainingMatrix& before, const TrainingMatrix& after);

}  // namespace tl
