#pragma once
// Log-mel patches: the input of learned audio models (extract --model
// audio-torchscript:FILE). The soundtrack's log-mel spectrogram, frame for frame
// the descriptors' own (LogMelSpectrum: kFrameSize = 2048-sample frames every
// kHopSize = 512 samples, periodic Hann window, kMelBands = 40 HTK-mel bands over
// 0 Hz .. rate / 2, each 10 log10(E + 1e-10) dB of the power spectrum), is cut into
// patches of `frames` spectrogram frames every `hop` frames.
//
// Patch p covers spectrogram frames [p * hop, p * hop + frames). It is laid out
// [band][frame] (band 0 the lowest, frame 0 the earliest), so `count` patches are the
// float32 tensor [count, 1, kMelBands, frames] in C order.
// Framing as the descriptors: frame t starts at sample t * kHopSize; a track shorter
// than one frame is zero-padded to one. Frames after the last whole patch are dropped;
// a track with fewer frames than one patch gives one patch, padded at its end with
// kLogMelFloorDb (-100 dB, silence). So every track with sound gives at least one patch.
//
// Streaming, in bounded memory: add() blocks of samples, take() finished patches.
// Held at once: one frame of samples, one patch of frames, the patches not yet taken.
// Threading: one LogMelPatcher per thread.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/audio/AudioDecoder.h"
#include "core/audio/LogMelSpectrum.h"

namespace tl::audio {

struct LogMelPatchShape {
    int frames = 64;  // spectrogram frames per patch: 64 x 512 / 22050 Hz = 1.49 s
    int hop = 32;     // frames between patch starts: 0.74 s (half a patch)
    // "64 frames, hop 32"; std::invalid_argument unless both are >= 1.
    void check() const;
    std::size_t floats() const { return static_cast<std::size_t>(kMelBands) * static_cast<std::size_t>(frames); }
};

class LogMelPatcher {
public:
    explicit LogMelPatcher(int sampleRate, LogMelPatchShape shape = {});
    ~LogMelPatcher();
    LogMelPatcher(const LogMelPatcher&) = delete;
    LogMelPatcher& operator=(const LogMelPatcher&) = delete;

    void add(const float* samples, std::size_t count);
    // The end of the track: the zero-padded frame of a track shorter than one frame and
    // the padded patch of a track shorter than one patch. add() after finish(): std::logic_error.
    void finish();

    std::size_t ready() const;  // finished patches not yet taken
    // Moves out up to `max` finished patches, oldest first: count x kMelBands x frames floats.
    std::vector<float> take(std::size_t max = std::numeric_limits<std::size_t>::max());

    const LogMelPatchShape& shape() const;
    std::size_t framesSeen() const;    // spectrogram frames computed so far
    std::size_t patchesMade() const;   // patches finished so far (taken or not)

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// A whole signal's patches at once (tests, short signals): count x kMelBands x frames.
std::vector<float> logMelPatches(const std::vector<float>& samples, int sampleRate, LogMelPatchShape shape = {});

// Receives `count` patches (count x kMelBands x frames floats, valid during the call).
using PatchSink = std::function<void(const float* patches, std::size_t count)>;

struct PatchStreamResult {
    AudioDecodeResult decode;  // status NoAudio: no patch was made
    std::size_t patches = 0;
    std::size_t frames = 0;    // spectrogram frames
};

// Decodes `file` (decodeAudio: mono kAudioSampleRate) into patches and hands them to
// `sink` in batches of at most `batch` (>= 1) as they are finished, the last batch
// after the end of the track. Errors and cancellation as decodeAudio(); an exception
// thrown by `sink` propagates.
PatchStreamResult streamLogMelPatches(const std::filesystem::path& file, const LogMelPatchShape& shape,
                                      std::size_t batch, const PatchSink& sink, const CancelToken* cancel = nullptr);

}  // namespace tl::audio
