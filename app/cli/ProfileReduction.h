#pragma once
// --reduce SPEC of `extract` and `merge`: none, topk:K (variance), pca:K, ae:K
// (autoencoder), applied to the whole item-profile matrix.

#include <cstdint>
#include <string>

#include "core/common/JobContext.h"
#include "core/data/FeatureMatrix.h"

namespace tl::cli {

// Throws UsageError for a malformed SPEC.
FeatureMatrix reduceProfiles(const FeatureMatrix& mip, const std::string& spec, std::uint64_t seed, const JobContext& ctx);

}  // namespace tl::cli
