#include "core/audio/LogMelSpectrum.h"

#include <cmath>
#include <mutex>
#include <new>
#include <stdexcept>

#include <fftw3.h>

namespace tl::audio {

LogMelSpectrum::LogMelSpectrum(int sampleRate)
    : rate_(sampleRate), window_(kFrameSize), power_(kSpectrumBins)
{
    if (sampleRate <= 0)
        throw std::invalid_argument("LogMelSpectrum: sample rate must be positive");
    bank_ = melFilterBank(sampleRate);
    for (int i = 0; i < kFrameSize; ++i) {  // periodic Hann
        window_[static_cast<std::size_t>(i)] = static_cast<float>(0.5 - 0.5 * std::cos(2.0 * M_PI * i / kFrameSize));
        windowSum_ += window_[static_cast<std::size_t>(i)];
    }
    std::lock_guard lock(fftwPlanMutex());
    in_ = fftwf_alloc_real(kFrameSize);
    auto* out = fftwf_alloc_complex(kSpectrumBins);
    out_ = out;
    if (in_ && out)
        plan_ = fftwf_plan_dft_r2c_1d(kFrameSize, in_, out, FFTW_ESTIMATE);
    if (!plan_) {
        fftwf_free(in_);
        fftwf_free(out);
        throw std::bad_alloc();
    }
}

LogMelSpectrum::~LogMelSpectrum()
{
    std::lock_guard lock(fftwPlanMutex());
    fftwf_destroy_plan(static_cast<fftwf_plan>(plan_));
    fftwf_free(in_);
    fftwf_free(static_cast<fftwf_complex*>(out_));
}

void LogMelSpectrum::analyse(const float* frame)
{
    for (int i = 0; i < kFrameSize; ++i)
        in_[i] = frame[i] * window_[static_cast<std::size_t>(i)];
    fftwf_execute(static_cast<fftwf_plan>(plan_));
    const auto* out = static_cast<const fftwf_complex*>(out_);
    const double scale = 2.0 / windowSum_;
    for (int k = 0; k < kSpectrumBins; ++k) {
        const double re = out[k][0] * scale, im = out[k][1] * scale;
        power_[static_cast<std::size_t>(k)] = re * re + im * im;
    }
}

void LogMelSpectrum::logMel(float* bands) const
{
    for (int b = 0; b < kMelBands; ++b) {
        const float* filter = bank_.data() + static_cast<std::size_t>(b) * kSpectrumBins;
        double e = 0;
        for (int k = 0; k < kSpectrumBins; ++k)
            e += filter[k] * power_[static_cast<std::size_t>(k)];
        bands[b] = static_cast<float>(10.0 * std::log10(e + 1e-10));
    }
}

}  // namespace tl::audio
