// core/audio's extraction of a list of videos into one audio profile file (what the
// CLI's `extract --model audio` and the workbench's audio job both call): a row per
// video with sound, the videos without sound listed, failures counted with their
// message, nothing written when no video has sound, and the written file becomes a
// project content source whose dimensions carry the descriptor names.
#include <gtest/gtest.h>

#include <fstream>
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

}  // namespace
}  // namespace tl::audio
