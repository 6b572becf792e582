#pragma once
// openVideoInput(): opens a media file with libavformat and finds its best
// video stream. Shared by the probe, the packet scan and the decoder so they
// all agree on which stream is "the video" and on the error messages.
//
// Throws tl::DecodeError(file, reason) for a missing or empty file, a file
// FFmpeg cannot read, or one without a video stream (audio only, attached
// cover art only). Non-regular files (a FIFO named .mp4, a device) are refused
// before FFmpeg sees them. Opening and probing (avformat_open_input +
// avformat_find_stream_info) are bounded by kOpenTimeoutSeconds through FFmpeg's
// interrupt callback: a file that stalls them is a DecodeError, not a hang. The
// optional cancel token interrupts blocking reads at any time (the read then
// fails and the caller checks the token).
// Thread-safe: every call builds its own contexts.

#include <filesystem>
#include <memory>
#include <string>

#include "core/common/JobContext.h"
#include "core/video/FfmpegPtr.h"

namespace tl::video {

// Seconds allowed for opening and probing one file (default 30; the environment
// variable TRAILERLAB_OPEN_TIMEOUT overrides it, for slow network filesystems).
double openTimeoutSeconds();

struct InterruptState;

struct VideoInput {
    std::shared_ptr<InterruptState> interrupt;  // outlives `format`, whose callback reads it
    InputFormatPtr format;
    int streamIndex = -1;
    AVStream* stream() const { return format->streams[streamIndex]; }
};

VideoInput openVideoInput(const std::filesystem::path& file, const CancelToken* cancel = nullptr);

// The same checks and bounded open + probe, without choosing a stream (streamIndex
// stays -1): for readers of another kind of stream (the trailer player's sound).
VideoInput openMediaInput(const std::filesystem::path& file, const CancelToken* cancel = nullptr);

// Opens `decoder` on audio stream `stream` of `input` and makes every other stream
// discarded: the sound readers' shared set-up (the trailer player, audio descriptors).
// Throws DecodeError(file, reason) for bad codec parameters or a decoder that will not open.
CodecContextPtr openAudioDecoder(const std::string& file, AVFormatContext* input, int stream, const AVCodec* decoder);

// Seconds per unit of the stream's time base.
inline double timeBaseSeconds(const AVStream* stream) { return av_q2d(stream->time_base); }

}  // namespace tl::video
