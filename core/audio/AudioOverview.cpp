#include "core/audio/AudioOverview.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <new>
#include <stdexcept>

#include <fftw3.h>

namespace tl::audio {

namespace {

constexpr int kBins = kFrameSize / 2 + 1;
constexpr int kHalfFrame = kFrameSize / 2;
constexpr double kFloorEnergy = 1e-10;  // 10 log10(1e-10) = -100 dB: silence

}  // namespace

int overviewColumnSamples(double secondsPerColumn, int sampleRate)
{
    if (!(secondsPerColumn > 0) || !std::isfinite(secondsPerColumn) || sampleRate <= 0)
        throw std::invalid_argument("audio overview: seconds per column and sample rate must be positive");
    const double samples = std::round(secondsPerColumn * sampleRate);
    return static_cast<int>(std::clamp(samples, static_cast<double>(kHopSize), 1e9));
}

std::size_t AudioOverview::columnAt(double seconds) const
{
    if (columns == 0 || !(seconds > 0))
        return 0;
    const double c = std::floor(seconds * sampleRate / columnSamples);
    return c >= static_cast<double>(columns) ? columns - 1 : static_cast<std::size_t>(c);
}

struct AudioOverviewAccumulator::Impl {
    int rate;
    int columnSamples;
    std::vector<float> window = std::vector<float>(kFrameSize);
    double scale = 0;  // a full-scale sine's peak bin has magnitude ~1, as in AudioDescriptors
    std::vector<float> bank;
    float* fftIn = nullptr;
    fftwf_complex* fftOut = nullptr;
    fftwf_plan fft = nullptr;

    AudioOverview out;
    // Envelope of the column being filled.
    long long columnFill = 0;
    float lo = 0, hi = 0;
    double squares = 0;
    // STFT: samples from the next frame's start on (the first frame starts half a frame before the track).
    std::vector<float> pending = std::vector<float>(kHalfFrame, 0.0f);
    long long nextFrame = 0;  // index of the next frame, centred on nextFrame * kHopSize
    std::size_t melColumn = 0;
    std::vector<double> melSum = std::vector<double>(kMelBands, 0.0);
    int melFrames = 0;
    bool finished = false;

    Impl(int sampleRate, const AudioOverviewOptions& options)
        : rate(sampleRate), columnSamples(overviewColumnSamples(options.secondsPerColumn, sampleRate)),
          bank(melFilterBank(sampleRate))
    {
        double windowSum = 0;
        for (int i = 0; i < kFrameSize; ++i) {  // periodic Hann
            window[static_cast<std::size_t>(i)] = static_cast<float>(0.5 - 0.5 * std::cos(2.0 * M_PI * i / kFrameSize));
            windowSum += window[static_cast<std::size_t>(i)];
        }
        scale = 2.0 / windowSum;
        {
            std::lock_guard lock(fftwPlanMutex());
            fftIn = fftwf_alloc_real(kFrameSize);
            fftOut = fftwf_alloc_complex(kBins);
            if (fftIn && fftOut)
                fft = fftwf_plan_dft_r2c_1d(kFrameSize, fftIn, fftOut, FFTW_ESTIMATE);
        }
        if (!fft) {
            release();
            throw std::bad_alloc();
        }
        out.sampleRate = sampleRate;
        out.columnSamples = columnSamples;
    }
    ~Impl() { release(); }

    void release()
    {
        std::lock_guard lock(fftwPlanMutex());
        if (fft)
            fftwf_destroy_plan(fft);
        fftwf_free(fftIn);
        fftwf_free(fftOut);
        fft = nullptr;
        fftIn = nullptr;
        fftOut = nullptr;
    }

    void closeEnvelopeColumn()
    {
        out.minimum.push_back(lo);
        out.maximum.push_back(hi);
        out.rms.push_back(static_cast<float>(std::sqrt(squares / static_cast<double>(columnFill))));
        columnFill = 0;
        squares = 0;
    }

    void closeMelColumn()
    {
        for (int b = 0; b < kMelBands; ++b)
            out.melDb.push_back(static_cast<float>(
                10.0 * std::log10(melSum[static_cast<std::size_t>(b)] / melFrames + kFloorEnergy)));
        std::fill(melSum.begin(), melSum.end(), 0.0);
        melFrames = 0;
        ++melColumn;
    }

    // Frame `nextFrame` from x[0, kFrameSize): its mel energies join its centre's column.
    void frame(const float* x)
    {
        for (int i = 0; i < kFrameSize; ++i)
            fftIn[i] = x[i] * window[static_cast<std::size_t>(i)];
        fftwf_execute(fft);
        const auto column = static_cast<std::size_t>(nextFrame * kHopSize / columnSamples);
        while (melColumn < column)  // a column always has a frame: columnSamples >= kHopSize
            closeMelColumn();
        for (int b = 0; b < kMelBands; ++b) {
            const float* filter = bank.data() + static_cast<std::size_t>(b) * kBins;
            double e = 0;
            for (int k = 0; k < kBins; ++k) {
                if (filter[k] == 0.0f)
                    continue;
                const double re = fftOut[k][0] * scale, im = fftOut[k][1] * scale;
                e += filter[k] * (re * re + im * im);
            }
            melSum[static_cast<std::size_t>(b)] += e;
        }
        ++melFrames;
        ++nextFrame;
    }

    void consumeFrames()
    {
        std::size_t at = 0;
        while (pending.size() - at >= static_cast<std::size_t>(kFrameSize)) {
            frame(pending.data() + at);
            at += kHopSize;
        }
        pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(at));
    }

    void add(const float* x, std::size_t n)
    {
        if (finished)
            throw std::logic_error("AudioOverviewAccumulator::add after finish");
        for (std::size_t i = 0; i < n; ++i) {
            const float v = x[i];
            if (columnFill == 0)
                lo = hi = v;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
            squares += static_cast<double>(v) * v;
            if (++columnFill == columnSamples)
                closeEnvelopeColumn();
        }
        out.samples += static_cast<long long>(n);
        pending.insert(pending.end(), x, x + n);
        consumeFrames();
    }

    AudioOverview finish()
    {
        if (finished)
            throw std::logic_error("AudioOverviewAccumulator::finish twice");
        finished = true;
        if (columnFill > 0)
            closeEnvelopeColumn();
        out.columns = out.minimum.size();
        if (out.columns > 0) {
            // Frames centred inside the last column, over the zero padding after the track.
            const long long end = static_cast<long long>(out.columns) * columnSamples;
            while (nextFrame * kHopSize < end) {
                pending.resize(std::max<std::size_t>(pending.size(), kFrameSize), 0.0f);
                consumeFrames();
            }
            closeMelColumn();
        }
        pending = {};
        return std::move(out);
    }
};

AudioOverviewAccumulator::AudioOverviewAccumulator(int sampleRate, const AudioOverviewOptions& options)
    : impl_(std::make_unique<Impl>(sampleRate, options))
{
}
AudioOverviewAccumulator::~AudioOverviewAccumulator() = default;
void AudioOverviewAccumulator::add(const float* samples, std::size_t count) { impl_->add(samples, count); }
AudioOverview AudioOverviewAccumulator::finish() { return impl_->finish(); }

AudioOverview computeAudioOverview(const std::filesystem::path& file, const AudioOverviewOptions& options,
                                   const JobContext& ctx)
{
    AudioOverviewAccumulator accumulator(kAudioSampleRate, options);
    long long decoded = 0, reported = 0;
    const long long every = 10LL * kAudioSampleRate;
    const AudioDecodeResult decode = decodeAudio(
        file,
        [&](const float* samples, std::size_t count) {
            accumulator.add(samples, count);
            decoded += static_cast<long long>(count);
            if (decoded - reported >= every) {
                reported = decoded;
                ctx.report("audio overview", static_cast<double>(decoded) / kAudioSampleRate, 0,
                           file.filename().string());
            }
        },
        &ctx.token());
    AudioOverview overview;
    if (decode.status == AudioStatus::Decoded)
        overview = accumulator.finish();
    overview.decode = decode;
    return overview;
}

AudioOverview audioOverviewOf(const std::vector<float>& samples, int sampleRate, const AudioOverviewOptions& options)
{
    AudioOverviewAccumulator accumulator(sampleRate, options);
    accumulator.add(samples.data(), samples.size());
    AudioOverview overview = accumulator.finish();
    overview.decode.status = AudioStatus::Decoded;
    overview.decode.samples = overview.samples;
    return overview;
}

}  // namespace tl::audio
