#pragma once
// A user's TorchScript model over log-mel patches (extract --model
// audio-torchscript:FILE). No LibTorch in this header.
//
// Contract (docs/audio-models.md): forward() takes one float32 tensor
// [N, 1, bands, frames] (bands x frames log-mel values in dB, core/audio's
// LogMelPatches layout) and returns a float tensor [N, D] (or a tuple whose first
// element is one): one D-dimensional embedding per patch. The model is loaded
// with torch::jit::load (never downloaded), put in eval mode and run under
// NoGradGuard. At load time it is probed with zeros of batch 1 and 2: an output
// of another rank, a first dimension other than N, D = 0 or a failing forward is
// a ModelError naming the file and the shape. Its weights are identified by the
// file's SHA-256 (provenance "pretrained:FILE sha256=HEX"); a file imported into
// a models folder is checked against the recorded hash (checkImported()).
//
// Threading: one thread at a time. Construction sets LibTorch's CPU thread count.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include "core/common/ComputeDevice.h"
#include "core/data/FeatureMatrix.h"

namespace tl::features {

struct AudioModelSpec {
    std::filesystem::path file;
    ComputeDevice device;     // auto: CUDA when LibTorch has it, else CPU
    int bands = 40;           // the input's third dimension
    int frames = 64;          // the input's fourth dimension
    int cpuThreads = 0;       // 0: all hardware threads
};

class AudioTorchScriptModel {
public:
    explicit AudioTorchScriptModel(const AudioModelSpec& spec);
    ~AudioTorchScriptModel();
    AudioTorchScriptModel(const AudioTorchScriptModel&) = delete;
    AudioTorchScriptModel& operator=(const AudioTorchScriptModel&) = delete;

    std::string name() const;          // "audio-torchscript:FILE.pt"
    std::size_t featureDim() const;    // D
    std::string provenance() const;    // "pretrained:FILE.pt sha256=HEX"
    std::string weightsId() const;     // the file's SHA-256
    std::string deviceName() const;    // "cpu (N threads)", "cuda", "cuda:1"
    ComputeDevice device() const;

    // patches: n x 1 x bands x frames floats (C order) -> n x D. ModelError when the
    // output is not [n, D] or holds a non-finite value (naming the patch).
    // With padTo > n the batch is padded with silent patches (-100 dB) to padTo first and
    // only the first n rows are returned: every forward pass then has one shape, so
    // TorchScript's executor does not specialise again for a trailer's short last batch,
    // and CPU kernels block the same way for every batch (as the frame route's
    // forwardFullBatch).
    RowMatrixF forward(const float* patches, std::size_t n, std::size_t padTo = 0);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tl::features
