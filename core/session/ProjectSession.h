#pragma once
// What the workbench runs on a loaded project (core/project/ProjectData.h): the
// CF model of one content source over the project's split and K sweep, and the
// rating-only baselines.
//
// Threading: synchronous; run them in a worker. Both take a JobContext.

#include <memory>
#include <vector>

#include "core/common/JobContext.h"
#include "core/data/FeatureMatrix.h"
#include "core/eval/CfModel.h"
#include "core/eval/Evaluator.h"
#include "core/project/ProjectData.h"

namespace tl::session {

// One configuration's CF model over the project's split and K sweep (kMax = largest K).
std::shared_ptr<const CfModel> buildModel(const ProjectData& data, const FeatureMatrix& features,
                                          const JobContext& ctx = JobContext::none());

// Rating-only baselines (global/user/item mean, bias; user k-NN cosine and Pearson over the sweep).
std::vector<ResultRow> evaluateBaselines(const ProjectData& data, const JobContext& ctx = JobContext::none());

}  // namespace tl::session
