// bench_features: frames per second end to end (decode + preprocess + inference through
// extractFeatures) next to the model's forward-only rate on the same batch size, both
// measured in this run, median of --repeats. Target: end to end >= 90 % of forward-only.
//
//   bench_features [--models mobilenetv2,vgg19] [--device cpu|cuda|cuda:N|auto] [--batch N] [--half]
//                  [--frames N] [--fps N] [--repeats 3] [--synthetic] [--videos DIR] [--workers N]
//                  [--threads N] [--decode-threads N] [--stages]
//
// --stages also prints what each stage costs per sampled frame, measured alone in this run
// (wall ms and CPU ms of the whole process): decoding (+ the uniform-frame test), decoding +
// preprocessing, and the forward pass. On a CPU the three share the cores, so the best
// possible end-to-end rate is cores / (CPU ms of decode + preprocess + forward) per frame,
// and the ratio the pipeline can reach is bounded by forward-only CPU / total CPU.
//
// Without the shared reference data (or with --synthetic) the end-to-end pass uses synthetic frames (no
// decoding) and the models run with random weights, so it runs on a GPU server that has
// neither the videos nor FFmpeg's headers.

#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/common/Error.h"
#include "core/features/ExtractionPipeline.h"
#include "core/features/FeatureExtractor.h"
#include "core/features/MobileNetV2Weights.h"
#include "core/features/ModelRegistry.h"
#ifndef TRAILERLAB_NO_VIDEO
#include "core/video/FrameSampler.h"
#endif

using namespace tl::features;
using Clock = std::chrono::steady_clock;

namespace {

double cpuSeconds()  // CPU time of the whole process (all threads)
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct StageCost {
    double wall = 0, cpu = 0;   // seconds
    std::size_t frames = 0;     // sampled frames (or forward frames)
    std::size_t decoded = 0;    // frames the decoder produced
    double wallMs() const { return frames ? 1e3 * wall / static_cast<double>(frames) : 0; }
    double cpuMs() const { return frames ? 1e3 * cpu / static_cast<double>(frames) : 0; }
};

#ifndef TRAILERLAB_NO_VIDEO
// Sampling alone, on this thread, as the pipeline's decode worker does it.
StageCost sampleOnly(const std::vector<VideoItem>& videos, tl::video::SamplerOptions options, bool tensor)
{
    options.makeTensor = tensor;
    options.thumbWidth = 0;
    const tl::video::FrameSampler sampler(options);
    StageCost cost;
    const auto w0 = Clock::now();
    const double c0 = cpuSeconds();
    for (const VideoItem& v : videos) {
        const auto r = sampler.run(v.path, [](tl::video::SampledFrame&&) {});
        cost.frames += static_cast<std::size_t>(r.framesEmitted);
        cost.decoded += static_cast<std::size_t>(r.framesDecoded);
    }
    cost.cpu = cpuSeconds() - c0;
    cost.wall = std::chrono::duration<double>(Clock::now() - w0).count();
    return cost;
}
#endif

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

std::vector<std::string> split(const std::string& s)
{
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, ',');)
        out.push_back(item);
    return out;
}

std::vector<VideoItem> findVideos(const std::filesystem::path& dir)
{
    std::vector<VideoItem> items;
    if (!dir.empty() && std::filesystem::is_directory(dir))
        for (const auto& e : std::filesystem::directory_iterator(dir)) {
            const auto ext = e.path().extension().string();
            if (ext == ".mp4" || ext == ".avi" || ext == ".ogv" || ext == ".mkv")
                items.push_back({e.path().stem().string(), e.path()});
        }
    std::sort(items.begin(), items.end(), [](const VideoItem& a, const VideoItem& b) { return a.path < b.path; });
    return items;
}

}  // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> models{"mobilenetv2", "vgg19"};
    tl::ComputeDevice device = tl::ComputeDevice::cpu();
    std::size_t batch = 0, frames = 0;
    int repeats = 3, workers = 1, threads = 0, decodeThreads = -1;
    double fps = 0;
    bool synthetic = false, half = false, stages = false;
#ifdef TRAILERLAB_SHARED_DIR
    std::filesystem::path videosDir = std::filesystem::path(TRAILERLAB_SHARED_DIR) / "videos";
#else
    std::filesystem::path videosDir;
#endif
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << a << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--models") models = split(next());
        else if (a == "--device") {
            try {
                device = tl::ComputeDevice::parse(next());
            } catch (const std::exception& e) {
                std::cerr << "--device: " << e.what() << "\n";
                return 2;
            }
        }
        else if (a == "--batch") batch = std::stoul(next());
        else if (a == "--frames") frames = std::stoul(next());
        else if (a == "--fps") fps = std::stod(next());
        else if (a == "--repeats") repeats = std::max(1, std::stoi(next()));
        else if (a == "--workers") workers = std::max(1, std::stoi(next()));
        else if (a == "--videos") videosDir = next();
        else if (a == "--synthetic") synthetic = true;
        else if (a == "--half") half = true;
        else if (a == "--threads") threads = std::stoi(next());
        else if (a == "--decode-threads") decodeThreads = std::stoi(next());
        else if (a == "--stages") stages = true;
        else {
            std::cerr << "usage: bench_features [--models LIST] [--device cpu|cuda|cuda:N|auto] [--batch N] [--half] [--frames N]"
                         " [--fps N] [--repeats N] [--synthetic] [--videos DIR] [--workers N] [--threads N]"
                         " [--decode-threads N] [--stages]\n";
            return a == "--help" ? 0 : 2;
        }
    }
    const bool cuda = device.isCuda();
    std::vector<VideoItem> videos = synthetic ? std::vector<VideoItem>{} : findVideos(videosDir);
    if (videos.empty())
        synthetic = true;
    std::printf("device %s%s, %s end-to-end input, median of %d\n", device.str().c_str(), half ? " (half)" : "",
                synthetic ? "synthetic-frame" : "decoded-video", repeats);
    std::printf("%-12s %6s %8s %14s %14s %8s  %s\n", "model", "batch", "frames", "forward f/s", "end2end f/s", "ratio",
                "weights");

    try {
        for (const std::string& model : models) {
            ModelSpec spec;
            spec.model = model;
            spec.device = device;
            spec.half = half;
            spec.cpuThreads = threads;
            if (model == "mobilenetv2" && onnxSupportBuilt())
                spec.weights = ModelRegistry::standard().find("mobilenetv2").file;
            if (spec.weights.empty() && model.rfind("torchscript:", 0) != 0)
                spec.randomSeed = 1;
            auto net = createExtractor(spec);
            const std::size_t b = batch ? batch : (cuda ? 64 : (model == "mobilenetv2" ? 16 : 8));
            const bool heavy = model.rfind("vgg", 0) == 0;
            const std::size_t n = frames ? frames : (cuda ? 20 * b : (heavy ? 2 * b : 8 * b));
            const std::size_t frameFloats = 3u * net->inputSize() * net->inputSize();
            std::vector<float> input(b * frameFloats);
            for (std::size_t i = 0; i < input.size(); ++i)
                input[i] = static_cast<float>((i * 2654435761u) % 1000) / 500.f - 1.f;
            net->forward(input.data(), b);  // warm-up (allocations, cuDNN autotune)

            std::vector<double> forwardRates, endRates, forwardCpuMs, endCpuMs, decodeMs, decodeCpuMs, prepMs, prepCpuMs;
            double decodedPerSampled = 0;
            for (int r = 0; r < repeats; ++r) {
                const std::size_t batches = (n + b - 1) / b;
                const auto t0 = Clock::now();
                const double c0 = cpuSeconds();
                for (std::size_t k = 0; k < batches; ++k)
                    net->forward(input.data(), b);
                forwardCpuMs.push_back(1e3 * (cpuSeconds() - c0) / static_cast<double>(batches * b));
                forwardRates.push_back(static_cast<double>(batches * b) /
                                       std::chrono::duration<double>(Clock::now() - t0).count());

                PipelineOptions options;
                options.batchSize = b;
                options.decodeWorkers = workers;
                if (decodeThreads >= 0)
                    options.sampler.decodeThreads = decodeThreads;
                std::vector<VideoItem> items = videos;
                if (synthetic) {
                    const std::size_t perVideo = 4 * b;
                    items.clear();
                    for (std::size_t v = 0; v * perVideo < n; ++v)
                        items.push_back({"synthetic" + std::to_string(v), {}});
                    options.source = [&, perVideo](const VideoItem&, const FrameSink& sink, const tl::JobContext&) {
                        for (std::size_t k = 0; k < perVideo; ++k)
                            sink(std::vector<float>(input.begin() + static_cast<std::ptrdiff_t>((k % b) * frameFloats),
                                                    input.begin() + static_cast<std::ptrdiff_t>((k % b + 1) * frameFloats)));
                        return 0;
                    };
                } else {
                    // Enough frames for a stable figure: sampling rate scaled to the requested count.
                    options.sampler.fps = fps > 0 ? fps : (heavy ? 1.0 : 4.0);
                }
                const double e0 = cpuSeconds();
                const ExtractionResult result = extractFeatures(*net, items, options);
                endCpuMs.push_back(1e3 * (cpuSeconds() - e0) / static_cast<double>(std::max<std::size_t>(1, result.framesComputed)));
                endRates.push_back(result.framesPerSecond());
#ifndef TRAILERLAB_NO_VIDEO
                if (stages && !synthetic) {
                    const StageCost decode = sampleOnly(items, options.sampler, false);
                    const StageCost prep = sampleOnly(items, options.sampler, true);
                    decodeMs.push_back(decode.wallMs());
                    decodeCpuMs.push_back(decode.cpuMs());
                    prepMs.push_back(prep.wallMs() - decode.wallMs());
                    prepCpuMs.push_back(prep.cpuMs() - decode.cpuMs());
                    decodedPerSampled = static_cast<double>(decode.decoded) / static_cast<double>(std::max<std::size_t>(1, decode.frames));
                }
#endif
            }
            const double fwd = median(forwardRates), e2e = median(endRates);
            std::printf("%-12s %6zu %8zu %14.2f %14.2f %7.0f%%  %s\n", model.c_str(), b, n, fwd, e2e, 100.0 * e2e / fwd,
                        net->provenance().substr(0, 40).c_str());
            if (stages) {
                const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
                std::printf("  per sampled frame, ms (wall / CPU): forward %.2f / %.2f; end to end %.2f / %.2f\n",
                            1e3 / fwd, median(forwardCpuMs), 1e3 / e2e, median(endCpuMs));
                if (!decodeMs.empty()) {
                    const double dec = median(decodeCpuMs), pre = median(prepCpuMs), f = median(forwardCpuMs);
                    std::printf("  decode %.2f / %.2f (%.1f decoded frames per sampled frame); preprocess %.2f / %.2f\n",
                                median(decodeMs), dec, decodedPerSampled, median(prepMs), pre);
                    // The cores can give at most `cores` CPU seconds per second to decode + preprocess + forward.
                    const double bound = std::min(fwd, 1e3 * cores / (dec + pre + f));
                    std::printf("  CPU bound on %u cores: end to end <= %.2f f/s = %.0f%% of forward-only\n", cores, bound,
                                100.0 * bound / fwd);
                    // 90 % of forward-only needs decode + preprocess + forward <= cores / (0.9 x forward rate).
                    std::printf("  for 90%%: decode + preprocess <= %.2f ms CPU per frame (now %.2f)\n",
                                1e3 * cores / (0.9 * fwd) - f, dec + pre);
                }
            }
            std::fflush(stdout);
        }
    } catch (const tl::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
