#include "app/cli/AudioExtract.h"

#include <cstdio>
#include <iomanip>
#include <ostream>

#include <nlohmann/json.hpp>

#include "app/cli/ConsoleProgress.h"
#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#ifndef TRAILERLAB_NO_VIDEO
#include "core/audio/AudioProfile.h"
#endif

namespace tl::cli {

namespace fs = std::filesystem;

int extractAudio(const ArgParser& p, const std::vector<features::VideoItem>& videos, std::size_t unusable,
                 const fs::path& outPath, std::ostream& out, std::ostream& err)
{
    // Options of the frame models that mean nothing for the sound: refused, never ignored.
    for (const char* name : {"weights", "random-weights", "fps", "shots", "skip-start", "skip-end", "keep-uniform",
                             "device", "half", "batch", "workers", "pooling", "mobilenet-output", "reduce", "seed", "cache",
                             "shard"})
        if (p.given(name))
            throw UsageError(std::string("--") + name + " does not apply to --model audio");
    if (outPath.extension() != ".csv")
        throw UsageError("--out " + outPath.string() + ": --model audio writes CSV (give a .csv file)");
#ifdef TRAILERLAB_NO_VIDEO
    (void)videos;
    (void)unusable;
    (void)out;
    (void)err;
    throw ConfigError("--model audio: this build has no FFmpeg (configured with -DTRAILERLAB_WITH_FFMPEG=OFF)");
#else
    using namespace tl::audio;
    const auto& names = audioDescriptorNames();
    err << "model: audio (" << names.size() << " named descriptors per item; mono " << kAudioSampleRate
        << " Hz, FFTW spectra, EBU R 128 loudness)\n";
    ConsoleProgress progress(err, p.flag("quiet"));
    const JobContext ctx = progress.context();

    struct Row {
        std::string id;
        std::vector<float> values;
    };
    std::vector<Row> rows;
    nlohmann::json noAudio = nlohmann::json::array(), failures = nlohmann::json::array(),
                   damaged = nlohmann::json::array();
    std::size_t failed = unusable;
    double seconds = 0;
    std::string noAudioList;
    for (std::size_t i = 0; i < videos.size(); ++i) {
        const auto& v = videos[i];
        ctx.report("audio", static_cast<double>(i), static_cast<double>(videos.size()), v.id);
        ctx.checkCancelled();
        try {
            AudioProfile profile = describeAudioFile(v.path, &ctx.token());
            if (!profile.hasAudio()) {
                err << "no audio: " << v.id << " (" << v.path.string() << "): " << profile.decode.noAudioReason << "\n";
                noAudio.push_back({{"item", v.id}, {"video", v.path.string()}, {"reason", profile.decode.noAudioReason}});
                noAudioList += v.id + "\n";
                continue;
            }
            if (profile.decode.damaged()) {
                err << "warning: " << v.id << " (" << v.path.string() << "): " << describeDamage(profile.decode) << "\n";
                damaged.push_back({{"item", v.id}, {"video", v.path.string()}, {"damage", describeDamage(profile.decode)}});
            }
            seconds += profile.decode.seconds();
            rows.push_back({v.id, std::move(profile.values)});
        } catch (const Cancelled&) {
            throw;
        } catch (const Error& e) {
            ++failed;
            err << "failed: " << v.id << " (" << v.path.string() << "): " << e.what() << "\n";
            failures.push_back({{"item", v.id}, {"video", v.path.string()}, {"error", e.what()}});
        }
    }
    ctx.report("audio", static_cast<double>(videos.size()), static_cast<double>(videos.size()));
    if (rows.empty())
        throw DataError(p.given("videos") ? *p.value("videos") : *p.value("manifest"), 0,
                        "no video gave audio descriptors (" + std::to_string(noAudio.size()) + " without sound, " +
                            std::to_string(failed) + " failed, each listed above)");

    writeFileAtomically(outPath, [&](std::ostream& csv) {
        csv << "item_id";
        for (const auto& n : names)
            csv << ',' << n;
        csv << '\n';
        char number[32];
        for (const auto& row : rows) {
            csv << row.id;
            for (float value : row.values) {
                std::snprintf(number, sizeof number, "%.9g", static_cast<double>(value));
                csv << ',' << number;
            }
            csv << '\n';
        }
    });
    fs::path noAudioPath = outPath;
    noAudioPath.replace_extension(".no-audio.txt");
    writeFileAtomically(noAudioPath, noAudioList);
    nlohmann::json meta = {{"model", "audio"},
                           {"sample_rate", kAudioSampleRate},
                           {"frame", kFrameSize},
                           {"hop", kHopSize},
                           {"items", rows.size()},
                           {"features", names.size()},
                           {"seconds_of_sound", seconds},
                           {"no_audio", noAudio},
                           {"damaged", damaged},
                           {"failures", failures}};
    fs::path metaPath = outPath;
    metaPath.replace_extension(".meta.json");
    writeFileAtomically(metaPath, meta.dump(2) + "\n");

    out << std::fixed << std::setprecision(1) << "wrote " << outPath.string() << ": " << rows.size() << " items x "
        << names.size() << " audio descriptors (" << seconds << " s of sound); " << noAudio.size()
        << " without sound (listed in " << noAudioPath.string() << "), " << failed << " failed\n";
    return p.exitStatusFor(failed, videos.size() + unusable, "videos", err);
#endif
}

}  // namespace tl::cli
