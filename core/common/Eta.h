#pragma once
// Remaining-time estimate of a job over many items (videos) where some items are
// already done from an earlier run (read from the feature store in a moment)
// and the rest are computed. Only computed items set the pace: a resumed run
// whose first 100 of 150 videos come from the store does not promise "2 s left"
// and then jump to minutes. No estimate until one item has been computed.
// Not thread-safe: one owner reports and reads.

#include <cstddef>
#include <optional>

namespace tl {

class EtaEstimator {
public:
    // One item finished after `seconds` of work; `computed` is false for an item
    // taken from an earlier run (its time does not count).
    void itemDone(double seconds, bool computed);
    // Seconds left for `itemsLeft` items at the pace of the computed ones so far.
    std::optional<double> remainingSeconds(std::size_t itemsLeft) const;
    std::size_t computedItems() const { return computed_; }

private:
    double computedSeconds_ = 0;
    std::size_t computed_ = 0;
};

}  // namespace tl
