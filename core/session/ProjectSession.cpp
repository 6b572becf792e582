#include "core/session/ProjectSession.h"

namespace tl::session {

std::shared_ptr<const CfModel> buildModel(const ProjectData& data, const FeatureMatrix& features, const JobContext& ctx)
{
    CfModelSettings settings;
    settings.ks = data.ks;
    settings.kMax = data.ks.back();
    return CfModel::build(data.data, data.split, features, settings, ctx);
}

std::vector<ResultRow> evaluateBaselines(const ProjectData& data, const JobContext& ctx)
{
    EvalSettings settings;
    settings.ks = data.ks;
    settings.baselines = true;
    return evaluateSplit(data.data, data.split, {}, settings, ctx).rows;
}

}  // namespace tl::session
