#pragma once
// Offline neighbour lists computed with LibTorch on a compute device: CUDA when
// this LibTorch has it (a user's CUDA build), or LibTorch's CPU kernels ("cpu",
// which is how the tests check this route against the blockwise engine and the
// brute force). Same definition as computeNeighbours (method.md 2-3):
//   MUP = W MIP (formula 3), built on the device in chunks of users from the
//   sparse relevance weights (only W's non-zeros cross the bus);
//   cosine of MUP rows (formula 4) in blocks of users, never a dense
//   users x users matrix unless it fits one block;
//   the kMax most similar active users per active user, self excluded, in the
//   ranking order of Neighbours.h (cosine rounded to 12 decimals, then user id),
//   all in float64: the same lists as the CPU engine.
//
// Only this file's .cpp includes torch headers (they cost ~30 s per TU).

#include <cstdint>
#include <string>

#include "core/cf/Neighbours.h"
#include "core/cf/Profiles.h"
#include "core/common/ComputeDevice.h"
#include "core/common/JobContext.h"

namespace tl {

struct DeviceNeighbourStats {
    std::string device;       // as LibTorch names it, e.g. "cuda:0"
    double flops = 0;         // W MIP and the similarity products
    std::size_t blockRows = 0;
};

// The CUDA devices this LibTorch can use (0 for a CPU-only build or no GPU).
int visibleCudaDevices();
// device.resolve(visibleCudaDevices()): auto becomes cuda or cpu; ConfigError naming
// the device when this build or machine cannot use it. Never asks CUDA for "cpu".
ComputeDevice resolveComputeDevice(const ComputeDevice& device);

NeighbourLists computeNeighboursOnDevice(const RelevanceMatrix& w, const ItemProfiles& items, int kMax,
                                         const ComputeDevice& device, const JobContext& ctx = JobContext::none(),
                                         DeviceNeighbourStats* stats = nullptr,
                                         std::size_t maxBlockBytes = std::size_t(1) << 30);

// Benchmark reference: median seconds of a plain float32 product [m x k] x [k x n]
// of random matrices on `device` (synchronised), over `reps` runs after a warm-up.
double timeDeviceProduct(std::int64_t m, std::int64_t k, std::int64_t n, const ComputeDevice& device, int reps);

}  // namespace tl
