#pragma once
// Accuracy and ranking metrics of one set of predictions (method.md 4):
// RMSE (formula 6), MAE, the share of predictions that came from neighbours,
// and Precision@N, Recall@N, NDCG@N where an item is relevant when its test
// rating is >= relevantThreshold (4 on a 1-5 scale).
// Ranking protocol: each user's test items are ranked by predicted rating
// (ties: lower item index first); Precision@N = hits in the top N / N,
// Recall@N = hits / relevant test items, NDCG@N with binary gains and
// log2(rank + 1) discounts. Averaged over users with at least one relevant
// test item.

#include <cstddef>
#include <vector>

#include "core/cf/Prediction.h"

namespace tl {

struct Metrics {
    double rmse = 0;
    double mae = 0;
    double fromNeighbours = 0;  // share of predictions with source Neighbours
    double precision = 0;
    double recall = 0;
    double ndcg = 0;
    std::size_t predictions = 0;
    std::size_t userMeanFallbacks = 0;
    std::size_t itemMeanFallbacks = 0;
    std::size_t globalMeanFallbacks = 0;
    std::size_t rankedUsers = 0;  // users counted in the ranking metrics
};

struct RankingOptions {
    int topN = 10;
    double relevantThreshold = 4.0;
};

Metrics computeMetrics(const TestSet& test, const Predictions& predictions, const RankingOptions& ranking = {});
// computeMetrics without the ranking metrics (precision, recall, ndcg, rankedUsers stay 0).
Metrics errorMetrics(const TestSet& test, const Predictions& predictions);

}  // namespace tl
