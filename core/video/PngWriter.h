#pragma once
// writePng(): encodes packed RGB24 pixels as a PNG file with FFmpeg's png
// encoder. Throws tl::Error naming the file when encoding or writing fails.
// Thread-safe (each call has its own encoder).

#include <cstdint>
#include <filesystem>
#include <vector>

namespace tl::video {

void writePng(const std::filesystem::path& file, int width, int height, const std::vector<std::uint8_t>& rgb);

// Turns an ImageNet-normalised CHW buffer back into packed RGB24 (for looking at network inputs).
std::vector<std::uint8_t> chwToRgb(const std::vector<float>& chw, int width, int height, const float mean[3],
                                   const float stdDev[3]);

}  // namespace tl::video
