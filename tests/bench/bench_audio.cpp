// Audio descriptors' cost per second of sound against decoding alone, measured in the
// same run: for each file, the median over repeats of (a) decodeAudio to mono 22.05 kHz
// with a sink that does nothing, (b) describeAudioFile (decode + all descriptors) and
// (c) computeAudioOverview (decode + the player's waveform and spectrogram, 25 ms columns).
// Files: the arguments, else the shared videos with sound (TRAILERLAB_SHARED_DIR/videos)
// plus a generated 60 s stereo 44.1 kHz WAV (written to the temporary folder).
//   bench_audio [--repeats N] [FILE...]
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/audio/AudioOverview.h"
#include "core/audio/AudioProfile.h"
#include "tests/bench/BenchTiming.h"

namespace fs = std::filesystem;
using namespace tl;

namespace {

void put(std::ofstream& out, std::uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; ++i)
        out.put(static_cast<char>((v >> (8 * i)) & 0xff));
}

// 60 s of a chord with a beat and some noise, stereo 44.1 kHz PCM.
fs::path writeTestWav()
{
    const fs::path file = fs::temp_directory_path() / "trailerlab-bench-audio.wav";
    const int rate = 44100, seconds = 60;
    const std::uint32_t bytes = static_cast<std::uint32_t>(rate) * seconds * 4;
    std::ofstream out(file, std::ios::binary);
    out.write("RIFF", 4);
    put(out, 36 + bytes, 4);
    out.write("WAVEfmt ", 8);
    for (auto [v, n] : std::vector<std::pair<std::uint32_t, int>>{
             {16, 4}, {1, 2}, {2, 2}, {44100, 4}, {44100 * 4, 4}, {4, 2}, {16, 2}})
        put(out, v, n);
    out.write("data", 4);
    put(out, bytes, 4);
    std::uint32_t noise = 1;
    for (int i = 0; i < rate * seconds; ++i) {
        const double t = static_cast<double>(i) / rate;
        noise = noise * 1664525u + 1013904223u;
        const double beat = std::fmod(t, 0.5) < 0.02 ? 0.3 : 0.0;
        const double v = 0.2 * std::sin(2 * M_PI * 220 * t) + 0.1 * std::sin(2 * M_PI * 330 * t) + beat +
                         0.02 * (static_cast<double>(noise >> 8) / (1 << 24) - 0.5);
        const auto s = static_cast<std::uint16_t>(static_cast<std::int16_t>(std::lround(v * 30000)));
        put(out, s, 2);
        put(out, s, 2);
    }
    return file;
}

}  // namespace

int main(int argc, char** argv)
{
    int repeats = 5;
    std::vector<fs::path> files;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--repeats" && i + 1 < argc)
            repeats = std::max(1, std::atoi(argv[++i]));
        else
            files.emplace_back(a);
    }
    if (files.empty()) {
        const fs::path shared = fs::path(TRAILERLAB_SHARED_DIR) / "videos";
        if (fs::is_directory(shared))
            for (const char* name : {"balle-jbart.mp4", "balle1-vp9.avi", "cockatoo.mp4", "realshort.mp4"})
                if (fs::exists(shared / name))
                    files.push_back(shared / name);
        files.push_back(writeTestWav());
    }
    std::printf("%-28s %8s %14s %14s %8s %14s %8s\n", "file", "sound s", "decode ms/s", "describe ms/s", "ratio",
                "overview ms/s", "ratio");
    std::vector<double> decodeAll, describeAll, overviewAll;
    double totalSound = 0;
    for (const auto& file : files) {
        std::vector<double> decode, describe, overview;
        double sound = 0;
        try {
            for (int r = 0; r < repeats; ++r) {
                auto start = bench::Clock::now();
                const auto result = audio::decodeAudio(file, [](const float*, std::size_t) {});
                decode.push_back(bench::seconds(start));
                if (result.status != audio::AudioStatus::Decoded) {
                    std::printf("%-28s no audio\n", file.filename().string().c_str());
                    break;
                }
                sound = result.seconds();
                start = bench::Clock::now();
                const auto profile = audio::describeAudioFile(file);
                describe.push_back(bench::seconds(start));
                start = bench::Clock::now();
                const auto columns = audio::computeAudioOverview(file, {});
                overview.push_back(bench::seconds(start));
            }
        } catch (const std::exception& e) {
            std::printf("%-28s error: %s\n", file.filename().string().c_str(), e.what());
            continue;
        }
        if (describe.empty() || sound <= 0)
            continue;
        const double d = bench::median(decode), s = bench::median(describe), o = bench::median(overview);
        std::printf("%-28s %8.1f %14.2f %14.2f %7.2fx %14.2f %7.2fx\n", file.filename().string().c_str(), sound,
                    1e3 * d / sound, 1e3 * s / sound, s / d, 1e3 * o / sound, o / d);
        decodeAll.push_back(d);
        describeAll.push_back(s);
        overviewAll.push_back(o);
        totalSound += sound;
    }
    double d = 0, s = 0, o = 0;
    for (std::size_t i = 0; i < decodeAll.size(); ++i) {
        d += decodeAll[i];
        s += describeAll[i];
        o += overviewAll[i];
    }
    if (totalSound > 0)
        std::printf("all (%d repeats, medians summed)  %8.1f s of sound: decode %.2f ms/s, decode + descriptors "
                    "%.2f ms/s (%.2fx decoding alone; %.0fx faster than real time)\n",
                    repeats, totalSound, 1e3 * d / totalSound, 1e3 * s / totalSound, s / d, totalSound / s);
    if (totalSound > 0)
        std::printf("all: decode + waveform and spectrogram (the player's audio strip) %.2f ms/s (%.2fx decoding "
                    "alone; %.0fx faster than real time)\n",
                    1e3 * o / totalSound, o / d, totalSound / o);
    return 0;
}
