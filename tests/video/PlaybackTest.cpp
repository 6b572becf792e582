// core/video/Playback (the trailer player's decoding): on a generated clip
// whose frames carry their index, sequential decoding hands out every frame in
// order at i / fps, and a seek to any time shows exactly the frame a plain
// sequential decode shows then (the last frame at or before it), then goes on
// from there. Audio from the real videos resamples to the asked format with
// continuous times and lands where a seek asks. Damaged files throw
// DecodeError or end early, never crash.

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "core/common/Error.h"
#include "core/video/Playback.h"
#include "tests/support/TestSupport.h"
#include "tests/video/ClipWriter.h"

extern "C" {
#include <libavutil/log.h>
}

namespace tl::video {
namespace {

constexpr int kFps = 25;
constexpr int kFrames = 60;

std::filesystem::path indexClip(const tl::test::TempDir& dir, const std::string& codec = "libx264", int bFrames = 2)
{
    ClipSpec spec;
    spec.codec = codec;
    spec.width = 256;
    spec.height = 192;
    spec.frames = kFrames;
    spec.fps = kFps;
    spec.gop = 12;
    spec.bFrames = bFrames;
    spec.threads = 1;
    const auto file = dir / ("index-" + codec + ".mkv");
    writeClip(file, spec, test::paintIndex);
    return file;
}

int indexOf(const PlaybackFrame& f)
{
    return test::readIndex(f.rgb.data(), f.width, f.height);
}

TEST(PlaybackTest, SequentialDecodeGivesEveryFrameInOrder)
{
    av_log_set_level(AV_LOG_QUIET);
    tl::test::TempDir dir;
    for (const std::string codec : {"libx264", "mpeg4"}) {
        SCOPED_TRACE(codec);
        const auto file = indexClip(dir, codec);
        PlaybackVideo video(file, 0, 0);
        EXPECT_EQ(video.info().frameCount, kFrames);
        EXPECT_NEAR(video.info().duration, static_cast<double>(kFrames) / kFps, 1e-6);
        EXPECT_EQ(video.info().displayWidth, 256);
        EXPECT_EQ(video.info().displayHeight, 192);
        EXPECT_FALSE(video.info().hasAudio);
        PlaybackFrame frame;
        int n = 0;
        while (video.next(frame)) {
            EXPECT_EQ(indexOf(frame), n);
            EXPECT_NEAR(frame.time, static_cast<double>(n) / kFps, 1e-6);
            EXPECT_EQ(frame.rgb.size(), std::size_t(256 * 192 * 3));
            ++n;
        }
        EXPECT_EQ(n, kFrames);
        EXPECT_EQ(video.framesDecoded(), kFrames);
        EXPECT_EQ(video.errorCount(), 0);
    }
}

TEST(PlaybackTest, FramesAreScaledToFitTheBox)
{
    tl::test::TempDir dir;
    PlaybackVideo video(indexClip(dir), 128, 128);
    EXPECT_EQ(video.info().displayWidth, 128);
    EXPECT_EQ(video.info().displayHeight, 96);
    PlaybackFrame frame;
    ASSERT_TRUE(video.next(frame));
    EXPECT_EQ(frame.width, 128);
    EXPECT_EQ(frame.height, 96);
    EXPECT_EQ(indexOf(frame), 0);
}

TEST(PlaybackTest, SeekShowsTheFrameASequentialDecodeShows)
{
    av_log_set_level(AV_LOG_QUIET);
    tl::test::TempDir dir;
    const auto file = indexClip(dir);
    // The brute-force twin: a sequential decode's (time, index) table.
    std::vector<std::pair<double, int>> table;
    {
        PlaybackVideo video(file, 0, 0);
        PlaybackFrame frame;
        while (video.next(frame))
            table.emplace_back(frame.time, indexOf(frame));
    }
    ASSERT_EQ(table.size(), std::size_t(kFrames));
    const auto shownAt = [&](double t) {
        int index = table.front().second;
        for (const auto& [time, i] : table)
            if (time <= t + 1e-9)
                index = i;
        return index;
    };
    PlaybackVideo video(file, 0, 0);
    // Forward, backward, between frames, on keyframes, before the start, past the end.
    for (double t : {1.0, 0.5, 0.51, 0.479, 2.0, 0.0, 1.23, 0.96, 2.36, 2.5, 10.0, -1.0, 0.04}) {
        SCOPED_TRACE("seek to " + std::to_string(t));
        video.seek(t);
        PlaybackFrame frame;
        ASSERT_TRUE(video.next(frame));
        const int expected = shownAt(t);
        EXPECT_EQ(indexOf(frame), expected);
        EXPECT_NEAR(frame.time, static_cast<double>(expected) / kFps, 1e-6);
        // Playback goes on from there, frame by frame.
        if (expected + 1 < kFrames) {
            ASSERT_TRUE(video.next(frame));
            EXPECT_EQ(indexOf(frame), expected + 1);
        }
    }
    // A seek decodes from the keyframe before the target, not from the start.
    PlaybackVideo fresh(file, 0, 0);
    fresh.seek(2.0);
    PlaybackFrame frame;
    ASSERT_TRUE(fresh.next(frame));
    EXPECT_LE(fresh.framesDecoded(), 2 * 12 + 4);
}

TEST(PlaybackTest, AudioResamplesWithContinuousTimesAndSeeks)
{
    av_log_set_level(AV_LOG_QUIET);
    TL_REQUIRE_SHARED(folder, "videos/SHA256SUMS");
    // mp3 (a silent track) and AAC (a sound one), both 48 kHz stereo out.
    for (const auto& [name, loud] : {std::pair<const char*, bool>{"cockatoo.mp4", false}, {"realshort.mp4", true}}) {
        SCOPED_TRACE(name);
        const auto file = folder.parent_path() / name;
        PlaybackVideo video(file, 320, 240);
        ASSERT_TRUE(video.info().hasAudio);
        PlaybackAudio audio(file, 48000, 2, video.info().originSeconds);
        EXPECT_EQ(audio.sampleRate(), 48000);
        EXPECT_EQ(audio.channels(), 2);
        AudioChunk chunk;
        double end = -1;
        std::int64_t frames = 0;
        int peak = 0;
        int chunks = 0;
        while (audio.next(chunk)) {
            ASSERT_EQ(chunk.channels, 2);
            ASSERT_EQ(chunk.samples.size() % 2, 0u);
            // No gaps, no overlaps (after the first chunk: AAC's priming leaves a gap in realshort's timestamps).
            if (++chunks > 2) {
                EXPECT_NEAR(chunk.time, end, 0.001);
            }
            end = chunk.time + static_cast<double>(chunk.frames()) / 48000;
            frames += chunk.frames();
            for (std::int16_t s : chunk.samples)
                peak = std::max(peak, std::abs(static_cast<int>(s)));
        }
        EXPECT_EQ(peak > 500, loud) << "peak " << peak;
        // The sound track covers the video (within a few audio frames).
        EXPECT_NEAR(static_cast<double>(frames) / 48000, video.info().duration, 0.15);
        for (double t : {0.9, 0.5, 0.1}) {
            audio.seek(t);
            ASSERT_TRUE(audio.next(chunk));
            EXPECT_NEAR(chunk.time, t, 1.0 / 48000 + 1e-9);
        }
    }
}

TEST(PlaybackTest, NoAudioStreamIsADecodeError)
{
    tl::test::TempDir dir;
    EXPECT_THROW(PlaybackAudio(indexClip(dir), 48000, 2, 0.0), DecodeError);
}

TEST(PlaybackTest, DamagedFilesThrowOrEndEarly)
{
    av_log_set_level(AV_LOG_QUIET);
    tl::test::TempDir dir;
    const auto good = indexClip(dir);
    std::ifstream in(good, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Garbage, an empty file, a missing one: DecodeError naming the file.
    tl::test::writeFile(dir / "garbage.mp4", std::string(4096, '\x5a'));
    tl::test::writeFile(dir / "empty.mp4", "");
    for (const char* name : {"garbage.mp4", "empty.mp4", "missing.mp4"}) {
        try {
            PlaybackVideo video(dir / name, 0, 0);
            ADD_FAILURE() << name << " opened";
        } catch (const DecodeError& e) {
            EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
        }
    }
    // Cut in the middle: either refused or fewer frames, in order.
    tl::test::writeFile(dir / "half.mkv", bytes.substr(0, bytes.size() / 2));
    try {
        PlaybackVideo video(dir / "half.mkv", 0, 0);
        PlaybackFrame frame;
        int n = 0;
        double last = -1;
        while (video.next(frame)) {
            EXPECT_GT(frame.time, last);
            last = frame.time;
            ++n;
        }
        EXPECT_GT(n, 0);
        EXPECT_LT(n, kFrames);
    } catch (const DecodeError&) {
    }
}

}  // namespace
}  // namespace tl::video
