#include "core/eval/UsersForItem.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/common/Error.h"
#include "core/eval/CfModel.h"

namespace tl {

double tieKey(double similarity)
{
    return std::round(similarity * 1e12);
}

UsersForItem usersForItem(const RelevanceMatrix& w, const ItemProfiles& items, const Eigen::VectorXd& itemProfile)
{
    const auto dims = static_cast<Eigen::Index>(items.dims());
    if (itemProfile.size() != dims)
        throw Error("the trailer's profile has " + std::to_string(itemProfile.size()) +
                    " features, the configuration's item profiles " + std::to_string(dims));
    const double itemNorm = itemProfile.norm();
    UsersForItem out;
    Eigen::VectorXd profile(dims);
    for (std::uint32_t u = 0; u < w.users; ++u) {
        profile.setZero();
        for (std::size_t k = w.offsets[u]; k < w.offsets[u + 1]; ++k) {
            const double weight = w.weights[k];
            profile += weight * items.values.row(static_cast<Eigen::Index>(w.rows[k])).transpose().cast<double>();
        }
        const double norm = profile.norm();
        if (norm == 0) {
            ++out.withoutProfile;
            continue;
        }
        out.ranked.push_back({u, itemNorm == 0 ? 0.0 : profile.dot(itemProfile) / (norm * itemNorm)});
    }
    std::stable_sort(out.ranked.begin(), out.ranked.end(), [](const UserMatch& a, const UserMatch& b) {
        return tieKey(a.similarity) > tieKey(b.similarity);
    });
    return out;
}

UsersForItem usersForItem(const CfModel& model, const Eigen::VectorXd& itemProfile)
{
    return usersForItem(model.relevance(), model.items(), itemProfile);
}

}  // namespace tl
