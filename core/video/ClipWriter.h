#pragma once
// ClipWriter: encodes video clips with FFmpeg's encoders from frames painted as
// RGB24 by a callback (converted to the encoder's pixel format). Every frame
// gets the presentation time the spec asks for (constant or variable frame
// rate). Used by the demo project generator and by the tests' known-answer
// clips. Throws tl::Error when FFmpeg refuses the configuration.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace tl::video {

struct ClipSpec {
    std::string codec = "libx264";     // "libx264", "mpeg4", "ffv1", "libvpx-vp9" ...
    std::string pixelFormat = "yuv420p";
    int width = 320;
    int height = 240;
    int frames = 50;
    int fps = 25;                      // constant frame rate when ptsMs is empty
    std::vector<std::int64_t> ptsMs;   // variable frame rate: presentation time of each frame in ms
    int gop = 12;                      // keyframe interval in frames (0: encoder default)
    int bFrames = 0;
    std::string preset = "ultrafast";  // libx264 preset
    int crf = 23;
    int rotation = 0;                  // display matrix: clockwise degrees a viewer applies
    int sarNum = 1, sarDen = 1;
    int threads = 0;                   // encoder threads (1: the same bytes on every run)
};

// Paints frame `index` into `rgb` (width * height * 3 bytes, rows packed).
using Painter = std::function<void(int index, int width, int height, std::vector<std::uint8_t>& rgb)>;

void writeClip(const std::filesystem::path& file, const ClipSpec& spec, const Painter& painter);

// Presentation time in seconds of frame i of a spec.
double frameTime(const ClipSpec& spec, int i);

}  // namespace tl::video
