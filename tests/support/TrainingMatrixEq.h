#pragma once
// GoogleTest check that two training matrices are the same, field by field (the
// incremental models' twin tests compare them with a full build's).
#include <gtest/gtest.h>

#include "core/cf/TrainingMatrix.h"

namespace tl::test {

// The means too: an incremental update sums them in the full build's order (same floats).
inline void expectSameTraining(const TrainingMatrix& mine, const TrainingMatrix& built)
{
    ASSERT_EQ(mine.users, built.users);
    ASSERT_EQ(mine.userOffsets, built.userOffsets);
    ASSERT_EQ(mine.userItems, built.userItems);
    ASSERT_EQ(mine.userValues, built.userValues);
    ASSERT_EQ(mine.itemOffsets, built.itemOffsets);
    ASSERT_EQ(mine.itemUsers, built.itemUsers);
    ASSERT_EQ(mine.itemValues, built.itemValues);
    ASSERT_EQ(mine.userMean, built.userMean);
    ASSERT_EQ(mine.itemMean, built.itemMean);
    ASSERT_EQ(mine.globalMean, built.globalMean);
}

}  // namespace tl::test
