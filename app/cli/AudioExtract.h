#pragma once
// `trailerlab-cli extract --model audio`: each video's soundtrack -> one row of
// named audio descriptors in a CSV whose header carries the names (written by
// core/audio/AudioExtraction, which the workbench's audio extraction shares).
// Videos without an audio stream are listed on stderr, in FILE.no-audio.txt and
// in FILE.meta.json ("no_audio"), and get no row.

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <vector>

#include "app/cli/ArgParser.h"
#include "core/features/ExtractionPipeline.h"

namespace tl::cli {

// `unusable`: manifest rows already reported as failed. Returns the exit status.
int extractAudio(const ArgParser& p, const std::vector<features::VideoItem>& videos, std::size_t unusable,
                 const std::filesystem::path& outPath, std::ostream& out, std::ostream& err);

}  // namespace tl::cli
