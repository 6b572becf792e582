#pragma once
// One frame's power spectrum and log-mel bands: the spectral front end that the
// descriptors (AudioDescriptors) and the learned models' patches (LogMelPatches)
// share, so both read the same numbers.
//
// A frame is kFrameSize samples; periodic Hann window; FFTW real FFT scaled by
// 2 / sum(window), so a full-scale sine's peak bin has magnitude ~1; power =
// |X_k|^2 for the kSpectrumBins bins 0 .. rate / 2. Log-mel: the kMelBands
// triangular filters of melFilterBank() (HTK mel scale, 0 Hz .. rate / 2) applied
// to the power spectrum, each band as 10 log10(E + 1e-10) dB (silence: -100 dB).
// Threading: one object per thread (FFTW plans are made under fftwPlanMutex()).

#include <cstddef>
#include <vector>

#include "core/audio/AudioDescriptors.h"

namespace tl::audio {

inline constexpr int kSpectrumBins = kFrameSize / 2 + 1;
inline constexpr double kLogMelFloorDb = -100.0;  // 10 log10(1e-10): a silent band

// The framing every streaming user of core/audio shares: appends `count` samples to
// `pending` (the samples not yet consumed, the next frame starting at pending[0]), calls
// onFrame(const float* frame) for each whole kFrameSize frame, kHopSize apart, and keeps
// the samples the next frame needs.
template <class OnFrame>
void splitFrames(std::vector<float>& pending, const float* samples, std::size_t count, OnFrame&& onFrame)
{
    pending.insert(pending.end(), samples, samples + count);
    std::size_t at = 0;
    while (pending.size() - at >= static_cast<std::size_t>(kFrameSize)) {
        onFrame(pending.data() + at);
        at += kHopSize;
    }
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(at));
}

class LogMelSpectrum {
public:
    explicit LogMelSpectrum(int sampleRate);  // std::invalid_argument for a rate <= 0
    ~LogMelSpectrum();
    LogMelSpectrum(const LogMelSpectrum&) = delete;
    LogMelSpectrum& operator=(const LogMelSpectrum&) = delete;

    // Windows and transforms kFrameSize samples; power() then holds their spectrum.
    void analyse(const float* frame);
    const std::vector<double>& power() const { return power_; }
    // The log-mel bands of the last analyse(): kMelBands values in dB.
    void logMel(float* bands) const;

    int sampleRate() const { return rate_; }

private:
    int rate_;
    std::vector<float> window_;
    double windowSum_ = 0;
    std::vector<float> bank_;
    std::vector<double> power_;
    float* in_ = nullptr;
    void* out_ = nullptr;   // fftwf_complex[kSpectrumBins]
    void* plan_ = nullptr;  // fftwf_plan
};

}  // namespace tl::audio
