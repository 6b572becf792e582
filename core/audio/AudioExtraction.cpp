#include "core/audio/AudioExtraction.h"

#include <cstdio>
#include <stdexcept>

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

void writeAudioProfileCsv(const fs::path& path, const std::vector<std::string>& columns,
                          const std::vector<std::string>& ids, const std::vector<std::vector<float>>& rows)
{
    writeFileAtomically(path, [&](std::ostream& out) {
        out << "item_id";
        for (const auto& n : columns)
            out << ',' << n;
        out << '\n';
        char number[32];
        for (std::size_t r = 0; r < rows.size(); ++r) {
            out << ids[r];
            for (float value : rows[r]) {
                std::snprintf(number, sizeof number, "%.9g", static_cast<double>(value));
                out << ',' << number;
            }
            out << '\n';
        }
    });
}

AudioProfileRoute audioDescriptorRoute()
{
    AudioProfileRoute route;
    route.columns = audioDescriptorNames();
    route.profile = [](const fs::path& video, const CancelToken* cancel) { return describeAudioFile(video, cancel); };
    const std::size_t count = route.columns.size();
    route.describe = [count](nlohmann::json& meta) {
        meta["model"] = "audio";
        meta["provenance"] = "audio descriptors: " + std::to_string(count) + " named (log-mel, MFCC, spectral shape, "
                             "onsets, tempo, EBU R 128 loudness) of the mono mix at " + std::to_string(kAudioSampleRate) + " Hz";
        meta["sample_rate"] = kAudioSampleRate;
        meta["frame"] = kFrameSize;
        meta["hop"] = kHopSize;
    };
    return route;
}

AudioExtractionSummary extractAudioProfiles(const std::vector<AudioSourceItem>& videos, const fs::path& csv,
                                            const JobContext& ctx, const AudioItemCallback& onItem)
{
    return extractAudioProfiles(videos, csv, audioDescriptorRoute(), ctx, onItem);
}

AudioExtractionSummary extractAudioProfiles(const std::vector<AudioSourceItem>& videos, const fs::path& out,
                                            const AudioProfileRoute& route, const JobContext& ctx,
                                            const AudioItemCallback& onItem)
{
    std::vector<std::string> ids;
    std::vector<std::vector<float>> rows;
    nlohmann::json noAudio = nlohmann::json::array(), failures = nlohmann::json::array(),
                   damaged = nlohmann::json::array();
    std::string noAudioList;
    AudioExtractionSummary summary;
    for (std::size_t i = 0; i < videos.size(); ++i) {
        const auto& v = videos[i];
        ctx.report(route.stage, static_cast<double>(i), static_cast<double>(videos.size()), v.id);
        ctx.checkCancelled();
        AudioItemOutcome outcome;
        try {
            AudioProfile profile = route.profile(v.video, &ctx.token());
            if (!profile.hasAudio()) {
                outcome.status = AudioItemOutcome::Status::NoAudio;
                outcome.message = profile.decode.noAudioReason;
                noAudio.push_back({{"item", v.id}, {"video", v.video.string()}, {"reason", outcome.message}});
                noAudioList += v.id + "\n";
                ++summary.noAudio;
            } else {
                if (profile.values.size() != route.columns.size())
                    throw std::logic_error("audio route '" + route.stage + "': a row of " +
                                           std::to_string(profile.values.size()) + " values for " +
                                           std::to_string(route.columns.size()) + " columns");
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
                ids.push_back(v.id);
                rows.push_back(std::move(profile.values));
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
    ctx.report(route.stage, static_cast<double>(videos.size()), static_cast<double>(videos.size()));
    if (rows.empty())
        return summary;

    if (route.writeRows)
        route.writeRows(out, route.columns, ids, rows);
    else
        writeAudioProfileCsv(out, route.columns, ids, rows);
    writeFileAtomically(noAudioListPath(out), noAudioList);
    nlohmann::json meta = nlohmann::json::object();
    if (route.describe)
        route.describe(meta);
    meta["items"] = rows.size();
    meta["features"] = route.columns.size();
    meta["seconds_of_sound"] = summary.seconds;
    meta["no_audio"] = noAudio;
    meta["damaged"] = damaged;
    meta["failures"] = failures;
    writeFileAtomically(audioMetaPath(out), meta.dump(2) + "\n");
    summary.csv = out;
    summary.noAudioList = noAudioListPath(out);
    summary.meta = audioMetaPath(out);
    return summary;
}

}  // namespace tl::audio
