#pragma once
// ClipWriter: makes known-answer video clips with FFmpeg's encoders for the
// video tests and the benchmark. Frames are painted as RGB24 by a callback
// and converted to the encoder's pixel format; every frame gets the
// presentation time the spec asks for (constant or variable frame rate).
// Throws std::runtime_error when FFmpeg refuses the configuration.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace tl::video::test {

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
    int threads = 0;
};

// Paints frame `index` into `rgb` (width * height * 3 bytes, rows packed).
using Painter = std::function<void(int index, int width, int height, std::vector<std::uint8_t>& rgb)>;

void writeClip(const std::filesystem::path& file, const ClipSpec& spec, const Painter& painter);

// The index pattern: a 4 x 4 grid of cells; cells 0..11 carry the bits of the
// frame index (light = 1, dark = 0), cells 12..15 are fixed colours so no frame is uniform.
void paintIndex(int index, int width, int height, std::vector<std::uint8_t>& rgb);
// Reads the index back from an RGB24 image of any size (e.g. a thumbnail). -1 when unreadable.
int readIndex(const std::uint8_t* rgb, int width, int height);

// Presentation time in seconds of frame i of a spec.
double frameTime(const ClipSpec& spec, int i);

}  // namespace tl::video::test
