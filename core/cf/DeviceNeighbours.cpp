#include "core/cf/DeviceNeighbours.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include <torch/torch.h>

#include "core/common/Error.h"

namespace tl {

int visibleCudaDevices()
{
    return torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
}

ComputeDevice resolveComputeDevice(const ComputeDevice& device)
{
    return device.isCpu() ? device : device.resolve(visibleCudaDevices());
}

namespace {
torch::Device torchDevice(const ComputeDevice& device)
{
    const ComputeDevice d = resolveComputeDevice(device);
    return d.isCuda() ? torch::Device(torch::kCUDA, static_cast<torch::DeviceIndex>(d.index())) : torch::Device(torch::kCPU);
}
}  // namespace

NeighbourLists computeNeighboursOnDevice(const RelevanceMatrix& w, const ItemProfiles& items, int kMax,
                                         const ComputeDevice& device, const JobContext& ctx,
                                         DeviceNeighbourStats* stats, std::size_t maxBlockBytes)
{
    torch::NoGradGuard noGrad;
    const torch::Device dev = torchDevice(device);
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
    // The ranking key packs the rounded cosine and the user id into one int64 (below).
    if (users > 9'000'000)
        throw ConfigError("the device route ranks at most 9,000,000 users (" + std::to_string(users) + " given)");
    const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
    const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
    const auto i64 = torch::TensorOptions().dtype(torch::kInt64);
    // Everything below is float64 (exact neighbour choice, docs/exact-neighbours.md).
    const torch::Tensor mip =
        torch::from_blob(const_cast<float*>(items.values.data()), {profiled, dims}, f32).to(dev).to(torch::kFloat64);

    // Row-normalised MUP, users x F on the device. Each chunk of users gets a
    // dense W chunk filled from W's non-zeros on the device, then one GEMM.
    torch::Tensor pn = torch::empty({users, dims}, f64.device(dev));
    std::vector<char> active(w.users, 0);
    const std::int64_t budget = static_cast<std::int64_t>(std::max<std::size_t>(maxBlockBytes / 4, 1));
    const std::int64_t chunk =
        std::clamp<std::int64_t>(std::min(budget / (8 * profiled), budget / (16 * dims)), 1, users);
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
        torch::Tensor wc = torch::zeros({rows, profiled}, f64.device(dev));
        if (end > begin) {
            const auto count = static_cast<std::int64_t>(end - begin);
            const torch::Tensor index = torch::from_blob(at.data(), {count}, i64).to(dev);
            const torch::Tensor values =
                torch::from_blob(const_cast<float*>(w.weights.data() + begin), {count}, f32).to(dev).to(torch::kFloat64);
            wc.view({-1}).index_copy_(0, index, values);
        }
        torch::Tensor pc = wc.mm(mip);
        wc = torch::Tensor();
        // |MUP(u)|; all-zero profiles stay zero.
        const torch::Tensor norms = pc.norm(2, {1});
        const torch::Tensor safe = torch::where(norms > 0, norms, torch::ones_like(norms));
        pn.narrow(0, first, rows).copy_(pc.div_(safe.unsqueeze(1)));
        const torch::Tensor isActive = (norms > 0).to(torch::kCPU).to(torch::kUInt8).contiguous();
        std::copy_n(isActive.data_ptr<std::uint8_t>(), rows, active.begin() + first);
        ctx.report("profiles", static_cast<double>(first + rows), static_cast<double>(users));
    }
    local.flops += 2.0 * static_cast<double>(users) * static_cast<double>(profiled) * static_cast<double>(dims);

    // Cosine blocks and top-k on the device; only the k best cross back. The
    // ranking rule of Neighbours.h is one int64 key per pair, so that topk (which
    // promises no order among equal values) has no ties to break:
    //   key = rankKey(s) * users + (users - 1 - v)
    // rankKey(s) = llround(s * 1e12) is computed as sign(x) floor(|x| + 0.5), which
    // is exact for |x| <= 1e12 < 2^40; |key| < 1e12 * 9e6 < 2^63. Self and inactive
    // users get the smallest int64.
    std::vector<std::uint8_t> inactiveHost(w.users);
    for (std::size_t v = 0; v < w.users; ++v)
        inactiveHost[v] = active[v] ? 0 : 1;
    const torch::Tensor inactive =
        torch::from_blob(inactiveHost.data(), {1, users}, torch::TensorOptions().dtype(torch::kBool)).to(dev);
    const torch::Tensor tieBreak = (users - 1 - torch::arange(users, i64.device(dev))).unsqueeze(0);
    // Per pair: s, s * 1e12 (float64) and the key (int64), 24 bytes.
    const std::int64_t block =
        std::clamp<std::int64_t>(static_cast<std::int64_t>(maxBlockBytes / 24) / users, 1, users);
    const std::int64_t k = std::min<std::int64_t>(kMax, users);
    const std::int64_t excluded = std::numeric_limits<std::int64_t>::min();
    const torch::Tensor pnT = pn.t();
    std::vector<Neighbour> top;
    for (std::int64_t first = 0; first < users; first += block) {
        ctx.checkCancelled();
        const std::int64_t rows = std::min(block, users - first);
        const torch::Tensor s = pn.narrow(0, first, rows).mm(pnT);
        const torch::Tensor scaled = s * 1e12;
        torch::Tensor key = (torch::sign(scaled) * torch::floor(scaled.abs() + 0.5)).to(torch::kInt64);
        key.mul_(users).add_(tieBreak);
        key.masked_fill_(inactive, excluded);
        key.diagonal(first).fill_(excluded);
        auto [keys, indices] = key.topk(k, 1, /*largest=*/true, /*sorted=*/true);
        const torch::Tensor values = s.gather(1, indices);
        const torch::Tensor hostKeys = keys.to(torch::kCPU).contiguous();
        const torch::Tensor hostValues = values.to(torch::kCPU).contiguous();
        const torch::Tensor hostIndices = indices.to(torch::kCPU).contiguous();
        const std::int64_t* keyOf = hostKeys.data_ptr<std::int64_t>();
        const double* value = hostValues.data_ptr<double>();
        const std::int64_t* index = hostIndices.data_ptr<std::int64_t>();
        for (std::int64_t r = 0; r < rows; ++r) {
            const auto u = static_cast<std::size_t>(first + r);
            if (!active[u])
                continue;
            top.clear();
            for (std::int64_t j = 0; j < k; ++j)
                if (keyOf[r * k + j] != excluded)
                    top.push_back({static_cast<std::uint32_t>(index[r * k + j]), value[r * k + j]});
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

double timeDeviceProduct(std::int64_t m, std::int64_t k, std::int64_t n, const ComputeDevice& device, int reps)
{
    torch::NoGradGuard noGrad;
    const torch::Device dev = torchDevice(device);
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
