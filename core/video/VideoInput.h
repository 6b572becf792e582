#pragma once
// openVideoInput(): opens a media file with libavformat and finds its best
// video stream. Shared by the probe, the packet scan and the decoder so they
// all agree on which stream is "the video" and on the error messages.
//
// Throws tl::DecodeError(file, reason) for a missing or empty file, a file
// FFmpeg cannot read, or one without a video stream (audio only, attached
// cover art only). The optional cancel token interrupts blocking reads
// (the read then fails and the caller checks the token).
// Thread-safe: every call builds its own contexts.

#include <filesystem>

#include "core/common/JobContext.h"
#include "core/video/FfmpegPtr.h"

namespace tl::video {

struct VideoInput {
    InputFormatPtr format;
    int streamIndex = -1;
    AVStream* stream() const { return format->streams[streamIndex]; }
};

VideoInput openVideoInput(const std::filesystem::path& file, const CancelToken* cancel = nullptr);

// Seconds per unit of the stream's time base.
inline double timeBaseSeconds(const AVStream* stream) { return av_q2d(stream->time_base); }

}  // namespace tl::video
