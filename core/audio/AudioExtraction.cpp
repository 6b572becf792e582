#include "core/audio/AudioExtraction.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/audio/AudioProfile.h"
#include "core/common/AtomicFile.h"
#include "core/common/Error.h"

namespace tl::audio {

namespace fs = std::filesystem;

fs::path noAudioListPath(const fs::path& csv)
{
    fs::path p = csv;
    return p.replace_extension(".no-audio.txt");
}

fs::path audioMetaPath(const fs::path& csv)
{
    fs::path p = csv;
    return p.replace_extension(".meta.json");
}

std::vector<std::string> AudioExtractionSummary::withoutSound(const std::vector<AudioSourceItem>& videos) const
{
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < items.size() && i < videos.size(); ++i)
        if (items[i].status == AudioItemOutcome::Status::NoAudio)
            ids.push_back(videos[i].id);
    return ids;
}

AudioExtractionSummary extractAudioProfiles(const std::vector<AudioSourceItem>& videos, const fs::path& csv,
                                            const JobContext& ctx, const AudioItemCallback& onItem)
{
    const auto& names = audioDescriptorNames();
    struct Row {
        std::string id;
        std::vector<float> values;
    };
    std::vector<Row> rows;
    nlohmann::json noAudio = nlohmann::json::array(), failures = nlohmann::json::array(),
                   damaged = nlohmann::json::array();
    std::string noAudioList;
    AudioExtractionSummary summary;
    for (std::size_t i = 0; i < videos.size(); ++i) {
        const auto& v = videos[i];
        ctx.report("audio", static_cast<double>(i), static_cast<double>(videos.size()), v.id);
        ctx.checkCancelled();
        AudioItemOutcome outcome;
        try {
            AudioProfile profile = describeAudioFile(v.video, &ctx.token());
            if (!profile.hasAudio()) {
                outcome.status = AudioItemOutcome::Status::NoAudio;
                outcome.message = profile.decode.noAudioReason;
                noAudio.push_back({{"item", v.id}, {"video", v.video.string()}, {"reason", outcome.message}});
                noAudioList += v.id + "\n";
                ++summary.noAudio;
            } else {
                outcome.status = AudioItemOutcome::Status::Described;
                outcome.seconds = profile.decode.seconds();
                if (profile.decode.damaged()) {
                    outcome.damaged = true;
                    outcome.message = describeDamage(profile.decode);
                    damaged.push_back({{"item", v.id}, {"video", v.video.string()}, {"damage", outcome.message}});
                    ++summary.damaged;
                }
                summary.seconds += outcome.seconds;
                ++summary.described;
                rows.push_back({v.id, std::move(profile.values)});
            }
        } catch (const Cancelled&) {
            throw;
        } catch (const Error& e) {
            outcome.status = AudioItemOutcome::Status::Failed;
            outcome.message = e.what();
            failures.push_back({{"item", v.id}, {"video", v.video.string()}, {"error", outcome.message}});
            ++summary.failed;
        }
        summary.items.push_back(outcome);
        if (onItem)
            onItem(i, outcome);
    }
    ctx.report("audio", static_cast<double>(videos.size()), static_cast<double>(videos.size()));
    if (rows.empty())
        return summary;

    writeFileAtomically(csv, [&](std::ostream& out) {
        out << "item_id";
        for (const auto& n : names)
            out << ',' << n;
        out << '\n';
        char number[32];
        for (const auto& row : rows) {
            out << row.id;
            for (float value : row.values) {
                std::snprintf(number, sizeof number, "%.9g", static_cast<double>(value));
                out << ',' << number;
            }
            out << '\n';
        }
    });
    writeFileAtomically(noAudioListPath(csv), noAudioList);
    const nlohmann::json meta = {
        {"model", "audio"},
        {"provenance", "audio descriptors: " + std::to_string(names.size()) + " named (log-mel, MFCC, spectral shape, "
                       "onsets, tempo, EBU R 128 loudness) of the mono mix at " + std::to_string(kAudioSampleRate) + " Hz"},
        {"sample_rate", kAudioSampleRate},
        {"frame", kFrameSize},
        {"hop", kHopSize},
        {"items", rows.size()},
        {"features", names.size()},
        {"seconds_of_sound", summary.seconds},
        {"no_audio", noAudio},
        {"damaged", damaged},
        {"failures", failures}};
    writeFileAtomically(audioMetaPath(csv), meta.dump(2) + "\n");
    summary.csv = csv;
    summary.noAudioList = noAudioListPath(csv);
    summary.meta = audioMetaPath(csv);
    return summary;
}

}  // namespace tl::audio
