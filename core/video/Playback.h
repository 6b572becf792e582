#pragma once
// Playback: the decoding half of the workbench's trailer player, on the same
// FFmpeg demuxing and decoding as the frame sampler (VideoInput, PacketScan,
// VideoDecoder), so the player reads every codec the sampler reads and shows
// the very frames the keyframe strip was sampled from, with the same time
// origin (the first shown packet of the video stream is 0 s).
//
// - PlaybackVideo hands out the video frames in presentation order as packed
//   RGB24 in display orientation (sample aspect ratio and rotation applied),
//   scaled down to fit a bounding box. seek(t) is frame-accurate: the next
//   frame returned is the one a viewer sees at t (the last frame whose time is
//   <= t), decoded from the preceding keyframe.
// - PlaybackAudio decodes the best audio stream (its own demuxer, so audio
//   and video are read independently) and resamples it with libswresample to
//   interleaved signed 16-bit samples at the rate and channel count the
//   output asks for; times are on the video's clock.
//
// Errors: the constructors throw tl::DecodeError (missing, empty or unreadable
// file, no stream, no decoder). Damaged packets do not throw: they are counted
// (counters()) and decoding goes on with what decodes, as in the sampler.
// Threading: each object is used by one thread at a time (the GUI runs them on
// a worker thread); no Qt here.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/common/JobContext.h"

namespace tl::video {

struct PlaybackFrame {
    double time = 0;                 // seconds from the video's first shown frame
    std::int64_t pts = 0;            // the same, in the stream's time base
    int width = 0, height = 0;       // display orientation
    std::vector<std::uint8_t> rgb;   // width * height * 3 bytes, rows packed
    bool damaged = false;            // the decoder flagged this frame or a packet before it
};

struct PlaybackVideoInfo {
    double duration = 0;             // seconds, end of the last frame's display
    double frameRate = 0;            // average frames per second (0 when unknown)
    std::int64_t frameCount = 0;     // packets of the video stream
    int displayWidth = 0, displayHeight = 0;
    std::string codec;
    bool hasAudio = false;
    double originSeconds = 0;        // the stream time of 0 s (for PlaybackAudio)
};

class PlaybackVideo {
public:
    // Frames are scaled (never up) to fit maxWidth x maxHeight keeping the display
    // aspect ratio; 0 leaves that side unbounded. Reads every packet once to find
    // the time origin and the end (no decoding; a fraction of a decode's cost).
    PlaybackVideo(const std::filesystem::path& file, int maxWidth, int maxHeight, const CancelToken* cancel = nullptr);
    ~PlaybackVideo();
    PlaybackVideo(const PlaybackVideo&) = delete;
    PlaybackVideo& operator=(const PlaybackVideo&) = delete;

    const PlaybackVideoInfo& info() const { return info_; }

    // The next frame in presentation order; false at the end of the stream.
    bool next(PlaybackFrame& out);
    // Positions the stream so that next() returns the frame shown at `seconds`
    // (clamped to the stream; before the first frame: the first frame).
    void seek(double seconds);

    // Frames decoded so far (all of them, including those a seek skips over).
    std::int64_t framesDecoded() const;
    // Read errors, rejected packets and damaged frames so far.
    int errorCount() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    PlaybackVideoInfo info_;
};

struct AudioChunk {
    double time = 0;                    // seconds on the video's clock of the first sample
    std::vector<std::int16_t> samples;  // interleaved, frames() * channels values
    int channels = 2;
    std::int64_t frames() const { return channels > 0 ? static_cast<std::int64_t>(samples.size()) / channels : 0; }
};

class PlaybackAudio {
public:
    // Throws tl::DecodeError when the file has no decodable audio stream.
    // `originSeconds`: PlaybackVideoInfo::originSeconds of the same file.
    PlaybackAudio(const std::filesystem::path& file, int sampleRate, int channels, double originSeconds,
                  const CancelToken* cancel = nullptr);
    ~PlaybackAudio();
    PlaybackAudio(const PlaybackAudio&) = delete;
    PlaybackAudio& operator=(const PlaybackAudio&) = delete;

    int sampleRate() const { return rate_; }
    int channels() const { return channels_; }
    std::string codec() const;

    // The next decoded chunk; false at the end of the stream.
    bool next(AudioChunk& out);
    // The next chunk starts at `seconds` (earlier samples are dropped).
    void seek(double seconds);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    int rate_;
    int channels_;
};

}  // namespace tl::video
