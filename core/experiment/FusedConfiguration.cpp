#include "core/experiment/FusedConfiguration.h"

#include <sstream>

#include "core/cf/FusedSimilarity.h"
#include "core/common/Error.h"
#include "core/experiment/ConfigurationFrames.h"

namespace tl {

namespace {

std::vector<FusionBlock> partBlocks(const ProjectData& data, const ContentSourceInfo& source,
                                    std::deque<FeatureMatrix>& matrices)
{
    if (!source.isFused())
        throw ConfigError("configuration " + source.name + " is not a fusion of modalities");
    std::vector<FusionBlock> blocks;
    for (const auto& part : source.fusedParts) {
        const FeatureMatrix& m = matrices.emplace_back(loadContent(data, part));
        // A frame model's names come from its layout; descriptors from their CSV header.
        const bool frameModel = !part.model.empty() && !part.isAudio();
        FusionBlock block{part.name, &m, frameModel ? std::vector<std::string>() : featureColumnNames(part.file), 1.0};
        if (block.columnNames.empty() || block.columnNames.size() != m.dims()) {
            // The part's own layout, whose names carry their prefix already.
            const auto layout = featureLayoutOf(data, part, m.dims());
            block.columnNames.clear();
            for (std::size_t f = 0; f < m.dims(); ++f)
                block.columnNames.push_back(features::featureName(layout, f));
            block.qualifiedNames = true;
        }
        blocks.push_back(std::move(block));
    }
    return blocks;
}

// "mobilenetv2-fps1 0.2, audio 0.8": each part with its weight.
std::string partWeights(const ContentSourceInfo& source, const std::vector<double>& weights)
{
    std::ostringstream text;
    for (std::size_t p = 0; p < weights.size() && p < source.fusedParts.size(); ++p)
        text << (p ? ", " : "") << source.fusedParts[p].name << " " << weights[p];
    return text.str();
}

}  // namespace

std::vector<double> fusionWeightsOf(const ContentSourceInfo& source)
{
    if (!source.fusionWeights.empty())
        return source.fusionWeights;
    return std::vector<double>(source.fusedParts.size(), 1.0);
}

FusedFeatures fusedContent(const ProjectData& data, const ContentSourceInfo& source, Normalization columnScaling)
{
    std::deque<FeatureMatrix> matrices;
    std::vector<FusionBlock> blocks = partBlocks(data, source, matrices);
    const std::vector<double> weights = fusionWeightsOf(source);
    if (weights.size() != blocks.size())
        throw ConfigError("configuration " + source.name + ": " + std::to_string(weights.size()) + " weights for " +
                          std::to_string(blocks.size()) + " parts");
    for (std::size_t b = 0; b < blocks.size(); ++b)
        blocks[b].weight = weights[b];
    return source.fusion == "late" ? stackBlocks(blocks, columnScaling) : fuseEarly(blocks, columnScaling);
}

std::vector<double> normalisedFusionWeights(const ContentSourceInfo& source)
{
    return normaliseWeights(fusionWeightsOf(source), "configuration " + source.name);
}

ContentSourceInfo withFusionWeights(const ContentSourceInfo& source, const std::vector<double>& weights)
{
    if (!source.isFused())
        throw ConfigError("configuration " + source.name + " is not a fusion of modalities: it has no weights");
    if (weights.size() != source.fusedParts.size())
        throw ConfigError("configuration " + source.name + ": " + std::to_string(weights.size()) + " weights for " +
                          std::to_string(source.fusedParts.size()) + " parts");
    ContentSourceInfo out = source;
    out.fusionWeights = normaliseWeights(weights, "configuration " + source.name);
    std::ostringstream text;
    text << out.fusion << " fusion (weights " << partWeights(source, out.fusionWeights) << ") of ";
    for (std::size_t p = 0; p < weights.size(); ++p)
        text << (p ? " and " : "") << source.fusedParts[p].name << " (" << source.fusedParts[p].provenance << ")";
    out.provenance = text.str();
    return out;
}

std::string fusionTuning(const ContentSourceInfo& source)
{
    if (!source.isFused())
        return "defaults";
    return source.fusion + " fusion, weights " + partWeights(source, normalisedFusionWeights(source));
}

FusionSpec fusionSpecOf(const ProjectData& data, const ContentSourceInfo& source, std::deque<FeatureMatrix>& storage)
{
    return makeFusionSpec(source.fusion == "late" ? FusionKind::Late : FusionKind::Early,
                          partBlocks(data, source, storage), std::nullopt);
}

}  // namespace tl
