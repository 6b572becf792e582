#pragma once
// VideoDecoder: demuxes and decodes one file's best video stream, handing out
// frames in presentation order. Read and decode failures are counted, never
// thrown (a corrupt packet is skipped, a run of read errors ends the stream),
// so partly damaged files give what decodes.
//
// Seeking: seek() moves to a keyframe and flushes the decoder; the first
// packet read afterwards is recorded (landing()) so the caller can check it
// landed where it asked. Whether the entry point is clean is the caller's
// business (FrameSampler verifies it).
// Threading: one thread at a time; the decoder may run its own worker threads.

#include <cstdint>
#include <filesystem>
#include <optional>

#include "core/common/JobContext.h"
#include "core/video/FfmpegPtr.h"
#include "core/video/VideoInput.h"

namespace tl::video {

struct DecodeCounters {
    int readErrors = 0;     // av_read_frame failures other than end of file
    int packetErrors = 0;   // packets the decoder rejected
    int damagedFrames = 0;  // frames flagged with decode errors or as corrupt
    int framesOut = 0;
};

struct LandingPacket {
    std::int64_t pts = AV_NOPTS_VALUE;
    std::int64_t dts = AV_NOPTS_VALUE;
    std::int64_t pos = -1;
    bool key = false;
};

class VideoDecoder {
public:
    // Throws tl::DecodeError when the file cannot be opened or its codec not initialised.
    VideoDecoder(const std::filesystem::path& file, int threads, const CancelToken* cancel);

    AVStream* stream() const { return input_.stream(); }
    const AVCodecContext* codec() const { return codec_.get(); }

    // Next frame in presentation order into `frame` (unreferenced first).
    // False at the end of the stream. `damaged` tells whether this frame was
    // flagged by the decoder or preceded by a rejected packet since the last call.
    bool next(AVFrame* frame, bool* damaged = nullptr);

    // Seeks to the keyframe at or before `timestamp` (stream time base) and flushes.
    // False when the demuxer cannot seek.
    bool seek(std::int64_t timestamp);
    // The first video packet read after the last seek (empty before one is read).
    const std::optional<LandingPacket>& landing() const { return landing_; }

    const DecodeCounters& counters() const { return counters_; }
    bool endedWithErrors() const { return endedWithErrors_; }

private:
    bool feedPacket();  // false at end of input (decoder then drained)

    VideoInput input_;
    CodecContextPtr codec_;
    PacketPtr packet_;
    DecodeCounters counters_;
    std::optional<LandingPacket> landing_;
    bool awaitingLanding_ = false;
    bool inputDone_ = false;
    bool drained_ = false;
    bool pendingDamage_ = false;
    bool endedWithErrors_ = false;
};

}  // namespace tl::video
