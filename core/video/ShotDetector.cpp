#include "core/video/ShotDetector.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace tl::video {

ShotDetector::ShotDetector(const ShotOptions& options) : options_(options) {}

ShotDetector::Histogram ShotDetector::histogram(const std::uint8_t* rgb, int pixelCount)
{
    Histogram h{};
    if (pixelCount <= 0)
        return h;
    for (int i = 0; i < pixelCount; ++i) {
        const int r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
        const int maxC = std::max({r, g, b});
        const int minC = std::min({r, g, b});
        const int delta = maxC - minC;
        double hue = 0;
        if (delta > 0) {
            if (maxC == r)
                hue = std::fmod((g - b) / static_cast<double>(delta) + 6.0, 6.0);
            else if (maxC == g)
                hue = (b - r) / static_cast<double>(delta) + 2.0;
            else
                hue = (r - g) / static_cast<double>(delta) + 4.0;
        }
        const double saturation = maxC > 0 ? static_cast<double>(delta) / maxC : 0.0;
        const int hBin = std::min(15, static_cast<int>(hue / 6.0 * 16.0));
        const int sBin = std::min(3, static_cast<int>(saturation * 4.0));
        const int vBin = std::min(3, maxC / 64);
        h[static_cast<std::size_t>((hBin * 4 + sBin) * 4 + vBin)] += 1.0f;
    }
    for (float& v : h)
        v /= static_cast<float>(pixelCount);
    return h;
}

double ShotDetector::difference(const Histogram& a, const Histogram& b)
{
    double sum = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        sum += std::fabs(static_cast<double>(a[i]) - b[i]);
    return 0.5 * sum;
}

namespace {
double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    const std::size_t mid = values.size() / 2;
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
    double m = values[mid];
    if (values.size() % 2 == 0) {
        const double lower = *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
        m = 0.5 * (m + lower);
    }
    return m;
}
}  // namespace

bool ShotDetector::push(const std::uint8_t* rgb, int pixelCount, double time)
{
    const Histogram current = histogram(rgb, pixelCount);
    if (!havePrevious_) {
        previous_ = current;
        havePrevious_ = true;
        shotStart_ = time;
        lastDifference_ = 0;
        lastThreshold_ = options_.minDifference;
        return false;
    }
    const double diff = difference(previous_, current);
    previous_ = current;
    double threshold = options_.minDifference;
    if (!window_.empty()) {
        const std::vector<double> values(window_.begin(), window_.end());
        const double med = median(values);
        std::vector<double> deviations;
        deviations.reserve(values.size());
        for (double v : values)
            deviations.push_back(std::fabs(v - med));
        threshold = std::max(threshold, med + options_.madFactor * median(deviations));
    }
    lastDifference_ = diff;
    lastThreshold_ = threshold;
    window_.push_back(diff);
    while (static_cast<int>(window_.size()) > std::max(1, options_.window))
        window_.pop_front();
    if (diff > threshold && time - shotStart_ >= options_.minShotSeconds - 1e-9) {
        shotStart_ = time;
        return true;
    }
    return false;
}

}  // namespace tl::video
