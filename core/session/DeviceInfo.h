#pragma once
// A human-readable description of the compute device the feature models run on:
// "CPU (N threads)" or the CUDA GPU's name. The GPU name is read from the CUDA
// driver (libcuda) when LibTorch reports CUDA; nothing is required at build time.

#include <string>

namespace tl::session {

struct DeviceInfo {
    bool cuda = false;
    std::string name;         // "NVIDIA H100 80GB HBM3" or "CPU"
    std::string description;  // for a status bar: "CUDA: NVIDIA ..." / "CPU (2 threads)"
};

// Cheap after the first call (cached, thread-safe).
const DeviceInfo& computeDevice();

}  // namespace tl::session
