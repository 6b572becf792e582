// Preprocessing (normalisation, rotation, SAR, odd sizes, 10-bit, uniform
// frames) and shot detection on generated clips with known answers.

#include <gtest/gtest.h>

#include <cmath>

#include "core/video/FrameSampler.h"
#include "core/video/VideoProbe.h"
#include "tests/support/TestSupport.h"
#include "tests/video/ClipWriter.h"

extern "C" {
#include <libavutil/log.h>
}

namespace tl::video {
namespace {

class PreprocessTest : public ::testing::Test {
protected:
    void SetUp() override { av_log_set_level(AV_LOG_QUIET); }
    ::tl::test::TempDir dir_;
};

void paintFlat(std::uint8_t r, std::uint8_t g, std::uint8_t b, std::vector<std::uint8_t>& rgb)
{
    for (std::size_t i = 0; i < rgb.size(); i += 3) {
        rgb[i] = r;
        rgb[i + 1] = g;
        rgb[i + 2] = b;
    }
}

TEST_F(PreprocessTest, ImageNetNormalisationOfAKnownColour)
{
    // Left half mid-grey (128), right half with a texture so the frame is not uniform.
    test::ClipSpec spec;
    spec.codec = "libx264";
    spec.pixelFormat = "yuv444p";
    spec.crf = 0;
    spec.frames = 5;
    test::writeClip(dir_ / "grey.mp4", spec, [](int, int w, int h, std::vector<std::uint8_t>& rgb) {
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                std::uint8_t* p = rgb.data() + (static_cast<std::size_t>(y) * w + x) * 3;
                const std::uint8_t v = x < w / 2 ? 128 : static_cast<std::uint8_t>(((x / 8 + y / 8) % 2) * 255);
                p[0] = p[1] = p[2] = v;
            }
    });
    SamplerOptions options;
    options.resize = ResizeMode::Direct224;
    const auto frames = FrameSampler(options).sampleAll(dir_ / "grey.mp4");
    ASSERT_FALSE(frames.empty());
    const auto& chw = frames[0].chw;
    ASSERT_EQ(chw.size(), 3u * 224 * 224);
    const float mean[3] = {0.485f, 0.456f, 0.406f}, sd[3] = {0.229f, 0.224f, 0.225f};
    for (int c = 0; c < 3; ++c) {
        const float value = chw[static_cast<std::size_t>(c) * 224 * 224 + 100 * 224 + 50];  // left half
        EXPECT_NEAR(value, (128.0f / 255.0f - mean[c]) / sd[c], 0.03f) << "channel " << c;
    }
}

TEST_F(PreprocessTest, RotationAndAspectRatioAreHonoured)
{
    // 320x240 coded; a red block in the coded top-left corner.
    const auto paint = [](int, int w, int h, std::vector<std::uint8_t>& rgb) {
        test::paintIndex(5, w, h, rgb);
        for (int y = 0; y < h / 4; ++y)
            for (int x = 0; x < w / 4; ++x) {
                std::uint8_t* p = rgb.data() + (static_cast<std::size_t>(y) * w + x) * 3;
                p[0] = 255;
                p[1] = p[2] = 0;
            }
    };
    test::ClipSpec spec;
    spec.frames = 5;
    spec.rotation = 90;
    test::writeClip(dir_ / "rot.mp4", spec, paint);
    const VideoInfo info = probeVideo(dir_ / "rot.mp4");
    EXPECT_EQ(info.rotation, 90);
    EXPECT_EQ(info.displayWidth, 240);
    EXPECT_EQ(info.displayHeight, 320);
    const auto frames = FrameSampler().sampleAll(dir_ / "rot.mp4");
    ASSERT_FALSE(frames.empty());
    const SampledFrame& f = frames[0];
    EXPECT_EQ(f.thumbWidth, 160);
    EXPECT_NEAR(f.thumbHeight, 213, 1);
    // Turned 90 degrees clockwise, the coded top-left corner is now top-right.
    const auto pixel = [&](int x, int y) { return f.thumbRgb.data() + (static_cast<std::size_t>(y) * f.thumbWidth + x) * 3; };
    EXPECT_GT(pixel(f.thumbWidth - 10, 10)[0], 200);
    EXPECT_LT(pixel(f.thumbWidth - 10, 10)[1], 60);
    EXPECT_FALSE(pixel(10, 10)[0] > 200 && pixel(10, 10)[1] < 60);  // not red: the corner moved

    test::ClipSpec wide;
    wide.frames = 5;
    wide.sarNum = 2;
    wide.sarDen = 1;
    test::writeClip(dir_ / "sar.mp4", wide, paint);
    const VideoInfo sarInfo = probeVideo(dir_ / "sar.mp4");
    EXPECT_EQ(sarInfo.sarNum, 2);
    EXPECT_EQ(sarInfo.displayWidth, 640);
    const auto wideFrames = FrameSampler().sampleAll(dir_ / "sar.mp4");
    ASSERT_FALSE(wideFrames.empty());
    EXPECT_EQ(wideFrames[0].thumbHeight, 60);  // 160 * 240 / 640
}

TEST_F(PreprocessTest, OddSizeAndTenBit)
{
    test::ClipSpec odd;
    odd.width = 84;
    odd.height = 33;
    odd.pixelFormat = "yuv444p";
    odd.frames = 25;
    test::writeClip(dir_ / "odd.mp4", odd, test::paintIndex);
    test::ClipSpec deep;
    deep.pixelFormat = "yuv420p10le";
    deep.frames = 25;
    test::writeClip(dir_ / "deep.mp4", deep, test::paintIndex);
    EXPECT_EQ(probeVideo(dir_ / "deep.mp4").bitDepth, 10);
    for (const char* name : {"odd.mp4", "deep.mp4"}) {
        SCOPED_TRACE(name);
        SamplerOptions options;
        options.fps = 5;
        SamplingResult result;
        const auto frames = FrameSampler(options).sampleAll(dir_ / name, &result);
        ASSERT_EQ(frames.size(), 5u);
        EXPECT_EQ(result.warnings.total(), 0);
        for (const auto& f : frames) {
            EXPECT_EQ(f.chw.size(), 3u * 224 * 224);
            for (float v : f.chw)
                ASSERT_TRUE(std::isfinite(v) && v > -2.2f && v < 2.7f);
            EXPECT_EQ(test::readIndex(f.thumbRgb.data(), f.thumbWidth, f.thumbHeight), f.targetIndex * 5);
        }
    }
}

TEST_F(PreprocessTest, BlackAndUniformFramesAreDroppedAndCounted)
{
    // 0-1 s black, 1-2 s pattern, 2-3 s flat blue.
    test::ClipSpec spec;
    spec.frames = 75;
    test::writeClip(dir_ / "flat.mp4", spec, [](int i, int w, int h, std::vector<std::uint8_t>& rgb) {
        if (i < 25)
            paintFlat(0, 0, 0, rgb);
        else if (i < 50)
            test::paintIndex(i, w, h, rgb);
        else
            paintFlat(30, 60, 200, rgb);
    });
    SamplerOptions options;
    options.fps = 4;
    SamplingResult result;
    const auto frames = FrameSampler(options).sampleAll(dir_ / "flat.mp4", &result);
    EXPECT_EQ(result.targets, 12);
    EXPECT_EQ(frames.size(), 4u);
    EXPECT_EQ(result.warnings.droppedBlack, 4);
    EXPECT_EQ(result.warnings.droppedUniform, 4);
    options.dropUniform = false;
    EXPECT_EQ(FrameSampler(options).sampleAll(dir_ / "flat.mp4").size(), 12u);
}

// Coloured segments with moving texture; cuts at 1.2 s, 2.0 s and 3.6 s.
TEST_F(PreprocessTest, ShotBoundariesAtKnownCuts)
{
    test::ClipSpec spec;
    spec.frames = 125;  // 5 s at 25 fps
    spec.gop = 25;
    const std::uint8_t colours[4][3] = {{200, 40, 40}, {40, 180, 60}, {40, 60, 200}, {220, 200, 40}};
    const int cuts[] = {30, 50, 90};  // frame numbers of the first frame of shots 1..3
    const auto segment = [&](int i) { return i < cuts[0] ? 0 : i < cuts[1] ? 1 : i < cuts[2] ? 2 : 3; };
    test::writeClip(dir_ / "shots.mp4", spec, [&](int i, int w, int h, std::vector<std::uint8_t>& rgb) {
        const auto* c = colours[segment(i)];
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                std::uint8_t* p = rgb.data() + (static_cast<std::size_t>(y) * w + x) * 3;
                const bool stripe = ((x + 3 * i) / 16) % 2 == 0;  // moving stripes: motion inside a shot
                const int shade = stripe ? 0 : 40;
                p[0] = static_cast<std::uint8_t>(std::max(0, c[0] - shade));
                p[1] = static_cast<std::uint8_t>(std::max(0, c[1] - shade));
                p[2] = static_cast<std::uint8_t>(std::max(0, c[2] - shade));
            }
    });
    SamplerOptions options;
    options.mode = SamplingMode::Shots;
    SamplingResult result;
    const auto frames = FrameSampler(options).sampleAll(dir_ / "shots.mp4", &result);
    ASSERT_EQ(result.shots.size(), 4u);
    ASSERT_EQ(frames.size(), 4u);
    const double starts[] = {0.0, 1.2, 2.0, 3.6};
    const double ends[] = {1.2, 2.0, 3.6, 5.0};
    for (int s = 0; s < 4; ++s) {
        SCOPED_TRACE("shot " + std::to_string(s));
        EXPECT_NEAR(result.shots[static_cast<std::size_t>(s)].start, starts[s], 1e-6);
        EXPECT_NEAR(result.shots[static_cast<std::size_t>(s)].end, ends[s], 1e-6);
        const SampledFrame& f = frames[static_cast<std::size_t>(s)];
        EXPECT_EQ(f.shotId, s);
        EXPECT_GE(f.timestamp, starts[s] - 1e-6);
        EXPECT_LT(f.timestamp, ends[s]);
        EXPECT_NEAR(f.timestamp, 0.5 * (starts[s] + ends[s]), 0.25 * (ends[s] - starts[s]));  // near the middle
        // The keyframe has its segment's colour.
        const std::uint8_t* p = f.thumbRgb.data();
        double sum[3] = {0, 0, 0};
        const std::size_t n = f.thumbRgb.size() / 3;
        for (std::size_t i = 0; i < n; ++i)
            for (int c = 0; c < 3; ++c)
                sum[c] += p[3 * i + static_cast<std::size_t>(c)];
        for (int c = 0; c < 3; ++c)
            EXPECT_NEAR(sum[c] / static_cast<double>(n), colours[s][c] - 20, 25) << "channel " << c;
    }
}

}  // namespace
}  // namespace tl::video
