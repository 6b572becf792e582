#pragma once
// Known-answer clips for the video tests and the benchmark: the encoder lives
// in core (core/video/ClipWriter.h); this adds the frame-index pattern that
// survives compression, so a test can read back which frame it got.

#include <cstdint>
#include <vector>

#include "core/video/ClipWriter.h"

namespace tl::video::test {

using tl::video::ClipSpec;
using tl::video::frameTime;
using tl::video::Painter;
using tl::video::writeClip;

// The index pattern: a 4 x 4 grid of cells; cells 0..11 carry the bits of the
// frame index (light = 1, dark = 0), cells 12..15 are fixed colours so no frame is uniform.
void paintIndex(int index, int width, int height, std::vector<std::uint8_t>& rgb);
// Reads the index back from an RGB24 image of any size (e.g. a thumbnail). -1 when unreadable.
int readIndex(const std::uint8_t* rgb, int width, int height);

}  // namespace tl::video::test
