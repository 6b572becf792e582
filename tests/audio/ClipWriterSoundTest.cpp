// ClipWriter with a sound track, read back through core/audio's decoder: a known
// tone keeps its duration, its start (priming trimmed: the samples come back from
// the first one) and its frequency (centroid, zero-crossing rate); stereo from a
// callback; the picture stays as it was; a configuration FFmpeg cannot write fails
// with an error that names what is missing, before anything is written.
#include <gtest/gtest.h>

#include <cmath>

#include "core/audio/AudioDecoder.h"
#include "core/audio/AudioDescriptors.h"
#include "core/common/Error.h"
#include "core/video/VideoProbe.h"
#include "tests/support/TestSupport.h"
#include "tests/video/ClipWriter.h"

namespace tl::audio {
namespace {

namespace fs = std::filesystem;

std::vector<float> decodeAll(const fs::path& file, AudioDecodeResult& result)
{
    std::vector<float> samples;
    result = decodeAudio(file, [&](const float* x, std::size_t n) { samples.insert(samples.end(), x, x + n); });
    return samples;
}

double descriptor(const std::vector<float>& values, const std::string& name)
{
    const auto& names = audioDescriptorNames();
    return values[static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin())];
}

video::ClipSpec smallClip()
{
    video::ClipSpec spec;
    spec.codec = "mpeg4";
    spec.width = 64;
    spec.height = 48;
    spec.fps = 25;
    spec.frames = 50;  // 2 s
    return spec;
}

// 0.5 s of silence, then 1.5 s of a 1 kHz tone at amplitude 0.5, mono at 44.1 kHz.
video::AudioTrack toneTrack()
{
    video::AudioTrack track;
    track.channels = 1;
    track.sampleRate = 44100;
    track.samples.resize(2 * 44100);
    for (std::size_t i = 44100 / 2; i < track.samples.size(); ++i)
        track.samples[i] = static_cast<float>(0.5 * std::sin(2 * M_PI * 1000.0 * static_cast<double>(i) / 44100.0));
    return track;
}

TEST(ClipWriterSound, AToneComesBackWithItsDurationStartAndFrequency)
{
    TL_REQUIRE_VIDEO();
    test::TempDir dir;
    const auto file = dir / "tone.mp4";
    video::writeClip(file, smallClip(), video::test::paintIndex, toneTrack());

    AudioDecodeResult r;
    const auto samples = decodeAll(file, r);
    ASSERT_EQ(r.status, AudioStatus::Decoded);
    EXPECT_EQ(r.codec, "aac");
    EXPECT_EQ(r.sourceRate, 44100);
    EXPECT_EQ(r.sourceChannels, 1);
    EXPECT_FALSE(r.damaged());
    EXPECT_NEAR(r.seconds(), 2.0, 0.03);  // within one AAC frame (23 ms)
    // The tone starts at 0.5 s: the encoder's priming is trimmed, timestamps start at 0.
    std::size_t first = 0;
    while (first < samples.size() && std::abs(samples[first]) < 0.1f)
        ++first;
    EXPECT_NEAR(static_cast<double>(first) / kAudioSampleRate, 0.5, 0.01);

    const std::vector<float> toneOnly(samples.begin() + static_cast<std::ptrdiff_t>(first) + 2048, samples.end());
    const auto values = describeAudio(toneOnly, kAudioSampleRate);
    EXPECT_NEAR(descriptor(values, "centroid_hz_p50"), 1000.0, 30.0);
    EXPECT_NEAR(descriptor(values, "zcr_p50"), 2 * 1000.0 / kAudioSampleRate, 0.005);
    // A -6 dBFS sine (mono, EBU R 128 weighting near 1 at 1 kHz): about -9 LUFS over its 1.4 s.
    EXPECT_NEAR(descriptor(values, "loudness_lufs"), -9.0, 1.5);

    // The picture is the same as without sound.
    const video::VideoInfo info = video::probeVideo(file);
    EXPECT_TRUE(info.hasAudio);
    EXPECT_EQ(info.frameCount, 50);
    EXPECT_EQ(info.width, 64);
}

TEST(ClipWriterSound, StereoFromACallbackLongerThanThePicture)
{
    TL_REQUIRE_VIDEO();
    test::TempDir dir;
    video::AudioTrack track;
    track.channels = 2;
    track.sampleRate = 22050;
    track.sampleFrames = 3 * 22050;  // 3 s of sound under 2 s of picture
    std::int64_t asked = 0;
    track.source = [&](std::int64_t start, int count, float* out) {
        EXPECT_EQ(start, asked);  // in order, each sample frame once
        asked += count;
        for (int i = 0; i < count; ++i) {
            const double x = 0.4 * std::sin(2 * M_PI * 700.0 * static_cast<double>(start + i) / 22050.0);
            out[2 * i] = out[2 * i + 1] = static_cast<float>(x);  // the same in both channels
        }
    };
    video::writeClip(dir / "stereo.mp4", smallClip(), video::test::paintIndex, track);
    EXPECT_EQ(asked, 3 * 22050);
    AudioDecodeResult r;
    const auto samples = decodeAll(dir / "stereo.mp4", r);
    ASSERT_EQ(r.status, AudioStatus::Decoded);
    EXPECT_EQ(r.sourceChannels, 2);
    EXPECT_NEAR(r.seconds(), 3.0, 0.05);
    const auto values = describeAudio(samples, kAudioSampleRate);
    EXPECT_NEAR(descriptor(values, "centroid_hz_p50"), 700.0, 25.0);
    EXPECT_EQ(video::probeVideo(dir / "stereo.mp4").frameCount, 50);
}

TEST(ClipWriterSound, WithoutATrackTheClipIsSilent)
{
    TL_REQUIRE_VIDEO();
    test::TempDir dir;
    video::writeClip(dir / "mute.mp4", smallClip(), video::test::paintIndex, video::AudioTrack{});
    AudioDecodeResult r;
    decodeAll(dir / "mute.mp4", r);
    EXPECT_EQ(r.status, AudioStatus::NoAudio);
}

TEST(ClipWriterSound, WhatFfmpegCannotWriteFailsByName)
{
    TL_REQUIRE_VIDEO();
    test::TempDir dir;
    const auto expectError = [&](const video::AudioTrack& track, const std::string& part) {
        const auto file = dir / "bad.mp4";
        try {
            video::writeClip(file, smallClip(), video::test::paintIndex, track);
            ADD_FAILURE() << "no error for " << part;
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("bad.mp4"), std::string::npos) << e.what();
        }
        EXPECT_FALSE(fs::exists(file)) << part;  // refused before anything was written
    };
    video::AudioTrack track = toneTrack();
    track.codec = "no-such-encoder";
    expectError(track, "no audio encoder \"no-such-encoder\"");
    track.codec = "libx264";  // an encoder, but of video
    expectError(track, "no audio encoder \"libx264\"");
    track = toneTrack();
    track.channels = 3;
    expectError(track, "channels must be 1 (mono) or 2 (stereo), not 3");
    track = toneTrack();
    track.sampleRate = 12345;
    expectError(track, "aac does not take 12345 Hz");
    track = toneTrack();
    track.channels = 2;
    track.samples.push_back(0.0f);  // an odd number of stereo samples
    expectError(track, "not a whole number of 2-channel sample frames");
    track = video::AudioTrack{};
    track.channels = 1;
    track.sampleFrames = 100;
    expectError(track, "neither samples nor a source");
}

}  // namespace
}  // namespace tl::audio
