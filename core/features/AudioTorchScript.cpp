// The LibTorch side of AudioTorchScriptModel: the only file of the audio models
// that includes torch headers (each such file costs ~30 s to compile).

#include "core/features/AudioTorchScript.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>

#include <torch/script.h>

#include "core/common/Error.h"
#include "core/features/ModelRegistry.h"
#include "core/features/Sha256.h"
#include "core/features/TorchDevice.h"

namespace tl::features {

namespace {

std::string shapeText(const torch::Tensor& t)
{
    std::ostringstream s;
    s << '[';
    for (std::int64_t d = 0; d < t.dim(); ++d)
        s << (d ? ", " : "") << t.size(d);
    s << ']';
    return s.str();
}

}  // namespace

struct AudioTorchScriptModel::Impl {
    std::filesystem::path file;
    torch::Device device;
    int bands, frames;
    torch::jit::script::Module module;
    std::string sha256;
    std::size_t dims = 0;

    explicit Impl(const AudioModelSpec& spec)
        : file(spec.file), device(torchdevice::choose(spec.device)), bands(spec.bands), frames(spec.frames)
    {
        if (bands < 1 || frames < 1)
            throw ModelError("audio model " + file.string() + ": the patch size must be positive (" +
                             std::to_string(bands) + " bands x " + std::to_string(frames) + " frames)");
        torchdevice::configureThreads(device, spec.cpuThreads);
        std::error_code ec;
        if (!std::filesystem::is_regular_file(file, ec))
            throw ModelError("audio model " + file.string() + ": no such file (give a TorchScript .pt file saved by "
                             "torch.jit.save; see docs/audio-models.md)");
        try {
            module = torch::jit::load(file.string(), device);
        } catch (const c10::Error& e) {
            throw ModelError("cannot load TorchScript model " + file.string() + ": " + e.what_without_backtrace());
        }
        module.eval();
        sha256 = sha256File(file);
        checkImported(file, sha256);
        torch::NoGradGuard noGrad;
        for (std::int64_t n : {1, 2}) {  // batch 2 as well: a model that drops the batch dimension is caught
            torch::Tensor y;
            try {
                y = run(torch::zeros({n, 1, bands, frames}, torch::TensorOptions(device).dtype(torch::kFloat)));
            } catch (const ModelError&) {
                throw;
            } catch (const std::exception& e) {
                throw ModelError("audio model " + file.string() + " fails on a [" + std::to_string(n) + ", 1, " +
                                 std::to_string(bands) + ", " + std::to_string(frames) +
                                 "] log-mel batch: " + e.what());
            }
            check(y, n);
            dims = static_cast<std::size_t>(y.size(1));
        }
    }

    torch::Tensor run(const torch::Tensor& x)
    {
        torch::IValue y = module.forward({x});
        if (y.isTuple() && !y.toTuple()->elements().empty() && y.toTuple()->elements()[0].isTensor())
            return y.toTuple()->elements()[0].toTensor();
        if (!y.isTensor())
            throw ModelError("audio model " + file.string() + " returns " + y.tagKind() +
                             ", not a tensor [N, D] (see docs/audio-models.md)");
        return y.toTensor();
    }

    void check(const torch::Tensor& y, std::int64_t n) const
    {
        if (y.dim() != 2 || y.size(0) != n || y.size(1) < 1)
            throw ModelError("audio model " + file.string() + " returns a tensor of shape " + shapeText(y) + " for " +
                             std::to_string(n) + " patches [" + std::to_string(n) + ", 1, " + std::to_string(bands) +
                             ", " + std::to_string(frames) + "]; expected rank 2: [" + std::to_string(n) +
                             ", D] with D >= 1 (see docs/audio-models.md)");
    }
};

AudioTorchScriptModel::AudioTorchScriptModel(const AudioModelSpec& spec) : impl_(std::make_unique<Impl>(spec)) {}
AudioTorchScriptModel::~AudioTorchScriptModel() = default;

std::string AudioTorchScriptModel::name() const { return "audio-torchscript:" + impl_->file.filename().string(); }
std::size_t AudioTorchScriptModel::featureDim() const { return impl_->dims; }
std::string AudioTorchScriptModel::provenance() const
{
    return "pretrained:" + impl_->file.filename().string() + " sha256=" + impl_->sha256;
}
std::string AudioTorchScriptModel::weightsId() const { return impl_->sha256; }
std::string AudioTorchScriptModel::deviceName() const { return torchdevice::describe(impl_->device, false, true); }
ComputeDevice AudioTorchScriptModel::device() const { return torchdevice::fromTorch(impl_->device); }

RowMatrixF AudioTorchScriptModel::forward(const float* patches, std::size_t n, std::size_t padTo)
{
    torch::NoGradGuard noGrad;
    const auto count = static_cast<std::int64_t>(std::max(n, padTo));
    const std::int64_t patchFloats = static_cast<std::int64_t>(impl_->bands) * impl_->frames;
    torch::Tensor x;
    if (count > static_cast<std::int64_t>(n)) {
        x = torch::full({count, 1, impl_->bands, impl_->frames}, -100.0f, torch::kFloat);
        std::memcpy(x.data_ptr<float>(), patches, sizeof(float) * n * static_cast<std::size_t>(patchFloats));
    } else {
        x = torch::from_blob(const_cast<float*>(patches), {count, 1, impl_->bands, impl_->frames}, torch::kFloat);
    }
    torch::Tensor y = impl_->run(x.to(impl_->device));
    impl_->check(y, count);
    y = y.slice(0, 0, static_cast<std::int64_t>(n));
    if (static_cast<std::size_t>(y.size(1)) != impl_->dims)
        throw ModelError(name() + " returned " + std::to_string(y.size(1)) + " values per patch, " +
                         std::to_string(impl_->dims) + " at load time");
    y = y.to(torch::kCPU, torch::kFloat).contiguous();
    RowMatrixF m(y.size(0), y.size(1));
    std::memcpy(m.data(), y.data_ptr<float>(), sizeof(float) * static_cast<std::size_t>(y.numel()));
    for (Eigen::Index r = 0; r < m.rows(); ++r)
        if (!m.row(r).allFinite())
            throw ModelError(name() + " returned a non-finite value for patch " + std::to_string(r + 1) + " of " +
                             std::to_string(n) + " in a batch");
    return m;
}

}  // namespace tl::features
