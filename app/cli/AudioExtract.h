#pragma once
// `trailerlab-cli extract --model audio`: each video's soundtrack -> one row of
// named audio descriptors in a CSV whose header carries the names (written by
// core/audio/AudioExtraction, which the workbench's audio extraction shares).
// Videos without an audio stream are listed on stderr, in FILE.no-audio.txt and
// in FILE.meta.json ("no_audio"), and get no row.

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "app/cli/ArgParser.h"
#include "core/features/ExtractionPipeline.h"
#ifndef TRAILERLAB_NO_VIDEO
#include "core/audio/AudioExtraction.h"
#endif

namespace tl::cli {

// `unusable`: manifest rows already reported as failed. Returns the exit status.
int extractAudio(const ArgParser& p, const std::vector<features::VideoItem>& videos, std::size_t unusable,
                 const std::filesystem::path& outPath, std::ostream& out, std::ostream& err);

#ifndef TRAILERLAB_NO_VIDEO
struct AudioRun {
    audio::AudioExtractionSummary summary;
    std::size_t failed = 0;  // the summary's and the `unusable` manifest rows
};

// What both audio routes share: runs `route` over the videos with progress (unless
// --quiet) and one line per video on `err` ("no audio: ID (FILE): reason", "failed: ...",
// "warning: ..." for damaged sound); when no video gave a row, a DataError on the
// manifest "no video gave NOUN (N without sound, F failed, each listed above)".
AudioRun runAudioExtraction(const ArgParser& p, const std::vector<features::VideoItem>& videos, std::size_t unusable,
                            const std::filesystem::path& outPath, const audio::AudioProfileRoute& route,
                            const std::string& noun, std::ostream& err);
#endif

}  // namespace tl::cli
