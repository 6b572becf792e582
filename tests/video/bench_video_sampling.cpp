// Benchmark: sampling cost next to a plain full decode of the same file.
// Generates (once, cached in the given folder) 60 s 1280x720 H.264 clips with
// the encoder's default keyframe spacing and with 1 s spacing, then times, in
// the same run, a plain decode of every frame and FrameSampler at 1, 2 and 3
// fps (default options: 224x224 tensor + 160 px thumbnail per sample), each the
// median of 3 runs. Target: sampling <= 1.10 x the plain decode.
//
// usage: bench_video_sampling [DIR]   (DIR defaults to ./bench_video_clips)

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <vector>

#include "core/video/FrameSampler.h"
#include "core/video/VideoDecoder.h"
#include "tests/video/ClipWriter.h"

extern "C" {
#include <libavutil/log.h>
}

using namespace tl::video;

namespace {

double seconds(const std::function<void()>& work)
{
    const auto start = std::chrono::steady_clock::now();
    work();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median3(const std::function<void()>& work)
{
    std::vector<double> t = {seconds(work), seconds(work), seconds(work)};
    std::sort(t.begin(), t.end());
    return t[1];
}

// Moving gradient, moving boxes, the frame index pattern in a corner and mild noise.
void paint(int i, int w, int h, std::vector<std::uint8_t>& rgb)
{
    static std::vector<std::uint8_t> noise;
    if (noise.empty()) {
        std::mt19937 random(1);
        noise.resize(static_cast<std::size_t>(w) * h + 4096);
        for (auto& n : noise)
            n = static_cast<std::uint8_t>(random() % 24);
    }
    const std::size_t shift = static_cast<std::size_t>(i * 37) % 4096;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            std::uint8_t* p = rgb.data() + (static_cast<std::size_t>(y) * w + x) * 3;
            const std::uint8_t n = noise[static_cast<std::size_t>(y) * w + x + shift];
            p[0] = static_cast<std::uint8_t>((x + 2 * i) * 200 / (w + 400) + n);
            p[1] = static_cast<std::uint8_t>((y + i) * 200 / (h + 200) + n);
            p[2] = static_cast<std::uint8_t>(((x + y + 3 * i) / 4) % 200 + n);
        }
    for (int b = 0; b < 6; ++b) {
        const int bx = (b * 211 + i * (3 + b)) % (w - 120), by = (b * 97 + i * (2 + b)) % (h - 120);
        for (int y = by; y < by + 120; ++y)
            for (int x = bx; x < bx + 120; ++x) {
                std::uint8_t* p = rgb.data() + (static_cast<std::size_t>(y) * w + x) * 3;
                p[0] = static_cast<std::uint8_t>(40 * b);
                p[1] = static_cast<std::uint8_t>(255 - 40 * b);
                p[2] = 128;
            }
    }
}

}  // namespace

int main(int argc, char** argv)
{
    av_log_set_level(AV_LOG_ERROR);
    const std::filesystem::path dir = argc > 1 ? argv[1] : "bench_video_clips";
    std::filesystem::create_directories(dir);
    struct Clip {
        const char* name;
        int gop;
    };
    const Clip clips[] = {{"default_gop.mp4", 0}, {"gop_1s.mp4", 25}};
    for (const Clip& clip : clips) {
        const auto file = dir / clip.name;
        if (!std::filesystem::exists(file)) {
            test::ClipSpec spec;
            spec.width = 1280;
            spec.height = 720;
            spec.fps = 25;
            spec.frames = 60 * 25;
            spec.gop = clip.gop;
            spec.bFrames = 3;
            spec.preset = "veryfast";
            std::printf("generating %s (60 s 1280x720 H.264, %s keyframe spacing)...\n", file.string().c_str(),
                        clip.gop ? "1 s" : "encoder default");
            std::fflush(stdout);
            test::writeClip(file, spec, paint);
        }
    }
    std::printf("\n%-16s %-6s %10s %10s %8s %8s %-10s %6s\n", "clip", "fps", "decode_s", "sample_s", "ratio",
                "samples", "strategy", "seeks");
    for (const Clip& clip : clips) {
        const auto file = dir / clip.name;
        int frames = 0;
        const double decode = median3([&] {
            VideoDecoder decoder(file, 0, nullptr);
            FramePtr frame = makeFrame();
            frames = 0;
            while (decoder.next(frame.get()))
                ++frames;
        });
        for (double fps : {1.0, 2.0, 3.0}) {
            SamplerOptions options;
            options.fps = fps;
            SamplingResult result;
            const double sample = median3([&] {
                result = FrameSampler(options).run(file, [](SampledFrame&&) {});
            });
            std::printf("%-16s %-6.1f %10.3f %10.3f %8.3f %8d %-10s %6d   (plain decode: %d frames)\n", clip.name,
                        fps, decode, sample, sample / decode, result.framesEmitted, toString(result.strategyUsed),
                        result.seeks, frames);
        }
    }
    return 0;
}
