// core/audio's extraction of a list of videos into one audio profile file (what the
// CLI's `extract --model audio` and the workbench's audio job both call): a row per
// video with sound, the videos without sound listed, failures counted with their
// message, nothing written when no video has sound, and the written file becomes a
// project content source whose dimensions carry the descriptor names. A route of its
// own (the torchscript models' way in) brings its profiler, columns, writer and meta.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/audio/AudioDecoder.h"
#include "core/audio/AudioDescriptors.h"
#include "core/audio/AudioExtraction.h"
#include "core/common/Error.h"
#include "core/data/FeatureMatrix.h"
#include "core/experiment/ConfigurationFrames.h"
#include "core/project/ProjectData.h"
#include "tests/audio/SilentClip.h"
#include "tests/audio/WavWriter.h"
#include "tests/support/TestSupport.h"

namespace tl::audio {
namespace {

namespace fs = std::filesystem;
using Status = AudioItemOutcome::Status;

std::string readAll(const fs::path& p)
{
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

using fixtures::writeSilentClip;

TEST(AudioExtraction, RowsForSoundListsTheRestAndNamesTheColumns)
{
    test::TempDir dir;
    wav::writeWav(dir / "a.wav", kAudioSampleRate, 1, wav::toneS16(440, kAudioSampleRate, 1.0, 0.5));
    wav::writeWav(dir / "c.wav", 44100, 1, wav::toneS16(880, 44100, 0.5, 0.3));
    writeSilentClip(dir / "b.mp4");
    test::writeFile(dir / "broken.mp4", "not a video at all");
    const std::vector<AudioSourceItem> videos = {
        {"1", dir / "a.wav"}, {"2", dir / "b.mp4"}, {"3", dir / "broken.mp4"}, {"4", dir / "c.wav"}};
    std::vector<std::pair<std::size_t, Status>> seen;
    std::vector<double> progress;
    const JobContext ctx([&](const Progress& p) { progress.push_back(p.done); });
    const fs::path csv = dir / "cache" / "profiles" / "audio.csv";
    const auto summary = extractAudioProfiles(videos, csv, ctx, [&](std::size_t i, const AudioItemOutcome& o) {
        seen.emplace_back(i, o.status);
    });

    ASSERT_TRUE(summary.written());
    EXPECT_EQ(summary.described, 2u);
    EXPECT_EQ(summary.noAudio, 1u);
    EXPECT_EQ(summary.failed, 1u);
    EXPECT_NEAR(summary.seconds, 1.5, 0.01);
    ASSERT_EQ(seen.size(), 4u);
    EXPECT_EQ(seen[0], std::make_pair(std::size_t(0), Status::Described));
    EXPECT_EQ(seen[1], std::make_pair(std::size_t(1), Status::NoAudio));
    EXPECT_EQ(seen[2], std::make_pair(std::size_t(2), Status::Failed));
    EXPECT_EQ(seen[3], std::make_pair(std::size_t(3), Status::Described));
    EXPECT_EQ(summary.items[1].message, "no audio stream");
    EXPECT_NE(summary.items[2].message.find("broken.mp4"), std::string::npos) << summary.items[2].message;
    EXPECT_EQ(summary.withoutSound(videos), std::vector<std::string>{"2"});
    EXPECT_EQ(progress.back(), 4.0);

    const FeatureMatrix m = readFeatureMatrix(csv);
    EXPECT_EQ(m.ids, (std::vector<std::string>{"1", "4"}));
    EXPECT_EQ(m.dims(), audioDescriptorNames().size());
    EXPECT_EQ(readAll(csv).substr(0, 24), "item_id,logmel00_mean,lo");
    EXPECT_EQ(readAll(noAudioListPath(csv)), "2\n");
    const auto meta = nlohmann::json::parse(readAll(audioMetaPath(csv)));
    EXPECT_EQ(meta.at("model"), "audio");
    EXPECT_EQ(meta.at("items"), 2);
    EXPECT_EQ(meta.at("no_audio").size(), 1u);
    EXPECT_EQ(meta.at("failures").size(), 1u);
    EXPECT_NE(meta.at("provenance").get<std::string>().find("audio descriptors"), std::string::npos);

    // In a project whose cache holds it, the file is a content source named "audio"
    // whose dimensions are the descriptor names.
    ProjectData data;
    data.project.cache = dir / "cache";
    data.project.file = dir / "p.trailerlab.json";
    const auto sources = listContentSources(data);
    const auto audio = std::find_if(sources.begin(), sources.end(), [](const auto& s) { return s.name == "audio"; });
    ASSERT_NE(audio, sources.end());
    EXPECT_NE(audio->provenance.find("audio descriptors"), std::string::npos);
    const auto layout = featureLayoutOf(data, *audio, m.dims());
    const auto& names = audioDescriptorNames();
    const auto mfcc = std::find(names.begin(), names.end(), "mfcc03_std") - names.begin();
    EXPECT_EQ(features::featureName(layout, static_cast<std::size_t>(mfcc)), "mfcc03_std");
    EXPECT_EQ(features::featureName(layout, names.size() - 3), "tempo_bpm");
    // Keyframes cannot be scored against it: it describes the sound, not frames.
    try {
        frameExtractionSetup(data, *audio);
        ADD_FAILURE() << "frames put in the audio configuration's space";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("describes the soundtrack"), std::string::npos) << e.what();
    }
}

TEST(AudioExtraction, NothingWrittenWithoutSoundOrWhenCancelled)
{
    test::TempDir dir;
    writeSilentClip(dir / "b.mp4");
    const fs::path csv = dir / "audio.csv";
    const auto summary = extractAudioProfiles({{"2", dir / "b.mp4"}}, csv);
    EXPECT_FALSE(summary.written());
    EXPECT_EQ(summary.noAudio, 1u);
    EXPECT_FALSE(fs::exists(csv));
    EXPECT_FALSE(fs::exists(noAudioListPath(csv)));

    wav::writeWav(dir / "a.wav", kAudioSampleRate, 1, wav::toneS16(440, kAudioSampleRate, 1.0, 0.5));
    CancelToken token;
    token.cancel();
    EXPECT_THROW(extractAudioProfiles({{"1", dir / "a.wav"}}, csv, JobContext({}, token)), Cancelled);
    EXPECT_FALSE(fs::exists(csv));
}

// A route with a profiler of known answers (no decoding): its columns head the CSV, its
// rows are written as given, its meta keys sit beside the common ones (its describe()
// seeing the totals its profiler gathered), its stage names the progress, the videos
// without sound, damaged or failed are booked as the descriptors' are, another writer
// replaces the CSV, and a row of the wrong width is a programming error.
TEST(AudioExtraction, ARouteBringsItsProfilerColumnsWriterAndMeta)
{
    test::TempDir dir;
    CancelToken token;
    std::set<std::string> stages;
    const JobContext ctx([&](const Progress& p) { stages.insert(p.stage); }, token);
    int profiled = 0;
    std::set<const CancelToken*> tokens;  // what the profiler is given to stop on
    AudioProfileRoute route;
    route.stage = "fake stage";
    route.columns = {"f.a", "f.b"};
    route.profile = [&](const fs::path& video, const CancelToken* cancel) {
        tokens.insert(cancel);
        AudioProfile profile;
        const std::string name = video.filename().string();
        if (name == "bad")
            throw DataError(video.string(), 0, "unreadable");
        if (name == "mute") {
            profile.decode.noAudioReason = "no audio stream";
            return profile;
        }
        profile.decode.status = AudioStatus::Decoded;
        profile.decode.samples = name == "a" ? 2 * kAudioSampleRate : kAudioSampleRate / 2;
        profile.decode.packetErrors = name == "hiss" ? 3 : 0;
        profile.values = name == "a" ? std::vector<float>{1.5f, 0.1f} : std::vector<float>{-2.0f, 3.0f};
        ++profiled;
        return profile;
    };
    route.describe = [&](nlohmann::json& meta) {
        meta["model"] = "fake";
        meta["profiled"] = profiled;
    };
    const std::vector<AudioSourceItem> videos = {
        {"A", dir / "a"}, {"M", dir / "mute"}, {"B", dir / "bad"}, {"H", dir / "hiss"}};
    const fs::path csv = dir / "fake.csv";
    const auto summary = extractAudioProfiles(videos, csv, route, ctx);

    ASSERT_TRUE(summary.written());
    EXPECT_EQ(tokens, std::set<const CancelToken*>{&ctx.token()});
    EXPECT_EQ(stages, std::set<std::string>{"fake stage"});
    EXPECT_EQ(summary.described, 2u);
    EXPECT_EQ(summary.noAudio, 1u);
    EXPECT_EQ(summary.failed, 1u);
    EXPECT_EQ(summary.damaged, 1u);
    EXPECT_DOUBLE_EQ(summary.seconds, 2.5);
    EXPECT_EQ(summary.items[2].message, (dir / "bad").string() + ": unreadable");
    EXPECT_EQ(summary.items[3].message, "damaged audio: 0 read errors, 3 packets rejected (skipped)");
    EXPECT_EQ(readAll(csv), "item_id,f.a,f.b\nA,1.5,0.100000001\nH,-2,3\n");
    EXPECT_EQ(readAll(noAudioListPath(csv)), "M\n");
    const auto meta = nlohmann::json::parse(readAll(audioMetaPath(csv)));
    EXPECT_EQ(meta.at("model"), "fake");
    EXPECT_EQ(meta.at("profiled"), 2);
    EXPECT_EQ(meta.at("items"), 2);
    EXPECT_EQ(meta.at("features"), 2);
    EXPECT_DOUBLE_EQ(meta.at("seconds_of_sound").get<double>(), 2.5);
    EXPECT_EQ(meta.at("no_audio"), nlohmann::json::parse(R"([{"item":"M","video":")" + (dir / "mute").string() +
                                                         R"(","reason":"no audio stream"}])"));
    EXPECT_EQ(meta.at("damaged").at(0).at("item"), "H");
    EXPECT_EQ(meta.at("failures").at(0).at("error"), (dir / "bad").string() + ": unreadable");

    std::vector<std::string> writtenIds;
    route.writeRows = [&](const fs::path& path, const std::vector<std::string>& columns,
                          const std::vector<std::string>& ids, const std::vector<std::vector<float>>& rows) {
        EXPECT_EQ(columns, route.columns);
        EXPECT_EQ(rows, (std::vector<std::vector<float>>{{1.5f, 0.1f}, {-2.0f, 3.0f}}));
        writtenIds = ids;
        test::writeFile(path, "own format");
    };
    const fs::path own = dir / "own.bin";
    ASSERT_TRUE(extractAudioProfiles(videos, own, route).written());
    EXPECT_EQ(writtenIds, (std::vector<std::string>{"A", "H"}));
    EXPECT_EQ(readAll(own), "own format");
    EXPECT_EQ(readAll(noAudioListPath(own)), "M\n");
    EXPECT_TRUE(fs::exists(audioMetaPath(own)));

    route.columns = {"only one"};
    EXPECT_THROW(extractAudioProfiles(videos, dir / "narrow.csv", route), std::logic_error);
    EXPECT_FALSE(fs::exists(dir / "narrow.csv"));
}

}  // namespace
}  // namespace tl::audio
