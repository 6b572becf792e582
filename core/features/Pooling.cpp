#include "core/features/Pooling.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/common/Error.h"

namespace tl::features {

Pooling parsePooling(const std::string& text)
{
    if (text == "mean") return Pooling::Mean;
    if (text == "max") return Pooling::Max;
    if (text == "std") return Pooling::Std;
    throw ConfigError("unknown pooling '" + text + "' (mean, max, std)");
}

const char* toString(Pooling pooling)
{
    switch (pooling) {
    case Pooling::Mean: return "mean";
    case Pooling::Max: return "max";
    case Pooling::Std: return "std";
    }
    return "?";
}

FeaturePooler::FeaturePooler(std::size_t dims)
    : mean_(dims, 0.0), m2_(dims, 0.0), max_(dims, -std::numeric_limits<float>::infinity())
{
}

void FeaturePooler::add(const float* features)
{
    ++count_;
    const double n = static_cast<double>(count_);
    for (std::size_t j = 0; j < mean_.size(); ++j) {
        const double x = features[j];
        const double delta = x - mean_[j];
        mean_[j] += delta / n;
        m2_[j] += delta * (x - mean_[j]);
        max_[j] = std::max(max_[j], features[j]);
    }
}

void FeaturePooler::addRows(const RowMatrixF& frames)
{
    if (static_cast<std::size_t>(frames.cols()) != dims())
        throw Error("FeaturePooler: " + std::to_string(frames.cols()) + " features per frame, expected " +
                    std::to_string(dims()));
    for (Eigen::Index r = 0; r < frames.rows(); ++r)
        add(frames.row(r).data());
}

void FeaturePooler::requireFrames() const
{
    if (count_ == 0)
        throw Error("no frame features to pool");
}

std::vector<float> FeaturePooler::mean() const
{
    requireFrames();
    return {mean_.begin(), mean_.end()};
}

std::vector<float> FeaturePooler::max() const
{
    requireFrames();
    return max_;
}

std::vector<float> FeaturePooler::stdDev() const
{
    requireFrames();
    std::vector<float> s(m2_.size());
    for (std::size_t j = 0; j < s.size(); ++j)
        s[j] = static_cast<float>(std::sqrt(std::max(0.0, m2_[j] / static_cast<double>(count_))));
    return s;
}

std::vector<float> FeaturePooler::pooled(Pooling pooling) const
{
    switch (pooling) {
    case Pooling::Max: return max();
    case Pooling::Std: return stdDev();
    case Pooling::Mean: break;
    }
    return mean();
}

}  // namespace tl::features
