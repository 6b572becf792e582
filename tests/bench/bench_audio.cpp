// Audio descriptors' and a learned audio model's cost per second of sound against
// decoding alone, measured in the same run: for each file, the median over repeats of
// (a) decodeAudio to mono 22.05 kHz with a sink that does nothing, (b) describeAudioFile
// (decode + all descriptors), (c) decode + log-mel patches (64 frames, hop 32) alone and
// (d) the learned route of extract --model audio-torchscript: decode + patches + the
// TorchScript model on the CPU in batches of 64 + mean pooling, and (e) computeAudioOverview
// (decode + the player's waveform and spectrogram, 25 ms columns).
// The model: --model FILE.pt, else a small CNN (two 3x3 convolutions, 16 and 32
// channels, global average, a 128-wide linear layer) saved with random weights by
// python3-torch into the temporary folder; without python3-torch (c, d) are left out.
// Files: the arguments, else the shared videos with sound (TRAILERLAB_SHARED_DIR/videos)
// plus a generated 60 s stereo 44.1 kHz WAV (written to the temporary folder).
//   bench_audio [--repeats N] [--model FILE.pt] [FILE...]
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "core/audio/AudioOverview.h"
#include "core/audio/AudioProfile.h"
#include "core/audio/LogMelPatches.h"
#include "core/features/AudioTorchScript.h"
#include "core/features/Pooling.h"
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

// A small CNN over [N, 1, 40, 64] log-mel patches -> [N, 128], random weights (for timing only).
fs::path writeBenchModel()
{
    const fs::path dir = fs::temp_directory_path();
    const fs::path script = dir / "trailerlab-bench-audio-model.py", model = dir / "trailerlab-bench-audio-cnn.pt";
    std::ofstream(script) << "import sys, torch\n"
                             "torch.manual_seed(1)\n"
                             "class Cnn(torch.nn.Module):\n"
                             "    def __init__(self):\n"
                             "        super().__init__()\n"
                             "        self.c1 = torch.nn.Conv2d(1, 16, 3, padding=1)\n"
                             "        self.c2 = torch.nn.Conv2d(16, 32, 3, padding=1)\n"
                             "        self.fc = torch.nn.Linear(32, 128)\n"
                             "    def forward(self, x):\n"
                             "        x = torch.nn.functional.max_pool2d(torch.relu(self.c1(x / 100.0)), 2)\n"
                             "        x = torch.relu(self.c2(x)).mean(dim=(2, 3))\n"
                             "        return self.fc(x)\n"
                             "torch.jit.script(Cnn().eval()).save(sys.argv[1])\n";
    const std::string command = "/usr/bin/python3 " + script.string() + " " + model.string() + " > /dev/null 2>&1";
    if (std::system(command.c_str()) != 0)
        return {};
    return model;
}

}  // namespace

int main(int argc, char** argv)
{
    int repeats = 5;
    std::vector<fs::path> files;
    fs::path modelFile;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--repeats" && i + 1 < argc)
            repeats = std::max(1, std::atoi(argv[++i]));
        else if (a == "--model" && i + 1 < argc)
            modelFile = argv[++i];
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
    if (modelFile.empty())
        modelFile = writeBenchModel();
    std::unique_ptr<features::AudioTorchScriptModel> net;
    const audio::LogMelPatchShape shape;  // the defaults of extract --model audio-torchscript
    constexpr std::size_t kBatch = 64;
    if (modelFile.empty()) {
        std::printf("no model (--model FILE.pt, or python3-torch to make one): the learned route is left out\n");
    } else {
        features::AudioModelSpec spec;
        spec.file = modelFile;
        spec.device = ComputeDevice::cpu();
        spec.frames = shape.frames;
        net = std::make_unique<features::AudioTorchScriptModel>(spec);
        std::printf("model: %s (%zu features per patch) on %s; patches of %d frames every %d, batches of %zu\n",
                    net->name().c_str(), net->featureDim(), net->deviceName().c_str(), shape.frames, shape.hop, kBatch);
    }
    std::printf("%-28s %8s %12s %12s %7s %12s %7s %12s %7s %12s %7s\n", "file", "sound s", "decode ms/s", "describe",
                "ratio", "patches", "ratio", "model", "ratio", "overview", "ratio");
    std::vector<double> decodeAll, describeAll, patchAll, modelAll, overviewAll;
    double totalSound = 0;
    for (const auto& file : files) {
        std::vector<double> decode, describe, patch, model, overview;
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
                if (!net)
                    continue;
                start = bench::Clock::now();
                audio::streamLogMelPatches(file, shape, kBatch, [](const float*, std::size_t) {});
                patch.push_back(bench::seconds(start));
                start = bench::Clock::now();
                features::FeaturePooler pooler(net->featureDim());
                audio::streamLogMelPatches(file, shape, kBatch,
                                           [&](const float* x, std::size_t n) { pooler.addRows(net->forward(x, n, kBatch)); });
                static_cast<void>(pooler.mean());  // the pooling is part of the route
                model.push_back(bench::seconds(start));
            }
        } catch (const std::exception& e) {
            std::printf("%-28s error: %s\n", file.filename().string().c_str(), e.what());
            continue;
        }
        if (describe.empty() || sound <= 0)
            continue;
        const double d = bench::median(decode), s = bench::median(describe), pt = bench::median(patch),
                     m = bench::median(model), o = bench::median(overview);
        std::printf("%-28s %8.1f %12.2f %12.2f %6.2fx %12.2f %6.2fx %12.2f %6.2fx %12.2f %6.2fx\n",
                    file.filename().string().c_str(), sound, 1e3 * d / sound, 1e3 * s / sound, s / d,
                    1e3 * pt / sound, pt / d, 1e3 * m / sound, m / d, 1e3 * o / sound, o / d);
        overviewAll.push_back(o);
        decodeAll.push_back(d);
        describeAll.push_back(s);
        patchAll.push_back(pt);
        modelAll.push_back(m);
        totalSound += sound;
    }
    double d = 0, s = 0, pt = 0, m = 0, o = 0;
    for (std::size_t i = 0; i < decodeAll.size(); ++i) {
        d += decodeAll[i];
        s += describeAll[i];
        pt += patchAll[i];
        m += modelAll[i];
        o += overviewAll[i];
    }
    if (totalSound > 0)
        std::printf("all (%d repeats, medians summed)  %8.1f s of sound: decode %.2f ms/s, decode + descriptors "
                    "%.2f ms/s (%.2fx decoding alone; %.0fx faster than real time)\n",
                    repeats, totalSound, 1e3 * d / totalSound, 1e3 * s / totalSound, s / d, totalSound / s);
    if (totalSound > 0 && net)
        std::printf("learned route: decode + log-mel patches %.2f ms/s (%.2fx decoding alone); + %s and mean pooling "
                    "%.2f ms/s (%.2fx decoding alone; %.0fx faster than real time)\n",
                    1e3 * pt / totalSound, pt / d, net->name().c_str(), 1e3 * m / totalSound, m / d, totalSound / m);
    if (totalSound > 0)
        std::printf("player's audio strip: decode + waveform and spectrogram %.2f ms/s (%.2fx decoding alone; %.0fx "
                    "faster than real time)\n",
                    1e3 * o / totalSound, o / d, totalSound / o);
    return 0;
}
