#include "core/audio/AudioDescriptors.h"

#include "core/audio/LogMelSpectrum.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <mutex>
#include <numeric>
#include <stdexcept>

#include <ebur128.h>
#include <fftw3.h>

namespace tl::audio {

namespace {

constexpr int kBins = kFrameSize / 2 + 1;
constexpr double kSilentMeanSquare = 1e-12;  // a frame quieter than -120 dBFS RMS is silence
constexpr int kOnsetPeakRadius = 3;
constexpr int kOnsetMeanRadius = 10;
constexpr double kOnsetDelta = 0.1;
constexpr double kOnsetFloor = 1.0;  // a steady tone's envelope (numerical leakage) stays below 0.01
constexpr double kMinBpm = 30.0;
constexpr double kMaxBpm = 300.0;
constexpr double kPriorBpm = 120.0;

double hzToMel(double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); }
double melToHz(double mel) { return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0); }

std::string numbered(const char* prefix, int i)  // snprintf: GCC 12 warns (-Wrestrict) on "x" + to_string
{
    char text[32];
    std::snprintf(text, sizeof text, "%s%02d", prefix, i);
    return text;
}

double percentile(const std::vector<double>& sorted, double q)
{
    const double at = q * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(at));
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (at - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

std::mutex& fftwPlanMutex()
{
    static std::mutex m;
    return m;
}

const std::vector<std::string>& frameDescriptorNames()
{
    static const std::vector<std::string> names = [] {
        std::vector<std::string> n;
        for (int b = 0; b < kMelBands; ++b)
            n.push_back(numbered("logmel", b));
        for (int c = 0; c < kMfccs; ++c)
            n.push_back(numbered("mfcc", c));
        for (const char* s : {"centroid_hz", "flux", "rolloff_hz", "flatness", "zcr"})
            n.emplace_back(s);
        return n;
    }();
    return names;
}

const std::vector<std::string>& audioDescriptorNames()
{
    static const std::vector<std::string> names = [] {
        std::vector<std::string> n;
        for (const auto& f : frameDescriptorNames())
            for (const char* s : {"_mean", "_std", "_p10", "_p50", "_p90"})
                n.push_back(f + s);
        for (const char* s : {"onset_rate_hz", "tempo_bpm", "loudness_lufs", "loudness_range_lu"})
            n.emplace_back(s);
        return n;
    }();
    return names;
}

std::vector<double> melBandEdgesHz(int sampleRate)
{
    const double top = hzToMel(sampleRate / 2.0);
    std::vector<double> edges(kMelBands + 2);
    for (int i = 0; i < kMelBands + 2; ++i)
        edges[static_cast<std::size_t>(i)] = melToHz(top * i / (kMelBands + 1));
    return edges;
}

std::vector<float> melFilterBank(int sampleRate)
{
    const std::vector<double> edges = melBandEdgesHz(sampleRate);
    std::vector<float> bank(static_cast<std::size_t>(kMelBands) * kBins, 0.0f);
    for (int b = 0; b < kMelBands; ++b) {
        const double lo = edges[static_cast<std::size_t>(b)], mid = edges[static_cast<std::size_t>(b) + 1],
                     hi = edges[static_cast<std::size_t>(b) + 2];
        for (int k = 0; k < kBins; ++k) {
            const double f = static_cast<double>(k) * sampleRate / kFrameSize;
            double w = 0;
            if (f > lo && f <= mid)
                w = (f - lo) / (mid - lo);
            else if (f > mid && f < hi)
                w = (hi - f) / (hi - mid);
            bank[static_cast<std::size_t>(b) * kBins + static_cast<std::size_t>(k)] = static_cast<float>(w);
        }
    }
    return bank;
}

struct AudioDescriptorAccumulator::Impl {
    int rate;
    LogMelSpectrum spectrum;
    float* dctIn = nullptr;
    float* dctOut = nullptr;
    fftwf_plan dct = nullptr;
    ebur128_state* loudness = nullptr;

    std::vector<float> pending;  // samples not yet consumed by a frame (the next frame starts at 0)
    std::vector<double> mag = std::vector<double>(kBins);
    std::vector<double> prevNorm = std::vector<double>(kBins), prevLog = std::vector<double>(kBins);
    bool havePrevNorm = false;
    bool havePrevLog = false;
    std::vector<float> frames;    // frameCount x kFrameDescriptors
    std::vector<double> envelope;  // onset envelope, one value per frame
    std::size_t frameCount = 0;
    long long samples = 0;
    bool finished = false;

    explicit Impl(int sampleRate) : rate(sampleRate), spectrum(sampleRate)
    {
        {
            std::lock_guard lock(fftwPlanMutex());
            dctIn = fftwf_alloc_real(kMelBands);
            dctOut = fftwf_alloc_real(kMelBands);
            if (dctIn && dctOut)
                dct = fftwf_plan_r2r_1d(kMelBands, dctIn, dctOut, FFTW_REDFT10, FFTW_ESTIMATE);
        }
        loudness = ebur128_init(1, static_cast<unsigned long>(sampleRate),
                                EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_HISTOGRAM);
        if (!dct || !loudness) {
            release();
            throw std::bad_alloc();
        }
    }
    ~Impl() { release(); }

    void release()
    {
        std::lock_guard lock(fftwPlanMutex());
        if (dct)
            fftwf_destroy_plan(dct);
        fftwf_free(dctIn);
        fftwf_free(dctOut);
        if (loudness)
            ebur128_destroy(&loudness);
        dct = nullptr;
        dctIn = dctOut = nullptr;
    }

    void frame(const float* x)
    {
        double meanSquare = 0;
        int crossings = 0;
        for (int i = 0; i < kFrameSize; ++i) {
            meanSquare += static_cast<double>(x[i]) * x[i];
            if (i > 0 && ((x[i - 1] >= 0.0f) != (x[i] >= 0.0f)))
                ++crossings;
        }
        meanSquare /= kFrameSize;
        const bool silent = meanSquare < kSilentMeanSquare;
        spectrum.analyse(x);
        const std::vector<double>& power = spectrum.power();
        double sumMag = 0, sumPow = 0, weighted = 0;
        for (int k = 0; k < kBins; ++k) {
            const double p = power[static_cast<std::size_t>(k)];
            mag[static_cast<std::size_t>(k)] = std::sqrt(p);
            sumMag += mag[static_cast<std::size_t>(k)];
            sumPow += p;
            weighted += mag[static_cast<std::size_t>(k)] * k * rate / kFrameSize;
        }
        const std::size_t row = frames.size();
        frames.resize(row + kFrameDescriptors, 0.0f);
        float* out = frames.data() + row;

        spectrum.logMel(out);
        std::copy(out, out + kMelBands, dctIn);
        fftwf_execute(dct);  // Y_k = 2 sum_j x_j cos(pi (j + 1/2) k / n): scaled to the orthonormal DCT-II
        for (int c = 0; c < kMfccs; ++c)
            out[kMelBands + c] = static_cast<float>(dctOut[c] / std::sqrt(2.0 * kMelBands) / (c == 0 ? std::sqrt(2.0) : 1.0));

        double centroid = 0, flux = 0, rolloff = 0, flatness = 0;
        if (!silent && sumPow > 0) {
            centroid = weighted / sumMag;
            double cumulative = 0;
            for (int k = 0; k < kBins; ++k) {
                cumulative += power[static_cast<std::size_t>(k)];
                if (cumulative >= 0.85 * sumPow) {
                    rolloff = static_cast<double>(k) * rate / kFrameSize;
                    break;
                }
            }
            double logSum = 0;
            for (int k = 0; k < kBins; ++k)
                logSum += std::log(power[static_cast<std::size_t>(k)] + 1e-30);
            flatness = std::exp(logSum / kBins) / (sumPow / kBins);
            double d2 = 0;
            for (int k = 0; k < kBins; ++k) {
                const double n = mag[static_cast<std::size_t>(k)] / sumMag;
                if (havePrevNorm)
                    d2 += (n - prevNorm[static_cast<std::size_t>(k)]) * (n - prevNorm[static_cast<std::size_t>(k)]);
                prevNorm[static_cast<std::size_t>(k)] = n;
            }
            flux = havePrevNorm ? std::sqrt(d2) : 0.0;
            havePrevNorm = true;
        } else {
            havePrevNorm = false;
        }
        out[kMelBands + kMfccs + 0] = static_cast<float>(centroid);
        out[kMelBands + kMfccs + 1] = static_cast<float>(flux);
        out[kMelBands + kMfccs + 2] = static_cast<float>(rolloff);
        out[kMelBands + kMfccs + 3] = static_cast<float>(std::min(flatness, 1.0));
        out[kMelBands + kMfccs + 4] = static_cast<float>(static_cast<double>(crossings) / (kFrameSize - 1));

        double rise = 0;
        for (int k = 0; k < kBins; ++k) {
            const double l = silent ? 0.0 : std::log1p(100.0 * mag[static_cast<std::size_t>(k)]);
            if (havePrevLog)
                rise += std::max(0.0, l - prevLog[static_cast<std::size_t>(k)]);
            prevLog[static_cast<std::size_t>(k)] = l;
        }
        havePrevLog = true;
        envelope.push_back(rise);
        ++frameCount;
    }

    void add(const float* x, std::size_t n)
    {
        if (finished)
            throw std::logic_error("AudioDescriptorAccumulator::add after finish");
        if (n == 0)
            return;
        if (ebur128_add_frames_float(loudness, x, n) != EBUR128_SUCCESS)
            throw std::bad_alloc();
        samples += static_cast<long long>(n);
        splitFrames(pending, x, n, [this](const float* block) { frame(block); });
    }

    double onsetRate() const
    {
        if (envelope.empty() || samples == 0)
            return 0;
        std::vector<double> sorted = envelope;
        const auto q = static_cast<std::ptrdiff_t>(0.99 * static_cast<double>(sorted.size() - 1));
        std::nth_element(sorted.begin(), sorted.begin() + q, sorted.end());
        const double delta = kOnsetDelta * sorted[static_cast<std::size_t>(q)];
        const auto n = static_cast<std::ptrdiff_t>(envelope.size());
        int onsets = 0;
        for (std::ptrdiff_t t = 0; t < n; ++t) {
            const double v = envelope[static_cast<std::size_t>(t)];
            if (v <= kOnsetFloor)
                continue;
            bool peak = true;
            for (std::ptrdiff_t u = std::max<std::ptrdiff_t>(0, t - kOnsetPeakRadius);
                 u <= std::min(n - 1, t + kOnsetPeakRadius) && peak; ++u)
                if (envelope[static_cast<std::size_t>(u)] > v || (u < t && envelope[static_cast<std::size_t>(u)] == v))
                    peak = false;
            if (!peak)
                continue;
            double mean = 0;
            int count = 0;
            for (std::ptrdiff_t u = std::max<std::ptrdiff_t>(0, t - kOnsetMeanRadius);
                 u <= std::min(n - 1, t + kOnsetMeanRadius); ++u, ++count)
                mean += envelope[static_cast<std::size_t>(u)];
            if (v > mean / count + delta)
                ++onsets;
        }
        return onsets / (static_cast<double>(samples) / rate);
    }

    double tempo() const
    {
        const double fps = static_cast<double>(rate) / kHopSize;
        const std::size_t n = envelope.size();
        const auto minLag = static_cast<std::size_t>(std::floor(60.0 * fps / kMaxBpm));
        auto maxLag = static_cast<std::size_t>(std::ceil(60.0 * fps / kMinBpm));
        if (n < 4 || minLag < 1)
            return 0;
        maxLag = std::min(maxLag, n - 2);
        if (maxLag <= minLag + 1)
            return 0;
        const double mean = std::accumulate(envelope.begin(), envelope.end(), 0.0) / static_cast<double>(n);
        std::vector<double> e(n);
        double energy = 0;
        for (std::size_t t = 0; t < n; ++t) {
            e[t] = envelope[t] - mean;
            energy += e[t] * e[t];
        }
        if (*std::max_element(envelope.begin(), envelope.end()) <= kOnsetFloor)
            return 0;  // no onset at all: no beat
        std::vector<double> score(maxLag + 2, 0.0);
        for (std::size_t lag = minLag; lag <= maxLag + 1 && lag < n; ++lag) {
            double r = 0;
            for (std::size_t t = 0; t + lag < n; ++t)
                r += e[t] * e[t + lag];
            const double bpm = 60.0 * fps / static_cast<double>(lag);
            const double octaves = std::log2(bpm / kPriorBpm);
            score[lag] = r / energy * std::exp(-0.5 * octaves * octaves);
        }
        std::size_t best = 0;
        for (std::size_t lag = minLag + 1; lag <= maxLag; ++lag)
            if (score[lag] > 0 && (best == 0 || score[lag] > score[best]))
                best = lag;
        if (best == 0)
            return 0;
        const double ym = score[best - 1], y0 = score[best], yp = score[best + 1];
        const double curvature = ym - 2 * y0 + yp;
        const double shift = curvature < 0 ? std::clamp(0.5 * (ym - yp) / curvature, -0.5, 0.5) : 0.0;
        return 60.0 * fps / (static_cast<double>(best) + shift);
    }

    std::vector<float> finish()
    {
        if (finished)
            throw std::logic_error("AudioDescriptorAccumulator::finish twice");
        if (frameCount == 0) {  // shorter than one frame: zero-padded to one
            pending.resize(kFrameSize, 0.0f);
            frame(pending.data());
        }
        pending.clear();
        pending.shrink_to_fit();
        finished = true;
        std::vector<float> result;
        result.reserve(audioDescriptorNames().size());
        std::vector<double> column(frameCount);
        for (int d = 0; d < kFrameDescriptors; ++d) {
            double sum = 0;
            for (std::size_t t = 0; t < frameCount; ++t) {
                column[t] = frames[t * kFrameDescriptors + static_cast<std::size_t>(d)];
                sum += column[t];
            }
            const double mean = sum / static_cast<double>(frameCount);
            double var = 0;
            for (double v : column)
                var += (v - mean) * (v - mean);
            std::sort(column.begin(), column.end());
            for (double v : {mean, std::sqrt(var / static_cast<double>(frameCount)), percentile(column, 0.1),
                             percentile(column, 0.5), percentile(column, 0.9)})
                result.push_back(static_cast<float>(v));
        }
        double lufs = -std::numeric_limits<double>::infinity(), range = 0;
        if (ebur128_loudness_global(loudness, &lufs) != EBUR128_SUCCESS || !std::isfinite(lufs) || lufs < kSilenceLufs)
            lufs = kSilenceLufs;
        if (ebur128_loudness_range(loudness, &range) != EBUR128_SUCCESS || !std::isfinite(range))
            range = 0;
        for (double v : {onsetRate(), tempo(), lufs, range})
            result.push_back(static_cast<float>(v));
        return result;
    }
};

AudioDescriptorAccumulator::AudioDescriptorAccumulator(int sampleRate) : impl_(std::make_unique<Impl>(sampleRate)) {}
AudioDescriptorAccumulator::~AudioDescriptorAccumulator() = default;
void AudioDescriptorAccumulator::add(const float* samples, std::size_t count) { impl_->add(samples, count); }
std::vector<float> AudioDescriptorAccumulator::finish() { return impl_->finish(); }
const std::vector<float>& AudioDescriptorAccumulator::frames() const { return impl_->frames; }
std::size_t AudioDescriptorAccumulator::frameCount() const { return impl_->frameCount; }
const std::vector<double>& AudioDescriptorAccumulator::onsetEnvelope() const { return impl_->envelope; }

std::vector<float> describeAudio(const std::vector<float>& samples, int sampleRate)
{
    AudioDescriptorAccumulator acc(sampleRate);
    acc.add(samples.data(), samples.size());
    return acc.finish();
}

}  // namespace tl::audio
