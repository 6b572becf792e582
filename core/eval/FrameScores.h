#pragma once
// Frames scored against a user's taste: a sampled frame with feature vector x
// scores cos(x, MUP(u)), the cosine the method ranks neighbours by.
//
// Frames and item profiles share one space when the configuration pools by the
// mean: an item profile is the mean of its frames' features, then every column is
// normalised over the items (min-max to [0, 100], z-score) or every row scaled to
// unit length. The column normalisations are affine per column, fitted on the raw
// item-profile matrix; ColumnScaling keeps that fit and applies it to frames, so the
// mean of an item's scaled frames equals its normalised profile row. L2 (per row)
// and None leave frames as they are: a cosine does not see a frame's length.
//
// No Qt; pure functions; a ColumnScaling may be shared across threads.

#include <cstddef>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "core/cf/CfOptions.h"
#include "core/data/FeatureMatrix.h"

namespace tl {

class CfModel;

struct ColumnScaling {
    Normalization mode = Normalization::None;
    // x' = (x - offset) * scale per column (MinMax100, ZScore); empty for None and L2.
    Eigen::RowVectorXd offset, scale;

    // The fit normalizeFeatures makes on `raw` (the configuration's whole item-profile
    // matrix, before alignment to the dataset).
    static ColumnScaling fit(const RowMatrixF& raw, Normalization mode);
    // The frames in the item profiles' space (float64).
    Eigen::MatrixXd apply(const RowMatrixF& frames) const;
};

// MUP(u) as the model's profiles define it (its relevant rule and normalised item
// profiles), in float64; zeros for a user without a relevant profiled item.
Eigen::VectorXd userProfileExact(const CfModel& model, std::uint32_t user);

// cos(scaling(x_k), profile) for every frame k; 0 for an all-zero frame or profile.
// Throws tl::Error when the widths differ.
std::vector<double> frameScores(const RowMatrixF& frames, const ColumnScaling& scaling,
                                const Eigen::VectorXd& profile);

struct RankedFrame {
    std::size_t frame = 0;
    double score = 0;
};

// The n frames with the highest scores, best first (ties: earlier frame first).
std::vector<RankedFrame> bestFrames(const std::vector<double>& scores, std::size_t n);

}  // namespace tl
