// Models behind FeatureExtractor: torchvision's layout (parameter names, shapes),
// explicit random weights, the safetensors reader/writer and the weights round trip
// with Python (models/export_weights.py run by Debian's python3-torch).

#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>

#include "core/common/Error.h"
#include "core/features/FeatureExtractor.h"
#include "core/features/Safetensors.h"
#include "core/common/Random.h"
#include "core/features/Sha256.h"
#include "tests/support/TestSupport.h"

using namespace tl::features;
using tl::RowMatrixF;

namespace {

ModelSpec randomSpec(const std::string& model, std::uint64_t seed = 7)
{
    ModelSpec spec;
    spec.model = model;
    spec.randomSeed = seed;
    spec.device = tl::ComputeDevice::cpu();
    return spec;
}

// torchvision's VGG `features` conv indices (a conv + ReLU take two slots, a pool one).
std::vector<int> torchvisionConvIndices(const std::string& model)
{
    if (model == "vgg11") return {0, 3, 6, 8, 11, 13, 16, 18};
    if (model == "vgg16") return {0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28};
    return {0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34};
}

std::string pythonWithTorch() { return tl::test::pythonWith("torch, numpy"); }

}  // namespace

TEST(Sha256, KnownAnswers)
{
    EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    Sha256 incremental;  // block boundaries crossed in odd pieces
    const std::string million(1000000, 'a');
    for (std::size_t i = 0; i < million.size(); i += 997)
        incremental.update(std::string_view(million).substr(i, 997));
    EXPECT_EQ(incremental.hex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(VggLayout, ParameterNamesAndShapesMatchTorchvision)
{
    for (const std::string model : {"vgg11", "vgg16", "vgg19"}) {
        SCOPED_TRACE(model);
        auto extractor = createExtractor(randomSpec(model));
        EXPECT_EQ(extractor->featureDim(), 25088u);
        const auto params = extractor->parameterShapes();
        const auto indices = torchvisionConvIndices(model);
        ASSERT_EQ(params.size(), 2 * indices.size());
        int in = 3;
        std::size_t i = 0;
        for (int c : vggConfig(model)) {
            if (c == 0)
                continue;
            const std::string prefix = "features." + std::to_string(indices[i / 2]);
            EXPECT_EQ(params[i].first, prefix + ".weight");
            EXPECT_EQ(params[i].second, (std::vector<std::int64_t>{c, in, 3, 3}));
            EXPECT_EQ(params[i + 1].first, prefix + ".bias");
            EXPECT_EQ(params[i + 1].second, (std::vector<std::int64_t>{c}));
            i += 2;
            in = c;
        }
    }
}

TEST(VggLayout, RandomWeightsOnlyWhenAskedSeededAndStamped)
{
    ModelSpec none;
    none.model = "vgg16";
    EXPECT_THROW(createExtractor(none), tl::ModelError);

    auto a = createExtractor(randomSpec("vgg11", 5));
    auto b = createExtractor(randomSpec("vgg11", 5));
    auto c = createExtractor(randomSpec("vgg11", 6));
    EXPECT_TRUE(a->randomWeights());
    EXPECT_EQ(a->provenance(), "RANDOM WEIGHTS (seed 5)");
    EXPECT_EQ(a->weightsId(), "random-seed-5");
    EXPECT_EQ(a->parameterValues("features.3.weight"), b->parameterValues("features.3.weight"));
    EXPECT_NE(a->parameterValues("features.3.weight"), c->parameterValues("features.3.weight"));
    EXPECT_THROW(createExtractor(randomSpec("vgg13")), tl::ModelError);
}

TEST(MobileNetLayout, TorchvisionNamesAndFeatureSizes)
{
    auto pooled = createExtractor(randomSpec("mobilenetv2"));
    EXPECT_EQ(pooled->featureDim(), 1280u);
    const auto params = pooled->parameterShapes();
    ASSERT_EQ(params.size(), 2u * 52 + 2);  // 52 convs with folded-BN biases + classifier
    EXPECT_EQ(params.front().first, "features.0.0.weight");
    EXPECT_EQ(params.front().second, (std::vector<std::int64_t>{32, 3, 3, 3}));
    auto has = [&](const std::string& name, std::vector<std::int64_t> shape) {
        for (const auto& p : params)
            if (p.first == name)
                return p.second == shape;
        return false;
    };
    EXPECT_TRUE(has("features.1.conv.0.0.weight", {32, 1, 3, 3}));     // t = 1 block: depthwise first
    EXPECT_TRUE(has("features.1.conv.1.weight", {16, 32, 1, 1}));
    EXPECT_TRUE(has("features.2.conv.0.0.weight", {96, 16, 1, 1}));    // expand
    EXPECT_TRUE(has("features.2.conv.1.0.weight", {96, 1, 3, 3}));     // depthwise
    EXPECT_TRUE(has("features.2.conv.2.weight", {24, 96, 1, 1}));      // project
    EXPECT_TRUE(has("features.17.conv.2.weight", {320, 960, 1, 1}));
    EXPECT_TRUE(has("features.18.0.weight", {1280, 320, 1, 1}));
    EXPECT_TRUE(has("classifier.1.weight", {1000, 1280}));

    const int s = 224;
    std::vector<float> frames(2 * 3 * s * s);
    tl::Rng rng(1);
    for (float& v : frames) v = static_cast<float>(rng.normal());
    const RowMatrixF f = pooled->forward(frames.data(), 2);
    EXPECT_EQ(f.rows(), 2);
    EXPECT_EQ(f.cols(), 1280);
    EXPECT_EQ(pooled->classify(frames.data(), 2).cols(), 1000);

    ModelSpec mapSpec = randomSpec("mobilenetv2");
    mapSpec.mobilenetOutput = MobileNetOutput::Map;
    auto map = createExtractor(mapSpec);
    const RowMatrixF m = map->forward(frames.data(), 2);
    ASSERT_EQ(m.cols(), 1280 * 49);
    // The pooled features are the mean of the map's 7 x 7 cells per channel.
    for (int c : {0, 17, 1279})
        EXPECT_NEAR(m.row(1).segment(c * 49, 49).mean(), f(1, c), 1e-4f * (1 + std::abs(f(1, c))));
}

TEST(Safetensors, WriteReadRoundTripAndRejectsDamage)
{
    tl::test::TempDir dir;
    SafetensorsFile file;
    file.tensors["b"] = makeF32Tensor({1.f, -2.5f, 3.25f, 1e-20f, 7.f, 8.f}, {2, 3});
    file.tensors["a"] = makeF32Tensor({42.f}, {});
    file.metadata["model"] = "test";
    writeSafetensors(file, dir / "x.safetensors");
    const SafetensorsFile back = readSafetensors(dir / "x.safetensors");
    ASSERT_EQ(back.tensors.size(), 2u);
    EXPECT_EQ(back.tensors.at("b").shape, (std::vector<std::int64_t>{2, 3}));
    EXPECT_EQ(back.tensors.at("b").toFloat(), (std::vector<float>{1.f, -2.5f, 3.25f, 1e-20f, 7.f, 8.f}));
    EXPECT_EQ(back.tensors.at("a").toFloat(), std::vector<float>{42.f});
    EXPECT_EQ(back.metadata.at("model"), "test");

    // Truncated data section.
    const auto size = std::filesystem::file_size(dir / "x.safetensors");
    std::filesystem::resize_file(dir / "x.safetensors", size - 4);
    EXPECT_THROW(readSafetensors(dir / "x.safetensors"), tl::ModelError);
    tl::test::writeFile(dir / "y.safetensors", std::string("\xff\xff\xff\xff\xff\xff\xff\x7f{}", 10));
    EXPECT_THROW(readSafetensors(dir / "y.safetensors"), tl::ModelError);
    tl::test::writeFile(dir / "z.safetensors", std::string("\x02\0\0\0\0\0\0\0[]", 10));
    EXPECT_THROW(readSafetensors(dir / "z.safetensors"), tl::ModelError);
}

TEST(Safetensors, HalfPrecisionConversion)
{
    RawTensor t;
    t.dtype = "F16";
    t.shape = {4};
    const std::uint16_t halves[4] = {0x3c00, 0xc000, 0x0001, 0x7bff};  // 1, -2, smallest subnormal, 65504
    t.bytes.assign(reinterpret_cast<const unsigned char*>(halves), reinterpret_cast<const unsigned char*>(halves) + 8);
    const auto f = t.toFloat();
    EXPECT_EQ(f[0], 1.f);
    EXPECT_EQ(f[1], -2.f);
    EXPECT_FLOAT_EQ(f[2], 5.9604645e-8f);
    EXPECT_EQ(f[3], 65504.f);
}

// models/export_weights.py (the export script's own safetensors writer) -> C++ reader ->
// VGG11: exact tensors, and the same features as PyTorch on a fixed input.
TEST(WeightsRoundTrip, PythonExportLoadsExactlyAndGivesPythonsOutput)
{
    const std::string python = pythonWithTorch();
    if (python.empty())
        GTEST_SKIP() << "no python3 with torch + numpy (Debian: apt install python3-torch)";
    tl::test::TempDir dir;
    const std::string script = std::string(TRAILERLAB_SOURCE_DIR) + "/models/export_weights.py";
    const std::string command = python + " " + script + " vgg11 --random 11 --out " + dir.path().string() +
                                " --reference " + (dir / "ref.safetensors").string() + " > /dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;

    ModelSpec spec;
    spec.model = "vgg11";
    spec.weights = dir / "vgg11.safetensors";
    spec.device = tl::ComputeDevice::cpu();
    auto vgg = createExtractor(spec);
    EXPECT_FALSE(vgg->randomWeights());
    EXPECT_EQ(vgg->provenance(), "pretrained:vgg11.safetensors sha256=" + sha256File(spec.weights));

    const SafetensorsFile weights = readSafetensors(spec.weights);
    EXPECT_EQ(weights.tensors.size(), 16u);
    for (const auto& [name, shape] : vgg->parameterShapes()) {
        SCOPED_TRACE(name);
        ASSERT_TRUE(weights.tensors.count(name));
        EXPECT_EQ(weights.tensors.at(name).shape, shape);
        EXPECT_EQ(vgg->parameterValues(name), weights.tensors.at(name).toFloat());  // bit-exact
    }

    const SafetensorsFile ref = readSafetensors(dir / "ref.safetensors");
    const std::vector<float> input = ref.tensors.at("input").toFloat();
    const std::vector<float> expected = ref.tensors.at("output").toFloat();
    const RowMatrixF out = vgg->forward(input.data(), 1);
    ASSERT_EQ(static_cast<std::size_t>(out.size()), expected.size());
    double maxAbs = 0, maxDiff = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        maxAbs = std::max(maxAbs, static_cast<double>(std::abs(expected[i])));
        maxDiff = std::max(maxDiff, static_cast<double>(std::abs(expected[i] - out.data()[i])));
    }
    EXPECT_GT(maxAbs, 0.0);
    EXPECT_LT(maxDiff, 1e-4 * maxAbs) << "max |C++ - Python| " << maxDiff << " of max |value| " << maxAbs;

    // A file for another model is refused with a clear message, not loaded half-way.
    spec.model = "vgg16";
    EXPECT_THROW(createExtractor(spec), tl::ModelError);
}
