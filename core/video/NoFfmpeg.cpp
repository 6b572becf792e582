// core/video without FFmpeg (-DTRAILERLAB_WITH_FFMPEG=OFF), compiled instead of
// the FFmpeg sources: for GPU servers that have a LibTorch but no FFmpeg
// development files. The public functions of core/video keep their signatures;
// every one that would decode or encode a video throws tl::ConfigError saying
// so, with the file it was asked for. Pure helpers (option names, frame times,
// pixel conversions) behave as in the FFmpeg build.
#include <algorithm>
#include <cmath>
#include <string>

#include "core/common/Error.h"
#include "core/video/ClipWriter.h"
#include "core/video/FrameSampler.h"
#include "core/video/PngWriter.h"
#include "core/video/VideoProbe.h"

namespace tl::video {

namespace {

[[noreturn]] void noFfmpeg(const std::string& what, const std::filesystem::path& file)
{
    throw ConfigError("this TrailerLab was built without FFmpeg (-DTRAILERLAB_WITH_FFMPEG=OFF): cannot " + what +
                      " " + file.string());
}

}  // namespace

const char* toString(SamplingStrategy strategy)
{
    switch (strategy) {
    case SamplingStrategy::Auto: return "auto";
    case SamplingStrategy::Sequential: return "sequential";
    case SamplingStrategy::Seek: return "seek";
    }
    return "?";
}

const char* toString(ResizeMode mode)
{
    switch (mode) {
    case ResizeMode::ShorterSide256CentreCrop224: return "shorter-side-crop";
    case ResizeMode::Direct224: return "direct";
    }
    return "?";
}

// Keeps the options; run() is where decoding would start.
FrameSampler::FrameSampler(SamplerOptions options) : options_(std::move(options)) {}

SamplingResult FrameSampler::run(const std::filesystem::path& video, const Sink&, const JobContext&) const
{
    noFfmpeg("decode", video);
}

std::vector<SampledFrame> FrameSampler::sampleAll(const std::filesystem::path& video, SamplingResult*,
                                                  const JobContext&) const
{
    noFfmpeg("decode", video);
}

VideoInfo probeVideo(const std::filesystem::path& file, bool)
{
    noFfmpeg("decode", file);
}

void writeClip(const std::filesystem::path& file, const ClipSpec&, const Painter&)
{
    noFfmpeg("encode", file);
}

double frameTime(const ClipSpec& spec, int i)
{
    if (!spec.ptsMs.empty())
        return static_cast<double>(spec.ptsMs[static_cast<std::size_t>(i)]) / 1000.0;
    return static_cast<double>(i) / spec.fps;
}

void writePng(const std::filesystem::path& file, int, int, const std::vector<std::uint8_t>&)
{
    noFfmpeg("encode", file);
}

std::vector<std::uint8_t> chwToRgb(const std::vector<float>& chw, int width, int height, const float mean[3],
                                   const float stdDev[3])
{
    const std::size_t plane = static_cast<std::size_t>(width) * height;
    std::vector<std::uint8_t> rgb(plane * 3);
    if (chw.size() < 3 * plane)
        return rgb;
    for (std::size_t i = 0; i < plane; ++i)
        for (int c = 0; c < 3; ++c) {
            const float v = (chw[c * plane + i] * stdDev[c] + mean[c]) * 255.0f;
            rgb[3 * i + static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L));
        }
    return rgb;
}

}  // namespace tl::video
