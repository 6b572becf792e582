#include "core/features/VideoFinish.h"

#include <algorithm>
#include <cmath>

namespace tl::features {

bool allFinite(const std::vector<float>& values)
{
    return std::all_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); });
}

std::optional<ItemProfile> concludeVideo(const std::string& id, const FeaturePooler& pooler, VideoOutcome& out)
{
    if (!out.ok || out.cached)
        return std::nullopt;
    if (pooler.count() == 0) {
        out.ok = false;
        out.error = "no usable frame (every sampled frame was dropped or the video is empty)";
        return std::nullopt;
    }
    ItemProfile p{id, pooler.count(), pooler.mean(), pooler.max(), pooler.stdDev()};
    if (!allFinite(p.mean) || !allFinite(p.max) || !allFinite(p.stdDev)) {
        out.ok = false;
        out.error = "the model gave non-finite features (NaN or infinity) for this video";
        return std::nullopt;
    }
    out.frames = pooler.count();
    return p;
}

void storeConclusion(const FeatureStore& store, const StoreKey& key, const VideoOutcome& out, const ItemProfile* profile,
                     const std::string& provenance, int warnings)
{
    if (!out.ok) {
        store.recordFailure(key, out.id, out.path, out.error);
        return;
    }
    if (out.cached || !profile)
        return;
    StoredVideo entry{profile->frames, profile->mean, profile->max, profile->stdDev,
                      {{"item", profile->id}, {"video", out.path.string()}, {"provenance", provenance},
                       {"warnings", std::to_string(warnings)}}};
    store.save(key, entry);
}

}  // namespace tl::features
