#pragma once
// The extraction pipeline's middle stage: frames of several videos, in the order the
// decoders deliver them, become fixed-size batches for the model, and the end of each
// video is passed on in order with the number of samples made of it.
//
// Contract
// - A batch holds batchSamples samples (the last one may hold fewer); a sample is one
//   frame, or for clip models framesPerSample consecutive frames of one video. Samples
//   keep their arrival order; batches mix videos. owners[i] is sample i's video slot.
// - A clip model's last, short clip of a video is padded with copies of its last frame
//   when the video ends (a video's frames never share a clip with another's).
// - At a video's end the assembler emits an AssembledWork holding only `end`, with
//   `samples` = every sample of that video it made. The end may overtake the partial
//   batch that holds the video's last samples, so the consumer finalises a video once
//   it has absorbed `samples` of them.
// - ship() returning false means the consumer is gone: the call that shipped returns
//   false and the caller stops feeding.
//
// Threading: none of its own; one thread feeds it (the pipeline's assembler thread).

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/data/FeatureMatrix.h"
#include "core/features/FeatureStore.h"

namespace tl::features {

class FeatureExtractor;

// How a video left the decoders: decoded (ok), read from the store (stored), or failed.
struct VideoEnd {
    std::size_t slot = 0;
    bool ok = false;
    std::optional<StoredVideo> stored;  // features from the store
    std::string error;                  // why it failed (when !ok)
    std::string videoHash;              // SHA-256 of the file (when there is a store)
    std::string storeProblem;           // a rejected store entry (moved aside, recomputed)
    int warnings = 0;                   // counted, non-fatal sampler problems
};

// A batch of samples, or the end of a video.
struct AssembledWork {
    std::vector<float> batch;           // owners.size() x framesPerSample x frameFloats
    std::vector<std::size_t> owners;    // video slot of each sample
    std::optional<VideoEnd> end;
    std::size_t samples = 0;            // with `end`: the video's samples in all batches
};

class BatchAssembler {
public:
    using Ship = std::function<bool(AssembledWork&& work)>;  // false: stop

    BatchAssembler(std::size_t videos, std::size_t batchSamples, std::size_t framesPerSample,
                   std::size_t frameFloats, Ship ship);

    // One frame (frameFloats floats) of video `slot`.
    bool frame(std::size_t slot, const std::vector<float>& chw);
    // The end of video end.slot: its padded last clip, then the end itself.
    bool end(VideoEnd&& end);
    // Ships the last, partial batch (after the last video's end).
    bool flush();

private:
    bool add(std::size_t slot, const float* sample);
    bool shipBatch();
    void startBatch();

    std::size_t batchSamples_, perSample_, frameFloats_;
    Ship ship_;
    AssembledWork work_;
    std::vector<std::vector<float>> clips_;  // per video: frames of the clip being filled
    std::vector<std::size_t> samples_;       // per video: samples made so far
};

// One forward pass of an assembled batch of `samples` samples (batch.size() floats). The
// batch is padded with zeros to the full batchSamples first: CPU kernels pick their
// blocking by batch size, so a frame's features would otherwise depend (in the last bits)
// on how many frames shared its forward pass, and a sharded run would not reproduce the
// unsharded one exactly. `batch` is given back at its size. Returns samples x featureDim();
// throws tl::ModelError naming the model when it returns another shape.
RowMatrixF forwardFullBatch(FeatureExtractor& extractor, std::vector<float>& batch, std::size_t samples,
                            std::size_t batchSamples, std::size_t framesPerSample, std::size_t frameFloats);

}  // namespace tl::features
