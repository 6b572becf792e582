#include "core/common/Eta.h"

#include <algorithm>

namespace tl {

void EtaEstimator::itemDone(double seconds, bool computed)
{
    if (!computed)
        return;
    computedSeconds_ += std::max(0.0, seconds);
    ++computed_;
}

std::optional<double> EtaEstimator::remainingSeconds(std::size_t itemsLeft) const
{
    if (computed_ == 0)
        return std::nullopt;
    return computedSeconds_ / static_cast<double>(computed_) * static_cast<double>(itemsLeft);
}

}  // namespace tl
