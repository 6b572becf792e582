#pragma once
// extractAudioProfiles(): the audio descriptors of a list of videos written as one
// item-profile file, the way `trailerlab-cli extract --model audio` and the
// workbench's audio extraction both write it:
//   OUT.csv           header item_id,<audioDescriptorNames()>; one row per video with sound
//   OUT.no-audio.txt  the ids of the videos without an audio stream, one per line
//   OUT.meta.json     model "audio", provenance, sample rate, frame and hop, counts,
//                     seconds of sound, and the videos without sound, damaged or failed
// A video without sound gets no row (never a row of zeros); one that cannot be decoded
// is counted as failed with its message; damaged audio is described and listed.
// Nothing is written when no video gives a row (the summary says why).
//
// Progress: stage "audio", done = videos finished, total = videos, detail = the id.
// Cancel: tl::Cancelled, nothing written. onItem runs on the calling thread after each
// video. Threading: synchronous; run it in a worker.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

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
    std::filesystem::path csv, noAudioList, meta;  // empty when nothing was written
    bool written() const { return !csv.empty(); }
    // The ids of the videos without sound, in input order.
    std::vector<std::string> withoutSound(const std::vector<AudioSourceItem>& videos) const;
};

// OUT.no-audio.txt and OUT.meta.json beside OUT.csv.
std::filesystem::path noAudioListPath(const std::filesystem::path& csv);
std::filesystem::path audioMetaPath(const std::filesystem::path& csv);

using AudioItemCallback = std::function<void(std::size_t index, const AudioItemOutcome& outcome)>;

AudioExtractionSummary extractAudioProfiles(const std::vector<AudioSourceItem>& videos,
                                            const std::filesystem::path& csv,
                                            const JobContext& ctx = JobContext::none(),
                                            const AudioItemCallback& onItem = {});

}  // namespace tl::audio
