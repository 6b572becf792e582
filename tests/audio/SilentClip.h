#pragma once
// A short video without an audio stream, for the "no sound" cases of the audio tests.
#include <filesystem>

#include "tests/video/ClipWriter.h"

namespace tl::audio::fixtures {

// 10 frames of tests/video's index pattern, MPEG-4 part 2 (every FFmpeg build encodes it).
inline void writeSilentClip(const std::filesystem::path& file)
{
    video::ClipSpec spec;
    spec.codec = "mpeg4";
    spec.frames = 10;
    video::writeClip(file, spec, video::test::paintIndex);
}

}  // namespace tl::audio::fixtures
