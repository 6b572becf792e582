#pragma once
// Plain data types of the video stage: what FrameSampler is asked to do
// (SamplerOptions), what it hands to its sink per sampled frame
// (SampledFrame) and what it returns at the end (SamplingResult with counted
// warnings). No FFmpeg or LibTorch types appear here, so the features stage
// can include this header cheaply.
//
// Time convention: every time in seconds is measured from the video stream's
// start (its first presentation timestamp, normally 0), so 0 is the first
// frame of the video whatever the container's own start offset is.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/video/VideoInfo.h"

namespace tl::video {

// How a frame becomes the network input (always 224 x 224 RGB).
enum class ResizeMode {
    ShorterSide256CentreCrop224,  // torchvision convention (default): shorter side to 256, centre crop 224
    Direct224,                    // squash the whole frame to 224 x 224 (aspect ratio not kept)
};

// How sampled frames are chosen.
enum class SamplingMode {
    Uniform,  // N frames per second: targets t_k = skipStart + k / fps
    Shots,    // one keyframe per detected shot (content change between consecutive frames)
};

// How the decoder reaches the targets (Uniform mode only; Shots always decodes everything).
// Every strategy returns exactly the frames a plain sequential decode gives at the same
// targets: seeking is only done to verified clean entry points, with a fallback to
// sequential decoding when an entry point turns out bad.
enum class SamplingStrategy {
    Auto,        // measure keyframe spacing and choose (default)
    Sequential,  // decode every frame from the start
    Seek,        // seek to the last clean keyframe before a target whenever that skips frames
};

// Shot-boundary detection parameters (Shots mode).
struct ShotOptions {
    int thumbSize = 64;           // analysis thumbnail side (frames scaled to thumbSize x thumbSize)
    int window = 25;              // number of past frame differences for the adaptive threshold
    double madFactor = 6.0;       // cut when diff > median + madFactor * MAD of the window ...
    double minDifference = 0.25;  // ... and diff > this absolute floor (diff is in [0, 1])
    double minShotSeconds = 0.4;  // shorter shots are merged into the previous one (flashes)
};

struct SamplerOptions {
    SamplingMode mode = SamplingMode::Uniform;
    double fps = 1.0;             // N > 0 (Uniform mode); any value: 0.5, 1, 2, 3, 10, 29.97 ...
    SamplingStrategy strategy = SamplingStrategy::Auto;
    ShotOptions shots;

    double skipStart = 0.0;       // temporal crop: seconds skipped at the start ...
    double skipEnd = 0.0;         // ... and at the end of the video

    bool makeTensor = true;       // fill SampledFrame::chw (off: thumbnails only, e.g. for a UI preview)
    ResizeMode resize = ResizeMode::ShorterSide256CentreCrop224;
    int inputSize = 224;          // side of the network input square
    int resizeShorterSide = 256;  // shorter side before the centre crop (ShorterSide256CentreCrop224)
    std::array<float, 3> mean = {0.485f, 0.456f, 0.406f};  // ImageNet normalisation, RGB order
    std::array<float, 3> stdDev = {0.229f, 0.224f, 0.225f};

    int thumbWidth = 160;         // UI thumbnail width in pixels (0: no thumbnail); height keeps the display aspect

    bool dropUniform = true;      // drop black or near-uniform frames (counted in the warnings)
    double uniformStdDev = 0.02;  // a frame is uniform when its luma standard deviation (0..1) is below this ...
    double blackLevel = 0.06;     // ... or when 99 % of its luma (0..1) is below this (black frame)

    int decodeThreads = 0;        // FFmpeg decoder threads; 0 = automatic
};

// One sampled, preprocessed frame. Handed to the sink by value (move it away freely).
struct SampledFrame {
    int index = 0;                // 0, 1, 2 ... in the order the sink receives frames (dropped frames take no index)
    int targetIndex = 0;          // Uniform: k of the target t_k; Shots: the shot id
    double targetTime = 0;        // Uniform: t_k; Shots: the time the keyframe was chosen for (shot middle)
    double timestamp = 0;         // exact presentation time of the frame returned (seconds from stream start)
    std::int64_t pts = 0;         // the same, in the stream's time base (VideoInfo::timeBaseNum/Den), from stream start
    int shotId = -1;              // Shots mode: shot number (0, 1, ...); Uniform mode: -1
    double shotStart = -1;        // Shots mode: first and end time of the shot [start, end); -1 otherwise
    double shotEnd = -1;

    // Network input: 3 x inputSize x inputSize floats, planar RGB (CHW), ImageNet-normalised.
    // Ready for torch::from_blob(chw.data(), {1, 3, height, width}). Empty when makeTensor is off.
    int width = 0;
    int height = 0;
    std::vector<float> chw;

    // UI thumbnail: RGB24, rows packed (stride = 3 * thumbWidth), rotation and SAR applied.
    int thumbWidth = 0;
    int thumbHeight = 0;
    std::vector<std::uint8_t> thumbRgb;
};

// A detected shot (Shots mode).
struct ShotInfo {
    int id = 0;
    double start = 0;             // time of its first frame
    double end = 0;               // time of the next shot's first frame (or the video end)
    int frames = 0;               // decoded frames in the shot
    bool emitted = false;         // false when every frame of the shot was uniform (dropped)
};

// Expected, non-fatal outcomes: counted here, not thrown.
struct SamplingWarnings {
    int droppedUniform = 0;       // frames dropped as near-uniform (flat colour)
    int droppedBlack = 0;         // frames dropped as black
    int decodeErrors = 0;         // packets the decoder rejected or frames it flagged as damaged
    int readErrors = 0;           // demuxer read errors (corrupt or truncated data)
    int missedTargets = 0;        // targets with no frame (stream ended early, nothing decoded before them)
    int badEntryPoints = 0;       // keyframes that were not clean entry points (seek fell back)
    int timestampFixes = 0;       // frames with missing or non-increasing timestamps (repaired or skipped)
    bool truncated = false;       // the stream ended before the length its container announced
    std::vector<std::string> messages;  // one human-readable line per kind of problem (first occurrence)

    int total() const
    {
        return droppedUniform + droppedBlack + decodeErrors + readErrors + missedTargets + badEntryPoints +
               timestampFixes + (truncated ? 1 : 0);
    }
};

struct SamplingResult {
    VideoInfo info;
    SamplingStrategy strategyUsed = SamplingStrategy::Sequential;  // Sequential or Seek (never Auto)
    int targets = 0;              // Uniform: number of target times; Shots: number of shots
    int framesEmitted = 0;        // frames handed to the sink
    int framesDecoded = 0;        // frames the decoder produced (cost measure)
    int seeks = 0;                // seeks performed
    double keyframeGapMedian = 0; // seconds between clean keyframes (0 when fewer than two)
    double keyframeGapMax = 0;
    std::vector<ShotInfo> shots;  // Shots mode
    SamplingWarnings warnings;
};

const char* toString(SamplingStrategy strategy);
const char* toString(ResizeMode mode);

}  // namespace tl::video
