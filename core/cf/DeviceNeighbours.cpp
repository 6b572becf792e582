#include "core/cf/DeviceNeighbours.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include <torch/torch.h>

#include "core/common/Error.h"

namespace tl {

std::string resolveComputeDevice(const std::string& device)
{
    const bool cuda = torch::cuda::is_available();
    if (device == "auto")
        return cuda ? "cuda" : "cpu";
    if (device == "cpu")
        return device;
    if (device == "cuda" || device.rfind("cuda:", 0) == 0) {
        if (!cuda)
            throw ConfigError("device '" + device +
                              "': this LibTorch has no CUDA or no GPU is visible (torch::cuda::is_available() is "
                              "false); build against a CUDA LibTorch (README, GPU servers) or use cpu");
        try {
            const torch::Device parsed(device);
            if (parsed.has_index() && parsed.index() >= static_cast<int>(torch::cuda::device_count()))
                throw ConfigError("device '" + device + "': only " + std::to_string(torch::cuda::device_count()) +
                                  " CUDA device(s) visible");
        } catch (const c10::Error& e) {
            throw ConfigError("device '" + device + "': " + e.what_without_backtrace());
        }
        return device;
    }
    throw ConfigError("device '" + device + "': expected cpu, cuda, cuda:N or auto");
}

NeighbourLists computeNeighboursOnDevice(const RelevanceMatrix& w, const ItemProfiles& items, int kMax,
                                         const std::string& device, const JobContext& ctx,
                                         DeviceNeighbourStats* stats, std::size_t maxBlockBytes)
{
    torch::NoGradGuard noGrad;
    const torch::Device dev(resolveComputeDevice(device));
    const auto users = static_cast<std::int64_t>(w.users);
    const auto profiled = static_cast<std::int64_t>(items.values.rows());
    const auto dims = static_cast<std::int64_t>(items.values.cols());
    NeighbourLists lists(w.users, std::max(kMax, 0));
    DeviceNeighbourStats local;
    local.device = dev.str();
    if (users == 0 || kMax <= 0 || profiled == 0 || dims == 0) {
        if (stats)
            *stats = local;
        return lists;
    }
    const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
    const auto i64 = torch::TensorOptions().dtype(torch::kInt64);
    const torch::Tensor mip =
        torch::from_blob(const_cast<float*>(items.values.data()), {profiled, dims}, f32).to(dev);

    // Row-normalised MUP, users x F on the device. Each chunk of users gets a
    // dense W chunk filled from W's non-zeros on the device, then one GEMM.
    torch::Tensor pn = torch::empty({users, dims}, f32.device(dev));
    std::vector<char> active(w.users, 0);
    const std::int64_t budget = static_cast<std::int64_t>(std::max<std::size_t>(maxBlockBytes / 4, 1));
    const std::int64_t chunk =
        std::clamp<std::int64_t>(std::min(budget / (4 * profiled), budget / (8 * dims)), 1, users);
    for (std::int64_t first = 0; first < users; first += chunk) {
        ctx.checkCancelled();
        const std::int64_t rows = std::min(chunk, users - first);
        const std::size_t begin = w.offsets[static_cast<std::size_t>(first)],
                          end = w.offsets[static_cast<std::size_t>(first + rows)];
        std::vector<std::int64_t> at(end - begin);
        for (std::int64_t k = 0; k < rows; ++k) {
            const auto u = static_cast<std::size_t>(first + k);
            for (std::size_t e = w.offsets[u]; e < w.offsets[u + 1]; ++e)
                at[e - begin] = k * profiled + static_cast<std::int64_t>(w.rows[e]);
        }
        torch::Tensor wc = torch::zeros({rows, profiled}, f32.device(dev));
        if (end > begin) {
            const auto count = static_cast<std::int64_t>(end - begin);
            const torch::Tensor index = torch::from_blob(at.data(), {count}, i64).to(dev);
            const torch::Tensor values =
                torch::from_blob(const_cast<float*>(w.weights.data() + begin), {count}, f32).to(dev);
            wc.view({-1}).index_copy_(0, index, values);
        }
        torch::Tensor pc = wc.mm(mip);
        wc = torch::Tensor();
        // |MUP(u)| in double, as the CPU engine; all-zero profiles stay zero.
        const torch::Tensor norms = pc.to(torch::kFloat64).norm(2, {1});
        const torch::Tensor inverse =
            torch::where(norms > 0, norms.reciprocal(), torch::zeros_like(norms)).to(torch::kFloat32);
        pn.narrow(0, first, rows).copy_(pc.mul_(inverse.unsqueeze(1)));
        const torch::Tensor isActive = (norms > 0).to(torch::kCPU).to(torch::kUInt8).contiguous();
        std::copy_n(isActive.data_ptr<std::uint8_t>(), rows, active.begin() + first);
        ctx.report("profiles", static_cast<double>(first + rows), static_cast<double>(users));
    }
    local.flops += 2.0 * static_cast<double>(users) * static_cast<double>(profiled) * static_cast<double>(dims);

    // Cosine blocks and top-k on the device; only the k best cross back.
    std::vector<std::uint8_t> inactiveHost(w.users);
    for (std::size_t v = 0; v < w.users; ++v)
        inactiveHost[v] = active[v] ? 0 : 1;
    const torch::Tensor inactive =
        torch::from_blob(inactiveHost.data(), {1, users}, torch::TensorOptions().dtype(torch::kBool)).to(dev);
    const std::int64_t block = std::clamp<std::int64_t>(budget / users, 1, users);
    const std::int64_t k = std::min<std::int64_t>(kMax, users);
    const float minusInf = -std::numeric_limits<float>::infinity();
    const torch::Tensor pnT = pn.t();
    std::vector<Neighbour> top;
    for (std::int64_t first = 0; first < users; first += block) {
        ctx.checkCancelled();
        const std::int64_t rows = std::min(block, users - first);
        torch::Tensor s = pn.narrow(0, first, rows).mm(pnT);
        s.masked_fill_(inactive, minusInf);
        s.diagonal(first).fill_(minusInf);
        auto [values, indices] = s.topk(k, 1, /*largest=*/true, /*sorted=*/true);
        s = torch::Tensor();
        const torch::Tensor hostValues = values.to(torch::kCPU).contiguous();
        const torch::Tensor hostIndices = indices.to(torch::kCPU).contiguous();
        const float* value = hostValues.data_ptr<float>();
        const std::int64_t* index = hostIndices.data_ptr<std::int64_t>();
        for (std::int64_t r = 0; r < rows; ++r) {
            const auto u = static_cast<std::size_t>(first + r);
            if (!active[u])
                continue;
            top.clear();
            for (std::int64_t j = 0; j < k; ++j)
                if (value[r * k + j] != minusInf)
                    top.push_back({static_cast<std::uint32_t>(index[r * k + j]), value[r * k + j]});
            // torch::topk leaves equal values in any order: restore the CPU engine's.
            std::stable_sort(top.begin(), top.end(), [](const Neighbour& a, const Neighbour& b) {
                return a.similarity != b.similarity ? a.similarity > b.similarity : a.user < b.user;
            });
            lists.set(u, top);
        }
        ctx.report("similarity", static_cast<double>(first + rows), static_cast<double>(users));
    }
    local.flops += 2.0 * static_cast<double>(users) * static_cast<double>(users) * static_cast<double>(dims);
    local.blockRows = static_cast<std::size_t>(block);
    if (stats)
        *stats = local;
    return lists;
}

double timeDeviceProduct(std::int64_t m, std::int64_t k, std::int64_t n, const std::string& device, int reps)
{
    torch::NoGradGuard noGrad;
    const torch::Device dev(resolveComputeDevice(device));
    const auto options = torch::TensorOptions().dtype(torch::kFloat32).device(dev);
    const torch::Tensor a = torch::rand({m, k}, options), b = torch::rand({n, k}, options);
    std::vector<double> times;
    for (int rep = 0; rep <= std::max(reps, 1); ++rep) {
        const auto start = std::chrono::steady_clock::now();
        const torch::Tensor c = a.mm(b.t());
        (void)c[0][0].item<float>();  // waits for the device
        if (rep > 0)  // the first run warms up kernels and allocators
            times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

}  // namespace tl
