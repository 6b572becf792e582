#pragma once
// A fused content source for the evaluator, the experiment and the workbench
// (docs/fusion.md): two or more item feature matrices (modalities) combined
//   early  one matrix of block-normalised, weighted blocks (core/cf/FeatureFusion.h),
//          evaluated like any feature file (every content method);
//   late   one user similarity sum_m w_m cos_m(u, v) (core/cf/FusedSimilarity.h),
//          neighbours and the paper's prediction on it (methods paper and
//          paper-baseline; the others need one item matrix and are skipped, noted).
//
// Weights: given by the caller, or -- with two modalities and none given -- w
// (first modality w, second 1 - w) chosen on a seeded validation share of the
// training ratings (core/cf/Hybrid.h validationShare), never on the test set:
// the paper's model on the fused source predicts the held-out ratings for every w
// of kFusionGrid and every K, and the w of the lowest RMSE wins (ties: the w
// nearer 0.5, then the larger w, then the smaller K). Three or more modalities
// without weights: equal weights.
//
// Threading: synchronous; the long ones take a JobContext.

#include <optional>
#include <string>
#include <vector>

#include "core/cf/CfOptions.h"
#include "core/cf/FeatureFusion.h"
#include "core/cf/Neighbours.h"
#include "core/cf/Prediction.h"
#include "core/cf/TrainingMatrix.h"
#include "core/common/JobContext.h"
#include "core/data/Ratings.h"

namespace tl {

enum class FusionKind { Early, Late };
FusionKind parseFusionKind(const std::string& name);  // early|late; ConfigError otherwise
std::string toString(FusionKind kind);

struct FusionSpec {
    FusionKind kind = FusionKind::Early;
    std::vector<FusionBlock> blocks;  // names, matrices, column names; weights when weightsGiven
    bool weightsGiven = false;
};

// A spec of `kind` over `blocks` with `weights` (one per block), or without (chosen on
// validation for two blocks, equal for more). Throws ConfigError when the weights are
// not one per block.
FusionSpec makeFusionSpec(FusionKind kind, std::vector<FusionBlock> blocks,
                          const std::optional<std::vector<double>>& weights);

inline const std::vector<double>& fusionWeightGrid()
{
    static const std::vector<double> grid = {0, 0.25, 0.5, 0.75, 1};
    return grid;
}

// The row names of a fused source: A+B (early) and A+B-late.
std::string fusedSourceName(const std::vector<std::string>& blocks, FusionKind kind);

// "w" = the first block's weight and "1 - w" the second's, or the given/equal weights.
std::string describeWeights(const FusionSpec& spec, const std::vector<double>& weights);

// Early fusion of the spec's blocks with `weights` (one per block).
FusedFeatures fuseSpec(const FusionSpec& spec, const std::vector<double>& weights, Normalization columnScaling);

// The fused model's offline neighbour lists on one training matrix: early (fused matrix,
// Normalization::None) or late (each block with `normalization`, similarities fused).
NeighbourLists fusedContentNeighbours(const IdMap& items, const TrainingMatrix& train, const FusionSpec& spec,
                                      const std::vector<double>& weights, const RelevantRule& relevant,
                                      Normalization normalization, int kMax,
                                      const JobContext& ctx = JobContext::none());

struct FusionWeightChoice {
    double w = 0.5;
    int k = 0;
    double validationRmse = 0;
    std::size_t validationRatings = 0;
    std::vector<double> rmsePerW;  // per grid value, at its best K
};

// Throws ConfigError unless the spec has exactly two blocks.
FusionWeightChoice chooseFusionWeight(const Dataset& data, const std::vector<std::size_t>& train,
                                      const FusionSpec& spec, const RelevantRule& relevant,
                                      Normalization normalization, const std::vector<int>& ks,
                                      const PredictOptions& options, double ratio, std::uint64_t seed,
                                      const JobContext& ctx = JobContext::none());

}  // namespace tl
