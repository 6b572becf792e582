// The LibTorch side of the models: VGG features, MobileNetV2 (torchvision layout,
// BatchNorm folded), a TorchScript wrapper, and createExtractor(). The only file
// of the extractors that includes torch headers (each costs ~30 s to compile).

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <thread>

#include <torch/script.h>
#include <torch/torch.h>

#include "core/common/Error.h"
#include "core/features/FeatureExtractor.h"
#include "core/features/MobileNetV2Weights.h"
#include "core/features/ModelRegistry.h"
#include "core/features/Safetensors.h"
#include "core/features/Sha256.h"
#include "core/features/TorchDevice.h"

namespace tl::features {

RowMatrixF FeatureExtractor::classify(const float*, std::size_t)
{
    throw ModelError(name() + " has no ImageNet classifier");
}

bool cudaAvailable() { return torch::cuda::is_available(); }

std::vector<int> vggConfig(const std::string& model)
{
    if (model == "vgg11")
        return {64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0};
    if (model == "vgg16")
        return {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};
    if (model == "vgg19")
        return {64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512, 0};
    throw ModelError("unknown VGG model '" + model + "' (vgg11, vgg16, vgg19)");
}

namespace torchdevice {

c10::Device choose(const ComputeDevice& wanted)
{
    const ComputeDevice d =
        wanted.isCpu() ? wanted : wanted.resolve(cudaAvailable() ? static_cast<int>(torch::cuda::device_count()) : 0);
    return d.isCuda() ? torch::Device(torch::kCUDA, static_cast<torch::DeviceIndex>(d.index())) : torch::Device(torch::kCPU);
}

ComputeDevice fromTorch(const c10::Device& device)
{
    return device.is_cuda() ? ComputeDevice::cuda(device.has_index() ? device.index() : -1) : ComputeDevice::cpu();
}

std::string describe(const c10::Device& device, bool half, bool threads)
{
    if (device.is_cuda())
        return fromTorch(device).str() + (half ? " (half)" : "");
    return threads ? "cpu (" + std::to_string(torch::get_num_threads()) + " threads)" : "cpu";
}

void configureThreads(const c10::Device& device, int threads)
{
    if (device.is_cpu()) {
        const int n = threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
        torch::set_num_threads(n);
    }
}

}  // namespace torchdevice

namespace {

using torchdevice::configureThreads;
using torchdevice::fromTorch;

torch::Device chooseDevice(const ComputeDevice& wanted) { return torchdevice::choose(wanted); }

std::string describeDevice(const torch::Device& device, bool half, bool threads)
{
    return torchdevice::describe(device, half, threads);
}

RowMatrixF toMatrix(torch::Tensor t)
{
    t = t.to(torch::kCPU, torch::kFloat).contiguous();
    t = t.reshape({t.size(0), -1});
    RowMatrixF m(t.size(0), t.size(1));
    std::memcpy(m.data(), t.data_ptr<float>(), sizeof(float) * static_cast<std::size_t>(t.numel()));
    return m;
}

// Creates (or finds) the plain nested module for a dotted path, so that parameters get
// torchvision's state_dict names ("features.1.conv.0.0.weight").
std::shared_ptr<torch::nn::Module> nestedModule(torch::nn::Module& root, const std::string& dottedPath)
{
    std::shared_ptr<torch::nn::Module> current;
    torch::nn::Module* parent = &root;
    std::size_t start = 0;
    while (start <= dottedPath.size()) {
        const std::size_t dot = dottedPath.find('.', start);
        const std::string part = dottedPath.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        std::shared_ptr<torch::nn::Module> child;
        for (const auto& item : parent->named_children())
            if (item.key() == part)
                child = item.value();
        if (!child)
            child = parent->register_module(part, std::make_shared<torch::nn::Module>());
        current = child;
        parent = child.get();
        if (dot == std::string::npos)
            break;
        start = dot + 1;
    }
    return current;
}

// ---------------------------------------------------------------------------
// Shared extractor plumbing: device, dtype, parameter listing, from_blob input.
class TorchExtractorBase : public FeatureExtractor {
public:
    TorchExtractorBase(std::string modelName, const ModelSpec& spec)
        : name_(std::move(modelName)), device_(chooseDevice(spec.device)), half_(spec.half && device_.is_cuda())
    {
        configureThreads(device_, spec.cpuThreads);
    }

    std::string name() const override { return name_; }
    std::string provenance() const override { return provenance_; }
    bool randomWeights() const override { return random_; }
    std::string weightsId() const override { return weightsId_; }
    bool halfPrecision() const override { return half_; }
    ComputeDevice device() const override { return fromTorch(device_); }
    std::string deviceName() const override { return describeDevice(device_, half_, true); }

    std::vector<std::pair<std::string, std::vector<std::int64_t>>> parameterShapes() const override
    {
        std::vector<std::pair<std::string, std::vector<std::int64_t>>> out;
        for (const auto& p : module().named_parameters())
            out.emplace_back(p.key(), p.value().sizes().vec());
        return out;
    }

    std::vector<float> parameterValues(const std::string& name) const override
    {
        for (const auto& p : module().named_parameters())
            if (p.key() == name) {
                torch::Tensor t = p.value().detach().to(torch::kCPU, torch::kFloat).contiguous();
                return {t.data_ptr<float>(), t.data_ptr<float>() + t.numel()};
            }
        throw ModelError(name_ + " has no parameter '" + name + "'");
    }

protected:
    virtual const torch::nn::Module& module() const = 0;

    torch::Tensor input(const float* frames, std::size_t n) const
    {
        const int s = inputSize();
        auto t = torch::from_blob(const_cast<float*>(frames), {static_cast<std::int64_t>(n), 3, s, s}, torch::kFloat);
        return t.to(device_, half_ ? torch::kHalf : torch::kFloat).contiguous(torch::MemoryFormat::ChannelsLast);
    }

    // Channels-last (NHWC) weights and inputs: oneDNN's and cuDNN's fast path; ~2x on
    // MobileNetV2's depthwise convs on CPU, neutral for VGG. Outputs are made NCHW-contiguous
    // again in toMatrix(), so feature order stays C, H, W.
    void finishSetup(torch::nn::Module& m)
    {
        m.eval();
        m.to(device_);
        if (half_)
            m.to(torch::kHalf);
        torch::NoGradGuard noGrad;
        for (auto& p : m.parameters())
            if (p.dim() == 4)
                p.set_data(p.contiguous(torch::MemoryFormat::ChannelsLast));
    }

    void stampPretrained(const std::filesystem::path& file)
    {
        weightsId_ = sha256File(file);
        checkImported(file, weightsId_);  // an imported file must still be the one imported
        provenance_ = "pretrained:" + file.filename().string() + " sha256=" + weightsId_;
        random_ = false;
    }
    void stampRandom(std::uint64_t seed)
    {
        weightsId_ = "random-seed-" + std::to_string(seed);
        provenance_ = "RANDOM WEIGHTS (seed " + std::to_string(seed) + ")";
        random_ = true;
    }

    std::string name_;
    torch::Device device_;
    bool half_;
    std::string provenance_;
    std::string weightsId_;
    bool random_ = false;
};

// ---------------------------------------------------------------------------
// VGG: torchvision's `features` (3x3 convs with padding 1 + ReLU, 2x2 max pools).
struct VggNet : torch::nn::Module {
    explicit VggNet(const std::vector<int>& config)
    {
        torch::nn::Sequential seq;
        int channels = 3;
        for (int c : config) {
            if (c == 0) {
                seq->push_back(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2).stride(2)));
            } else {
                seq->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, c, 3).padding(1)));
                seq->push_back(torch::nn::ReLU(torch::nn::ReLUOptions(true)));
                channels = c;
            }
        }
        features = register_module("features", seq);
    }
    torch::Tensor forward(torch::Tensor x)
    {
        x = features->forward(x);
        if (x.size(2) != 7 || x.size(3) != 7)  // torchvision's avgpool: identity at 224 x 224
            x = torch::adaptive_avg_pool2d(x, {7, 7});
        return x.flatten(1);
    }
    torch::nn::Sequential features{nullptr};
};

class VggExtractor : public TorchExtractorBase {
public:
    VggExtractor(const std::string& model, const ModelSpec& spec)
        : TorchExtractorBase(model, spec), net_(std::make_shared<VggNet>(vggConfig(model)))
    {
        torch::NoGradGuard noGrad;
        if (!spec.weights.empty()) {
            loadSafetensors(spec.weights);
            stampPretrained(spec.weights);
        } else if (spec.randomSeed) {
            torch::manual_seed(*spec.randomSeed);
            for (auto& m : net_->features->modules(false))  // torchvision's VGG init
                if (auto* conv = m->as<torch::nn::Conv2d>()) {
                    torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
                    torch::nn::init::zeros_(conv->bias);
                }
            stampRandom(*spec.randomSeed);
        } else {
            throw ModelError(model + " needs weights: none were given (" + ModelRegistry::weightsFileName(model) +
                             ", exported by models/export_weights.py), and random weights were not asked for");
        }
        finishSetup(*net_);
    }

    std::size_t featureDim() const override { return 512 * 7 * 7; }

    RowMatrixF forward(const float* frames, std::size_t n) override
    {
        torch::NoGradGuard noGrad;
        return toMatrix(net_->forward(input(frames, n)));
    }

protected:
    const torch::nn::Module& module() const override { return *net_; }

private:
    void loadSafetensors(const std::filesystem::path& path)
    {
        const SafetensorsFile file = readSafetensors(path);
        for (auto& p : net_->named_parameters()) {
            auto it = file.tensors.find(p.key());
            if (it == file.tensors.end())
                throw ModelError(path.string() + " has no tensor '" + p.key() + "': is it a " + name_ +
                                 " state_dict exported by models/export_weights.py?");
            if (it->second.shape != p.value().sizes().vec())
                throw ModelError(path.string() + ": tensor '" + p.key() + "' has shape " +
                                 c10::str(it->second.shape) + ", " + name_ + " expects " + c10::str(p.value().sizes()));
            const std::vector<float> values = it->second.toFloat();
            p.value().copy_(torch::from_blob(const_cast<float*>(values.data()), p.value().sizes(), torch::kFloat));
        }
    }

    std::shared_ptr<VggNet> net_;
};

// ---------------------------------------------------------------------------
// MobileNetV2 in torchvision's layout with BatchNorm folded into conv biases.
struct ClampedConv {
    torch::nn::Conv2d conv{nullptr};
    float lo, hi;
};

struct MobileNetNet : torch::nn::Module {
    // `weights` may be null: random initialisation with ReLU6 / identity ranges.
    explicit MobileNetNet(const MobileNetV2Weights* weights)
    {
        constexpr float inf = std::numeric_limits<float>::infinity();
        std::size_t convIndex = 0;
        auto addConv = [&](const std::string& path, int in, int out, int k, int stride, int groups, bool relu6) {
            auto conv = torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, k).stride(stride).padding(k / 2).groups(groups).bias(true));
            const auto slash = path.rfind('.');
            nestedModule(*this, path.substr(0, slash))->register_module(path.substr(slash + 1), conv);
            ClampedConv c{conv, relu6 ? 0.f : -inf, relu6 ? 6.f : inf};
            if (weights) {
                const FloatConv& f = weights->convs.at(convIndex);
                if (f.inChannels != in || f.outChannels != out || f.kernel != k || f.stride != stride || f.groups != groups)
                    throw ModelError("MobileNetV2 ONNX conv " + std::to_string(convIndex) + " ('" + f.name +
                                     "') does not match torchvision's layer " + path);
                torch::NoGradGuard g;
                conv->weight.copy_(torch::from_blob(const_cast<float*>(f.weight.data()), conv->weight.sizes()));
                conv->bias.copy_(torch::from_blob(const_cast<float*>(f.bias.data()), conv->bias.sizes()));
                c.lo = f.output.lo;
                c.hi = f.output.hi;
            }
            ++convIndex;
            return c;
        };

        first = addConv("features.0.0", 3, 32, 3, 2, 1, true);
        const int settings[7][4] = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2},
                                    {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
        int in = 32, index = 1;
        std::size_t residualIndex = 0;
        for (const auto& s : settings)
            for (int i = 0; i < s[2]; ++i, ++index) {
                const int stride = i == 0 ? s[3] : 1, out = s[1], hidden = in * s[0];
                const std::string base = "features." + std::to_string(index) + ".conv.";
                Block b;
                int sub = 0;
                if (s[0] != 1)
                    b.convs.push_back(addConv(base + std::to_string(sub++) + ".0", in, hidden, 1, 1, 1, true));
                b.convs.push_back(addConv(base + std::to_string(sub++) + ".0", hidden, hidden, 3, stride, hidden, true));
                b.convs.push_back(addConv(base + std::to_string(sub++), hidden, out, 1, 1, 1, false));
                b.residual = stride == 1 && in == out;
                if (b.residual) {
                    b.lo = -inf;
                    b.hi = inf;
                    if (weights) {
                        b.lo = weights->residuals.at(residualIndex).lo;
                        b.hi = weights->residuals.at(residualIndex).hi;
                    }
                    ++residualIndex;
                }
                blocks.push_back(b);
                in = out;
            }
        last = addConv("features.18.0", 320, 1280, 1, 1, 1, true);
        classifier = torch::nn::Linear(1280, 1000);
        nestedModule(*this, "classifier")->register_module("1", classifier);
        if (weights) {
            torch::NoGradGuard g;
            classifier->weight.copy_(torch::from_blob(const_cast<float*>(weights->classifierWeight.data()), {1000, 1280}));
            classifier->bias.copy_(torch::from_blob(const_cast<float*>(weights->classifierBias.data()), {1000}));
            inputRange = weights->input;
            pooled = weights->pooled;
            matmul = weights->matmul;
            logits = weights->logits;
        }
    }

    static torch::Tensor apply(const ClampedConv& c, const torch::Tensor& x) { return c.conv.ptr()->forward(x).clamp(c.lo, c.hi); }

    torch::Tensor lastMap(torch::Tensor x)
    {
        x = apply(first, x.clamp(inputRange.lo, inputRange.hi));
        for (const Block& b : blocks) {
            torch::Tensor y = x;
            for (const ClampedConv& c : b.convs)
                y = apply(c, y);
            x = b.residual ? (x + y).clamp(b.lo, b.hi) : y;
        }
        return apply(last, x);
    }
    torch::Tensor pool(const torch::Tensor& map) { return map.mean({2, 3}).clamp(pooled.lo, pooled.hi); }
    torch::Tensor classify(const torch::Tensor& pooledFeatures)
    {
        auto y = torch::matmul(pooledFeatures, classifier->weight.t()).clamp(matmul.lo, matmul.hi);
        return (y + classifier->bias).clamp(logits.lo, logits.hi);
    }

    struct Block {
        std::vector<ClampedConv> convs;
        bool residual = false;
        float lo = 0, hi = 0;
    };
    ClampedConv first, last;
    std::vector<Block> blocks;
    torch::nn::Linear classifier{nullptr};
    ClampRange inputRange, pooled, matmul, logits;
};

class MobileNetExtractor : public TorchExtractorBase {
public:
    MobileNetExtractor(const ModelSpec& spec) : TorchExtractorBase("mobilenetv2", spec), output_(spec.mobilenetOutput)
    {
        if (spec.randomSeed && spec.weights.empty()) {
            torch::manual_seed(*spec.randomSeed);
            net_ = std::make_shared<MobileNetNet>(nullptr);
            torch::NoGradGuard g;
            for (auto& p : net_->named_parameters())  // torchvision's init (no BatchNorm here)
                if (p.key().find("bias") != std::string::npos)
                    torch::nn::init::zeros_(p.value());
                else if (p.key().rfind("classifier", 0) == 0)
                    torch::nn::init::normal_(p.value(), 0, 0.01);
                else
                    torch::nn::init::kaiming_normal_(p.value(), 0.0, torch::kFanOut, torch::kReLU);
            stampRandom(*spec.randomSeed);
        } else {
            // Callers normally resolve the file through their own registry (with the project's folder).
            const std::filesystem::path file =
                ModelRegistry::standard().require("mobilenetv2", spec.weights,
                                                  "Import mobilenetv2-12-int8.onnx (ONNX Model Zoo) once, or ask for "
                                                  "random weights.");
            const MobileNetV2Weights w = loadMobileNetV2Onnx(file);
            net_ = std::make_shared<MobileNetNet>(&w);
            stampPretrained(file);
        }
        finishSetup(*net_);
    }

    std::size_t featureDim() const override { return output_ == MobileNetOutput::Pooled ? 1280 : 1280 * 7 * 7; }

    RowMatrixF forward(const float* frames, std::size_t n) override
    {
        torch::NoGradGuard noGrad;
        torch::Tensor map = net_->lastMap(input(frames, n));
        return toMatrix(output_ == MobileNetOutput::Pooled ? net_->pool(map) : map);
    }

    RowMatrixF classify(const float* frames, std::size_t n) override
    {
        torch::NoGradGuard noGrad;
        return toMatrix(net_->classify(net_->pool(net_->lastMap(input(frames, n)))));
    }

protected:
    const torch::nn::Module& module() const override { return *net_; }

private:
    MobileNetOutput output_;
    std::shared_ptr<MobileNetNet> net_;
};

// ---------------------------------------------------------------------------
// A user's TorchScript model: image [N,3,H,W] or clip [N,3,T,H,W] input, detected by a
// probe forward at load time; the output is flattened per sample.
class TorchScriptExtractor : public FeatureExtractor {
public:
    TorchScriptExtractor(const std::filesystem::path& file, const ModelSpec& spec)
        : device_(chooseDevice(spec.device)), half_(spec.half && device_.is_cuda()), file_(file)
    {
        configureThreads(device_, spec.cpuThreads);
        if (spec.randomSeed)
            throw ModelError("--random-weights does not apply to a TorchScript model: it carries its own weights");
        try {
            module_ = torch::jit::load(file.string(), device_);
        } catch (const c10::Error& e) {
            throw ModelError("cannot load TorchScript model " + file.string() + ": " + e.what_without_backtrace());
        }
        module_.eval();
        if (half_)
            module_.to(torch::kHalf);
        weightsId_ = sha256File(file);
        checkImported(file, weightsId_);
        torch::NoGradGuard noGrad;
        const auto dtype = half_ ? torch::kHalf : torch::kFloat;
        try {
            featureDim_ = static_cast<std::size_t>(run(torch::zeros({1, 3, 224, 224}, torch::TensorOptions(device_).dtype(dtype))).size(1));
        } catch (const std::exception&) {
            clip_ = std::max(1, spec.clipLength);
            try {
                featureDim_ = static_cast<std::size_t>(
                    run(torch::zeros({1, 3, clip_, 112, 112}, torch::TensorOptions(device_).dtype(dtype))).size(1));
            } catch (const std::exception& e) {
                throw ModelError("TorchScript model " + file.string() +
                                 " accepts neither [N,3,224,224] images nor [N,3,T,112,112] clips: " + e.what());
            }
        }
    }

    std::string name() const override { return "torchscript:" + file_.filename().string(); }
    std::size_t featureDim() const override { return featureDim_; }
    int inputSize() const override { return clip_ > 0 ? 112 : 224; }
    int framesPerSample() const override { return clip_ > 0 ? clip_ : 1; }
    std::string provenance() const override { return "pretrained:" + file_.filename().string() + " sha256=" + weightsId_; }
    bool randomWeights() const override { return false; }
    std::string weightsId() const override { return weightsId_; }
    ComputeDevice device() const override { return fromTorch(device_); }
    std::string deviceName() const override { return describeDevice(device_, half_, false); }

    RowMatrixF forward(const float* frames, std::size_t n) override
    {
        torch::NoGradGuard noGrad;
        const int s = inputSize();
        auto t = torch::from_blob(const_cast<float*>(frames), {static_cast<std::int64_t>(n), 3, s, s}, torch::kFloat);
        if (clip_ > 0) {
            if (n % static_cast<std::size_t>(clip_) != 0)
                throw ModelError(name() + ": frame count is not a multiple of the clip length");
            // n frames -> [clips, T, 3, S, S] -> [clips, 3, T, S, S]
            t = t.reshape({static_cast<std::int64_t>(n) / clip_, clip_, 3, s, s}).permute({0, 2, 1, 3, 4});
        }
        return toMatrix(run(t.to(device_, half_ ? torch::kHalf : torch::kFloat)));
    }

    std::vector<std::pair<std::string, std::vector<std::int64_t>>> parameterShapes() const override
    {
        std::vector<std::pair<std::string, std::vector<std::int64_t>>> out;
        for (const auto& p : module_.named_parameters())
            out.emplace_back(p.name, p.value.sizes().vec());
        return out;
    }
    std::vector<float> parameterValues(const std::string& name) const override
    {
        for (const auto& p : module_.named_parameters())
            if (p.name == name) {
                torch::Tensor t = p.value.detach().to(torch::kCPU, torch::kFloat).contiguous();
                return {t.data_ptr<float>(), t.data_ptr<float>() + t.numel()};
            }
        throw ModelError(this->name() + " has no parameter '" + name + "'");
    }

private:
    torch::Tensor run(const torch::Tensor& x)
    {
        torch::IValue y = module_.forward({x});
        torch::Tensor t = y.isTuple() ? y.toTuple()->elements().at(0).toTensor() : y.toTensor();
        return t.reshape({t.size(0), -1});
    }

    torch::Device device_;
    bool half_;
    std::filesystem::path file_;
    mutable torch::jit::script::Module module_;
    std::string weightsId_;
    std::size_t featureDim_ = 0;
    int clip_ = 0;
};

}  // namespace

std::unique_ptr<FeatureExtractor> createExtractor(const ModelSpec& spec)
{
    if (spec.model == "mobilenetv2")
        return std::make_unique<MobileNetExtractor>(spec);
    if (spec.model == "vgg11" || spec.model == "vgg16" || spec.model == "vgg19")
        return std::make_unique<VggExtractor>(spec.model, spec);
    if (spec.model.rfind("torchscript:", 0) == 0)
        return std::make_unique<TorchScriptExtractor>(spec.model.substr(12), spec);
    throw ModelError("unknown model '" + spec.model + "' (mobilenetv2, vgg11, vgg16, vgg19, torchscript:FILE)");
}

}  // namespace tl::features
