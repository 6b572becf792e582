#include "core/session/ProjectSession.h"

#include <deque>

#include "core/experiment/FusedConfiguration.h"

namespace tl::session {

namespace {

CfModelSettings projectSettings(const ProjectData& data, Normalization normalization)
{
    CfModelSettings settings;
    settings.ks = data.ks;
    settings.kMax = data.ks.back();
    settings.normalization = normalization;
    return settings;
}

}  // namespace

FeatureMatrix loadContent(const ProjectData& data, const ContentSourceInfo& source)
{
    if (source.isFused())
        return fusedContent(data, source, CfModelSettings{}.normalization).matrix;
    return tl::loadContent(data, source);
}

std::shared_ptr<const CfModel> buildModel(const ProjectData& data, const FeatureMatrix& features, const JobContext& ctx)
{
    return CfModel::build(data.data, data.split, features, projectSettings(data, CfModelSettings{}.normalization), ctx);
}

std::shared_ptr<const CfModel> buildModel(const ProjectData& data, const ContentSourceInfo& source,
                                          const FeatureMatrix& features, const JobContext& ctx)
{
    if (!source.isFused())
        return buildModel(data, features, ctx);
    CfModelSettings settings = projectSettings(data, Normalization::None);
    if (source.fusion == "late") {
        // The blocks' widths, in order (fusedContent stacks them): the later parts' (a
        // soundtrack's CSV header names its columns, so the large frame matrix is not
        // read again), the first part the rest.
        settings.late.weights = fusionWeightsOf(source);
        std::size_t rest = features.dims();
        std::vector<std::size_t> later;
        for (std::size_t p = 1; p < source.fusedParts.size(); ++p) {
            const auto& part = source.fusedParts[p];
            std::size_t dims = part.file.empty() ? 0 : featureColumnNames(part.file).size();
            if (dims == 0)
                dims = tl::loadContent(data, part).dims();
            later.push_back(dims);
            rest = dims <= rest ? rest - dims : 0;  // a mismatch is refused by LateFusion::normalised
        }
        settings.late.dims.push_back(rest);
        settings.late.dims.insert(settings.late.dims.end(), later.begin(), later.end());
    }
    return CfModel::build(data.data, data.split, features, settings, ctx);
}

FusionWeightChoice chooseFusionWeight(const ProjectData& data, const ContentSourceInfo& source, const JobContext& ctx)
{
    std::deque<FeatureMatrix> storage;
    const FusionSpec spec = fusionSpecOf(data, source, storage);
    const CfModelSettings settings = projectSettings(data, CfModelSettings{}.normalization);
    return tl::chooseFusionWeight(data.data, data.split.train, spec, settings.relevant, settings.normalization,
                                  settings.ks, {settings.clip, data.data.scale}, EvalSettings{}.validateRatio,
                                  EvalSettings{}.seed, ctx);
}

std::vector<ResultRow> evaluateBaselines(const ProjectData& data, const JobContext& ctx)
{
    EvalSettings settings;
    settings.ks = data.ks;
    settings.baselines = true;
    return evaluateSplit(data.data, data.split, {}, settings, ctx).rows;
}

}  // namespace tl::session
