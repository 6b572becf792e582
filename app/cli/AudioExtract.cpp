#include "app/cli/AudioExtract.h"

#include <iomanip>
#include <ostream>

#include "app/cli/ConsoleProgress.h"
#include "core/common/Error.h"
#ifndef TRAILERLAB_NO_VIDEO
#include "core/audio/AudioDecoder.h"
#include "core/audio/AudioDescriptors.h"
#include "core/audio/AudioExtraction.h"
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
    std::vector<AudioSourceItem> items;
    for (const auto& v : videos)
        items.push_back({v.id, v.path});
    const AudioExtractionSummary summary =
        extractAudioProfiles(items, outPath, progress.context(), [&](std::size_t i, const AudioItemOutcome& outcome) {
            const std::string what = items[i].id + " (" + items[i].video.string() + "): " + outcome.message;
            if (outcome.status == AudioItemOutcome::Status::NoAudio)
                err << "no audio: " << what << "\n";
            else if (outcome.status == AudioItemOutcome::Status::Failed)
                err << "failed: " << what << "\n";
            else if (outcome.damaged)
                err << "warning: " << what << "\n";
        });
    const std::size_t failed = unusable + summary.failed;
    if (!summary.written())
        throw DataError(p.given("videos") ? *p.value("videos") : *p.value("manifest"), 0,
                        "no video gave audio descriptors (" + std::to_string(summary.noAudio) + " without sound, " +
                            std::to_string(failed) + " failed, each listed above)");
    out << std::fixed << std::setprecision(1) << "wrote " << outPath.string() << ": " << summary.described << " items x "
        << names.size() << " audio descriptors (" << summary.seconds << " s of sound); " << summary.noAudio
        << " without sound (listed in " << summary.noAudioList.string() << "), " << failed << " failed\n";
    return p.exitStatusFor(failed, videos.size() + unusable, "videos", err);
#endif
}

}  // namespace tl::cli
