// MobileNetV2 with the ONNX Model Zoo's int8 weights: dequantisation checked against a
// brute-force reading of the ONNX initialisers, and the acceptance check on real frames
// (cockatoo.mp4 at 1 fps: ImageNet class 89 in the top-5 on most frames that show the bird).

#include <algorithm>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <gtest/gtest.h>
#include <numeric>

#include <onnx/onnx_pb.h>

#include "core/features/FeatureExtractor.h"
#include "core/video/FrameSampler.h"
#include "tests/support/TestSupport.h"

using namespace tl::features;

namespace {

std::unique_ptr<FeatureExtractor> zooMobileNet(const std::filesystem::path& onnx)
{
    ModelSpec spec;
    spec.model = "mobilenetv2";
    spec.weights = onnx;
    spec.device = tl::ComputeDevice::cpu();
    return createExtractor(spec);
}

// Element i of an int8 / uint8 / int32 / float initialiser, read the plain way.
double element(const onnx::TensorProto& t, std::size_t i)
{
    if (t.data_type() == onnx::TensorProto::FLOAT)
        return t.float_data_size() ? t.float_data(static_cast<int>(i)) : reinterpret_cast<const float*>(t.raw_data().data())[i];
    if (!t.raw_data().empty()) {
        if (t.data_type() == onnx::TensorProto::INT8) return static_cast<signed char>(t.raw_data()[i]);
        if (t.data_type() == onnx::TensorProto::UINT8) return static_cast<unsigned char>(t.raw_data()[i]);
        std::int32_t v;
        std::memcpy(&v, t.raw_data().data() + 4 * i, 4);
        return v;
    }
    return t.int32_data(static_cast<int>(i));
}

}  // namespace

TEST(MobileNetV2Onnx, DequantisedWeightsMatchBruteForce)
{
    TL_REQUIRE_SHARED(onnxPath, "models/mobilenetv2-12-int8.onnx");
    onnx::ModelProto model;
    std::ifstream in(onnxPath, std::ios::binary);
    ASSERT_TRUE(model.ParseFromIstream(&in));
    std::map<std::string, const onnx::TensorProto*> init;
    for (const auto& t : model.graph().initializer())
        init[t.name()] = &t;
    std::vector<const onnx::NodeProto*> convs;
    for (const auto& n : model.graph().node())
        if (n.op_type() == "QLinearConv")
            convs.push_back(&n);
    ASSERT_EQ(convs.size(), 52u);

    auto net = zooMobileNet(onnxPath);
    EXPECT_FALSE(net->randomWeights());
    EXPECT_EQ(net->provenance().rfind("pretrained:mobilenetv2-12-int8.onnx sha256=", 0), 0u);

    // conv index in graph order -> torchvision parameter name
    const std::vector<std::pair<int, std::string>> checks = {
        {0, "features.0.0"}, {1, "features.1.conv.0.0"}, {2, "features.1.conv.1"},
        {3, "features.2.conv.0.0"}, {4, "features.2.conv.1.0"}, {50, "features.17.conv.2"}, {51, "features.18.0"}};
    for (const auto& [index, name] : checks) {
        SCOPED_TRACE(name);
        const auto& node = *convs[static_cast<std::size_t>(index)];
        const auto& q = *init.at(node.input(3));
        const auto& scale = *init.at(node.input(4));
        const auto& zero = *init.at(node.input(5));
        const auto& bias = *init.at(node.input(8));
        const double inputScale = element(*init.at(node.input(1)), 0);
        const std::vector<float> w = net->parameterValues(name + ".weight");
        const std::vector<float> b = net->parameterValues(name + ".bias");
        const std::size_t outChannels = static_cast<std::size_t>(q.dims(0));
        const std::size_t per = w.size() / outChannels;
        for (std::size_t i = 0; i < w.size(); i += 1 + w.size() / 97) {  // ~100 elements spread over the tensor
            const std::size_t c = i / per;
            const double expected = element(scale, c) * (element(q, i) - element(zero, c));
            ASSERT_NEAR(w[i], expected, 1e-7 + 1e-6 * std::abs(expected)) << "element " << i;
        }
        for (std::size_t c = 0; c < outChannels; ++c)
            ASSERT_NEAR(b[c], element(bias, c) * inputScale * element(scale, c), 1e-6 + 1e-5 * std::abs(b[c]));
    }
    // Classifier: ONNX stores B as [1280, 1000] with a scale per output column.
    const onnx::NodeProto* matmul = nullptr;
    for (const auto& n : model.graph().node())
        if (n.op_type() == "QLinearMatMul")
            matmul = &n;
    ASSERT_NE(matmul, nullptr);
    const auto& q = *init.at(matmul->input(3));
    const auto& scale = *init.at(matmul->input(4));
    const auto& zero = *init.at(matmul->input(5));
    const std::vector<float> w = net->parameterValues("classifier.1.weight");  // [1000, 1280]
    for (std::size_t o : {0u, 89u, 999u})
        for (std::size_t i : {0u, 640u, 1279u})
            EXPECT_NEAR(w[o * 1280 + i], element(scale, o) * (element(q, i * 1000 + o) - element(zero, o)), 1e-7);
}

TEST(MobileNetV2Onnx, CockatooIsInTheTop5OnMostFrames)
{
    TL_REQUIRE_VIDEO();
    TL_REQUIRE_SHARED(onnxPath, "models/mobilenetv2-12-int8.onnx");
    TL_REQUIRE_SHARED(video, "videos/cockatoo.mp4");
    tl::video::SamplerOptions options;
    options.fps = 1;
    options.thumbWidth = 0;
    options.dropUniform = false;
    options.strategy = tl::video::SamplingStrategy::Sequential;
    const auto frames = tl::video::FrameSampler(options).sampleAll(video);
    ASSERT_GE(frames.size(), 10u);
    std::vector<float> batch;
    for (const auto& f : frames)
        batch.insert(batch.end(), f.chw.begin(), f.chw.end());

    if (const char* dump = std::getenv("TL_DUMP_FRAMES")) {
        std::ofstream out(dump, std::ios::binary);
        out.write(reinterpret_cast<const char*>(batch.data()), static_cast<std::streamsize>(batch.size() * sizeof(float)));
    }
    auto net = zooMobileNet(onnxPath);
    const tl::RowMatrixF logits = net->classify(batch.data(), frames.size());
    if (const char* dump = std::getenv("TL_DUMP_LOGITS")) {
        std::ofstream out(dump, std::ios::binary);
        out.write(reinterpret_cast<const char*>(logits.data()), static_cast<std::streamsize>(logits.size() * sizeof(float)));
    }
    // What each sampled frame shows in its 224 x 224 centre crop (looked at: frames dumped
    // with TL_DUMP_FRAMES), and the answers measured here. The cockatoo's head is in the
    // crop and in focus at 0-3 s and 9-11 s; at 4-7 s the crop is an extreme close-up of the
    // black beak, at 8 s a blurred back of the head, at 12-13 s the crop cuts the head off
    // (only the crest's edge and the body are left).
    struct Known {
        bool birdVisible;
        bool inTop5;  // measured: class 89 in the top-5
    };
    const Known known[14] = {{true, false}, {true, true},   {true, false},  {true, true},  {false, false},
                             {false, false}, {false, false}, {false, false}, {false, false}, {true, true},
                             {true, true},   {true, true},   {false, true},  {false, false}};
    // The same tensors through an independent reference (Python: the int8 graph evaluated op
    // by op with ONNX Runtime's QLinear* integer semantics, and the float network with
    // dequantised weights) agree: float logits within 3e-5 of these; exact int8 has class 89
    // in the top-5 on the same visible frames (1, 3, 9, 10, 11) and 5 of 14 overall (it loses
    // 12 s, rank 12 there). ffmpeg + PIL preprocessing (torchvision's Resize(256) +
    // CenterCrop(224)) gives the same input within 0.15 grey levels on average.
    ASSERT_EQ(frames.size(), 14u);
    int top5 = 0, top1 = 0, visible = 0, visibleTop5 = 0, asRecorded = 0;
    for (Eigen::Index r = 0; r < logits.rows(); ++r) {
        std::vector<int> order(1000);
        std::iota(order.begin(), order.end(), 0);
        std::partial_sort(order.begin(), order.begin() + 5, order.end(),
                          [&](int a, int b) { return logits(r, a) > logits(r, b); });
        const bool hit = std::find(order.begin(), order.begin() + 5, 89) != order.begin() + 5;
        const Known& k = known[r];
        top5 += hit;
        top1 += order[0] == 89;
        visible += k.birdVisible;
        visibleTop5 += k.birdVisible && hit;
        asRecorded += hit == k.inTop5;
        std::cout << "  t=" << frames[static_cast<std::size_t>(r)].timestamp << "s " << (k.birdVisible ? "visible" : "hidden ")
                  << " top-5:";
        for (int i = 0; i < 5; ++i)
            std::cout << ' ' << order[static_cast<std::size_t>(i)];
        std::cout << (hit ? "  <- 89" : "") << '\n';
    }
    std::cout << "[ cockatoo ] class 89 in top-5 on " << visibleTop5 << " of " << visible
              << " frames where the bird's head is in the crop; " << top5 << " of " << frames.size()
              << " overall, top-1 on " << top1 << "\n";
    // Measured: 5 of 7 visible (6 of 14 overall, top-1 on 3: 3, 10, 11 s). Random weights give 0.
    EXPECT_GE(visibleTop5, 5) << "class 89 should be in the top-5 on most frames that show the cockatoo";
    EXPECT_GE(top5, 6);
    EXPECT_GE(top1, 3);
    EXPECT_GE(asRecorded, 13) << "the per-frame answers moved from the recorded ones by more than one frame";

    // The pooled features are what the classifier sees.
    const tl::RowMatrixF features = net->forward(batch.data(), 2);
    EXPECT_EQ(features.cols(), 1280);
    EXPECT_GE(features.minCoeff(), 0.f);  // after the ReLU6 clamp
}
