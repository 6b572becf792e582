#pragma once
// decodeAudio(): demuxes and decodes a media file's default audio stream
// (av_find_best_stream) and streams it, resampled by libswresample to mono
// float at kAudioSampleRate, to a callback in blocks of at most kAudioBlockSamples.
// The mono mix is FFmpeg's default downmix (stereo: (L + R) / sqrt 2, so identical
// channels keep their EBU R 128 loudness). Memory stays bounded whatever the file's length: nothing is kept between blocks.
//
// Outcomes, never silent:
// - a file without an audio stream: status NoAudio (with the reason), not an error;
// - a file that cannot be opened, an audio codec without a decoder, or an audio
//   stream of which nothing decodes: tl::DecodeError naming the file and the reason;
// - damaged parts (read errors, packets the decoder rejects): skipped and counted
//   in AudioDecodeResult, which the caller reports.
// Threading: thread-safe (every call has its own contexts); the callback runs on
// the calling thread. The cancel token stops decoding (throws tl::Cancelled).

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>

#include "core/common/JobContext.h"

namespace tl::audio {

inline constexpr int kAudioSampleRate = 22050;
inline constexpr std::size_t kAudioBlockSamples = 8192;

enum class AudioStatus { Decoded, NoAudio };

struct AudioDecodeResult {
    AudioStatus status = AudioStatus::NoAudio;
    std::string noAudioReason;   // NoAudio: why ("no audio stream")
    std::string codec;           // the source stream's codec name
    int sourceRate = 0;          // the source stream's sample rate (Hz)
    int sourceChannels = 0;
    int streamIndex = -1;        // the chosen stream; audioStreams says how many there were
    int audioStreams = 0;
    long long samples = 0;       // mono samples at kAudioSampleRate handed to the callback
    int readErrors = 0;          // av_read_frame failures other than end of file
    int packetErrors = 0;        // packets flagged corrupt by the demuxer or rejected by the decoder
    bool damaged() const { return readErrors > 0 || packetErrors > 0; }
    double seconds() const { return static_cast<double>(samples) / kAudioSampleRate; }
};

using AudioSink = std::function<void(const float* samples, std::size_t count)>;

AudioDecodeResult decodeAudio(const std::filesystem::path& file, const AudioSink& sink,
                              const CancelToken* cancel = nullptr);

// "damaged audio: N read errors, M packets rejected" (empty when nothing was damaged).
std::string describeDamage(const AudioDecodeResult& result);

}  // namespace tl::audio
