// core/video without FFmpeg (-DTRAILERLAB_WITH_FFMPEG=OFF), compiled instead of
// the FFmpeg sources: for GPU servers that have a LibTorch but no FFmpeg
// development files. The public functions of core/video keep their signatures;
// every one that would decode or encode a video throws tl::ConfigError saying
// so, with the file it was asked for. The pure helpers live in FfmpegFree.cpp,
// compiled in both builds.
#include <algorithm>
#include <cmath>
#include <string>

#include "core/common/Error.h"
#include "core/video/ClipWriter.h"
#include "core/video/FrameSampler.h"
#include "core/video/Playback.h"
#include "core/video/PngWriter.h"
#include "core/video/VideoProbe.h"

namespace tl::video {

namespace {

[[noreturn]] void noFfmpeg(const std::string& what, const std::filesystem::path& file)
{
    throw ConfigError("this TrailerLab was built without FFmpeg (-DTRAILERLAB_WITH_FFMPEG=OFF): cannot " + what +
                      " " + file.string());
}

}  // namespace

// Keeps the options; run() is where decoding would start.
FrameSampler::FrameSampler(SamplerOptions options) : options_(std::move(options)) {}

SamplingResult FrameSampler::run(const std::filesystem::path& video, const Sink&, const JobContext&) const
{
    noFfmpeg("decode", video);
}

std::vector<SampledFrame> FrameSampler::sampleAll(const std::filesystem::path& video, SamplingResult*,
                                                  const JobContext&) const
{
    noFfmpeg("decode", video);
}

VideoInfo probeVideo(const std::filesystem::path& file, bool)
{
    noFfmpeg("decode", file);
}

struct PlaybackVideo::Impl {};
struct PlaybackAudio::Impl {};

PlaybackVideo::PlaybackVideo(const std::filesystem::path& file, int, int, const CancelToken*)
{
    noFfmpeg("play", file);
}
PlaybackVideo::~PlaybackVideo() = default;
bool PlaybackVideo::next(PlaybackFrame&) { return false; }
void PlaybackVideo::seek(double) {}
std::int64_t PlaybackVideo::framesDecoded() const { return 0; }
int PlaybackVideo::errorCount() const { return 0; }

PlaybackAudio::PlaybackAudio(const std::filesystem::path& file, int sampleRate, int channels, double,
                             const CancelToken*)
    : rate_(sampleRate), channels_(channels)
{
    noFfmpeg("play", file);
}
PlaybackAudio::~PlaybackAudio() = default;
std::string PlaybackAudio::codec() const { return {}; }
bool PlaybackAudio::next(AudioChunk&) { return false; }
void PlaybackAudio::seek(double) {}

void writeClip(const std::filesystem::path& file, const ClipSpec&, const Painter&)
{
    noFfmpeg("encode", file);
}

void writeClip(const std::filesystem::path& file, const ClipSpec&, const Painter&, const AudioTrack&)
{
    noFfmpeg("encode", file);
}

void writePng(const std::filesystem::path& file, int, int, const std::vector<std::uint8_t>&)
{
    noFfmpeg("encode", file);
}

}  // namespace tl::video
