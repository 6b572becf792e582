#pragma once
// MobileNetV2 weights in float, independent of where they came from: the ONNX
// Model Zoo's int8 file (loadMobileNetV2Onnx) or nothing (random weights, built
// in TorchModels). Layout follows torchvision's mobilenet_v2 with BatchNorm folded
// into each conv's bias: 52 convs in forward order (features[0], the 17 inverted
// residual blocks' convs, features[18]), then the 1280 -> 1000 classifier.
//
// Quantisation ranges: the int8 network has no ReLU6 nodes; the activation is the
// clamping of each quantised op's output to its representable range
// (qmin - zp) * scale .. (qmax - zp) * scale. The float network reproduces that by
// clamping every conv / residual add / pooling / classifier output to these ranges.

#include <filesystem>
#include <string>
#include <vector>

namespace tl::features {

struct ClampRange {
    float lo = -1e30f;
    float hi = 1e30f;
};

struct FloatConv {
    std::string name;  // the ONNX weight initialiser name, for messages and tests
    int inChannels = 0;
    int outChannels = 0;
    int kernel = 1;
    int stride = 1;
    int groups = 1;
    std::vector<float> weight;  // out x in/groups x k x k, dequantised
    std::vector<float> bias;    // out
    ClampRange output;
};

struct MobileNetV2Weights {
    ClampRange input;                   // QuantizeLinear of the network input
    std::vector<FloatConv> convs;       // 52, forward order
    std::vector<ClampRange> residuals;  // 10 residual adds, forward order
    ClampRange pooled;                  // global average pool output
    std::vector<float> classifierWeight;  // 1000 x 1280 (out x in), dequantised
    std::vector<float> classifierBias;    // 1000
    ClampRange matmul;                  // classifier product before the bias
    ClampRange logits;                  // after the bias
};

// Reads the ONNX Model Zoo's mobilenetv2-12-int8.onnx (or a file of the same graph shape):
// dequantises weights per output channel as scale * (q - zero_point), biases as
// q * input_scale * weight_scale, and collects the clamp ranges. Throws tl::ModelError
// when the file cannot be parsed, when ONNX support was not built, or when the graph
// does not have MobileNetV2's structure (counts, shapes, strides, groups).
MobileNetV2Weights loadMobileNetV2Onnx(const std::filesystem::path& path);

// True when this build can read ONNX files (libonnx + protobuf were found).
bool onnxSupportBuilt();

}  // namespace tl::features
