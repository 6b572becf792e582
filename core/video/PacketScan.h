#pragma once
// scanPackets(): one demux-only pass over the video stream's packets (no
// decoding) that finds the keyframes, classifies each as a clean entry point
// or not, and measures the stream's real extent and frame-rate regularity.
//
// A keyframe is a clean entry point when decoding can start there without
// any earlier packet: for H.264 the packet must carry an IDR slice, for HEVC
// an IRAP picture (leading pictures are never used: the sampler discards
// frames earlier than the entry); for other codecs the container's key flag
// is trusted. Being "clean" here is necessary, not sufficient: the sampler
// still verifies the decoded frames after a seek.
// Thread-safe: works on the caller's own VideoInput.

#include <cstdint>
#include <vector>

#include "core/common/JobContext.h"
#include "core/video/VideoInput.h"

namespace tl::video {

struct KeyframeEntry {
    std::int64_t pts = 0;   // stream time base (AV_NOPTS_VALUE replaced by dts)
    std::int64_t dts = 0;
    std::int64_t pos = -1;  // byte position, -1 when unknown
    bool clean = false;
};

struct PacketScan {
    std::vector<KeyframeEntry> keyframes;  // in file order
    std::int64_t packets = 0;
    std::int64_t firstPts = AV_NOPTS_VALUE;  // smallest presentation time of a packet that is shown
    std::int64_t endPts = AV_NOPTS_VALUE;    // largest pts + duration (end of display)
    std::int64_t lastPts = AV_NOPTS_VALUE;   // presentation time of the last frame shown
    bool variableFrameRate = false;
    int readErrors = 0;
    bool hasIndex = false;                    // the demuxer has a seek index (precise seeking)

};

// Reads every packet of input's video stream (input is left at its end).
PacketScan scanPackets(VideoInput& input, const JobContext& ctx);

// True when the packet is a clean entry point for its codec (see above).
bool isCleanEntryPacket(const AVCodecParameters& codec, const AVPacket& packet);

}  // namespace tl::video
