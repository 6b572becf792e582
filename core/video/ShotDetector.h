#pragma once
// ShotDetector: streaming shot-boundary detection. Each frame is summarised
// by a joint HSV colour histogram (16 hue x 4 saturation x 4 value bins) of
// a small RGB copy; the difference of consecutive frames is half the L1
// distance of their normalised histograms (0 = same colours, 1 = disjoint).
// A frame starts a new shot when its difference exceeds
//   max(minDifference, median + madFactor * MAD)
// of the last `window` differences (an adaptive threshold that rises in
// busy, fast-moving shots), and the current shot is at least minShotSeconds
// long (shorter flashes stay in the shot they interrupt).
// Memory: one histogram and `window` numbers. Threading: one thread at a time.

#include <array>
#include <cstdint>
#include <deque>

#include "core/video/SamplingTypes.h"

namespace tl::video {

class ShotDetector {
public:
    static constexpr int bins = 16 * 4 * 4;
    using Histogram = std::array<float, bins>;

    explicit ShotDetector(const ShotOptions& options);

    // Feeds the next frame (packed RGB24 pixels, display time in seconds).
    // Returns true when this frame starts a new shot (never for the first frame).
    bool push(const std::uint8_t* rgb, int pixelCount, double time);
    double lastDifference() const { return lastDifference_; }
    double lastThreshold() const { return lastThreshold_; }

    static Histogram histogram(const std::uint8_t* rgb, int pixelCount);
    static double difference(const Histogram& a, const Histogram& b);

private:
    ShotOptions options_;
    Histogram previous_{};
    bool havePrevious_ = false;
    double shotStart_ = 0;
    double lastDifference_ = 0;
    double lastThreshold_ = 0;
    std::deque<double> window_;
};

}  // namespace tl::video
