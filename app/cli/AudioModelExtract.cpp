#include "app/cli/AudioModelExtract.h"

#include <iomanip>
#include <ostream>

#include <nlohmann/json.hpp>

#include "app/cli/AudioExtract.h"
#include "core/common/Error.h"
#include "core/data/FeatureMatrix.h"
#include "core/features/AudioTorchScript.h"
#include "core/features/FeatureNames.h"
#include "core/features/Pooling.h"
#ifndef TRAILERLAB_NO_VIDEO
#include "core/audio/AudioExtraction.h"
#include "core/audio/LogMelPatches.h"
#endif

namespace tl::cli {

namespace fs = std::filesystem;

const std::vector<std::string>& audioModelOnlyOptions()
{
    static const std::vector<std::string> names{"patch-frames", "patch-hop"};
    return names;
}

int extractAudioModel(const ArgParser& p, const std::vector<features::VideoItem>& videos, std::size_t unusable,
                      const fs::path& outPath, std::ostream& out, std::ostream& err)
{
    // Options of the frame models that mean nothing for the sound: refused, never ignored.
    for (const char* name : {"weights", "random-weights", "fps", "shots", "skip-start", "skip-end", "keep-uniform",
                             "half", "workers", "mobilenet-output", "reduce", "seed", "cache", "shard"})
        if (p.given(name))
            throw UsageError(std::string("--") + name + " does not apply to --model " + kAudioTorchScriptPrefix + "FILE");
    if (outPath.extension() != ".csv" && outPath.extension() != ".npy")
        throw UsageError("--out " + outPath.string() + ": give a .csv (header of column names) or .npy file");
    const std::string model = *p.value("model");
    const fs::path modelFile = model.substr(std::string(kAudioTorchScriptPrefix).size());
    if (modelFile.empty())
        throw UsageError("--model " + model + ": name the TorchScript file (audio-torchscript:FILE.pt)");
    const features::Pooling pooling = features::parsePooling(*p.value("pooling"));
    const long batchOption = p.given("batch") ? p.integer("batch") : 64;
    if (batchOption < 1)
        throw UsageError("--batch " + std::to_string(batchOption) + ": give at least 1 patch per forward pass");
    const auto batch = static_cast<std::size_t>(batchOption);
#ifdef TRAILERLAB_NO_VIDEO
    (void)videos;
    (void)unusable;
    (void)out;
    (void)err;
    (void)batch;
    (void)pooling;
    (void)modelFile;
    throw ConfigError("--model " + model + ": this build has no FFmpeg (configured with -DTRAILERLAB_WITH_FFMPEG=OFF)");
#else
    using namespace tl::audio;
    LogMelPatchShape shape;
    shape.frames = static_cast<int>(p.integer("patch-frames"));
    shape.hop = static_cast<int>(p.integer("patch-hop"));
    if (shape.frames < 1 || shape.hop < 1 || shape.frames > 100000 || shape.hop > 100000)
        throw UsageError("--patch-frames " + std::to_string(shape.frames) + " --patch-hop " + std::to_string(shape.hop) +
                         ": both must lie in 1 .. 100000 spectrogram frames");

    features::AudioModelSpec spec;
    spec.file = modelFile;
    spec.device = parseDeviceOption(*p.value("device"), "device");
    spec.bands = kMelBands;
    spec.frames = shape.frames;
    features::AudioTorchScriptModel net(spec);
    const std::size_t dims = net.featureDim();
    err << "model: " << net.name() << " (" << dims << " features per log-mel patch [N, 1, " << kMelBands << ", "
        << shape.frames << "], patches every " << shape.hop << " frames) on " << net.deviceName()
        << "\nweights: " << net.provenance() << "\n";

    features::FeatureLayout layout = features::FeatureLayout::indexed(kAudioTorchScriptColumns, dims);
    layout.unit = "d";
    AudioProfileRoute route;
    route.stage = "audio model";
    for (std::size_t c = 0; c < dims; ++c)
        route.columns.push_back(features::featureName(layout, c));
    // Per video: its patches, batch by batch through the model, pooled into one row.
    std::size_t patches = 0;
    route.profile = [&](const fs::path& video, const CancelToken* cancel) {
        features::FeaturePooler pooler(dims);
        const PatchStreamResult result = streamLogMelPatches(
            video, shape, batch, [&](const float* x, std::size_t n) { pooler.addRows(net.forward(x, n, batch)); },
            cancel);
        AudioProfile profile;
        profile.decode = result.decode;
        if (profile.hasAudio()) {
            profile.values = pooler.pooled(pooling);
            patches += result.patches;
        }
        return profile;
    };
    if (outPath.extension() == ".npy")
        route.writeRows = [](const fs::path& path, const std::vector<std::string>&, const std::vector<std::string>& ids,
                             const std::vector<std::vector<float>>& rows) {
            FeatureMatrix matrix;
            matrix.ids = ids;
            matrix.values.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.front().size()));
            for (std::size_t r = 0; r < rows.size(); ++r)
                for (std::size_t c = 0; c < rows[r].size(); ++c)
                    matrix.values(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = rows[r][c];
            writeFeatureMatrix(matrix, path);
        };
    route.describe = [&](nlohmann::json& meta) {
        meta["model"] = net.name();
        meta["provenance"] = net.provenance();
        meta["weights_id"] = net.weightsId();
        meta["random_weights"] = false;
        meta["device"] = net.device().str();
        meta["precision"] = "float32";
        meta["input"] = {
            {"sample_rate", kAudioSampleRate},
            {"channels", "mono (FFmpeg's default downmix)"},
            {"frame", kFrameSize},
            {"hop", kHopSize},
            {"window", "periodic Hann"},
            {"mel_bands", kMelBands},
            {"mel_scale", "HTK, triangular, 0 Hz .. sample_rate / 2, on the power spectrum"},
            {"log", "10 log10(E + 1e-10) dB"},
            {"patch_frames", shape.frames},
            {"patch_hop", shape.hop},
            {"tensor", "float32 [N, 1, " + std::to_string(kMelBands) + ", " + std::to_string(shape.frames) + "]"}};
        meta["pooling"] = features::toString(pooling);
        meta["columns"] = route.columns.front() + " .. " + route.columns.back();
        meta["patches"] = patches;
    };

    const auto [summary, failed] = runAudioExtraction(p, videos, unusable, outPath, route, "audio model features", err);
    out << std::fixed << std::setprecision(1) << "wrote " << outPath.string() << ": " << summary.described << " items x "
        << dims << " features (" << features::toString(pooling) << " pooling of " << patches << " log-mel patches, "
        << summary.seconds << " s of sound); " << summary.noAudio << " without sound (listed in "
        << summary.noAudioList.string() << "), " << failed << " failed\nweights: " << net.provenance() << "\n";
    return p.exitStatusFor(failed, videos.size() + unusable, "videos", err);
#endif
}

}  // namespace tl::cli
