#include "core/session/DeviceInfo.h"

#include <dlfcn.h>

#include <thread>

#include "core/features/FeatureExtractor.h"

namespace tl::session {

namespace {

std::string cudaDriverDeviceName()
{
    void* lib = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (!lib)
        return {};
    using InitFn = int (*)(unsigned int);
    using GetFn = int (*)(int*, int);
    using NameFn = int (*)(char*, int, int);
    auto init = reinterpret_cast<InitFn>(dlsym(lib, "cuInit"));
    auto get = reinterpret_cast<GetFn>(dlsym(lib, "cuDeviceGet"));
    auto name = reinterpret_cast<NameFn>(dlsym(lib, "cuDeviceGetName"));
    std::string result;
    int device = 0;
    char buffer[256] = {};
    if (init && get && name && init(0) == 0 && get(&device, 0) == 0 && name(buffer, sizeof buffer, device) == 0)
        result = buffer;
    // libcuda stays loaded: LibTorch uses it too.
    return result;
}

DeviceInfo detect()
{
    DeviceInfo info;
    bool cuda = false;
    try {
        cuda = features::cudaAvailable();
    } catch (...) {
        cuda = false;
    }
    if (cuda) {
        info.cuda = true;
        info.name = cudaDriverDeviceName();
        if (info.name.empty())
            info.name = "CUDA GPU";
        info.description = "CUDA: " + info.name;
    } else {
        info.name = "CPU";
        info.description = "CPU (" + std::to_string(std::max(1u, std::thread::hardware_concurrency())) + " threads)";
    }
    return info;
}

}  // namespace

const DeviceInfo& computeDevice()
{
    static const DeviceInfo info = detect();
    return info;
}

}  // namespace tl::session
