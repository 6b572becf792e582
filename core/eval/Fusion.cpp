#include "core/eval/Fusion.h"

#include <cmath>
#include <limits>
#include <sstream>

#include "core/cf/FusedSimilarity.h"
#include "core/cf/Hybrid.h"
#include "core/cf/Profiles.h"
#include "core/cf/Similarity.h"
#include "core/common/Error.h"
#include "core/eval/Metrics.h"

namespace tl {

FusionKind parseFusionKind(const std::string& name)
{
    if (name == "early")
        return FusionKind::Early;
    if (name == "late")
        return FusionKind::Late;
    throw ConfigError("fusion '" + name + "': expected early or late");
}

std::string toString(FusionKind kind)
{
    return kind == FusionKind::Early ? "early" : "late";
}

FusionSpec makeFusionSpec(FusionKind kind, std::vector<FusionBlock> blocks,
                          const std::optional<std::vector<double>>& weights)
{
    if (weights && weights->size() != blocks.size())
        throw ConfigError("fusion: " + std::to_string(weights->size()) + " weights for " +
                          std::to_string(blocks.size()) + " feature blocks");
    FusionSpec spec;
    spec.kind = kind;
    spec.blocks = std::move(blocks);
    spec.weightsGiven = weights.has_value();
    for (std::size_t b = 0; weights && b < spec.blocks.size(); ++b)
        spec.blocks[b].weight = (*weights)[b];
    return spec;
}

std::string fusedSourceName(const std::vector<std::string>& blocks, FusionKind kind)
{
    std::string name;
    for (const auto& b : blocks)
        name += (name.empty() ? "" : "+") + b;
    return kind == FusionKind::Late ? name + "-late" : name;
}

std::string describeWeights(const FusionSpec& spec, const std::vector<double>& weights)
{
    std::ostringstream out;
    for (std::size_t b = 0; b < spec.blocks.size() && b < weights.size(); ++b)
        out << (b ? ", " : "") << spec.blocks[b].name << " " << weights[b];
    return out.str();
}

FusedFeatures fuseSpec(const FusionSpec& spec, const std::vector<double>& weights, Normalization columnScaling)
{
    if (weights.size() != spec.blocks.size())
        throw ConfigError("fusion: " + std::to_string(weights.size()) + " weights for " +
                          std::to_string(spec.blocks.size()) + " feature blocks");
    std::vector<FusionBlock> blocks = spec.blocks;
    for (std::size_t b = 0; b < blocks.size(); ++b)
        blocks[b].weight = weights[b];
    return fuseEarly(blocks, columnScaling);
}

NeighbourLists fusedContentNeighbours(const IdMap& items, const TrainingMatrix& train, const FusionSpec& spec,
                                      const std::vector<double>& weights, const RelevantRule& relevant,
                                      Normalization normalization, int kMax, const JobContext& ctx)
{
    if (spec.kind == FusionKind::Early) {
        const FusedFeatures fused = fuseSpec(spec, weights, normalization);
        const ItemProfiles profiles = alignItemProfiles(fused.matrix, items, Normalization::None);
        const SimilarityEngine engine =
            SimilarityEngine::fromItemProfiles(buildRelevance(train, profiles, relevant), profiles);
        return computeNeighbours(engine, kMax, ctx);
    }
    std::vector<SimilarityEngine> engines;
    engines.reserve(spec.blocks.size());
    std::vector<const SimilarityEngine*> pointers;
    for (const auto& block : spec.blocks) {
        const ItemProfiles profiles = alignItemProfiles(*block.features, items, normalization);
        engines.push_back(SimilarityEngine::fromItemProfiles(buildRelevance(train, profiles, relevant), profiles));
        pointers.push_back(&engines.back());
    }
    return fusedNeighbours(fuseUserSimilarities(pointers, weights, ctx), kMax);
}

FusionWeightChoice chooseFusionWeight(const Dataset& data, const std::vector<std::size_t>& train,
                                      const FusionSpec& spec, const RelevantRule& relevant,
                                      Normalization normalization, const std::vector<int>& ks,
                                      const PredictOptions& options, double ratio, std::uint64_t seed,
                                      const JobContext& ctx)
{
    if (spec.blocks.size() != 2)
        throw ConfigError("fusion: a weight is chosen on validation for two feature blocks, got " +
                          std::to_string(spec.blocks.size()) + " (give the weights)");
    const Split share = validationShare(train, ratio, seed);
    const TrainingMatrix fit = TrainingMatrix::build(data, share.train);
    const TestSet validation = TestSet::build(data, share.test);
    FusionWeightChoice choice;
    choice.validationRatings = validation.size();
    choice.validationRmse = std::numeric_limits<double>::infinity();
    auto better = [&](double e, double w, int k) {
        if (e != choice.validationRmse)
            return e < choice.validationRmse;
        const double dNew = std::fabs(w - 0.5), dOld = std::fabs(choice.w - 0.5);
        if (dNew != dOld)
            return dNew < dOld;
        return w != choice.w ? w > choice.w : k < choice.k;
    };
    for (double w : fusionWeightGrid()) {
        ctx.checkCancelled();
        const NeighbourLists lists =
            fusedContentNeighbours(data.items, fit, spec, {w, 1 - w}, relevant, normalization, ks.back(), ctx);
        const SweepPredictions sweep = predictOffline(fit, lists, validation, ks, options);
        double bestHere = std::numeric_limits<double>::infinity();
        for (std::size_t k = 0; k < sweep.ks.size(); ++k) {
            const double e = computeMetrics(validation, sweep.perK[k], {}).rmse;
            bestHere = std::min(bestHere, e);
            if (better(e, w, sweep.ks[k])) {
                choice.validationRmse = e;
                choice.w = w;
                choice.k = sweep.ks[k];
            }
        }
        choice.rmsePerW.push_back(bestHere);
    }
    return choice;
}

}  // namespace tl
