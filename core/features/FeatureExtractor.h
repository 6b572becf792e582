#pragma once
// The deep-feature models behind one interface: VGG11/16/19's
// convolutional part, MobileNetV2 (real ImageNet weights from the ONNX Model Zoo
// file, dequantised), and a user TorchScript model. No LibTorch in this header:
// frames go in as float buffers, features come out as an Eigen matrix, so callers
// (pipeline, CLI, UI, tests) compile without torch headers.
//
// Threading: one extractor is used by one thread at a time (the pipeline's
// inference thread). Construction may set LibTorch's global thread count.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/common/ComputeDevice.h"
#include "core/data/FeatureMatrix.h"

namespace tl::features {

enum class MobileNetOutput {
    Pooled,  // global average of the last conv map: 1280 features (default)
    Map,     // the last conv map itself: 1280 x 7 x 7 = 62,720 features
};

struct ModelSpec {
    // "mobilenetv2", "vgg11", "vgg16", "vgg19" or "torchscript:<file>".
    std::string model = "mobilenetv2";
    // VGG: a safetensors file with torchvision's parameter names (models/export_weights.py).
    // MobileNetV2: the ONNX Model Zoo file (empty: ModelRegistry::standard()'s file).
    // TorchScript: unused (the file is in `model`).
    std::filesystem::path weights;
    // Random weights, seeded; only when set. Never a silent fallback: every output
    // carries provenance() = "RANDOM WEIGHTS (seed N)".
    std::optional<std::uint64_t> randomSeed;
    // auto: CUDA when LibTorch has it, else CPU; cuda / cuda:N: ConfigError when absent.
    ComputeDevice device;
    bool half = false;  // half precision on CUDA (ignored on CPU)
    MobileNetOutput mobilenetOutput = MobileNetOutput::Pooled;
    int cpuThreads = 0;  // 0: all hardware threads
    int clipLength = 16; // frames per clip for a TorchScript model with [N,3,T,H,W] input
};

class FeatureExtractor {
public:
    virtual ~FeatureExtractor() = default;

    virtual std::string name() const = 0;        // "vgg19", "mobilenetv2", "torchscript:r3d_18.pt"
    virtual std::size_t featureDim() const = 0;  // features per sample (F)
    virtual int inputSize() const { return 224; } // frames are 3 x inputSize x inputSize
    // Frames per sample: 1 for image models; T for clip models ([N,3,T,H,W] input),
    // whose forward() takes n = samples x T frames and returns one row per clip.
    virtual int framesPerSample() const { return 1; }
    // "pretrained:<file> sha256=<hex>" or "RANDOM WEIGHTS (seed N)".
    virtual std::string provenance() const = 0;
    virtual bool randomWeights() const = 0;
    // Identifies the weights for cache keys: the weights file's SHA-256 or "random-seed-N".
    virtual std::string weightsId() const = 0;
    // Where the model runs, resolved (never auto). The default suits models that only
    // run on the CPU (test doubles); the LibTorch ones say where they are.
    virtual ComputeDevice device() const { return ComputeDevice::cpu(); }
    // For people and metadata: "cpu (N threads)", "cuda", "cuda:1", "cuda (half)".
    virtual std::string deviceName() const = 0;
    // Inference in half precision (CUDA --half): features differ from fp32 ones, so
    // the feature store keys them apart.
    virtual bool halfPrecision() const { return false; }

    // frames: n x 3 x S x S floats (C order, ImageNet-normalised RGB); returns
    // (n / framesPerSample()) x featureDim(). Runs under NoGradGuard in eval mode.
    virtual RowMatrixF forward(const float* frames, std::size_t n) = 0;

    // ImageNet logits (n x 1000) where the model has its classifier (MobileNetV2);
    // ModelError otherwise.
    virtual RowMatrixF classify(const float* frames, std::size_t n);

    // The parameters as a state_dict would name them ("features.0.weight", ...), with shapes.
    virtual std::vector<std::pair<std::string, std::vector<std::int64_t>>> parameterShapes() const = 0;
    // One parameter's values (C order), for checks; ModelError for an unknown name.
    virtual std::vector<float> parameterValues(const std::string& name) const = 0;
};

// Builds the model of `spec`. Throws tl::ModelError (missing or mismatching weights,
// unknown model) or tl::ConfigError (a CUDA device asked for but absent) with a message that says what to do.
std::unique_ptr<FeatureExtractor> createExtractor(const ModelSpec& spec);

bool cudaAvailable();

// VGG layer configuration as torchvision's `cfgs` ("A", "D", "E"): channel counts, 0 = max pool.
std::vector<int> vggConfig(const std::string& model);

}  // namespace tl::features
