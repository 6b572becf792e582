#pragma once
// LibTorch device plumbing shared by the .cpp files that run LibTorch models
// (TorchExtractors.cpp, AudioTorchScript.cpp). Include it only from such a file:
// it names c10::Device (a small header, not torch/torch.h), and nothing else in
// the code base needs it.

#include <string>

#include <c10/core/Device.h>

#include "core/common/ComputeDevice.h"

namespace tl::features::torchdevice {

// The device of `wanted`, resolved against the CUDA devices this LibTorch sees
// (ConfigError, from ComputeDevice::resolve, when it cannot be used).
c10::Device choose(const ComputeDevice& wanted);
ComputeDevice fromTorch(const c10::Device& device);
// "cuda", "cuda:1", "cuda (half)"; "cpu" or, with threads, "cpu (N threads)".
std::string describe(const c10::Device& device, bool half, bool threads);
// On the CPU: LibTorch's thread count (0: all hardware threads).
void configureThreads(const c10::Device& device, int threads);

}  // namespace tl::features::torchdevice
