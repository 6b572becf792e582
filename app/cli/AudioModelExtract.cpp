#include "app/cli/AudioModelExtract.h"

#include <cstdio>
#include <iomanip>
#include <ostream>

#include <nlohmann/json.hpp>

#include "app/cli/ConsoleProgress.h"
#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/features/AudioTorchScript.h"
#include "core/features/FeatureNames.h"
#include "core/features/Pooling.h"
#ifndef TRAILERLAB_NO_VIDEO
#include "core/audio/LogMelPatches.h"
#endif

namespace tl::cli {

namespace fs = std::filesystem;

const std::vector<std::string>& audioModelOnlyOptions()
{
    static const std::vector<std::string> names{"patch-frames", "patch-hop"};
    return names;
}

void writeNamedFeatureCsv(const fs::path& path, const std::vector<std::string>& names, const FeatureMatrix& matrix)
{
    writeFileAtomically(path, [&](std::ostream& csv) {
        csv << "item_id";
        for (const auto& n : names)
            csv << ',' << n;
        csv << '\n';
        char number[32];
        for (std::size_t r = 0; r < matrix.rows(); ++r) {
            csv << matrix.ids[r];
            for (Eigen::Index c = 0; c < matrix.values.cols(); ++c) {
                std::snprintf(number, sizeof number, "%.9g",
                              static_cast<double>(matrix.values(static_cast<Eigen::Index>(r), c)));
                csv << ',' << number;
            }
            csv << '\n';
        }
    });
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

    ConsoleProgress progress(err, p.flag("quiet"));
    const JobContext ctx = progress.context();
    FeatureMatrix matrix;
    std::vector<std::vector<float>> rows;
    nlohmann::json noAudio = nlohmann::json::array(), failures = nlohmann::json::array(),
                   damaged = nlohmann::json::array();
    std::size_t failed = unusable, patches = 0;
    double seconds = 0;
    std::string noAudioList;
    for (std::size_t i = 0; i < videos.size(); ++i) {
        const auto& v = videos[i];
        ctx.report("audio model", static_cast<double>(i), static_cast<double>(videos.size()), v.id);
        ctx.checkCancelled();
        try {
            features::FeaturePooler pooler(dims);
            const PatchStreamResult result = streamLogMelPatches(
                v.path, shape, batch, [&](const float* x, std::size_t n) { pooler.addRows(net.forward(x, n, batch)); },
                &ctx.token());
            if (result.decode.status != AudioStatus::Decoded) {
                err << "no audio: " << v.id << " (" << v.path.string() << "): " << result.decode.noAudioReason << "\n";
                noAudio.push_back({{"item", v.id}, {"video", v.path.string()}, {"reason", result.decode.noAudioReason}});
                noAudioList += v.id + "\n";
                continue;
            }
            if (result.decode.damaged()) {
                err << "warning: " << v.id << " (" << v.path.string() << "): " << describeDamage(result.decode) << "\n";
                damaged.push_back({{"item", v.id}, {"video", v.path.string()}, {"damage", describeDamage(result.decode)}});
            }
            seconds += result.decode.seconds();
            patches += result.patches;
            matrix.ids.push_back(v.id);
            rows.push_back(pooler.pooled(pooling));
        } catch (const Cancelled&) {
            throw;
        } catch (const Error& e) {
            ++failed;
            err << "failed: " << v.id << " (" << v.path.string() << "): " << e.what() << "\n";
            failures.push_back({{"item", v.id}, {"video", v.path.string()}, {"error", e.what()}});
        }
    }
    ctx.report("audio model", static_cast<double>(videos.size()), static_cast<double>(videos.size()));
    if (rows.empty())
        throw DataError(p.given("videos") ? *p.value("videos") : *p.value("manifest"), 0,
                        "no video gave audio model features (" + std::to_string(noAudio.size()) + " without sound, " +
                            std::to_string(failed) + " failed, each listed above)");

    matrix.values.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(dims));
    for (std::size_t r = 0; r < rows.size(); ++r)
        for (std::size_t c = 0; c < dims; ++c)
            matrix.values(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = rows[r][c];
    features::FeatureLayout layout = features::FeatureLayout::indexed(kAudioTorchScriptColumns, dims);
    layout.unit = "d";
    std::vector<std::string> names;
    for (std::size_t c = 0; c < dims; ++c)
        names.push_back(features::featureName(layout, c));
    if (outPath.extension() == ".csv")
        writeNamedFeatureCsv(outPath, names, matrix);
    else
        writeFeatureMatrix(matrix, outPath);

    fs::path noAudioPath = outPath;
    noAudioPath.replace_extension(".no-audio.txt");
    writeFileAtomically(noAudioPath, noAudioList);
    nlohmann::json meta = {
        {"model", net.name()},
        {"provenance", net.provenance()},
        {"weights_id", net.weightsId()},
        {"random_weights", false},
        {"device", net.device().str()},
        {"precision", "float32"},
        {"input",
         {{"sample_rate", kAudioSampleRate},
          {"channels", "mono (FFmpeg's default downmix)"},
          {"frame", kFrameSize},
          {"hop", kHopSize},
          {"window", "periodic Hann"},
          {"mel_bands", kMelBands},
          {"mel_scale", "HTK, triangular, 0 Hz .. sample_rate / 2, on the power spectrum"},
          {"log", "10 log10(E + 1e-10) dB"},
          {"patch_frames", shape.frames},
          {"patch_hop", shape.hop},
          {"tensor", "float32 [N, 1, " + std::to_string(kMelBands) + ", " + std::to_string(shape.frames) + "]"}}},
        {"pooling", features::toString(pooling)},
        {"columns", names.front() + " .. " + names.back()},
        {"items", matrix.rows()},
        {"features", dims},
        {"patches", patches},
        {"seconds_of_sound", seconds},
        {"no_audio", noAudio},
        {"damaged", damaged},
        {"failures", failures}};
    fs::path metaPath = outPath;
    metaPath.replace_extension(".meta.json");
    writeFileAtomically(metaPath, meta.dump(2) + "\n");

    out << std::fixed << std::setprecision(1) << "wrote " << outPath.string() << ": " << matrix.rows() << " items x "
        << dims << " features (" << features::toString(pooling) << " pooling of " << patches << " log-mel patches, "
        << seconds << " s of sound); " << noAudio.size() << " without sound (listed in " << noAudioPath.string()
        << "), " << failed << " failed\nweights: " << net.provenance() << "\n";
    return p.exitStatusFor(failed, videos.size() + unusable, "videos", err);
#endif
}

}  // namespace tl::cli
