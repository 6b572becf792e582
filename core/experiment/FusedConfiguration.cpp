#include "core/experiment/FusedConfiguration.h"

#include <deque>

#include "core/common/Error.h"
#include "core/experiment/ConfigurationFrames.h"

namespace tl {

FusedFeatures fusedContent(const ProjectData& data, const ContentSourceInfo& source, Normalization columnScaling)
{
    if (!source.isFused())
        throw ConfigError("configuration " + source.name + " is not a fusion of modalities");
    std::deque<FeatureMatrix> matrices;
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
    return fuseEarly(blocks, columnScaling);
}

}  // namespace tl
