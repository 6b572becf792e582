#pragma once
// Named audio descriptors of one soundtrack (mono float at kAudioSampleRate),
// computed in one streaming pass: AudioDescriptorAccumulator::add() takes the
// decoder's blocks, finish() gives the per-trailer vector whose dimensions are
// named by audioDescriptorNames().
//
// Frames: 2048 samples (93 ms), hop 512 (23 ms), Hann window, spectra by FFTW.
// Per frame (kFrameDescriptors values):
//   logmel00..39  log-mel band energy, dB (10 log10(E + 1e-10), so silence is -100 dB):
//                 40 triangular bands on the HTK mel scale, 0 Hz .. 11025 Hz, power spectrum
//   mfcc00..12    orthonormal DCT-II (FFTW REDFT10, scaled) of the 40 log-mel values
//   centroid_hz   magnitude-weighted mean frequency (0 for a silent frame)
//   flux          Euclidean distance between successive L1-normalised magnitude spectra
//                 (0 for the first frame and for silent frames)
//   rolloff_hz    lowest bin frequency below which 85 % of the power lies (0 when silent)
//   flatness      geometric / arithmetic mean of the power spectrum (0 when silent; a
//                 periodogram of white noise has expectation e^-gamma = 0.561, a pure tone ~0)
//   zcr           fraction of adjacent sample pairs whose sign changes (a tone of f Hz: 2f/rate)
// Per trailer, each frame descriptor's mean, std (population), p10, p50, p90
// (linear interpolation between order statistics), named NAME_mean, NAME_std, ...
// Then four whole-track values:
//   onset_rate_hz   peaks of the onset envelope per second. Envelope: the half-wave
//                   rectified increase of log(1 + 100 |X|) summed over bins, per frame;
//                   a peak is the maximum of its +-3 frames (70 ms) and exceeds the mean of
//                   its +-10 frames by 0.1 x the envelope's 99th percentile, and exceeds 1.0
//                   (a steady tone's envelope, numerical leakage only, stays below 0.01)
//   tempo_bpm       from the autocorrelation of the mean-removed onset envelope over
//                   lags for 30..300 bpm, weighted by a log-normal prior centred at 120 bpm
//                   (one octave std: halves and doubles of the beat are otherwise as strong),
//                   the best lag refined by a parabola through its neighbours; 0 when
//                   no envelope value exceeds 1.0 (silence, a steady tone)
//   loudness_lufs   EBU R 128 integrated loudness by libebur128 of the mono mix; silence
//                   (-inf) is clamped to -70 LUFS, the absolute gate
//   loudness_range_lu  EBU R 128 loudness range (0 when too short or silent)
// A track shorter than one frame is zero-padded to one. Memory: kFrameDescriptors + 1
// floats per hop (about 10 MB per hour of sound); the samples themselves are not kept.
// Threading: one accumulator per thread (FFTW plans are made under a lock).

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace tl::audio {

inline constexpr int kFrameSize = 2048;
inline constexpr int kHopSize = 512;
inline constexpr int kMelBands = 40;
inline constexpr int kMfccs = 13;
inline constexpr int kFrameDescriptors = kMelBands + kMfccs + 5;  // + centroid, flux, rolloff, flatness, zcr
inline constexpr double kSilenceLufs = -70.0;

// The names of the frame descriptors (kFrameDescriptors) in order.
const std::vector<std::string>& frameDescriptorNames();
// The names of the per-trailer vector (frame descriptors x 5 statistics, then the four track values).
const std::vector<std::string>& audioDescriptorNames();

// FFTW's planner is not thread-safe: every plan of core/audio is made and destroyed under this lock.
std::mutex& fftwPlanMutex();

// Centre frequencies in Hz of the mel band edges: kMelBands + 2 values.
std::vector<double> melBandEdgesHz(int sampleRate);
// The triangular filters, kMelBands x (kFrameSize / 2 + 1), row-major.
std::vector<float> melFilterBank(int sampleRate);

class AudioDescriptorAccumulator {
public:
    explicit AudioDescriptorAccumulator(int sampleRate);
    ~AudioDescriptorAccumulator();
    AudioDescriptorAccumulator(const AudioDescriptorAccumulator&) = delete;
    AudioDescriptorAccumulator& operator=(const AudioDescriptorAccumulator&) = delete;

    void add(const float* samples, std::size_t count);
    // The per-trailer vector (audioDescriptorNames() order); all values finite.
    std::vector<float> finish();

    // After finish(): the frame descriptors, frames x kFrameDescriptors (row-major), for tests.
    const std::vector<float>& frames() const;
    std::size_t frameCount() const;
    // The onset envelope, one value per frame.
    const std::vector<double>& onsetEnvelope() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// All at once: the descriptors of a whole signal.
std::vector<float> describeAudio(const std::vector<float>& samples, int sampleRate);

}  // namespace tl::audio
