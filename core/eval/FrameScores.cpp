#include "core/eval/FrameScores.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "core/cf/Profiles.h"
#include "core/common/Error.h"
#include "core/eval/CfModel.h"

namespace tl {

ColumnScaling ColumnScaling::fit(const RowMatrixF& raw, Normalization mode)
{
    ColumnScaling s;
    s.mode = mode;
    const Eigen::Index cols = raw.cols();
    if (raw.rows() == 0 || (mode != Normalization::MinMax100 && mode != Normalization::ZScore))
        return s;
    s.offset.resize(cols);
    s.scale.resize(cols);
    if (mode == Normalization::MinMax100) {
        // The same float arithmetic as normalizeFeatures: lo and 100 / range in float.
        const Eigen::RowVectorXf lo = raw.colwise().minCoeff();
        const Eigen::RowVectorXf hi = raw.colwise().maxCoeff();
        for (Eigen::Index c = 0; c < cols; ++c) {
            const float range = hi[c] - lo[c];
            s.offset[c] = lo[c];
            s.scale[c] = range > 0 ? static_cast<double>(100.0f / std::max(range, 1e-30f)) : 0.0;
        }
        return s;
    }
    const Eigen::RowVectorXd mean = raw.cast<double>().colwise().mean();
    Eigen::RowVectorXd var = Eigen::RowVectorXd::Zero(cols);
    for (Eigen::Index r = 0; r < raw.rows(); ++r)
        var.array() += (raw.row(r).cast<double>() - mean).array().square();
    var /= static_cast<double>(raw.rows());
    s.offset = mean;
    for (Eigen::Index c = 0; c < cols; ++c)
        s.scale[c] = var[c] > 0 ? 1.0 / std::sqrt(std::max(var[c], 1e-300)) : 0.0;
    return s;
}

Eigen::MatrixXd ColumnScaling::apply(const RowMatrixF& frames) const
{
    Eigen::MatrixXd out = frames.cast<double>();
    if (offset.size() == 0)
        return out;
    if (offset.size() != out.cols())
        throw Error("frames have " + std::to_string(out.cols()) + " features, the configuration's profiles " +
                    std::to_string(offset.size()));
    for (Eigen::Index r = 0; r < out.rows(); ++r)
        out.row(r) = ((out.row(r) - offset).array() * scale.array()).matrix();
    return out;
}

Eigen::VectorXd userProfileExact(const CfModel& model, std::uint32_t user)
{
    const RelevanceMatrix w = buildRelevance(model.train(), model.items(), model.settings().relevant);
    Eigen::VectorXd profile = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(model.items().dims()));
    if (user >= w.users)
        return profile;
    for (std::size_t k = w.offsets[user]; k < w.offsets[user + 1]; ++k)
        profile += static_cast<double>(w.weights[k]) *
                   model.items().values.row(static_cast<Eigen::Index>(w.rows[k])).transpose().cast<double>();
    return profile;
}

std::vector<double> frameScores(const RowMatrixF& frames, const ColumnScaling& scaling, const Eigen::VectorXd& profile)
{
    if (frames.cols() != profile.size())
        throw Error("frames have " + std::to_string(frames.cols()) + " features, the user profile " +
                    std::to_string(profile.size()));
    const Eigen::MatrixXd x = scaling.apply(frames);
    const double profileNorm = profile.norm();
    std::vector<double> scores(static_cast<std::size_t>(x.rows()), 0.0);
    if (profileNorm == 0)
        return scores;
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
        const double n = x.row(r).norm();
        if (n > 0)
            scores[static_cast<std::size_t>(r)] = (x.row(r) * profile).value() / (n * profileNorm);
    }
    return scores;
}

std::vector<RankedFrame> bestFrames(const std::vector<double>& scores, std::size_t n)
{
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    order.resize(std::min(n, order.size()));
    std::vector<RankedFrame> out;
    for (std::size_t k : order)
        out.push_back({k, scores[k]});
    return out;
}

}  // namespace tl
