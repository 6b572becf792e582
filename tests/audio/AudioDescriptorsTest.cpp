// Known answers for core/audio's descriptors on generated signals: a tone's centroid,
// zero-crossing rate and roll-off; white noise's flatness (e^-gamma) against a tone's;
// silence (defined, finite values); click tracks' tempo and onset rate; EBU R 128
// loudness of a 997 Hz sine; MFCCs against a brute-force DCT; log-mel against a
// brute-force DFT; streaming in blocks against all at once.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "core/audio/AudioDescriptors.h"

namespace tl::audio {
namespace {

constexpr int kRate = 22050;

std::vector<float> tone(double hz, double seconds, double amplitude = 0.5, int rate = kRate)
{
    std::vector<float> x(static_cast<std::size_t>(seconds * rate));
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = static_cast<float>(amplitude * std::sin(2 * M_PI * hz * static_cast<double>(i) / rate));
    return x;
}

std::vector<float> noise(double seconds, unsigned seed = 7)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> d(0.0f, 0.2f);
    std::vector<float> x(static_cast<std::size_t>(seconds * kRate));
    for (auto& v : x)
        v = d(rng);
    return x;
}

// 5 ms bursts of a 3 kHz tone every 60/bpm seconds.
std::vector<float> clicks(double bpm, double seconds)
{
    std::vector<float> x(static_cast<std::size_t>(seconds * kRate), 0.0f);
    const double period = 60.0 / bpm;
    for (double t = 0.25; t < seconds - 0.01; t += period) {
        const auto start = static_cast<std::size_t>(t * kRate);
        for (std::size_t i = 0; i < static_cast<std::size_t>(0.005 * kRate); ++i)
            x[start + i] = static_cast<float>(0.8 * std::sin(2 * M_PI * 3000.0 * static_cast<double>(i) / kRate));
    }
    return x;
}

std::map<std::string, float> named(const std::vector<float>& values)
{
    const auto& names = audioDescriptorNames();
    EXPECT_EQ(values.size(), names.size());
    std::map<std::string, float> m;
    for (std::size_t i = 0; i < std::min(values.size(), names.size()); ++i)
        m[names[i]] = values[i];
    return m;
}

void expectFinite(const std::vector<float>& values)
{
    const auto& names = audioDescriptorNames();
    for (std::size_t i = 0; i < values.size(); ++i)
        EXPECT_TRUE(std::isfinite(values[i])) << names[i] << " = " << values[i];
}

TEST(AudioDescriptors, NamesAreReadableUniqueAndComplete)
{
    const auto& names = audioDescriptorNames();
    EXPECT_EQ(names.size(), static_cast<std::size_t>(kFrameDescriptors) * 5 + 4);
    EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
    for (const char* n : {"mfcc03_std", "centroid_hz_p90", "tempo_bpm", "loudness_lufs", "logmel00_mean",
                          "logmel39_p50", "mfcc12_mean", "flux_mean", "rolloff_hz_p10", "flatness_mean", "zcr_std",
                          "onset_rate_hz", "loudness_range_lu"})
        EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
    EXPECT_EQ(names.front(), "logmel00_mean");
    EXPECT_EQ(names.back(), "loudness_range_lu");
}

TEST(AudioDescriptors, PureToneCentroidRolloffAndZeroCrossings)
{
    for (double hz : {440.0, 1000.0, 3000.0}) {
        const auto d = named(describeAudio(tone(hz, 3.0), kRate));
        EXPECT_NEAR(d.at("centroid_hz_mean"), hz, 0.02 * hz) << hz;
        EXPECT_NEAR(d.at("centroid_hz_p50"), hz, 0.02 * hz) << hz;
        EXPECT_LT(d.at("centroid_hz_std"), 0.01 * hz) << hz;
        EXPECT_NEAR(d.at("rolloff_hz_p50"), hz, 2.0 * kRate / kFrameSize) << hz;   // within two bins
        EXPECT_NEAR(d.at("zcr_mean"), 2.0 * hz / kRate, 0.002) << hz;             // two crossings per period
        EXPECT_LT(d.at("flatness_mean"), 0.01) << hz;
        EXPECT_FLOAT_EQ(d.at("onset_rate_hz"), 0.0f) << hz;                       // a steady tone has no onsets
        EXPECT_FLOAT_EQ(d.at("tempo_bpm"), 0.0f) << hz;                           // nor a beat
    }
}

TEST(AudioDescriptors, ToneCentroidFollowsItsFrequency)
{
    const auto low = named(describeAudio(tone(500, 2.0), kRate));
    const auto high = named(describeAudio(tone(4000, 2.0), kRate));
    EXPECT_GT(high.at("centroid_hz_mean"), 7 * low.at("centroid_hz_mean"));
    // The band holding 500 Hz is louder for the low tone than for the high one, and vice versa.
    const std::vector<double> edges = melBandEdgesHz(kRate);
    int bandLow = 0, bandHigh = 0;
    for (int b = 0; b < kMelBands; ++b) {
        if (std::fabs(edges[static_cast<std::size_t>(b) + 1] - 500) < std::fabs(edges[static_cast<std::size_t>(bandLow) + 1] - 500))
            bandLow = b;
        if (std::fabs(edges[static_cast<std::size_t>(b) + 1] - 4000) < std::fabs(edges[static_cast<std::size_t>(bandHigh) + 1] - 4000))
            bandHigh = b;
    }
    auto key = [](int b) { char t[32]; std::snprintf(t, sizeof t, "logmel%02d_mean", b); return std::string(t); };
    EXPECT_GT(low.at(key(bandLow)), high.at(key(bandLow)) + 30);
    EXPECT_GT(high.at(key(bandHigh)), low.at(key(bandHigh)) + 30);
}

TEST(AudioDescriptors, WhiteNoiseIsFlatAToneIsNot)
{
    const auto n = named(describeAudio(noise(4.0), kRate));
    const auto t = named(describeAudio(tone(1000, 4.0), kRate));
    // A periodogram's bins of white noise are exponential: geometric / arithmetic mean -> e^-gamma.
    EXPECT_NEAR(n.at("flatness_mean"), std::exp(-0.5772156649), 0.03);
    EXPECT_LT(t.at("flatness_mean"), 0.01);
    // Noise spreads evenly: its centroid sits near the middle of the band (5512 Hz).
    EXPECT_NEAR(n.at("centroid_hz_mean"), kRate / 4.0, 300);
    EXPECT_NEAR(n.at("rolloff_hz_mean"), 0.85 * kRate / 2, 300);
    EXPECT_NEAR(n.at("zcr_mean"), 0.5, 0.03);
    EXPECT_LT(n.at("onset_rate_hz"), 1.0);  // steady noise: few onsets
    expectFinite(describeAudio(noise(4.0), kRate));
}

TEST(AudioDescriptors, SilenceHasDefinedFiniteValues)
{
    const std::vector<float> silence(static_cast<std::size_t>(3 * kRate), 0.0f);
    const auto values = describeAudio(silence, kRate);
    expectFinite(values);
    const auto d = named(values);
    EXPECT_FLOAT_EQ(d.at("loudness_lufs"), static_cast<float>(kSilenceLufs));
    EXPECT_FLOAT_EQ(d.at("loudness_range_lu"), 0.0f);
    EXPECT_FLOAT_EQ(d.at("tempo_bpm"), 0.0f);
    EXPECT_FLOAT_EQ(d.at("onset_rate_hz"), 0.0f);
    EXPECT_FLOAT_EQ(d.at("centroid_hz_mean"), 0.0f);
    EXPECT_FLOAT_EQ(d.at("flatness_mean"), 0.0f);
    EXPECT_FLOAT_EQ(d.at("zcr_mean"), 0.0f);
    EXPECT_NEAR(d.at("logmel00_mean"), -100.0f, 1e-3);
    EXPECT_NEAR(d.at("mfcc00_mean"), -100.0 * std::sqrt(double(kMelBands)), 0.01);  // DC of a constant: sqrt(N) x
    EXPECT_NEAR(d.at("mfcc01_mean"), 0.0, 1e-3);
}

TEST(AudioDescriptors, ClickTrackTempoAndOnsetRate)
{
    for (double bpm : {120.0, 90.0, 150.0}) {
        const auto d = named(describeAudio(clicks(bpm, 12.0), kRate));
        EXPECT_NEAR(d.at("tempo_bpm"), bpm, 2.0) << bpm;
        EXPECT_NEAR(d.at("onset_rate_hz"), bpm / 60.0, 0.15) << bpm;
    }
}

TEST(AudioDescriptors, LoudnessOfA997HzSine)
{
    // EBU Tech 3341: a 997 Hz sine at full scale in one channel reads -3.01 LUFS.
    EXPECT_NEAR(named(describeAudio(tone(997, 5.0, 1.0), kRate)).at("loudness_lufs"), -3.01, 0.2);
    EXPECT_NEAR(named(describeAudio(tone(997, 5.0, 0.1), kRate)).at("loudness_lufs"), -23.01, 0.2);
    EXPECT_NEAR(named(describeAudio(tone(997, 5.0, 0.1), kRate)).at("loudness_range_lu"), 0.0, 0.5);
}

TEST(AudioDescriptors, MfccsAreTheOrthonormalDctOfTheLogMelBands)
{
    AudioDescriptorAccumulator acc(kRate);
    const auto x = noise(1.0);
    acc.add(x.data(), x.size());
    acc.finish();
    ASSERT_GT(acc.frameCount(), 10u);
    const auto& f = acc.frames();
    for (std::size_t t : {std::size_t{0}, std::size_t{5}, acc.frameCount() - 1}) {
        const float* row = f.data() + t * kFrameDescriptors;
        for (int c = 0; c < kMfccs; ++c) {
            double sum = 0;
            for (int j = 0; j < kMelBands; ++j)
                sum += row[j] * std::cos(M_PI * (j + 0.5) * c / kMelBands);
            const double expected = sum * std::sqrt((c == 0 ? 1.0 : 2.0) / kMelBands);
            EXPECT_NEAR(row[kMelBands + c], expected, 1e-3 * std::max(1.0, std::fabs(expected))) << t << " " << c;
        }
    }
}

TEST(AudioDescriptors, LogMelMatchesABruteForceDft)
{
    const auto x = noise(0.2, 11);
    AudioDescriptorAccumulator acc(kRate);
    acc.add(x.data(), x.size());
    acc.finish();
    const std::vector<float> bank = melFilterBank(kRate);
    const int bins = kFrameSize / 2 + 1;
    std::vector<double> power(static_cast<std::size_t>(bins));
    double windowSum = 0;
    std::vector<double> w(kFrameSize);
    for (int i = 0; i < kFrameSize; ++i)
        windowSum += (w[static_cast<std::size_t>(i)] = 0.5 - 0.5 * std::cos(2 * M_PI * i / kFrameSize));
    const std::size_t frame = 2;
    for (int k = 0; k < bins; ++k) {
        double re = 0, im = 0;
        for (int i = 0; i < kFrameSize; ++i) {
            const double v = x[frame * kHopSize + static_cast<std::size_t>(i)] * w[static_cast<std::size_t>(i)];
            re += v * std::cos(2 * M_PI * k * i / kFrameSize);
            im -= v * std::sin(2 * M_PI * k * i / kFrameSize);
        }
        power[static_cast<std::size_t>(k)] = (re * re + im * im) * 4 / (windowSum * windowSum);
    }
    for (int b = 0; b < kMelBands; ++b) {
        double e = 0;
        for (int k = 0; k < bins; ++k)
            e += bank[static_cast<std::size_t>(b * bins + k)] * power[static_cast<std::size_t>(k)];
        EXPECT_NEAR(acc.frames()[frame * kFrameDescriptors + static_cast<std::size_t>(b)], 10 * std::log10(e + 1e-10), 0.01)
            << "band " << b;
    }
}

TEST(AudioDescriptors, StreamingInBlocksEqualsAllAtOnce)
{
    std::vector<float> x = clicks(120, 4.0);
    const auto n = noise(4.0, 3);
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] += 0.1f * n[i];
    const auto whole = describeAudio(x, kRate);
    AudioDescriptorAccumulator acc(kRate);
    std::mt19937 rng(5);
    std::uniform_int_distribution<std::size_t> size(1, 5000);
    for (std::size_t at = 0; at < x.size();) {
        const std::size_t count = std::min(size(rng), x.size() - at);
        acc.add(x.data() + at, count);
        at += count;
    }
    EXPECT_EQ(acc.finish(), whole);
}

TEST(AudioDescriptors, ShorterThanOneFrameIsPaddedAndFinite)
{
    const auto x = tone(1000, 0.01);
    AudioDescriptorAccumulator acc(kRate);
    acc.add(x.data(), x.size());
    const auto values = acc.finish();
    EXPECT_EQ(acc.frameCount(), 1u);
    expectFinite(values);
    EXPECT_GT(named(values).at("centroid_hz_mean"), 0);  // a 10 ms burst: broad, but not silence
}

}  // namespace
}  // namespace tl::audio
