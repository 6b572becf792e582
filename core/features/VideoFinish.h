#pragma once
// The extraction pipeline's last step for one video, once all of its samples went
// through the model: its pooled features become its item profile, or the reason it has
// none, and the feature store records either.
//
// Threading: called on the pipeline's inference thread; FeatureStore allows concurrent
// saves of distinct keys.

#include <optional>
#include <string>
#include <vector>

#include "core/features/ExtractionPipeline.h"
#include "core/features/FeatureStore.h"
#include "core/features/Pooling.h"

namespace tl::features {

bool allFinite(const std::vector<float>& values);

// For a video whose frames were computed in this run (out.ok && !out.cached; anything
// else is returned unchanged, with no profile): no pooled frame, or a non-finite mean,
// max or standard deviation, turns `out` into a failure with the reason; otherwise
// out.frames is set and the profile returned.
std::optional<ItemProfile> concludeVideo(const std::string& id, const FeaturePooler& pooler, VideoOutcome& out);

// Records the conclusion in the store: the profile as an entry (metadata: item, video,
// provenance, the sampler's warnings), or, when out.ok is false, the failure. A video read
// from the store (out.cached) records nothing.
void storeConclusion(const FeatureStore& store, const StoreKey& key, const VideoOutcome& out, const ItemProfile* profile,
                     const std::string& provenance, int warnings);

}  // namespace tl::features
