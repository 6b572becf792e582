#pragma once
// Which trailer-feature configurations the workbench extracts on its own when a
// project opens, and in what order (the queue; running it is the UI's job).
//
// A configuration (model x fps of the project file) is missing when its item
// profiles are not in the project's profile folder (<cache>/profiles/<name>.npy
// or .csv). The order puts the quickest useful result first: the default model
// (the project's first) at its lowest frame rate, then that model's other rates
// in increasing order, then the other models likewise. Extracting a planned
// configuration resumes from the feature store (<cache>/features), so a
// cancelled queue costs nothing the next time.
//
// The soundtracks: when the project lists trailers and <profiles>/audio.csv is
// missing, the plan also holds one audio extraction (kind Audio, configuration
// "audio": the named audio descriptors, core/audio/AudioExtraction). It comes
// right after the first frame configuration (that one stays the quickest useful
// result; the sound costs about three decodings of the trailers and gives the
// "audio" configuration and, beside every frame configuration, its fused
// ones), then the other frame configurations; alone when no frame configuration
// is missing. An audio extraction writes nothing when no trailer gives a row
// (all silent, or none decodable), so the outcome is recorded instead: the
// marker <profiles>/audio.none.json lists the trailers checked (id, video, its
// size and modification time), and the plan leaves audio out while the manifest
// lists exactly those trailers with the same files. Adding, removing or replacing
// a trailer plans it again; an extraction that writes audio.csv removes the marker.
//
// No Qt, no threads: pure functions plus one folder listing (and the manifest,
// read only when a no-sound marker is there).

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "core/features/ExtractionPipeline.h"
#include "core/features/ModelRegistry.h"
#include "core/project/Project.h"
#include "core/experiment/ProjectExtraction.h"

namespace tl::session {

// The configuration name (and profile file stem) of the soundtracks' descriptors.
inline constexpr const char* kAudioConfiguration = "audio";

struct PlannedExtraction {
    enum class Kind { Frames, Audio };
    Kind kind = Kind::Frames;
    // Frames: model (default weights resolved), uniform sampling at fps.
    // Audio: model "audio" only (no weights, no sampling).
    ExtractionSettings settings;
    std::string configuration;    // configurationName(settings), e.g. "mobilenetv2-fps2"; Audio: "audio"
    bool first = false;           // no video configuration exists yet: this one is needed now, the rest are background work
    bool audio() const { return kind == Kind::Audio; }
};

// Names (file stems) of the item-profile files in the project's profile folder.
std::set<std::string> existingProfiles(const Project& project);

// The missing configurations of project.models x project.fps, in extraction
// order (see above), with the soundtracks' audio extraction after the first of
// them when "audio" is missing and not known silent (silentSoundtracksMarker).
// Empty when the project lists no trailer (no manifest).
// Non-positive or repeated frame rates and repeated models are ignored. Each
// model's weights come from `registry` (ModelRegistry::standard(project folder)
// when none is given); a model whose weights are not found is left out of the
// plan, so nothing is started that can only fail, and its lookup (with every
// place searched) goes to *missingWeights when given. The audio extraction is
// never `first` (the views follow a video configuration).
std::vector<PlannedExtraction> planAutoExtraction(const Project& project, const std::set<std::string>& existing,
                                                  const features::ModelRegistry* registry = nullptr,
                                                  std::vector<features::WeightsLookup>* missingWeights = nullptr);

// <cache>/profiles/audio.none.json: the trailers an audio extraction found no row for.
std::filesystem::path silentSoundtracksMarker(const Project& project);

// <cache>/profiles/audio.csv: where the soundtracks' descriptors go (kAudioConfiguration).
std::filesystem::path soundtrackProfile(const Project& project);

// Records an audio extraction's outcome over `trailers` for the plan, from its counts
// (audio::AudioExtractionSummary's described, noAudio, failed): when no trailer was
// described (nothing written), writes the marker (atomically) with each trailer's id,
// video, size and modification time and the reason ("no trailer has sound", or "no
// trailer gave audio descriptors (N without sound, M failed)"); when one was (audio.csv
// written), removes a marker left from before.
void recordSoundtrackOutcome(const Project& project, const std::vector<features::VideoItem>& trailers,
                             std::size_t described, std::size_t withoutSound, std::size_t failed);

// True when the marker exists and lists exactly `trailers` (in any order) with the
// same video files, sizes and modification times. A missing or unreadable marker: false.
bool soundtracksKnownSilent(const Project& project, const std::vector<features::VideoItem>& trailers);

}  // namespace tl::session
