// The parts of core/video that need no FFmpeg: option names, a clip's frame
// times and the tensor-to-RGB conversion. Compiled in both builds, with the
// FFmpeg sources or with NoFfmpeg.cpp (-DTRAILERLAB_WITH_FFMPEG=OFF).
#include <algorithm>
#include <cmath>

#include "core/video/ClipWriter.h"
#include "core/video/PngWriter.h"
#include "core/video/SamplingTypes.h"

namespace tl::video {

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

double frameTime(const ClipSpec& spec, int i)
{
    if (!spec.ptsMs.empty())
        return static_cast<double>(spec.ptsMs[static_cast<std::size_t>(i)]) / 1000.0;
    return static_cast<double>(i) / spec.fps;
}

std::int64_t AudioTrack::length() const
{
    if (channels <= 0)
        return 0;
    if (!samples.empty())
        return static_cast<std::int64_t>(samples.size()) / channels;
    return sampleFrames;
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
