#include "core/eval/Metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tl {

Metrics errorMetrics(const TestSet& test, const Predictions& predictions)
{
    Metrics m;
    m.predictions = test.size();
    if (test.size() == 0)
        return m;
    double squared = 0, absolute = 0;
    std::size_t fromNeighbours = 0;
    for (std::size_t t = 0; t < test.size(); ++t) {
        const double error = static_cast<double>(predictions.values[t]) - test.ratings[t];
        squared += error * error;
        absolute += std::fabs(error);
        switch (predictions.sources[t]) {
        case PredictionSource::Neighbours: ++fromNeighbours; break;
        case PredictionSource::UserMean: ++m.userMeanFallbacks; break;
        case PredictionSource::ItemMean: ++m.itemMeanFallbacks; break;
        case PredictionSource::GlobalMean: ++m.globalMeanFallbacks; break;
        case PredictionSource::Model: break;
        }
    }
    const double n = static_cast<double>(test.size());
    m.rmse = std::sqrt(squared / n);
    m.mae = absolute / n;
    m.fromNeighbours = static_cast<double>(fromNeighbours) / n;
    return m;
}

Metrics computeMetrics(const TestSet& test, const Predictions& predictions, const RankingOptions& ranking)
{
    Metrics m = errorMetrics(test, predictions);
    if (test.size() == 0)
        return m;

    // Ranking: group test entries by user.
    // Entries by user (a counting pass), then each user's by prediction, descending, and item:
    // the order of one sort by (user, prediction, item), at a fraction of its cost (the
    // workbench recomputes the metrics of every K after each what-if edit).
    std::uint32_t userCount = 0;
    for (std::uint32_t u : test.users)
        userCount = std::max(userCount, u + 1);
    std::vector<std::size_t> start(static_cast<std::size_t>(userCount) + 1, 0);
    for (std::uint32_t u : test.users)
        ++start[u + 1];
    std::partial_sum(start.begin(), start.end(), start.begin());
    std::vector<std::size_t> order(test.size()), fill(start.begin(), start.end() - 1);
    for (std::size_t t = 0; t < test.size(); ++t)
        order[fill[test.users[t]]++] = t;
    for (std::size_t u = 0; u < userCount; ++u)
        std::sort(order.begin() + static_cast<std::ptrdiff_t>(start[u]),
                  order.begin() + static_cast<std::ptrdiff_t>(start[u + 1]), [&](std::size_t a, std::size_t b) {
                      if (predictions.values[a] != predictions.values[b])
                          return predictions.values[a] > predictions.values[b];
                      return test.items[a] < test.items[b];
                  });
    double precision = 0, recall = 0, ndcg = 0;
    const auto topN = static_cast<std::size_t>(std::max(ranking.topN, 1));
    for (std::size_t begin = 0; begin < order.size();) {
        std::size_t end = begin;
        while (end < order.size() && test.users[order[end]] == test.users[order[begin]])
            ++end;
        std::size_t relevant = 0;
        for (std::size_t k = begin; k < end; ++k)
            relevant += test.ratings[order[k]] >= ranking.relevantThreshold;
        if (relevant > 0) {
            std::size_t hits = 0;
            double dcg = 0, idcg = 0;
            for (std::size_t rank = 0; rank < topN && begin + rank < end; ++rank)
                if (test.ratings[order[begin + rank]] >= ranking.relevantThreshold) {
                    ++hits;
                    dcg += 1.0 / std::log2(static_cast<double>(rank) + 2.0);
                }
            for (std::size_t rank = 0; rank < std::min(relevant, topN); ++rank)
                idcg += 1.0 / std::log2(static_cast<double>(rank) + 2.0);
            precision += static_cast<double>(hits) / static_cast<double>(topN);
            recall += static_cast<double>(hits) / static_cast<double>(relevant);
            ndcg += dcg / idcg;
            ++m.rankedUsers;
        }
        begin = end;
    }
    if (m.rankedUsers > 0) {
        const double users = static_cast<double>(m.rankedUsers);
        m.precision = precision / users;
        m.recall = recall / users;
        m.ndcg = ndcg / users;
    }
    return m;
}

}  // namespace tl
