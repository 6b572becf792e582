#pragma once
// `trailerlab-cli extract --model audio-torchscript:FILE`: each video's soundtrack
// -> log-mel patches (core/audio LogMelPatches) -> a user's TorchScript model
// (core/features AudioTorchScriptModel) -> one pooled row per video with sound,
// columns named audio-ts.dNN, in a CSV (or .npy + ids), with a FILE.meta.json that
// records the model's SHA-256 and the input contract. Videos without an audio
// stream are listed on stderr, in FILE.no-audio.txt and in the meta ("no_audio"),
// and get no row.

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "app/cli/ArgParser.h"
#include "core/data/FeatureMatrix.h"
#include "core/features/ExtractionPipeline.h"

namespace tl::cli {

inline constexpr const char* kAudioTorchScriptPrefix = "audio-torchscript:";
inline constexpr const char* kAudioTorchScriptColumns = "audio-ts";

// The extract options that only this route reads (refused with the other models).
const std::vector<std::string>& audioModelOnlyOptions();

// `unusable`: manifest rows already reported as failed. Returns the exit status.
int extractAudioModel(const ArgParser& p, const std::vector<features::VideoItem>& videos, std::size_t unusable,
                      const std::filesystem::path& outPath, std::ostream& out, std::ostream& err);

// A CSV `item_id,NAME...` with one row per item (%.9g: floats round-trip), written atomically.
void writeNamedFeatureCsv(const std::filesystem::path& path, const std::vector<std::string>& names,
                          const FeatureMatrix& matrix);

}  // namespace tl::cli
