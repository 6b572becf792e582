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
// Threading: one object per thread (FFTW plans are made under fftwPlannerMutex()).

#include <mutex>
#include <vector>

#include "core/audio/AudioDescriptors.h"

namespace tl::audio {

inline constexpr int kSpectrumBins = kFrameSize / 2 + 1;
inline constexpr double kLogMelFloorDb = -100.0;  // 10 log10(1e-10): a silent band

// FFTW's planner is not thread-safe: every plan in core/audio is made under this lock.
std::mutex& fftwPlannerMutex();

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
