#pragma once
// ClipWriter: encodes video clips with FFmpeg's encoders from frames painted as
// RGB24 by a callback (converted to the encoder's pixel format). Every frame
// gets the presentation time the spec asks for (constant or variable frame
// rate). Used by the demo project generator and by the tests' known-answer
// clips. Throws tl::Error when FFmpeg refuses the configuration.
//
// Optionally with sound: an AudioTrack (mono or stereo float samples, from a
// buffer or a callback) is encoded beside the picture (by default FFmpeg's
// native AAC encoder, "aac", which every FFmpeg build has; whether the encoder
// exists, takes the sample rate and fits the container is checked before
// anything is written, with an error naming what is missing) and muxed with
// timestamps in samples (time base 1 / sampleRate) from 0, interleaved with the
// video by time. Encoder priming (AAC's 1024 samples) is recorded by the muxer
// (an mp4 edit list), so a decoder gives back the samples from the first one.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace tl::video {

struct ClipSpec {
    std::string codec = "libx264";     // "libx264", "mpeg4", "ffv1", "libvpx-vp9" ...
    std::string pixelFormat = "yuv420p";
    int width = 320;
    int height = 240;
    int frames = 50;
    int fps = 25;                      // constant frame rate when ptsMs is empty
    std::vector<std::int64_t> ptsMs;   // variable frame rate: presentation time of each frame in ms
    int gop = 12;                      // keyframe interval in frames (0: encoder default)
    int bFrames = 0;
    std::string preset = "ultrafast";  // libx264 preset
    int crf = 23;
    int rotation = 0;                  // display matrix: clockwise degrees a viewer applies
    int sarNum = 1, sarDen = 1;
    int threads = 0;                   // encoder threads (1: the same bytes on every run)
};

// Paints frame `index` into `rgb` (width * height * 3 bytes, rows packed).
using Painter = std::function<void(int index, int width, int height, std::vector<std::uint8_t>& rgb)>;

void writeClip(const std::filesystem::path& file, const ClipSpec& spec, const Painter& painter);

// Fills `count` sample frames starting at sample frame `first`: count * channels
// floats, interleaved (L R L R ... for stereo), nominally in [-1, 1] (an encoder
// with an integer sample format clips beyond).
using SoundSource = std::function<void(std::int64_t first, int count, float* interleaved)>;

struct AudioTrack {
    int channels = 0;                // 0: no sound; 1: mono; 2: stereo
    int sampleRate = 44100;          // Hz
    std::string codec = "aac";       // FFmpeg encoder name
    std::int64_t bitRate = 96000;    // bits per second (0: the encoder's default)
    std::vector<float> samples;      // the whole track, interleaved; or else:
    SoundSource source;              // the samples on demand, and
    std::int64_t sampleFrames = 0;   // the track's length in sample frames (source only)
    bool enabled() const { return channels > 0; }
    // The track's length in sample frames (samples.size() / channels with a buffer).
    std::int64_t length() const;
};

// The clip with a sound track (`audio.enabled()`; otherwise as above). The track
// may be shorter or longer than the picture; each stream keeps its own length.
void writeClip(const std::filesystem::path& file, const ClipSpec& spec, const Painter& painter,
               const AudioTrack& audio);

// Presentation time in seconds of frame i of a spec.
double frameTime(const ClipSpec& spec, int i);

}  // namespace tl::video
