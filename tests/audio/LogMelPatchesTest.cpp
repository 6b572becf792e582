// core/audio's log-mel patches (the input of learned audio models) against their
// twins: every patch value equals the log-mel band the descriptors computed for the
// same frame of the same signal; a brute-force DFT in double precision gives the same
// bands; streaming in odd blocks equals all at once; patch framing (overlapping,
// with gaps, a short track padded with silence); a decoded file's patches in batches.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/audio/AudioDescriptors.h"
#include "core/audio/LogMelPatches.h"
#include "tests/audio/WavWriter.h"
#include "tests/support/TestSupport.h"

namespace tl::audio {
namespace {

constexpr int kRate = 22050;

// A rising chirp with noise: energy in every band, a different spectrum in every frame.
std::vector<float> chirpWithNoise(std::size_t samples, unsigned seed = 3)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> noise(0.0f, 0.05f);
    std::vector<float> x(samples);
    for (std::size_t i = 0; i < samples; ++i) {
        const double t = static_cast<double>(i) / kRate;
        x[i] = static_cast<float>(0.4 * std::sin(2 * M_PI * (200 * t + 1500 * t * t))) + noise(rng);
    }
    return x;
}

std::size_t framesOf(std::size_t samples) { return samples < kFrameSize ? 1 : 1 + (samples - kFrameSize) / kHopSize; }

// The descriptors' log-mel band b of frame t.
float descriptorBand(const AudioDescriptorAccumulator& acc, std::size_t t, int b)
{
    return acc.frames()[t * kFrameDescriptors + static_cast<std::size_t>(b)];
}

// Patch p, band b, frame f of a [count][band][frame] buffer.
float patchValue(const std::vector<float>& patches, const LogMelPatchShape& shape, std::size_t p, int b, int f)
{
    return patches[p * shape.floats() + static_cast<std::size_t>(b) * static_cast<std::size_t>(shape.frames) +
                   static_cast<std::size_t>(f)];
}

void expectPatchesAreDescriptorFrames(const std::vector<float>& x, LogMelPatchShape shape)
{
    AudioDescriptorAccumulator acc(kRate);
    acc.add(x.data(), x.size());
    acc.finish();
    const std::vector<float> patches = logMelPatches(x, kRate, shape);
    const std::size_t frames = framesOf(x.size());
    ASSERT_EQ(acc.frameCount(), frames);
    const std::size_t expected =
        frames < static_cast<std::size_t>(shape.frames) ? 1 : 1 + (frames - shape.frames) / shape.hop;
    ASSERT_EQ(patches.size(), expected * shape.floats()) << shape.frames << "/" << shape.hop;
    for (std::size_t p = 0; p < expected; ++p)
        for (int f = 0; f < shape.frames; ++f) {
            const std::size_t t = p * static_cast<std::size_t>(shape.hop) + static_cast<std::size_t>(f);
            for (int b = 0; b < kMelBands; ++b) {
                const float want = t < frames ? descriptorBand(acc, t, b) : static_cast<float>(kLogMelFloorDb);
                ASSERT_EQ(patchValue(patches, shape, p, b, f), want)
                    << "patch " << p << " band " << b << " frame " << f << " (" << shape.frames << "/" << shape.hop << ")";
            }
        }
}

TEST(LogMelPatches, EveryValueIsTheDescriptorsBandOfTheSameFrame)
{
    const std::vector<float> x = chirpWithNoise(3 * kRate);  // 126 frames
    expectPatchesAreDescriptorFrames(x, {});                  // 64 frames every 32: 2 patches
    expectPatchesAreDescriptorFrames(x, {16, 8});             // overlapping: 14 patches
    expectPatchesAreDescriptorFrames(x, {16, 16});            // adjacent: 7 patches, 14 frames dropped
    expectPatchesAreDescriptorFrames(x, {5, 12});             // gaps between patches: 11 patches
    expectPatchesAreDescriptorFrames(x, {1, 1});              // every frame its own patch
}

TEST(LogMelPatches, ShortTracksGiveOnePatchPaddedWithSilence)
{
    expectPatchesAreDescriptorFrames(chirpWithNoise(kFrameSize + 10 * kHopSize), {64, 32});  // 11 frames
    expectPatchesAreDescriptorFrames(chirpWithNoise(1000), {8, 4});  // shorter than a frame: zero-padded to one
    expectPatchesAreDescriptorFrames({}, {8, 4});                    // nothing at all: one silent frame
    const std::vector<float> silent = logMelPatches({}, kRate, {8, 4});
    for (float v : silent)
        ASSERT_FLOAT_EQ(v, static_cast<float>(kLogMelFloorDb));
}

// Brute force: a direct DFT in double precision, the same window, scale and filters.
TEST(LogMelPatches, BandsMatchABruteForceDft)
{
    const std::vector<float> x = chirpWithNoise(kFrameSize + 40 * kHopSize);
    const LogMelPatchShape shape{41, 1};
    const std::vector<float> patches = logMelPatches(x, kRate, shape);
    ASSERT_EQ(patches.size(), shape.floats());
    const std::vector<float> bank = melFilterBank(kRate);
    const int bins = kFrameSize / 2 + 1;
    double windowSum = 0;
    std::vector<double> window(kFrameSize);
    for (int i = 0; i < kFrameSize; ++i) {
        window[static_cast<std::size_t>(i)] = 0.5 - 0.5 * std::cos(2 * M_PI * i / kFrameSize);
        windowSum += window[static_cast<std::size_t>(i)];
    }
    double worst = 0;
    for (int f : {0, 17, 40}) {
        std::vector<double> power(static_cast<std::size_t>(bins));
        for (int k = 0; k < bins; ++k) {
            double re = 0, im = 0;
            for (int i = 0; i < kFrameSize; ++i) {
                const double v = x[static_cast<std::size_t>(f * kHopSize + i)] * window[static_cast<std::size_t>(i)];
                const double a = 2 * M_PI * k * i / kFrameSize;
                re += v * std::cos(a);
                im -= v * std::sin(a);
            }
            re *= 2 / windowSum;
            im *= 2 / windowSum;
            power[static_cast<std::size_t>(k)] = re * re + im * im;
        }
        for (int b = 0; b < kMelBands; ++b) {
            double e = 0;
            for (int k = 0; k < bins; ++k)
                e += bank[static_cast<std::size_t>(b) * static_cast<std::size_t>(bins) + static_cast<std::size_t>(k)] *
                     power[static_cast<std::size_t>(k)];
            const double db = 10 * std::log10(e + 1e-10);
            worst = std::max(worst, std::abs(db - patchValue(patches, shape, 0, b, f)));
        }
    }
    EXPECT_LT(worst, 1e-3) << "dB";
}

TEST(LogMelPatches, StreamingInOddBlocksEqualsAllAtOnce)
{
    const std::vector<float> x = chirpWithNoise(4 * kRate + 123);
    const LogMelPatchShape shape{20, 7};
    const std::vector<float> whole = logMelPatches(x, kRate, shape);
    LogMelPatcher patcher(kRate, shape);
    std::vector<float> streamed;
    std::size_t taken = 0;
    for (std::size_t at = 0; at < x.size(); at += 777) {
        patcher.add(x.data() + at, std::min<std::size_t>(777, x.size() - at));
        const std::vector<float> some = patcher.take(3);  // at most 3 at a time: the rest waits
        ASSERT_LE(some.size(), 3 * shape.floats());
        taken += some.size() / shape.floats();
        streamed.insert(streamed.end(), some.begin(), some.end());
    }
    patcher.finish();
    const std::vector<float> rest = patcher.take();
    streamed.insert(streamed.end(), rest.begin(), rest.end());
    EXPECT_EQ(patcher.ready(), 0u);
    EXPECT_GT(taken, 0u);  // patches left before the end of the track
    EXPECT_EQ(patcher.patchesMade(), whole.size() / shape.floats());
    EXPECT_EQ(patcher.framesSeen(), framesOf(x.size()));
    EXPECT_EQ(streamed, whole);
    EXPECT_THROW(patcher.add(x.data(), 1), std::logic_error);
    EXPECT_THROW(LogMelPatcher(kRate, LogMelPatchShape{0, 1}), std::invalid_argument);
    EXPECT_THROW(LogMelPatcher(kRate, LogMelPatchShape{4, 0}), std::invalid_argument);
}

TEST(LogMelPatches, AFileStreamsInBatchesEqualToItsDecodedSignal)
{
    TL_REQUIRE_VIDEO();
    test::TempDir dir;
    const auto file = dir / "tone.wav";
    wav::writeWav(file, kAudioSampleRate, 1, wav::toneS16(440, kAudioSampleRate, 3.0, 0.3));
    std::vector<float> decoded;
    decodeAudio(file, [&](const float* s, std::size_t n) { decoded.insert(decoded.end(), s, s + n); });
    const LogMelPatchShape shape{16, 8};
    const std::vector<float> whole = logMelPatches(decoded, kAudioSampleRate, shape);

    std::vector<float> streamed;
    std::vector<std::size_t> batches;
    const PatchStreamResult r = streamLogMelPatches(file, shape, 5, [&](const float* p, std::size_t n) {
        batches.push_back(n);
        streamed.insert(streamed.end(), p, p + n * shape.floats());
    });
    ASSERT_EQ(r.decode.status, AudioStatus::Decoded);
    EXPECT_EQ(r.frames, framesOf(decoded.size()));
    EXPECT_EQ(r.patches, whole.size() / shape.floats());
    EXPECT_EQ(streamed, whole);
    ASSERT_FALSE(batches.empty());
    for (std::size_t i = 0; i + 1 < batches.size(); ++i)
        EXPECT_EQ(batches[i], 5u);
    EXPECT_GE(batches.back(), 1u);
    EXPECT_LE(batches.back(), 5u);
    EXPECT_THROW(streamLogMelPatches(file, shape, 0, [](const float*, std::size_t) {}), std::invalid_argument);
    EXPECT_THROW(streamLogMelPatches(dir / "missing.wav", shape, 4, [](const float*, std::size_t) {}), DecodeError);
}

}  // namespace
}  // namespace tl::audio
