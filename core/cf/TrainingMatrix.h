#pragma once
// The training ratings in the two layouts the CF engine reads: rows by user
// (CSR, items ascending, for "did v rate i?" by binary search) and columns by
// item (CSC, for "who rated i?"), with the user, item and global means.

#include <cstdint>
#include <optional>
#include <vector>

#include "core/data/Ratings.h"
#include "core/data/Split.h"

namespace tl {

struct TrainingMatrix {
    std::size_t users = 0;
    std::size_t items = 0;

    std::vector<std::size_t> userOffsets;  // users + 1
    std::vector<std::uint32_t> userItems;  // ascending within a user
    std::vector<float> userValues;

    std::vector<std::size_t> itemOffsets;  // items + 1
    std::vector<std::uint32_t> itemUsers;  // ascending within an item
    std::vector<float> itemValues;

    std::vector<double> userMean;  // 0 for users without training ratings
    std::vector<double> itemMean;  // 0 for items without training ratings
    double globalMean = 0;

    std::size_t userCount(std::uint32_t u) const { return userOffsets[u + 1] - userOffsets[u]; }
    std::size_t itemCount(std::uint32_t i) const { return itemOffsets[i + 1] - itemOffsets[i]; }
    bool knowsUser(std::uint32_t u) const { return u < users && userCount(u) > 0; }
    bool knowsItem(std::uint32_t i) const { return i < items && itemCount(i) > 0; }
    // r(u, i) when u rated i in training.
    std::optional<float> rating(std::uint32_t u, std::uint32_t i) const;

    // Builds from the ratings selected by `indices` (all of data.ratings when empty is not wanted: pass them).
    static TrainingMatrix build(const Dataset& data, const std::vector<std::size_t>& indices);
};

}  // namespace tl
