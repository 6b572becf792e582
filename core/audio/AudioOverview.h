#pragma once
// AudioOverview: what a player draws under the picture — a soundtrack's waveform
// envelope and log-mel spectrogram at a requested time resolution.
//
// Columns: the track is cut into columns of columnSamples mono samples at
// kAudioSampleRate (the requested seconds per column, rounded to whole samples and
// at least one hop, kHopSize = 23.2 ms); column c covers samples
// [c * columnSamples, (c + 1) * columnSamples), the last one possibly shorter.
// Per column:
//   minimum, maximum  the extreme sample values
//   rms               sqrt(mean of squares) of its samples
//   melDb[c * kMelBands + b]  band b's energy in dB, 10 log10(E + 1e-10) (silence:
//                     -100 dB), E the mean over the column's STFT frames of the
//                     frame's mel band energy. STFT frames as AudioDescriptors's
//                     (2048 samples, Hann, the same scaling and mel filters) but
//                     centred: frame t is centred on sample t * kHopSize (the track
//                     zero-padded by half a frame at both ends), and belongs to the
//                     column holding its centre; frames are taken until the last
//                     column has one, so every column has at least one.
// Memory: 43 floats per column plus one frame of samples, whatever the file's length
// (a 3-minute trailer at 25 ms per column: 7 200 columns, 1.2 MB); the samples are not kept.
// A file without an audio stream gives hasAudio() == false, no columns, and the
// decoder's reason; errors and damage as decodeAudio() (tl::DecodeError; counted damage).
// Cancel: the token stops the decoding (tl::Cancelled). Threading: one accumulator per
// thread; computeAudioOverview() is thread-safe.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <vector>

#include "core/audio/AudioDecoder.h"
#include "core/audio/AudioDescriptors.h"
#include "core/common/JobContext.h"

namespace tl::audio {

struct AudioOverviewOptions {
    double secondsPerColumn = 0.025;
};

struct AudioOverview {
    AudioDecodeResult decode;  // status NoAudio: no columns
    int sampleRate = kAudioSampleRate;
    int columnSamples = 0;
    long long samples = 0;     // mono samples described
    std::size_t columns = 0;
    std::vector<float> minimum, maximum, rms;  // one value per column
    std::vector<float> melDb;                  // columns x kMelBands, row-major

    bool hasAudio() const { return decode.status == AudioStatus::Decoded; }
    double columnSeconds() const { return static_cast<double>(columnSamples) / sampleRate; }
    double seconds() const { return static_cast<double>(samples) / sampleRate; }
    float mel(std::size_t column, int band) const { return melDb[column * kMelBands + static_cast<std::size_t>(band)]; }
    // The column holding the time `seconds` (clamped to the track); 0 when there is none.
    std::size_t columnAt(double seconds) const;
};

// Columns of samples in seconds per column, as AudioOverview documents it.
int overviewColumnSamples(double secondsPerColumn, int sampleRate);

class AudioOverviewAccumulator {
public:
    AudioOverviewAccumulator(int sampleRate, const AudioOverviewOptions& options);
    ~AudioOverviewAccumulator();
    AudioOverviewAccumulator(const AudioOverviewAccumulator&) = delete;
    AudioOverviewAccumulator& operator=(const AudioOverviewAccumulator&) = delete;

    void add(const float* samples, std::size_t count);
    // The columns so far (decode left default: the caller fills it). Call once.
    AudioOverview finish();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// A media file's overview, decoding and describing in one streaming pass. `ctx`
// gets "audio overview" progress (seconds decoded; the total is unknown) about
// every ten seconds of sound and its token cancels.
AudioOverview computeAudioOverview(const std::filesystem::path& file, const AudioOverviewOptions& options,
                                   const JobContext& ctx = JobContext::none());

// All at once: the overview of a signal (status Decoded).
AudioOverview audioOverviewOf(const std::vector<float>& samples, int sampleRate, const AudioOverviewOptions& options);

}  // namespace tl::audio
