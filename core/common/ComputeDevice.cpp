#include "core/common/ComputeDevice.h"

#include <charconv>

#include "core/common/Error.h"

namespace tl {

ComputeDevice ComputeDevice::parse(const std::string& text)
{
    if (text == "auto")
        return automatic();
    if (text == "cpu")
        return cpu();
    if (text == "cuda")
        return cuda();
    if (text.rfind("cuda:", 0) == 0) {
        const char* first = text.data() + 5;
        const char* last = text.data() + text.size();
        int index = -1;
        const auto [ptr, ec] = std::from_chars(first, last, index);
        if (first != last && *first != '-' && *first != '+' && ec == std::errc() && ptr == last)
            return cuda(index);
        throw ConfigError("device '" + text + "': the CUDA device number must be a whole number 0, 1, ... (cuda:0)");
    }
    throw ConfigError("device '" + text + "': expected cpu, cuda, cuda:N (N = 0, 1, ...) or auto");
}

std::string ComputeDevice::str() const
{
    switch (kind_) {
    case Kind::Auto: return "auto";
    case Kind::Cpu: return "cpu";
    case Kind::Cuda: return index_ < 0 ? "cuda" : "cuda:" + std::to_string(index_);
    }
    return "auto";
}

ComputeDevice ComputeDevice::resolve(int cudaDevices) const
{
    if (isCpu())
        return *this;
    if (isAuto())
        return cudaDevices > 0 ? cuda() : cpu();
    if (cudaDevices <= 0)
        throw ConfigError("device '" + str() +
                          "': this LibTorch has no CUDA or no GPU is visible; build against a CUDA LibTorch "
                          "(README, GPU servers) or use cpu");
    if (index_ >= cudaDevices)
        throw ConfigError("device '" + str() + "': only " + std::to_string(cudaDevices) +
                          " CUDA device(s) visible (cuda:0" +
                          (cudaDevices > 1 ? " to cuda:" + std::to_string(cudaDevices - 1) : std::string()) + ")");
    return *this;
}

}  // namespace tl
