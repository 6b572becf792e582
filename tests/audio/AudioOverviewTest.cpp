// core/audio's overview (the player's waveform and spectrogram) on signals with
// known answers: a tone peaks in the mel band around its frequency, silence is
// -100 dB with a flat envelope, a half-silent file's columns split at the right
// time, a streamed feed equals the whole signal, a float64 DFT twin gives the same
// dB, and a video without sound is "no sound".
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <random>

#include "core/audio/AudioOverview.h"
#include "core/common/Error.h"
#include "tests/audio/SilentClip.h"
#include "tests/audio/WavWriter.h"
#include "tests/support/TestSupport.h"

namespace tl::audio {
namespace {

namespace fs = std::filesystem;

std::vector<float> tone(double hz, int rate, double seconds, double amplitude)
{
    std::vector<float> x(static_cast<std::size_t>(std::lround(seconds * rate)));
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = static_cast<float>(amplitude * std::sin(2 * M_PI * hz * static_cast<double>(i) / rate));
    return x;
}

int nearestBand(double hz, int rate)
{
    const auto edges = melBandEdgesHz(rate);  // band b is centred on edges[b + 1]
    int best = 0;
    for (int b = 1; b < kMelBands; ++b)
        if (std::abs(edges[static_cast<std::size_t>(b) + 1] - hz) < std::abs(edges[static_cast<std::size_t>(best) + 1] - hz))
            best = b;
    return best;
}

TEST(AudioOverview, ColumnsFollowTheRequestedResolution)
{
    EXPECT_EQ(overviewColumnSamples(0.1, kAudioSampleRate), 2205);
    EXPECT_EQ(overviewColumnSamples(0.001, kAudioSampleRate), kHopSize);  // at least one hop
    EXPECT_THROW(overviewColumnSamples(0.0, kAudioSampleRate), std::invalid_argument);
    // 2.05 s at 0.1 s per column: 20 whole columns and a short last one.
    const auto o = audioOverviewOf(tone(440, kAudioSampleRate, 2.05, 0.5), kAudioSampleRate, {0.1});
    ASSERT_TRUE(o.hasAudio());
    EXPECT_EQ(o.columns, 21u);
    EXPECT_EQ(o.minimum.size(), 21u);
    EXPECT_EQ(o.rms.size(), 21u);
    EXPECT_EQ(o.melDb.size(), 21u * kMelBands);
    EXPECT_DOUBLE_EQ(o.columnSeconds(), 0.1);
    EXPECT_NEAR(o.seconds(), 2.05, 1e-4);
    EXPECT_EQ(o.columnAt(0.0), 0u);
    EXPECT_EQ(o.columnAt(0.15), 1u);
    EXPECT_EQ(o.columnAt(99.0), 20u);
}

TEST(AudioOverview, ToneSpectrogramPeaksInItsMelBand)
{
    for (double hz : {250.0, 1000.0, 3000.0, 7000.0}) {
        const auto o = audioOverviewOf(tone(hz, kAudioSampleRate, 1.0, 0.5), kAudioSampleRate, {0.05});
        const int expected = nearestBand(hz, kAudioSampleRate);
        ASSERT_GT(o.columns, 10u);
        for (std::size_t c = 1; c + 1 < o.columns; ++c) {  // the ends see the zero padding
            int peak = 0;
            for (int b = 1; b < kMelBands; ++b)
                if (o.mel(c, b) > o.mel(c, peak))
                    peak = b;
            ASSERT_EQ(peak, expected) << hz << " Hz, column " << c;
            // A 0.5 sine's peak bin has magnitude 0.5: the band holds about 0.5^2 / 2 of power
            // summed over the window's main lobe, so between -12 and -3 dB; far bands are far below.
            EXPECT_GT(o.mel(c, peak), -12.0f) << hz;
            EXPECT_LT(o.mel(c, peak), -3.0f) << hz;
            EXPECT_LT(o.mel(c, expected > 20 ? 0 : kMelBands - 1), o.mel(c, peak) - 60.0f) << hz;
        }
    }
}

TEST(AudioOverview, HalfSilentTrackSplitsAtTheRightColumn)
{
    // 1 s of silence, then 1 s of a 440 Hz tone of amplitude 0.5; 0.1 s columns.
    std::vector<float> x(kAudioSampleRate, 0.0f);
    const auto t = tone(440, kAudioSampleRate, 1.0, 0.5);
    x.insert(x.end(), t.begin(), t.end());
    const auto o = audioOverviewOf(x, kAudioSampleRate, {0.1});
    ASSERT_EQ(o.columns, 20u);
    for (std::size_t c = 0; c < 10; ++c) {
        EXPECT_EQ(o.minimum[c], 0.0f) << c;
        EXPECT_EQ(o.maximum[c], 0.0f) << c;
        EXPECT_EQ(o.rms[c], 0.0f) << c;
    }
    // Frames centred up to half a frame (46 ms) before the tone already hear it: columns 0..8 do not.
    for (std::size_t c = 0; c < 9; ++c)
        for (int b = 0; b < kMelBands; ++b)
            ASSERT_FLOAT_EQ(o.mel(c, b), -100.0f) << c << ' ' << b;
    for (std::size_t c = 10; c < 20; ++c) {
        EXPECT_NEAR(o.rms[c], 0.5 / std::sqrt(2.0), 2e-3) << c;
        EXPECT_NEAR(o.maximum[c], 0.5, 1e-3) << c;
        EXPECT_NEAR(o.minimum[c], -0.5, 1e-3) << c;
        EXPECT_GT(o.mel(c, nearestBand(440, kAudioSampleRate)), -12.0f) << c;
    }
}

std::vector<float> noisyChord(double seconds)
{
    std::mt19937 rng(7);
    std::normal_distribution<float> noise(0.0f, 0.05f);
    std::vector<float> x = tone(523.25, kAudioSampleRate, seconds, 0.3);
    const auto y = tone(2100, kAudioSampleRate, seconds, 0.2);
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] += y[i] * (i > x.size() / 2 ? 1.0f : 0.0f) + noise(rng);
    return x;
}

TEST(AudioOverview, StreamedInAnyBlocksEqualsTheWholeSignal)
{
    const auto x = noisyChord(1.3);
    const auto whole = audioOverviewOf(x, kAudioSampleRate, {0.04});
    for (std::size_t block : {std::size_t(1), std::size_t(333), std::size_t(8192)}) {
        AudioOverviewAccumulator acc(kAudioSampleRate, {0.04});
        for (std::size_t at = 0; at < x.size(); at += block)
            acc.add(x.data() + at, std::min(block, x.size() - at));
        const auto o = acc.finish();
        ASSERT_EQ(o.columns, whole.columns) << block;
        EXPECT_EQ(o.minimum, whole.minimum) << block;
        EXPECT_EQ(o.maximum, whole.maximum) << block;
        EXPECT_EQ(o.rms, whole.rms) << block;
        EXPECT_EQ(o.melDb, whole.melDb) << block;
    }
}

// The reference: per column, the float64 DFT of every centred, zero-padded, Hann-windowed
// frame whose centre lies in it, through the same mel filters, averaged, in dB; the
// envelope from the samples directly.
TEST(AudioOverview, MatchesABruteForceDft)
{
    const auto x = noisyChord(0.35);
    const AudioOverviewOptions options{0.05};
    const auto o = audioOverviewOf(x, kAudioSampleRate, options);
    const int cs = overviewColumnSamples(options.secondsPerColumn, kAudioSampleRate);
    const auto n = static_cast<long long>(x.size());
    const std::size_t columns = static_cast<std::size_t>((n + cs - 1) / cs);
    ASSERT_EQ(o.columns, columns);
    const auto bank = melFilterBank(kAudioSampleRate);
    const int bins = kFrameSize / 2 + 1;
    double windowSum = 0;
    std::vector<double> window(kFrameSize);
    for (int i = 0; i < kFrameSize; ++i)
        windowSum += window[static_cast<std::size_t>(i)] = 0.5 - 0.5 * std::cos(2 * M_PI * i / kFrameSize);
    for (std::size_t c = 0; c < columns; ++c) {
        const long long begin = static_cast<long long>(c) * cs, end = std::min(n, begin + cs);
        double lo = x[static_cast<std::size_t>(begin)], hi = lo, sq = 0;
        for (long long i = begin; i < end; ++i) {
            lo = std::min<double>(lo, x[static_cast<std::size_t>(i)]);
            hi = std::max<double>(hi, x[static_cast<std::size_t>(i)]);
            sq += static_cast<double>(x[static_cast<std::size_t>(i)]) * x[static_cast<std::size_t>(i)];
        }
        EXPECT_EQ(o.minimum[c], static_cast<float>(lo));
        EXPECT_EQ(o.maximum[c], static_cast<float>(hi));
        EXPECT_NEAR(o.rms[c], std::sqrt(sq / static_cast<double>(end - begin)), 1e-6);
        std::vector<double> mel(kMelBands, 0.0);
        int frames = 0;
        for (long long centre = 0; centre < begin + cs; centre += kHopSize) {
            if (centre < begin)
                continue;
            ++frames;
            for (int k = 0; k < bins; ++k) {
                std::complex<double> sum = 0;
                for (int i = 0; i < kFrameSize; ++i) {
                    const long long at = centre - kFrameSize / 2 + i;
                    if (at >= 0 && at < n)
                        sum += window[static_cast<std::size_t>(i)] * static_cast<double>(x[static_cast<std::size_t>(at)]) *
                               std::polar(1.0, -2 * M_PI * k * i / kFrameSize);
                }
                const double power = std::norm(sum * (2.0 / windowSum));
                for (int b = 0; b < kMelBands; ++b)
                    mel[static_cast<std::size_t>(b)] += bank[static_cast<std::size_t>(b * bins + k)] * power;
            }
        }
        ASSERT_GT(frames, 0);
        for (int b = 0; b < kMelBands; ++b)
            EXPECT_NEAR(o.mel(c, b), 10 * std::log10(mel[static_cast<std::size_t>(b)] / frames + 1e-10), 0.02)
                << "column " << c << " band " << b;
    }
}

TEST(AudioOverview, FileEqualsItsSamplesAndCancelStops)
{
    test::TempDir dir;
    const auto pcm = wav::toneS16(1000, kAudioSampleRate, 1.5, 0.5);
    wav::writeWav(dir / "tone.wav", kAudioSampleRate, 1, pcm);
    std::vector<float> samples(pcm.size());
    for (std::size_t i = 0; i < pcm.size(); ++i)
        samples[i] = pcm[i] / 32768.0f;
    const auto o = computeAudioOverview(dir / "tone.wav", {0.05});
    ASSERT_TRUE(o.hasAudio());
    EXPECT_EQ(o.decode.codec, "pcm_s16le");
    const auto reference = audioOverviewOf(samples, kAudioSampleRate, {0.05});
    EXPECT_EQ(o.columns, reference.columns);
    EXPECT_EQ(o.maximum, reference.maximum);
    EXPECT_EQ(o.melDb, reference.melDb);

    CancelToken token;
    token.cancel();
    EXPECT_THROW(computeAudioOverview(dir / "tone.wav", {0.05}, JobContext({}, token)), Cancelled);
}

TEST(AudioOverview, VideoWithoutSoundIsNoSound)
{
    test::TempDir dir;
    fixtures::writeSilentClip(dir / "silent.mp4");
    const auto o = computeAudioOverview(dir / "silent.mp4", {});
    EXPECT_FALSE(o.hasAudio());
    EXPECT_EQ(o.decode.noAudioReason, "no audio stream");
    EXPECT_EQ(o.columns, 0u);
    EXPECT_TRUE(o.melDb.empty());
    EXPECT_THROW(computeAudioOverview(dir / "missing.wav", {}), DecodeError);
}

}  // namespace
}  // namespace tl::audio
