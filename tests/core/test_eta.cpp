// The remaining-time estimate of a resumed extraction: items read from the
// feature store do not set the pace, so the estimate does not start near zero
// and jump when the first video is actually computed.
#include <gtest/gtest.h>

#include "core/common/Eta.h"

TEST(Eta, NoEstimateBeforeAComputedItem)
{
    tl::EtaEstimator eta;
    EXPECT_FALSE(eta.remainingSeconds(10).has_value());
    eta.itemDone(0.01, false);  // from the store
    EXPECT_FALSE(eta.remainingSeconds(10).has_value());
}

TEST(Eta, PaceOfComputedItemsOnly)
{
    tl::EtaEstimator eta;
    for (int i = 0; i < 100; ++i)
        eta.itemDone(0.02, false);  // a resumed run: 100 of 150 videos in the store
    eta.itemDone(4.0, true);
    eta.itemDone(6.0, true);
    ASSERT_TRUE(eta.remainingSeconds(48).has_value());
    EXPECT_DOUBLE_EQ(*eta.remainingSeconds(48), 5.0 * 48);
    EXPECT_DOUBLE_EQ(*eta.remainingSeconds(0), 0.0);
    EXPECT_EQ(eta.computedItems(), 2u);
}

TEST(Eta, ResumeDoesNotJump)
{
    // Every computed video takes 5 s. The old estimate (elapsed / items done x
    // items left) said under 3 s after the first computed video of this resumed
    // run and then grew, while the truth was 4 minutes.
    tl::EtaEstimator eta;
    const int total = 150, stored = 100;
    for (int i = 0; i < stored; ++i)
        eta.itemDone(0.01, false);
    double previous = -1;
    for (int i = stored; i < total; ++i) {
        eta.itemDone(5.0, true);
        const std::size_t left = static_cast<std::size_t>(total - i - 1);
        const double estimate = *eta.remainingSeconds(left);
        EXPECT_DOUBLE_EQ(estimate, 5.0 * static_cast<double>(left));
        if (previous >= 0) {
            EXPECT_LT(estimate, previous);  // counts down, never jumps up
        }
        previous = estimate;
    }
}

TEST(Eta, NegativeDurationsAreClamped)
{
    tl::EtaEstimator eta;
    eta.itemDone(-1.0, true);
    EXPECT_DOUBLE_EQ(*eta.remainingSeconds(3), 0.0);
}
