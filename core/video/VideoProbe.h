#pragma once
// probeVideo(): opens a file with FFmpeg and describes its best video stream
// (attached cover pictures do not count as video).
//
// Throws tl::DecodeError(file, reason) when the file is missing, empty, not a
// media file FFmpeg can read, or has no video stream (e.g. audio only).
// With scanPackets, every packet of the stream is read (demuxing only, no
// decoding: cheap next to a decode) to count frames and detect a variable
// frame rate. Thread-safe: each call uses its own FFmpeg contexts.

#include <filesystem>

#include "core/video/VideoInfo.h"

struct AVStream;

namespace tl::video {

VideoInfo probeVideo(const std::filesystem::path& file, bool scanPackets = true);

struct VideoInput;
struct PacketScan;
// The building blocks of probeVideo(), for callers that already hold an open input.
VideoInfo describeStream(const std::filesystem::path& file, const VideoInput& input);
// Fills frameCount, variableFrameRate and the measured duration from a packet scan.
void applyScan(VideoInfo& info, const PacketScan& scan, const AVStream* stream);

}  // namespace tl::video
