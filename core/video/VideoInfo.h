#pragma once
// What probeVideo() reports about a video file's best video stream.

#include <cstdint>
#include <string>

namespace tl::video {

struct VideoInfo {
    std::string path;
    std::string container;        // FFmpeg demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    std::string codec;            // e.g. "h264", "mpeg4", "vp9", "theora"
    std::string pixelFormat;      // e.g. "yuv420p", "yuv420p10le"
    int bitDepth = 8;             // bits per component of the coded frames
    int streamIndex = -1;

    int width = 0;                // coded frame size
    int height = 0;
    int sarNum = 1;               // sample (pixel) aspect ratio; 1:1 when unknown
    int sarDen = 1;
    int rotation = 0;             // clockwise degrees (0, 90, 180, 270) to apply for correct display
    int displayWidth = 0;         // size as shown: SAR applied, then rotation
    int displayHeight = 0;

    double duration = 0;          // seconds (from the container; the sampler measures the real end)
    double frameRate = 0;         // average frames per second (0 when unknown)
    bool variableFrameRate = false;  // frame durations vary (known after a packet scan)
    std::int64_t frameCount = 0;  // packets of the stream (known after a packet scan; else the container's count or 0)
    int timeBaseNum = 1;          // the stream's time base
    int timeBaseDen = 1;
    bool hasAudio = false;
};

}  // namespace tl::video
