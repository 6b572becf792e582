#include "core/audio/AudioOverview.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/audio/LogMelSpectrum.h"

namespace tl::audio {

namespace {

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
    int columnSamples;
    LogMelSpectrum spectrum;  // the descriptors' window, FFT scaling and mel filters

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
    double melFrame[kMelBands] = {};
    int melFrames = 0;
    bool finished = false;

    Impl(int sampleRate, const AudioOverviewOptions& options)
        : columnSamples(overviewColumnSamples(options.secondsPerColumn, sampleRate)), spectrum(sampleRate)
    {
        out.sampleRate = sampleRate;
        out.columnSamples = columnSamples;
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
        spectrum.analyse(x);
        const auto column = static_cast<std::size_t>(nextFrame * kHopSize / columnSamples);
        while (melColumn < column)  // a column always has a frame: columnSamples >= kHopSize
            closeMelColumn();
        spectrum.melEnergies(melFrame);
        for (int b = 0; b < kMelBands; ++b)
            melSum[static_cast<std::size_t>(b)] += melFrame[b];
        ++melFrames;
        ++nextFrame;
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
        splitFrames(pending, x, n, [this](const float* f) { frame(f); });
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
                splitFrames(pending, nullptr, 0, [this](const float* f) { frame(f); });
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
