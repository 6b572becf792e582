#pragma once
// Pooling of frame features (DFFs) into one video feature vector (DFV).
// Default: the mean (paper formula 2: DFV(i) = (1/n) sum_k DFF_k); max and
// standard deviation (population, divide by n) are options. FeaturePooler is a
// streaming accumulator (frames arrive in batches; no frame matrix is kept),
// in double precision (Welford's update for mean and variance).

#include <cstddef>
#include <string>
#include <vector>

#include "core/data/FeatureMatrix.h"

namespace tl::features {

enum class Pooling { Mean, Max, Std };

Pooling parsePooling(const std::string& text);  // "mean", "max", "std"; ConfigError otherwise
const char* toString(Pooling pooling);

class FeaturePooler {
public:
    explicit FeaturePooler(std::size_t dims = 0);

    void add(const float* features);  // one frame's dims() values
    void addRows(const RowMatrixF& frames);

    std::size_t dims() const { return mean_.size(); }
    std::size_t count() const { return count_; }

    // Each throws tl::Error when no frame was added.
    std::vector<float> mean() const;
    std::vector<float> max() const;
    std::vector<float> stdDev() const;
    std::vector<float> pooled(Pooling pooling) const;

private:
    void requireFrames() const;
    std::size_t count_ = 0;
    std::vector<double> mean_;
    std::vector<double> m2_;
    std::vector<float> max_;
};

}  // namespace tl::features
