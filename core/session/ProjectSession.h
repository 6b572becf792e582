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
#include "core/eval/Fusion.h"
#include "core/project/ProjectData.h"

namespace tl::session {

// The item x feature matrix of one source: the file's (tl::loadContent), or for a
// fused source the early fusion of its parts (core/experiment/FusedConfiguration.h,
// each part's columns scaled like a plain source's: min-max to [0, 100]).
FeatureMatrix loadContent(const ProjectData& data, const ContentSourceInfo& source);

// One configuration's CF model over the project's split and K sweep (kMax = largest K).
std::shared_ptr<const CfModel> buildModel(const ProjectData& data, const FeatureMatrix& features,
                                          const JobContext& ctx = JobContext::none());
// The same for `source`'s matrix (loadContent): a fused matrix is normalised already,
// so its model scales nothing more (Normalization::None); a late source's model fuses
// its blocks' similarities with the source's weights (CfModelSettings::late).
std::shared_ptr<const CfModel> buildModel(const ProjectData& data, const ContentSourceInfo& source,
                                          const FeatureMatrix& features, const JobContext& ctx = JobContext::none());

// A two-part fused source's first weight w (the second's 1 - w) chosen on a validation
// share of the project's training ratings (core/eval/Fusion.h chooseFusionWeight, the
// evaluator's default share and seed), never on its test ratings. Apply it with
// withFusionWeights(source, {w, 1 - w}). Throws ConfigError for a plain source.
FusionWeightChoice chooseFusionWeight(const ProjectData& data, const ContentSourceInfo& source,
                                      const JobContext& ctx = JobContext::none());

// Rating-only baselines (global/user/item mean, bias; user k-NN cosine and Pearson over the sweep).
std::vector<ResultRow> evaluateBaselines(const ProjectData& data, const JobContext& ctx = JobContext::none());

}  // namespace tl::session
