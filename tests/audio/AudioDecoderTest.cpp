// core/audio's decoding on files written by the test: WAV files (FFmpeg demuxes and
// decodes them like any other) with known samples, a video without sound ("no audio",
// not an error), and broken files (errors naming the file).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <fstream>

#include "core/audio/AudioDecoder.h"
#include "core/audio/AudioProfile.h"
#include "core/common/Error.h"
#include "core/video/FfmpegPtr.h"
#include "tests/support/TestSupport.h"
#include "tests/audio/SilentClip.h"
#include "tests/audio/WavWriter.h"
#include "tests/video/ClipWriter.h"

namespace tl::audio {
namespace {

using wav::toneS16;
using wav::writeWav;

namespace fs = std::filesystem;

struct Collected {
    std::vector<float> samples;
    std::size_t largestBlock = 0;
    int blocks = 0;
};

AudioDecodeResult collect(const fs::path& file, Collected& c, const CancelToken* cancel = nullptr)
{
    return decodeAudio(
        file,
        [&](const float* x, std::size_t n) {
            c.samples.insert(c.samples.end(), x, x + n);
            c.largestBlock = std::max(c.largestBlock, n);
            ++c.blocks;
        },
        cancel);
}

TEST(AudioDecoder, MonoAtTheTargetRateIsSampleExact)
{
    test::TempDir dir;
    const auto pcm = toneS16(440, kAudioSampleRate, 2.0, 0.5);
    writeWav(dir / "mono.wav", kAudioSampleRate, 1, pcm);
    Collected c;
    const auto r = collect(dir / "mono.wav", c);
    ASSERT_EQ(r.status, AudioStatus::Decoded);
    EXPECT_EQ(r.codec, "pcm_s16le");
    EXPECT_EQ(r.sourceRate, kAudioSampleRate);
    EXPECT_EQ(r.sourceChannels, 1);
    EXPECT_EQ(r.audioStreams, 1);
    EXPECT_FALSE(r.damaged());
    ASSERT_EQ(c.samples.size(), pcm.size());
    EXPECT_EQ(r.samples, static_cast<long long>(pcm.size()));
    for (std::size_t i = 0; i < pcm.size(); ++i)
        ASSERT_FLOAT_EQ(c.samples[i], pcm[i] / 32768.0f) << i;
    EXPECT_LE(c.largestBlock, kAudioBlockSamples);
}

TEST(AudioDecoder, StereoAt44100IsMixedToMonoAndResampled)
{
    test::TempDir dir;
    const auto left = toneS16(1000, 44100, 3.0, 0.8);
    std::vector<std::int16_t> interleaved;
    for (std::int16_t s : left) {
        interleaved.push_back(s);
        interleaved.push_back(s);  // the same on both channels: the mix keeps the amplitude
    }
    writeWav(dir / "stereo.wav", 44100, 2, interleaved);
    Collected c;
    const auto r = collect(dir / "stereo.wav", c);
    ASSERT_EQ(r.status, AudioStatus::Decoded);
    EXPECT_EQ(r.sourceRate, 44100);
    EXPECT_EQ(r.sourceChannels, 2);
    EXPECT_NEAR(static_cast<double>(c.samples.size()), 3.0 * kAudioSampleRate, 64);
    EXPECT_NEAR(r.seconds(), 3.0, 0.005);
    // Frequency survives (2 crossings per period); FFmpeg's downmix is (L + R) / sqrt 2.
    int crossings = 0;
    float peak = 0;
    for (std::size_t i = 1000; i < c.samples.size() - 1000; ++i) {
        crossings += (c.samples[i - 1] >= 0) != (c.samples[i] >= 0);
        peak = std::max(peak, std::fabs(c.samples[i]));
    }
    const double seconds = static_cast<double>(c.samples.size() - 2000) / kAudioSampleRate;
    EXPECT_NEAR(crossings / seconds, 2000.0, 10.0);
    EXPECT_NEAR(peak, 0.8 * std::sqrt(2.0), 0.02);
    EXPECT_LE(c.largestBlock, kAudioBlockSamples);
    EXPECT_GT(c.blocks, 1);
}

TEST(AudioDecoder, DescribedFileMatchesDescribedSamples)
{
    test::TempDir dir;
    const auto pcm = toneS16(1500, kAudioSampleRate, 1.5, 0.3);
    writeWav(dir / "t.wav", kAudioSampleRate, 1, pcm);
    std::vector<float> x(pcm.size());
    for (std::size_t i = 0; i < pcm.size(); ++i)
        x[i] = pcm[i] / 32768.0f;
    const AudioProfile profile = describeAudioFile(dir / "t.wav");
    ASSERT_TRUE(profile.hasAudio());
    EXPECT_EQ(profile.values, describeAudio(x, kAudioSampleRate));
}

TEST(AudioDecoder, VideoWithoutSoundIsNoAudioNotAnError)
{
    test::TempDir dir;
    fixtures::writeSilentClip(dir / "silent.mp4");
    int calls = 0;
    const auto r = decodeAudio(dir / "silent.mp4", [&](const float*, std::size_t) { ++calls; });
    EXPECT_EQ(r.status, AudioStatus::NoAudio);
    EXPECT_EQ(r.noAudioReason, "no audio stream");
    EXPECT_EQ(r.audioStreams, 0);
    EXPECT_EQ(calls, 0);
    const AudioProfile profile = describeAudioFile(dir / "silent.mp4");
    EXPECT_FALSE(profile.hasAudio());
    EXPECT_TRUE(profile.values.empty());  // never a row of zeros
}

TEST(AudioDecoder, TruncatedFileGivesWhatItHolds)
{
    test::TempDir dir;
    const auto pcm = toneS16(440, kAudioSampleRate, 0.5, 0.5);
    writeWav(dir / "cut.wav", kAudioSampleRate, 1, pcm, 4 * kAudioSampleRate);  // header says 4 s
    Collected c;
    const auto r = collect(dir / "cut.wav", c);
    ASSERT_EQ(r.status, AudioStatus::Decoded);
    EXPECT_EQ(c.samples.size(), pcm.size());
    EXPECT_TRUE(r.damaged());  // the demuxer flags the short last packet: reported, not silent
    EXPECT_NE(describeDamage(r).find("1 packets rejected"), std::string::npos) << describeDamage(r);
}

TEST(AudioDecoder, BrokenFilesAreErrorsNamingTheFile)
{
    test::TempDir dir;
    test::writeFile(dir / "empty.wav", "");
    test::writeFile(dir / "garbage.mp4", std::string(4096, 'x'));
    writeWav(dir / "nodata.wav", kAudioSampleRate, 1, {});
    for (const char* name : {"empty.wav", "garbage.mp4", "nodata.wav", "missing.wav"}) {
        try {
            decodeAudio(dir / name, [](const float*, std::size_t) {});
            ADD_FAILURE() << name << ": no error";
        } catch (const DecodeError& e) {
            EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
            EXPECT_FALSE(e.reason().empty()) << name;
        }
    }
}

// A Matroska file with two PCM audio streams: a 300 Hz tone first, then a 2 kHz tone
// marked as the default stream (FFmpeg's muxer, no encoder needed).
void writeTwoStreamMkv(const fs::path& file)
{
    using namespace tl::video;
    AVFormatContext* raw = nullptr;
    ASSERT_GE(avformat_alloc_output_context2(&raw, nullptr, "matroska", file.string().c_str()), 0);
    OutputFormatPtr output(raw);
    const double hz[2] = {300, 2000};
    for (int s = 0; s < 2; ++s) {
        AVStream* st = avformat_new_stream(raw, nullptr);
        ASSERT_NE(st, nullptr);
        st->codecpar->codec_type = AVMEDIA_TYPE_AUDIO;
        st->codecpar->codec_id = AV_CODEC_ID_PCM_S16LE;
        st->codecpar->sample_rate = kAudioSampleRate;
        av_channel_layout_default(&st->codecpar->ch_layout, 1);
        st->codecpar->format = AV_SAMPLE_FMT_S16;
        st->time_base = AVRational{1, kAudioSampleRate};
        st->disposition = s == 1 ? AV_DISPOSITION_DEFAULT : 0;
    }
    ASSERT_GE(avio_open(&raw->pb, file.string().c_str(), AVIO_FLAG_WRITE), 0);
    ASSERT_GE(avformat_write_header(raw, nullptr), 0);
    const int chunk = 1024;
    for (int at = 0; at < 2 * kAudioSampleRate; at += chunk)
        for (int s = 0; s < 2; ++s) {
            PacketPtr packet = makePacket();
            ASSERT_GE(av_new_packet(packet.get(), chunk * 2), 0);
            for (int i = 0; i < chunk; ++i) {
                const auto v = static_cast<std::int16_t>(
                    std::lround(10000 * std::sin(2 * M_PI * hz[s] * (at + i) / kAudioSampleRate)));
                packet->data[2 * i] = static_cast<std::uint8_t>(v & 0xff);
                packet->data[2 * i + 1] = static_cast<std::uint8_t>((v >> 8) & 0xff);
            }
            packet->stream_index = s;
            packet->pts = packet->dts = at;
            packet->duration = chunk;
            av_packet_rescale_ts(packet.get(), AVRational{1, kAudioSampleRate}, raw->streams[s]->time_base);
            ASSERT_GE(av_interleaved_write_frame(raw, packet.get()), 0);
        }
    ASSERT_GE(av_write_trailer(raw), 0);
}

TEST(AudioDecoder, OfSeveralStreamsTheDefaultOneIsDecoded)
{
    test::TempDir dir;
    writeTwoStreamMkv(dir / "two.mkv");
    if (HasFatalFailure())
        return;
    Collected c;
    const auto r = collect(dir / "two.mkv", c);
    ASSERT_EQ(r.status, AudioStatus::Decoded);
    EXPECT_EQ(r.audioStreams, 2);
    EXPECT_EQ(r.streamIndex, 1);
    EXPECT_NEAR(r.seconds(), 2.0, 0.05);
    const auto d = describeAudioFile(dir / "two.mkv");
    const auto& names = audioDescriptorNames();
    const auto at = std::find(names.begin(), names.end(), "centroid_hz_p50") - names.begin();
    EXPECT_NEAR(d.values[static_cast<std::size_t>(at)], 2000, 40);  // the default stream's tone, not the first
}

TEST(AudioDecoder, CancelStopsDecoding)
{
    test::TempDir dir;
    writeWav(dir / "long.wav", kAudioSampleRate, 1, toneS16(440, kAudioSampleRate, 5.0, 0.5));
    CancelToken token;
    token.cancel();
    Collected c;
    EXPECT_THROW(collect(dir / "long.wav", c, &token), Cancelled);

    CancelToken midway;  // cancelled by the first block
    int blocks = 0;
    EXPECT_THROW(decodeAudio(dir / "long.wav", [&](const float*, std::size_t) { ++blocks; midway.cancel(); }, &midway),
                 Cancelled);
    EXPECT_GE(blocks, 1);
    EXPECT_LT(blocks, 5 * kAudioSampleRate / static_cast<int>(kAudioBlockSamples));
}

}  // namespace
}  // namespace tl::audio
