#include "core/session/ProjectSession.h"

#include "core/experiment/FusedConfiguration.h"

namespace tl::session {

namespace {

std::shared_ptr<const CfModel> build(const ProjectData& data, const FeatureMatrix& features, Normalization normalization,
                                     const JobContext& ctx)
{
    CfModelSettings settings;
    settings.ks = data.ks;
    settings.kMax = data.ks.back();
    settings.normalization = normalization;
    return CfModel::build(data.data, data.split, features, settings, ctx);
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
    return build(data, features, CfModelSettings{}.normalization, ctx);
}

std::shared_ptr<const CfModel> buildModel(const ProjectData& data, const ContentSourceInfo& source,
                                          const FeatureMatrix& features, const JobContext& ctx)
{
    return build(data, features, source.isFused() ? Normalization::None : CfModelSettings{}.normalization, ctx);
}

std::vector<ResultRow> evaluateBaselines(const ProjectData& data, const JobContext& ctx)
{
    EvalSettings settings;
    settings.ks = data.ks;
    settings.baselines = true;
    return evaluateSplit(data.data, data.split, {}, settings, ctx).rows;
}

}  // namespace tl::session
