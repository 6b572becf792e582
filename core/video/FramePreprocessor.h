#pragma once
// FramePreprocessor: turns decoded frames into what the next stages consume.
// - classify(): luma statistics on a small copy of the frame decide whether
//   it is black or near-uniform (options.uniformStdDev, options.blackLevel).
// - process(): honours SAR and rotation, resizes (shorter side 256 + centre
//   crop 224, or direct 224 x 224), normalises with the ImageNet mean/std
//   into planar float RGB (CHW), and makes the RGB24 UI thumbnail.
// - analysisRgb(): a small square RGB copy for shot detection.
// Any pixel format libswscale reads works (8/10-bit YUV, RGB, palettes);
// frame size or format changes mid-stream are handled (scalers are rebuilt).
// Memory: a few scaled images, independent of the video's length.
// Threading: one thread at a time (it caches scalers and buffers).

#include <cstdint>
#include <string>
#include <vector>

#include "core/video/FfmpegPtr.h"
#include "core/video/SamplingTypes.h"
#include "core/video/VideoGeometry.h"

namespace tl::video {

class FramePreprocessor {
public:
    enum class Verdict { Keep, Uniform, Black };

    // `file` only names the video in error messages.
    FramePreprocessor(const SamplerOptions& options, const VideoGeometry& geometry, std::string file);

    Verdict classify(const AVFrame& frame);
    // Fills width/height/chw (when options.makeTensor) and the thumbnail fields of `out`.
    void process(const AVFrame& frame, SampledFrame& out);
    // size x size RGB24 (rows packed), coded orientation: for content comparison only.
    const std::vector<std::uint8_t>& analysisRgb(const AVFrame& frame, int size);

    // The uniform/black test on packed RGB24 pixels.
    static Verdict classifyRgb(const std::uint8_t* rgb, int pixelCount, double uniformStdDev, double blackLevel);

private:
    struct Scaler {
        SwsPtr context;
        int srcWidth = 0, srcHeight = 0, srcFormat = -1, colorspace = -1, range = -1;
        int width = 0, height = 0, flags = 0;
        int stride = 0;
        std::vector<std::uint8_t> rgb;  // height rows of `stride` bytes
    };
    // Scales `frame` to width x height RGB24 into scaler.rgb (stride scaler.stride).
    void scale(const AVFrame& frame, int width, int height, int flags, Scaler& scaler);
    // Rotates a scaled image (coded orientation) into packed RGB24 in display orientation,
    // reading the window [x0, x0 + outWidth) x [y0, y0 + outHeight) of the displayed image.
    void normalise(const Scaler& scaled, int x0, int y0, int size, std::vector<float>& chw) const;

    SamplerOptions options_;
    VideoGeometry geometry_;
    std::string file_;
    Scaler inputScaler_;
    Scaler thumbScaler_;
    Scaler analysisScaler_;
    std::vector<std::uint8_t> analysis_;
};

}  // namespace tl::video
