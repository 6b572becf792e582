#include "core/session/AutoExtraction.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <optional>

#include <nlohmann/json.hpp>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/project/ProjectData.h"

namespace fs = std::filesystem;

namespace tl::session {

namespace {

// One trailer as the marker records it: the same id, video, size and modification
// time mean the same soundtrack.
nlohmann::json stamp(const features::VideoItem& trailer)
{
    std::error_code ec;
    const auto bytes = fs::file_size(trailer.path, ec);
    const std::int64_t size = ec ? -1 : static_cast<std::int64_t>(bytes);
    const auto modified = fs::last_write_time(trailer.path, ec);
    // Nanoseconds since 1970 (file_clock's own epoch differs between libraries).
    const std::int64_t time =
        ec ? 0
           : static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                           std::chrono::file_clock::to_sys(modified).time_since_epoch())
                                           .count());
    return {{"id", trailer.id}, {"video", trailer.path.string()}, {"bytes", size}, {"modified_unix_ns", time}};
}

nlohmann::json stamps(std::vector<features::VideoItem> trailers)
{
    std::sort(trailers.begin(), trailers.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    nlohmann::json out = nlohmann::json::array();
    for (const auto& t : trailers)
        out.push_back(stamp(t));
    return out;
}

// Whether the plan should leave the soundtracks out: a marker is there and the
// manifest lists the same trailers (an unreadable manifest has nothing to describe).
bool skipSoundtracks(const Project& project)
{
    std::error_code ec;
    if (!fs::exists(silentSoundtracksMarker(project), ec))
        return false;
    std::vector<features::VideoItem> trailers;
    try {
        for (const auto& entry : readManifest(project.manifest))
            trailers.push_back({entry.item, entry.video});
    } catch (const Error&) {
        return true;
    }
    return soundtracksKnownSilent(project, trailers);
}

}  // namespace

fs::path silentSoundtracksMarker(const Project& project)
{
    return profilesDir(project) / "audio.none.json";
}

fs::path soundtrackProfile(const Project& project)
{
    return profilesDir(project) / (std::string(kAudioConfiguration) + ".csv");
}

void recordSoundtrackOutcome(const Project& project, const std::vector<features::VideoItem>& trailers,
                             std::size_t described, std::size_t withoutSound, std::size_t failed)
{
    const fs::path marker = silentSoundtracksMarker(project);
    if (described > 0) {
        std::error_code ec;
        fs::remove(marker, ec);
        return;
    }
    const nlohmann::json json = {
        {"what", "an audio extraction of these trailers gave no row; the automatic extraction leaves the sound out "
                 "until the trailers change"},
        {"reason", withoutSound == trailers.size()
                       ? std::string("no trailer has sound")
                       : "no trailer gave audio descriptors (" + std::to_string(withoutSound) + " without sound, " +
                             std::to_string(failed) + " failed)"},
        {"trailers", stamps(trailers)}};
    writeFileAtomically(marker, json.dump(2) + "\n");
}

bool soundtracksKnownSilent(const Project& project, const std::vector<features::VideoItem>& trailers)
{
    std::ifstream in(silentSoundtracksMarker(project));
    if (!in)
        return false;
    const nlohmann::json json = nlohmann::json::parse(in, nullptr, false);
    if (json.is_discarded() || !json.is_object() || !json.contains("trailers"))
        return false;
    return json["trailers"] == stamps(trailers);
}

std::set<std::string> existingProfiles(const Project& project)
{
    std::set<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(profilesDir(project), ec), end; !ec && it != end; it.increment(ec)) {
        const std::string ext = it->path().extension().string();
        if (it->is_regular_file() && (ext == ".npy" || ext == ".csv"))
            names.insert(it->path().stem().string());
    }
    return names;
}

std::vector<PlannedExtraction> planAutoExtraction(const Project& project, const std::set<std::string>& existing,
                                                  const features::ModelRegistry* registry,
                                                  std::vector<features::WeightsLookup>* missingWeights)
{
    std::vector<PlannedExtraction> plan;
    if (project.manifest.empty())
        return plan;
    // The soundtracks go right after the first frame configuration (or alone).
    auto withSoundtracks = [&](std::vector<PlannedExtraction> frames) {
        if (existing.count(kAudioConfiguration) || skipSoundtracks(project))
            return frames;
        PlannedExtraction audio;
        audio.kind = PlannedExtraction::Kind::Audio;
        audio.settings.model.model = kAudioConfiguration;
        audio.configuration = kAudioConfiguration;
        frames.insert(frames.begin() + (frames.empty() ? 0 : 1), std::move(audio));
        return frames;
    };
    std::vector<double> rates;
    for (double fps : project.fps)
        if (fps > 0 && std::find(rates.begin(), rates.end(), fps) == rates.end())
            rates.push_back(fps);
    std::sort(rates.begin(), rates.end());
    std::vector<std::string> models;
    for (const auto& m : project.models)
        if (!m.empty() && std::find(models.begin(), models.end(), m) == models.end())
            models.push_back(m);
    if (models.empty() || rates.empty())
        return withSoundtracks(std::move(plan));
    std::optional<features::ModelRegistry> standard;
    if (!registry)
        registry = &standard.emplace(features::ModelRegistry::standard(project.folder()));
    bool haveOne = false;  // some video configuration is there already: everything is background work
    for (const auto& model : models) {
        features::ModelSpec spec;
        spec.model = model;
        bool missing = false;
        if (model.rfind("torchscript:", 0) != 0) {
            const auto lookup = registry->find(model);
            spec.weights = lookup.file;
            missing = !lookup.found();
            if (missing && missingWeights)
                missingWeights->push_back(lookup);
        }
        for (double fps : rates) {
            PlannedExtraction next;
            next.settings.model = spec;
            next.settings.mode = video::SamplingMode::Uniform;
            next.settings.fps = fps;
            next.configuration = configurationName(next.settings);
            if (existing.count(next.configuration)) {
                haveOne = true;
                continue;
            }
            if (!missing)
                plan.push_back(std::move(next));
        }
    }
    if (!plan.empty() && !haveOne)
        plan.front().first = true;
    return withSoundtracks(std::move(plan));
}

}  // namespace tl::session
