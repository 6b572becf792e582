#include "core/cf/ItemKnn.h"

#include <algorithm>
#include <cmath>

#include "core/cf/Neighbours.h"
#include "core/common/Error.h"

namespace tl {

SweepPredictions predictItemKnn(const TrainingMatrix& train, const ItemProfiles& items, const BiasModel& bias,
                                const TestSet& test, const std::vector<int>& ks, const PredictOptions& options,
                                const JobContext& ctx)
{
    if (ks.empty() || !std::is_sorted(ks.begin(), ks.end()) || ks.front() < 1)
        throw ConfigError("item-knn: K values must be >= 1 and ascending");
    const auto rows = static_cast<Eigen::Index>(items.withProfile());
    const double bytes = static_cast<double>(rows) * static_cast<double>(rows) * sizeof(double);
    if (bytes > 8e9)
        throw ConfigError("item-knn needs a dense item x item cosine matrix of " +
                          std::to_string(static_cast<long>(bytes / 1e9)) + " GB; too large");
    ctx.checkCancelled();
    ctx.report("item-knn", 0, 1);
    // Cosines of the profile rows: unit rows (all-zero rows stay zero), then their Gram matrix.
    RowMatrixD unit = items.values.cast<double>();
    for (Eigen::Index r = 0; r < rows; ++r) {
        const double norm = unit.row(r).norm();
        if (norm > 0)
            unit.row(r) /= norm;
    }
    const RowMatrixD cosine = unit * unit.transpose();
    ctx.checkCancelled();

    SweepPredictions sweep = makeSweep(ks, test.size());
    const auto n = static_cast<std::ptrdiff_t>(test.size());
#pragma omp parallel
    {
        std::vector<RankedCandidate> candidates;  // `user` holds the item index
#pragma omp for schedule(dynamic, 256)
        for (std::ptrdiff_t ti = 0; ti < n; ++ti) {
            const auto t = static_cast<std::size_t>(ti);
            const std::uint32_t u = test.users[t], i = test.items[t];
            const double base = bias.predict(u, i);
            const std::int32_t rowI = i < items.rowOf.size() ? items.rowOf[i] : -1;
            candidates.clear();
            if (rowI >= 0 && u < train.users) {
                for (std::size_t e = train.userOffsets[u]; e < train.userOffsets[u + 1]; ++e) {
                    const std::uint32_t j = train.userItems[e];
                    const std::int32_t rowJ = j < items.rowOf.size() ? items.rowOf[j] : -1;
                    if (j != i && rowJ >= 0)
                        candidates.push_back({rankKey(cosine(rowI, rowJ)), j});
                }
            }
            const std::size_t kMax = std::min(candidates.size(), static_cast<std::size_t>(ks.back()));
            std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(kMax),
                              candidates.end(), [](const RankedCandidate& a, const RankedCandidate& b) {
                                  return ranksBefore(a.key, a.user, b.key, b.user);
                              });
            double num = 0, den = 0;
            std::size_t used = 0;
            for (std::size_t k = 0; k < ks.size(); ++k) {
                for (const std::size_t limit = std::min(kMax, static_cast<std::size_t>(ks[k])); used < limit; ++used) {
                    const std::uint32_t j = candidates[used].user;
                    const double s = cosine(rowI, items.rowOf[j]);
                    num += s * (static_cast<double>(*train.rating(u, j)) - bias.predict(u, j));
                    den += std::fabs(s);
                }
                auto& p = sweep.perK[k];
                if (den > 0) {
                    p.values[t] = finishPrediction(base + num / den, options);
                    p.sources[t] = PredictionSource::Neighbours;
                } else {
                    p.values[t] = finishPrediction(base, options);
                    p.sources[t] = ratingOnlySource(train, u, i);
                }
            }
        }
    }
    ctx.report("item-knn", 1, 1);
    return sweep;
}

}  // namespace tl
