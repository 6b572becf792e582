// trailerlab-cli extract --model audio, in-process: one named row per item with sound,
// equal to the core's descriptors; items without sound listed (stderr, sidecar, meta),
// never a row; broken files failed by name; frame options refused.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/audio/AudioProfile.h"
#include "core/data/FeatureMatrix.h"
#include "tests/audio/WavWriter.h"
#include "tests/support/CliRun.h"
#include "tests/support/TestSupport.h"
#include "tests/video/ClipWriter.h"

namespace tl::audio {
namespace {

std::string readText(const std::filesystem::path& p)
{
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), {}};
}

class ExtractAudioCli : public ::testing::Test {
protected:
    void SetUp() override
    {
        wav::writeWav(dir_ / "tone.wav", 44100, 1, wav::toneS16(1000, 44100, 2.0, 0.5));
        wav::writeWav(dir_ / "low.wav", kAudioSampleRate, 1, wav::toneS16(300, kAudioSampleRate, 2.0, 0.2));
        video::ClipSpec spec;
        spec.codec = "mpeg4";
        spec.frames = 10;
        video::writeClip(dir_ / "mute.mp4", spec, video::test::paintIndex);
        test::writeFile(dir_ / "items.csv", "item_id,video_path\ntone,tone.wav\nmute,mute.mp4\nlow,low.wav\n");
    }
    test::TempDir dir_;
};

TEST_F(ExtractAudioCli, NamedRowsForItemsWithSoundAndAListOfTheRest)
{
    const auto outCsv = dir_ / "audio.csv";
    const test::CliRun run = test::runCli(
        {"extract", "--manifest", (dir_ / "items.csv").string(), "--model", "audio", "--out", outCsv.string(), "--quiet"});
    ASSERT_EQ(run.code, 0) << run.err;
    EXPECT_NE(run.err.find("no audio: mute"), std::string::npos) << run.err;
    EXPECT_NE(run.out.find("2 items x 294 audio descriptors"), std::string::npos) << run.out;

    // The header carries the names; the existing reader reads the file.
    const std::string text = readText(outCsv);
    std::string header = "item_id";
    for (const auto& n : audioDescriptorNames())
        header += "," + n;
    EXPECT_EQ(text.substr(0, text.find('\n')), header);
    const FeatureMatrix m = readFeatureMatrix(outCsv);
    ASSERT_EQ(m.ids, (std::vector<std::string>{"tone", "low"}));
    ASSERT_EQ(m.dims(), audioDescriptorNames().size());
    // Each row is the core's vector, exactly (%.9g round-trips a float).
    for (std::size_t r = 0; r < 2; ++r) {
        const AudioProfile p = describeAudioFile(dir_ / (m.ids[r] + ".wav"));
        for (std::size_t f = 0; f < m.dims(); ++f)
            ASSERT_EQ(m.values(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(f)), p.values[f])
                << m.ids[r] << " " << audioDescriptorNames()[f];
    }

    EXPECT_EQ(readText(dir_ / "audio.no-audio.txt"), "mute\n");
    const auto meta = nlohmann::json::parse(readText(dir_ / "audio.meta.json"));
    EXPECT_EQ(meta.at("model"), "audio");
    EXPECT_EQ(meta.at("items"), 2);
    ASSERT_EQ(meta.at("no_audio").size(), 1u);
    EXPECT_EQ(meta.at("no_audio")[0].at("item"), "mute");
    EXPECT_TRUE(meta.at("failures").empty());
}

TEST_F(ExtractAudioCli, BrokenFileFailsByNameAndTheRestIsWritten)
{
    test::writeFile(dir_ / "broken.wav", std::string(3000, 'z'));
    test::writeFile(dir_ / "items.csv", "item_id,video_path\ntone,tone.wav\nbroken,broken.wav\n");
    const test::CliRun run = test::runCli({"extract", "--manifest", (dir_ / "items.csv").string(), "--model", "audio",
                                           "--out", (dir_ / "a.csv").string(), "--quiet"});
    EXPECT_EQ(run.code, 3) << run.err;  // finished, some failed
    EXPECT_NE(run.err.find("failed: broken"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("broken.wav"), std::string::npos) << run.err;
    EXPECT_EQ(readFeatureMatrix(dir_ / "a.csv").ids, std::vector<std::string>{"tone"});
}

TEST_F(ExtractAudioCli, NoSoundAtAllIsAnErrorNotAnEmptyFile)
{
    test::writeFile(dir_ / "items.csv", "item_id,video_path\nmute,mute.mp4\n");
    const test::CliRun run = test::runCli({"extract", "--manifest", (dir_ / "items.csv").string(), "--model", "audio",
                                           "--out", (dir_ / "a.csv").string(), "--quiet"});
    EXPECT_EQ(run.code, 1);
    EXPECT_NE(run.err.find("no video gave audio descriptors (1 without sound"), std::string::npos) << run.err;
    EXPECT_FALSE(std::filesystem::exists(dir_ / "a.csv"));
}

TEST_F(ExtractAudioCli, FrameOptionsAndNonCsvOutputAreRefused)
{
    const std::string m = (dir_ / "items.csv").string();
    const test::CliRun fps =
        test::runCli({"extract", "--manifest", m, "--model", "audio", "--out", (dir_ / "a.csv").string(), "--fps", "2"});
    EXPECT_EQ(fps.code, 2);
    EXPECT_NE(fps.err.find("--fps does not apply to --model audio"), std::string::npos) << fps.err;
    const test::CliRun npy =
        test::runCli({"extract", "--manifest", m, "--model", "audio", "--out", (dir_ / "a.npy").string()});
    EXPECT_EQ(npy.code, 2);
    EXPECT_NE(npy.err.find("writes CSV"), std::string::npos) << npy.err;
    const test::CliRun help = test::runCli({"extract", "--help"});
    EXPECT_NE(help.out.find("--model audio"), std::string::npos);
}

}  // namespace
}  // namespace tl::audio
