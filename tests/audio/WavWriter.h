#pragma once
// Writes PCM WAV files with known samples for the audio tests (FFmpeg reads them
// like any other media file).
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <vector>

namespace tl::audio::wav {

namespace fs = std::filesystem;

inline void put(std::ofstream& out, std::uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; ++i)
        out.put(static_cast<char>((v >> (8 * i)) & 0xff));
}

// A PCM 16-bit WAV of interleaved samples. `declaredFrames` overrides the data size in
// the header (a truncated file says more than it holds).
inline void writeWav(const fs::path& file, int rate, int channels, const std::vector<std::int16_t>& samples,
              long declaredFrames = -1)
{
    std::ofstream out(file, std::ios::binary);
    const auto dataBytes = static_cast<std::uint32_t>(
        (declaredFrames >= 0 ? static_cast<std::size_t>(declaredFrames) * static_cast<std::size_t>(channels)
                             : samples.size()) * 2);
    out.write("RIFF", 4);
    put(out, 36 + dataBytes, 4);
    out.write("WAVEfmt ", 8);
    put(out, 16, 4);
    put(out, 1, 2);  // PCM
    put(out, static_cast<std::uint32_t>(channels), 2);
    put(out, static_cast<std::uint32_t>(rate), 4);
    put(out, static_cast<std::uint32_t>(rate * channels * 2), 4);
    put(out, static_cast<std::uint32_t>(channels * 2), 2);
    put(out, 16, 2);
    out.write("data", 4);
    put(out, dataBytes, 4);
    for (std::int16_t s : samples)
        put(out, static_cast<std::uint16_t>(s), 2);
}

inline std::vector<std::int16_t> toneS16(double hz, int rate, double seconds, double amplitude)
{
    std::vector<std::int16_t> x(static_cast<std::size_t>(seconds * rate));
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = static_cast<std::int16_t>(std::lround(amplitude * 32767 * std::sin(2 * M_PI * hz * double(i) / rate)));
    return x;
}

}  // namespace tl::audio::wav
