#include "core/cf/Profiles.h"

#include <cmath>

#include "core/common/Error.h"

namespace tl {

void normalizeFeatures(RowMatrixF& values, Normalization mode)
{
    const Eigen::Index rows = values.rows();
    if (rows == 0)
        return;
    switch (mode) {
    case Normalization::None:
        return;
    case Normalization::MinMax100: {
        // Row-wise passes: the matrix is row-major, so whole rows vectorise.
        const Eigen::RowVectorXf lo = values.colwise().minCoeff();
        const Eigen::RowVectorXf hi = values.colwise().maxCoeff();
        const Eigen::RowVectorXf range = hi - lo;
        const Eigen::RowVectorXf scale =
            (range.array() > 0).select(100.0f / range.array().max(1e-30f), 0.0f).matrix();
        for (Eigen::Index r = 0; r < rows; ++r)
            values.row(r) = ((values.row(r) - lo).array() * scale.array()).matrix();
        return;
    }
    case Normalization::ZScore: {
        const Eigen::RowVectorXd mean = values.cast<double>().colwise().mean();
        Eigen::RowVectorXd var = Eigen::RowVectorXd::Zero(values.cols());
        for (Eigen::Index r = 0; r < rows; ++r)
            var.array() += (values.row(r).cast<double>() - mean).array().square();
        var /= static_cast<double>(rows);
        const Eigen::RowVectorXd inv = (var.array() > 0).select(1.0 / var.array().sqrt().max(1e-300), 0.0).matrix();
        for (Eigen::Index r = 0; r < rows; ++r)
            values.row(r) = ((values.row(r).cast<double>() - mean).array() * inv.array()).cast<float>().matrix();
        return;
    }
    case Normalization::L2:
        for (Eigen::Index r = 0; r < rows; ++r) {
            const float norm = values.row(r).norm();
            if (norm > 0)
                values.row(r) /= norm;
        }
        return;
    }
}

ItemProfiles alignItemProfiles(const FeatureMatrix& features, const IdMap& items, Normalization mode)
{
    RowMatrixF normalised = features.values;
    normalizeFeatures(normalised, mode);
    ItemProfiles profiles;
    profiles.rowOf.assign(items.size(), -1);
    std::vector<Eigen::Index> sourceRows;
    for (std::size_t r = 0; r < features.ids.size(); ++r) {
        auto item = items.find(features.ids[r]);
        if (!item) {
            ++profiles.unknownIds;
            continue;
        }
        if (profiles.rowOf[*item] >= 0)
            throw DataError("item features", 0, "item " + features.ids[r] + " has more than one feature row");
        profiles.rowOf[*item] = static_cast<std::int32_t>(sourceRows.size());
        sourceRows.push_back(static_cast<Eigen::Index>(r));
    }
    profiles.values.resize(static_cast<Eigen::Index>(sourceRows.size()), normalised.cols());
    for (std::size_t k = 0; k < sourceRows.size(); ++k)
        profiles.values.row(static_cast<Eigen::Index>(k)) = normalised.row(sourceRows[k]);
    return profiles;
}

RelevanceMatrix buildRelevance(const TrainingMatrix& train, const ItemProfiles& items, const RelevantRule& rule)
{
    RelevanceMatrix w;
    w.users = train.users;
    w.profileRows = items.withProfile();
    w.offsets.assign(train.users + 1, 0);
    for (std::size_t u = 0; u < train.users; ++u) {
        const double mean = train.userMean[u];
        for (std::size_t k = train.userOffsets[u]; k < train.userOffsets[u + 1]; ++k) {
            const float r = train.userValues[k];
            bool relevant = true;
            if (rule.kind == RelevantRule::AboveUserMean)
                relevant = r >= mean;
            else if (rule.kind == RelevantRule::Threshold)
                relevant = r >= rule.threshold;
            const std::int32_t row = items.rowOf[train.userItems[k]];
            if (relevant && row >= 0) {
                w.rows.push_back(static_cast<std::uint32_t>(row));
                w.weights.push_back(r);
            }
        }
        const std::size_t end = w.rows.size();
        w.offsets[u + 1] = end;
    }
    return w;
}

namespace {

// MUP summed in Scalar (products of float weights and float profiles are exact in float64).
template <typename Scalar>
Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> sumUserProfiles(const RelevanceMatrix& w,
                                                                                      const ItemProfiles& items)
{
    using Rows = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    Rows profiles = Rows::Zero(static_cast<Eigen::Index>(w.users), items.values.cols());
#pragma omp parallel for schedule(dynamic, 16)
    for (std::ptrdiff_t u = 0; u < static_cast<std::ptrdiff_t>(w.users); ++u)
        for (std::size_t k = w.offsets[static_cast<std::size_t>(u)]; k < w.offsets[static_cast<std::size_t>(u) + 1];
             ++k)
            profiles.row(u) += static_cast<Scalar>(w.weights[k]) * items.values.row(w.rows[k]).template cast<Scalar>();
    return profiles;
}

}  // namespace

RowMatrixF buildUserProfiles(const RelevanceMatrix& w, const ItemProfiles& items)
{
    return sumUserProfiles<float>(w, items);
}

RowMatrixD buildUserProfilesExact(const RelevanceMatrix& w, const ItemProfiles& items)
{
    return sumUserProfiles<double>(w, items);
}

Eigen::VectorXf userProfile(const RelevanceMatrix& w, const ItemProfiles& items, std::uint32_t user)
{
    Eigen::VectorXf profile = Eigen::VectorXf::Zero(items.values.cols());
    for (std::size_t k = w.offsets[user]; k < w.offsets[user + 1]; ++k)
        profile += w.weights[k] * items.values.row(w.rows[k]).transpose();
    return profile;
}

}  // namespace tl
