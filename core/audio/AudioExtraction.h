#pragma once
// extractAudioProfiles(): one row per video with sound, from a list of videos, written
// as one item-profile file with its sidecars. Every audio route writes the same way:
//   OUT               the rows: by default a CSV, header item_id,<columns>, %.9g values
//                     (the route may write another format, e.g. .npy + ids)
//   OUT.no-audio.txt  the ids of the videos without an audio stream, one per line
//   OUT.meta.json     the route's keys (model, provenance, ...) and the common ones:
//                     items, features, seconds of sound, and the videos without sound,
//                     damaged or failed
// A route (AudioProfileRoute) says how one video becomes a row (its profiler), what the
// columns are called and what the meta records; audioDescriptorRoute() is the named
// descriptors (`trailerlab-cli extract --model audio`, the workbench's audio
// extraction), and `extract --model audio-torchscript:FILE` passes a learned model's.
// A video without sound gets no row (never a row of zeros); one whose profiler throws
// tl::Error is counted as failed with its message; damaged audio is described and listed.
// Nothing is written when no video gives a row (the summary says why).
//
// Progress: the route's stage ("audio"), done = videos finished, total = videos,
// detail = the id. Cancel: tl::Cancelled, nothing written. onItem runs on the calling
// thread after each video. Threading: synchronous; run it in a worker.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/audio/AudioProfile.h"
#include "core/common/JobContext.h"

namespace tl::audio {

struct AudioSourceItem {
    std::string id;
    std::filesystem::path video;
};

struct AudioItemOutcome {
    enum class Status { Described, NoAudio, Failed };
    Status status = Status::Failed;
    std::string message;  // NoAudio: the reason; Failed: the error; Described: the damage, if any
    double seconds = 0;   // seconds of sound described
    bool damaged = false;
};

struct AudioExtractionSummary {
    std::vector<AudioItemOutcome> items;  // one per input video, in order
    std::size_t described = 0, noAudio = 0, failed = 0, damaged = 0;
    double seconds = 0;                   // of sound, over the described videos
    std::filesystem::path csv, noAudioList, meta;  // empty when nothing was written (csv: the rows' file)
    bool written() const { return !csv.empty(); }
    // The ids of the videos without sound, in input order.
    std::vector<std::string> withoutSound(const std::vector<AudioSourceItem>& videos) const;
};

// OUT.no-audio.txt and OUT.meta.json beside OUT.csv.
std::filesystem::path noAudioListPath(const std::filesystem::path& csv);
std::filesystem::path audioMetaPath(const std::filesystem::path& csv);

using AudioItemCallback = std::function<void(std::size_t index, const AudioItemOutcome& outcome)>;

// One video -> its decode outcome and, when it has sound, its row (one value per column).
// tl::Error: the video failed; tl::Cancelled (from `cancel`) stops the extraction.
using AudioProfiler = std::function<AudioProfile(const std::filesystem::path& video, const CancelToken* cancel)>;
// Writes the rows (ids[r] -> rows[r], columns.size() values each) to `path`, atomically.
using AudioRowsWriter = std::function<void(const std::filesystem::path& path, const std::vector<std::string>& columns,
                                           const std::vector<std::string>& ids,
                                           const std::vector<std::vector<float>>& rows)>;

struct AudioProfileRoute {
    std::string stage = "audio";       // the progress stage
    std::vector<std::string> columns;  // the row's names, in order
    AudioProfiler profile;
    AudioRowsWriter writeRows;         // empty: writeAudioProfileCsv
    // The route's own keys of OUT.meta.json, called once after the last video (so it may
    // record totals its profiler gathered); the common keys are set after it.
    std::function<void(nlohmann::json& meta)> describe;
};

// The named audio descriptors (describeAudioFile, audioDescriptorNames(); meta model "audio").
AudioProfileRoute audioDescriptorRoute();

// The CSV of AudioRowsWriter: header item_id,<columns>, one line per row, %.9g (floats round-trip).
void writeAudioProfileCsv(const std::filesystem::path& path, const std::vector<std::string>& columns,
                          const std::vector<std::string>& ids, const std::vector<std::vector<float>>& rows);

AudioExtractionSummary extractAudioProfiles(const std::vector<AudioSourceItem>& videos,
                                            const std::filesystem::path& out, const AudioProfileRoute& route,
                                            const JobContext& ctx = JobContext::none(),
                                            const AudioItemCallback& onItem = {});

// The named descriptors (audioDescriptorRoute()) as a CSV.
AudioExtractionSummary extractAudioProfiles(const std::vector<AudioSourceItem>& videos,
                                            const std::filesystem::path& csv,
                                            const JobContext& ctx = JobContext::none(),
                                            const AudioItemCallback& onItem = {});

}  // namespace tl::audio
