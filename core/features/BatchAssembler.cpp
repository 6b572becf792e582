#include "core/features/BatchAssembler.h"

#include <utility>

#include "core/common/Error.h"
#include "core/features/FeatureExtractor.h"

namespace tl::features {

BatchAssembler::BatchAssembler(std::size_t videos, std::size_t batchSamples, std::size_t framesPerSample,
                               std::size_t frameFloats, Ship ship)
    : batchSamples_(batchSamples), perSample_(framesPerSample), frameFloats_(frameFloats), ship_(std::move(ship)),
      clips_(videos), samples_(videos, 0)
{
    startBatch();
}

void BatchAssembler::startBatch()
{
    work_ = AssembledWork{};
    work_.batch.reserve(batchSamples_ * perSample_ * frameFloats_);
}

bool BatchAssembler::shipBatch()
{
    if (work_.owners.empty())
        return true;
    AssembledWork full = std::move(work_);
    startBatch();
    return ship_(std::move(full));
}

bool BatchAssembler::add(std::size_t slot, const float* sample)
{
    work_.batch.insert(work_.batch.end(), sample, sample + perSample_ * frameFloats_);
    work_.owners.push_back(slot);
    ++samples_[slot];
    return work_.owners.size() < batchSamples_ || shipBatch();
}

bool BatchAssembler::frame(std::size_t slot, const std::vector<float>& chw)
{
    if (perSample_ == 1)
        return add(slot, chw.data());
    std::vector<float>& clip = clips_[slot];
    clip.insert(clip.end(), chw.begin(), chw.end());
    if (clip.size() < perSample_ * frameFloats_)
        return true;
    const bool open = add(slot, clip.data());
    clip.clear();
    return open;
}

bool BatchAssembler::end(VideoEnd&& end)
{
    const std::size_t slot = end.slot;
    std::vector<float>& clip = clips_[slot];
    bool open = true;
    if (!clip.empty()) {  // clip models: pad the last clip with its last frame
        const std::vector<float> last(clip.end() - static_cast<std::ptrdiff_t>(frameFloats_), clip.end());
        while (clip.size() < perSample_ * frameFloats_)
            clip.insert(clip.end(), last.begin(), last.end());
        open = add(slot, clip.data());
        clip = {};
    }
    if (!open)
        return false;
    AssembledWork work;
    work.samples = samples_[slot];
    work.end = std::move(end);
    return ship_(std::move(work));
}

bool BatchAssembler::flush()
{
    return shipBatch();
}

RowMatrixF forwardFullBatch(FeatureExtractor& extractor, std::vector<float>& batch, std::size_t samples,
                            std::size_t batchSamples, std::size_t framesPerSample, std::size_t frameFloats)
{
    const std::size_t used = batch.size();
    batch.resize(batchSamples * framesPerSample * frameFloats, 0.0f);
    RowMatrixF features = extractor.forward(batch.data(), batchSamples * framesPerSample);
    batch.resize(used);
    if (static_cast<std::size_t>(features.rows()) == batchSamples)
        features.conservativeResize(static_cast<Eigen::Index>(samples), Eigen::NoChange);
    if (static_cast<std::size_t>(features.rows()) != samples ||
        static_cast<std::size_t>(features.cols()) != extractor.featureDim())
        throw ModelError(extractor.name() + " returned " + std::to_string(features.rows()) + " x " +
                         std::to_string(features.cols()) + " features for " + std::to_string(samples) + " samples");
    return features;
}

}  // namespace tl::features
