#include "core/video/FramePreprocessor.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/common/Error.h"

extern "C" {
#include <libavutil/pixdesc.h>
}

namespace tl::video {

namespace {
// torchvision's CenterCrop offset, int(round((length - crop) / 2.0)) with Python's round
// (half to even): 1280x720 -> 455x256 crops x from 116, not 115.
int centreCropOffset(int length, int crop)
{
    return static_cast<int>(std::nearbyint((length - crop) / 2.0));
}
}  // namespace

FramePreprocessor::FramePreprocessor(const SamplerOptions& options, const VideoGeometry& geometry, std::string file)
    : options_(options), geometry_(geometry), file_(std::move(file))
{
}

void FramePreprocessor::scale(const AVFrame& frame, int width, int height, int flags, Scaler& scaler)
{
    const bool fullRange = frame.color_range == AVCOL_RANGE_JPEG;
    const bool rebuild = !scaler.context || scaler.srcWidth != frame.width || scaler.srcHeight != frame.height ||
                         scaler.srcFormat != frame.format || scaler.width != width || scaler.height != height ||
                         scaler.flags != flags || scaler.colorspace != frame.colorspace ||
                         scaler.range != static_cast<int>(fullRange);
    if (rebuild) {
        scaler.context.reset(sws_getContext(frame.width, frame.height, static_cast<AVPixelFormat>(frame.format), width,
                                            height, AV_PIX_FMT_RGB24, flags, nullptr, nullptr, nullptr));
        if (!scaler.context)
            throw DecodeError(file_, std::string("cannot convert pixel format ") +
                                         (av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame.format))
                                              ? av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame.format))
                                              : "unknown") +
                                         " to RGB");
        // Colour matrix of the source (BT.601 when unspecified), full-range RGB out.
        int colorspace = frame.colorspace;
        if (colorspace == AVCOL_SPC_UNSPECIFIED || colorspace == AVCOL_SPC_RGB || colorspace > AVCOL_SPC_BT2020_CL)
            colorspace = SWS_CS_DEFAULT;
        const int* srcCoefficients = sws_getCoefficients(colorspace);
        const int* dstCoefficients = sws_getCoefficients(SWS_CS_DEFAULT);
        sws_setColorspaceDetails(scaler.context.get(), srcCoefficients, fullRange ? 1 : 0, dstCoefficients, 1, 0,
                                 1 << 16, 1 << 16);
        scaler.srcWidth = frame.width;
        scaler.srcHeight = frame.height;
        scaler.srcFormat = frame.format;
        scaler.colorspace = frame.colorspace;
        scaler.range = fullRange;
        scaler.width = width;
        scaler.height = height;
        scaler.flags = flags;
        scaler.stride = (width * 3 + 63) & ~63;
        scaler.rgb.assign(static_cast<std::size_t>(scaler.stride) * height + 64, 0);
    }
    std::uint8_t* dst[4] = {scaler.rgb.data(), nullptr, nullptr, nullptr};
    int dstStride[4] = {scaler.stride, 0, 0, 0};
    sws_scale(scaler.context.get(), frame.data, frame.linesize, 0, frame.height, dst, dstStride);
}

FramePreprocessor::Verdict FramePreprocessor::classifyRgb(const std::uint8_t* rgb, int pixelCount,
                                                          double uniformStdDev, double blackLevel)
{
    if (pixelCount <= 0)
        return Verdict::Uniform;
    std::array<int, 256> histogram{};
    double sum = 0, sumSquares = 0;
    for (int i = 0; i < pixelCount; ++i) {
        const double luma = 0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.114 * rgb[3 * i + 2];
        sum += luma;
        sumSquares += luma * luma;
        ++histogram[std::min(255, static_cast<int>(luma + 0.5))];
    }
    const double mean = sum / pixelCount;
    const double variance = std::max(0.0, sumSquares / pixelCount - mean * mean);
    int p99 = 0;
    for (int seen = 0; p99 < 256; ++p99) {
        seen += histogram[p99];
        if (seen >= 0.99 * pixelCount)
            break;
    }
    if (p99 / 255.0 < blackLevel)
        return Verdict::Black;
    if (std::sqrt(variance) / 255.0 < uniformStdDev)
        return Verdict::Uniform;
    return Verdict::Keep;
}

const std::vector<std::uint8_t>& FramePreprocessor::analysisRgb(const AVFrame& frame, int size)
{
    scale(frame, size, size, SWS_FAST_BILINEAR, analysisScaler_);
    analysis_.resize(static_cast<std::size_t>(size) * size * 3);
    for (int y = 0; y < size; ++y)
        std::copy_n(analysisScaler_.rgb.data() + static_cast<std::size_t>(y) * analysisScaler_.stride, size * 3,
                    analysis_.data() + static_cast<std::size_t>(y) * size * 3);
    return analysis_;
}

FramePreprocessor::Verdict FramePreprocessor::classify(const AVFrame& frame)
{
    const auto& rgb = analysisRgb(frame, 64);
    return classifyRgb(rgb.data(), 64 * 64, options_.uniformStdDev, options_.blackLevel);
}

void FramePreprocessor::normalise(const Scaler& scaled, int x0, int y0, int size, std::vector<float>& chw) const
{
    const std::size_t plane = static_cast<std::size_t>(size) * size;
    chw.resize(3 * plane);
    std::array<float, 3> scaleBy{}, offset{};
    for (int c = 0; c < 3; ++c) {
        scaleBy[c] = 1.0f / (255.0f * options_.stdDev[c]);
        offset[c] = -options_.mean[c] / options_.stdDev[c];
    }
    for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
            int sx = 0, sy = 0;
            geometry_.sourcePixel(x + x0, y + y0, scaled.width, scaled.height, sx, sy);
            const std::uint8_t* p = scaled.rgb.data() + static_cast<std::size_t>(sy) * scaled.stride + 3 * sx;
            const std::size_t at = static_cast<std::size_t>(y) * size + x;
            chw[at] = p[0] * scaleBy[0] + offset[0];
            chw[plane + at] = p[1] * scaleBy[1] + offset[1];
            chw[2 * plane + at] = p[2] * scaleBy[2] + offset[2];
        }
    }
}

void FramePreprocessor::process(const AVFrame& frame, SampledFrame& out)
{
    // Display geometry of this frame (the size may differ from the stream header).
    // The stream's SAR wins (containers may override the codec's); else the frame's own.
    const bool streamSar = geometry_.sarNum() != geometry_.sarDen();
    const bool frameSar = frame.sample_aspect_ratio.num > 0 && frame.sample_aspect_ratio.den > 0;
    const VideoGeometry geometry(frame.width, frame.height,
                                 streamSar ? geometry_.sarNum() : (frameSar ? frame.sample_aspect_ratio.num : 1),
                                 streamSar ? geometry_.sarDen() : (frameSar ? frame.sample_aspect_ratio.den : 1),
                                 geometry_.rotation());
    const int displayWidth = geometry.displayWidth();
    const int displayHeight = geometry.displayHeight();
    if (options_.makeTensor) {
        const int size = options_.inputSize;
        int outWidth = size, outHeight = size;
        if (options_.resize == ResizeMode::ShorterSide256CentreCrop224) {
            // torchvision's Resize(256): the longer side is truncated, int(256 * long / short).
            const int shorter = std::max(options_.resizeShorterSide, size);
            if (displayWidth <= displayHeight) {
                outWidth = shorter;
                outHeight = std::max(shorter, static_cast<int>(static_cast<double>(displayHeight) * shorter / displayWidth));
            } else {
                outHeight = shorter;
                outWidth = std::max(shorter, static_cast<int>(static_cast<double>(displayWidth) * shorter / displayHeight));
            }
        }
        int codedWidth = 0, codedHeight = 0;
        geometry.codedSizeFor(outWidth, outHeight, codedWidth, codedHeight);
        scale(frame, codedWidth, codedHeight, SWS_BILINEAR, inputScaler_);
        normalise(inputScaler_, centreCropOffset(outWidth, size), centreCropOffset(outHeight, size), size, out.chw);
        out.width = size;
        out.height = size;
    }
    if (options_.thumbWidth > 0) {
        const int width = options_.thumbWidth;
        const int height = std::max(
            1, static_cast<int>(std::lround(static_cast<double>(width) * displayHeight / displayWidth)));
        int codedWidth = 0, codedHeight = 0;
        geometry.codedSizeFor(width, height, codedWidth, codedHeight);
        scale(frame, codedWidth, codedHeight, SWS_BILINEAR, thumbScaler_);
        out.thumbWidth = width;
        out.thumbHeight = height;
        out.thumbRgb.resize(static_cast<std::size_t>(width) * height * 3);
        for (int y = 0; y < height; ++y) {
            std::uint8_t* row = out.thumbRgb.data() + static_cast<std::size_t>(y) * width * 3;
            for (int x = 0; x < width; ++x) {
                int sx = 0, sy = 0;
                geometry.sourcePixel(x, y, codedWidth, codedHeight, sx, sy);
                const std::uint8_t* p = thumbScaler_.rgb.data() + static_cast<std::size_t>(sy) * thumbScaler_.stride + 3 * sx;
                row[3 * x] = p[0];
                row[3 * x + 1] = p[1];
                row[3 * x + 2] = p[2];
            }
        }
    }
}

}  // namespace tl::video
