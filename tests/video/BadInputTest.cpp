// Bad input never crashes, hangs or returns a silent empty result: a typed
// DecodeError naming the file and the reason, or the frames that decode plus
// counted warnings.

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "core/video/FrameSampler.h"
#include "core/video/VideoProbe.h"
#include "tests/support/TestSupport.h"
#include "tests/video/ClipWriter.h"

extern "C" {
#include <libavutil/log.h>
}

namespace tl::video {
namespace {

class BadInputTest : public ::testing::Test {
protected:
    void SetUp() override { av_log_set_level(AV_LOG_QUIET); }

    // Expects a DecodeError that names the file and whose reason contains `reason`.
    static void expectDecodeError(const std::filesystem::path& file, const std::string& reason)
    {
        try {
            FrameSampler().sampleAll(file);
            ADD_FAILURE() << "no error for " << file;
        } catch (const DecodeError& e) {
            EXPECT_EQ(e.file(), file.string());
            EXPECT_NE(e.reason().find(reason), std::string::npos) << e.reason();
            EXPECT_NE(std::string(e.what()).find(file.filename().string()), std::string::npos) << e.what();
        }
    }

    std::filesystem::path clip(const std::string& name, int frames = 50)
    {
        test::ClipSpec spec;
        spec.frames = frames;
        spec.gop = 10;
        const auto path = dir_.path() / name;
        test::writeClip(path, spec, test::paintIndex);
        return path;
    }

    static std::string read(const std::filesystem::path& file)
    {
        std::ifstream in(file, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

    ::tl::test::TempDir dir_;
};

TEST_F(BadInputTest, MissingFile) { expectDecodeError(dir_ / "nope.mp4", "file not found"); }

TEST_F(BadInputTest, EmptyFile)
{
    ::tl::test::writeFile(dir_ / "empty.mp4", "");
    expectDecodeError(dir_ / "empty.mp4", "empty file");
}

TEST_F(BadInputTest, TextFileIsNotAVideo)
{
    ::tl::test::writeFile(dir_ / "notes.mp4", "this is not a video, just some text\n");
    expectDecodeError(dir_ / "notes.mp4", "not a media file");
}

TEST_F(BadInputTest, Directory)
{
    expectDecodeError(dir_.path(), "directory");
}

TEST_F(BadInputTest, AudioOnly)
{
    // A 0.5 s 8 kHz mono 16-bit WAV file.
    const int samples = 4000;
    std::string wav = "RIFF";
    const auto u32 = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i)
            wav.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    };
    const auto u16 = [&](std::uint16_t v) {
        wav.push_back(static_cast<char>(v & 0xff));
        wav.push_back(static_cast<char>(v >> 8));
    };
    u32(36 + samples * 2);
    wav += "WAVEfmt ";
    u32(16);
    u16(1);
    u16(1);
    u32(8000);
    u32(16000);
    u16(2);
    u16(16);
    wav += "data";
    u32(samples * 2);
    for (int i = 0; i < samples; ++i)
        u16(static_cast<std::uint16_t>((i * 300) & 0x7fff));
    ::tl::test::writeFile(dir_ / "sound.wav", wav);
    expectDecodeError(dir_ / "sound.wav", "audio only");
}

TEST_F(BadInputTest, ZeroLengthVideo)
{
    const auto file = clip("zero.mp4", 0);
    expectDecodeError(file, "zero-length");
    EXPECT_THROW(probeVideo(file), DecodeError);
}

TEST_F(BadInputTest, TruncatedMp4WithoutIndexIsAnError)
{
    const auto file = clip("cut.mp4");
    const std::string bytes = read(file);
    ::tl::test::writeFile(dir_ / "cut_half.mp4", bytes.substr(0, bytes.size() / 2));  // moov is at the end
    expectDecodeError(dir_ / "cut_half.mp4", "");
}

TEST_F(BadInputTest, TruncatedStreamGivesTheFramesThatDecode)
{
    for (const char* name : {"cut.mkv", "cut.avi"}) {
        SCOPED_TRACE(name);
        const auto file = clip(name, 100);  // 4 s
        const std::string bytes = read(file);
        const auto cut = dir_ / (std::string("half_") + name);
        ::tl::test::writeFile(cut, bytes.substr(0, bytes.size() * 6 / 10));
        SamplerOptions options;
        options.fps = 5;
        SamplingResult result;
        std::vector<SampledFrame> frames;
        ASSERT_NO_THROW(frames = FrameSampler(options).sampleAll(cut, &result));
        EXPECT_GT(frames.size(), 3u);
        EXPECT_LT(frames.size(), 20u);  // not the whole clip
        for (const auto& f : frames)
            EXPECT_EQ(test::readIndex(f.thumbRgb.data(), f.thumbWidth, f.thumbHeight),
                      static_cast<int>(f.timestamp * 25 + 0.5));
    }
}

TEST_F(BadInputTest, CorruptBytesAreCountedNotFatal)
{
    const auto file = clip("corrupt.mkv", 100);
    std::string bytes = read(file);
    std::mt19937 random(7);
    for (std::size_t at = bytes.size() / 4; at < bytes.size() * 3 / 4; at += 97)
        bytes[at] = static_cast<char>(random() & 0xff);
    ::tl::test::writeFile(dir_ / "corrupt2.mkv", bytes);
    for (auto strategy : {SamplingStrategy::Sequential, SamplingStrategy::Seek}) {
        SamplerOptions options;
        options.fps = 5;
        options.strategy = strategy;
        SamplingResult result;
        std::vector<SampledFrame> frames;
        ASSERT_NO_THROW(frames = FrameSampler(options).sampleAll(dir_ / "corrupt2.mkv", &result));
        EXPECT_GT(frames.size(), 0u);
        EXPECT_GT(result.warnings.total(), 0);
        EXPECT_FALSE(result.warnings.messages.empty());
    }
}

TEST_F(BadInputTest, OneBadFileDoesNotStopABatch)
{
    const auto good = clip("good.mp4");
    ::tl::test::writeFile(dir_ / "bad.mp4", "garbage");
    int ok = 0, failed = 0;
    for (const auto& file : {good, dir_ / "bad.mp4", good}) {
        try {
            FrameSampler().sampleAll(file);
            ++ok;
        } catch (const DecodeError&) {
            ++failed;
        }
    }
    EXPECT_EQ(ok, 2);
    EXPECT_EQ(failed, 1);
}

}  // namespace
}  // namespace tl::video
