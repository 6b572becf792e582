// The 10 real videos of the shared reference data (<TRAILERLAB_SHARED_DIR>/videos): every one samples without error at
// 1, 2 and 3 fps with about duration * N frames; on cockatoo.mp4 (keyframes at
// 3.8 s and 7.25 s that are not clean entry points) the chosen strategy and a
// forced seek give exactly the frames a plain sequential decode gives.

#include <gtest/gtest.h>

#include <cmath>

#include "core/video/FrameSampler.h"
#include "core/video/VideoDecoder.h"
#include "tests/support/TestSupport.h"

extern "C" {
#include <libavutil/log.h>
}

namespace tl::video {
namespace {

const char* const kVideos[] = {"Effet_force_magnetique.ogv", "Force_constante.avi", "Principe_inertie.avi",
                               "balle-jbart.mp4", "balle1-vp9.avi", "cockatoo.mp4", "g1.avi", "g2.avi",
                               "realshort.mp4", "retroMars2018.avi"};

TEST(RealVideosTest, AllSampleAtOneTwoThreeFps)
{
    av_log_set_level(AV_LOG_QUIET);
    TL_REQUIRE_SHARED(folder, "videos/SHA256SUMS");
    for (const char* name : kVideos) {
        const auto file = folder.parent_path() / name;
        for (double fps : {1.0, 2.0, 3.0}) {
            SCOPED_TRACE(std::string(name) + " fps=" + std::to_string(fps));
            SamplerOptions options;
            options.fps = fps;
            SamplingResult result;
            std::vector<SampledFrame> frames;
            ASSERT_NO_THROW(frames = FrameSampler(options).sampleAll(file, &result));
            const double expected = result.info.duration * fps;
            EXPECT_GE(result.targets, static_cast<int>(std::floor(expected)));
            EXPECT_LE(result.targets, static_cast<int>(std::ceil(expected)) + 1);
            EXPECT_EQ(result.warnings.missedTargets, 0);
            EXPECT_EQ(static_cast<int>(frames.size()) + result.warnings.droppedBlack + result.warnings.droppedUniform,
                      result.targets);
            EXPECT_GT(frames.size(), 0u);
            for (const SampledFrame& f : frames) {
                EXPECT_EQ(f.chw.size(), 3u * 224 * 224);
                EXPECT_EQ(f.thumbWidth, 160);
                EXPECT_EQ(f.thumbRgb.size(), static_cast<std::size_t>(f.thumbWidth) * f.thumbHeight * 3);
                if (f.targetIndex > 0) {  // a target before the first frame shows the first frame
                    EXPECT_LE(f.timestamp, f.targetTime + 1e-7);
                }
            }
        }
    }
}

std::vector<SampledFrame> sample(const std::filesystem::path& file, double fps, SamplingStrategy strategy,
                                 SamplingResult& result)
{
    SamplerOptions options;
    options.fps = fps;
    options.strategy = strategy;
    options.dropUniform = false;
    return FrameSampler(options).sampleAll(file, &result);
}

TEST(RealVideosTest, CockatooSeekingNeverUsesTheBadKeyframes)
{
    av_log_set_level(AV_LOG_QUIET);
    TL_REQUIRE_SHARED(file, "videos/cockatoo.mp4");
    for (double fps : {0.5, 3.0}) {
        SCOPED_TRACE("fps=" + std::to_string(fps));
        SamplingResult sequentialResult;
        const auto reference = sample(file, fps, SamplingStrategy::Sequential, sequentialResult);
        EXPECT_EQ(sequentialResult.warnings.decodeErrors, 0);
        for (SamplingStrategy strategy : {SamplingStrategy::Auto, SamplingStrategy::Seek}) {
            SCOPED_TRACE(toString(strategy));
            SamplingResult result;
            const auto frames = sample(file, fps, strategy, result);
            ASSERT_EQ(frames.size(), reference.size());
            for (std::size_t k = 0; k < frames.size(); ++k) {
                EXPECT_EQ(frames[k].pts, reference[k].pts) << k;
                EXPECT_TRUE(frames[k].chw == reference[k].chw) << "frame " << k << " differs from sequential decode";
                EXPECT_TRUE(frames[k].thumbRgb == reference[k].thumbRgb) << k;
            }
            EXPECT_EQ(result.warnings.decodeErrors, 0);
            if (strategy == SamplingStrategy::Seek && fps < 1) {
                EXPECT_LT(result.framesDecoded, sequentialResult.framesDecoded);  // seeking did skip frames
            }
        }
    }
}

TEST(RealVideosTest, CockatooWithTemporalCropSeeksStraightPastTheStart)
{
    av_log_set_level(AV_LOG_QUIET);
    TL_REQUIRE_SHARED(file, "videos/cockatoo.mp4");
    SamplerOptions options;
    options.fps = 0.5;
    options.skipStart = 4.0;
    options.dropUniform = false;
    options.strategy = SamplingStrategy::Sequential;
    const auto reference = FrameSampler(options).sampleAll(file);
    options.strategy = SamplingStrategy::Seek;
    SamplingResult result;
    const auto frames = FrameSampler(options).sampleAll(file, &result);
    ASSERT_EQ(frames.size(), reference.size());
    for (std::size_t k = 0; k < frames.size(); ++k)
        EXPECT_TRUE(frames[k].chw == reference[k].chw) << k;
    EXPECT_GT(result.seeks, 0);
}

// The trap the sampler avoids: a fresh decoder that seeks straight to the 3.8 s
// keyframe produces frames the decoder itself flags as damaged.
TEST(RealVideosTest, CockatooNaiveSeekGivesDamagedFrames)
{
    av_log_set_level(AV_LOG_QUIET);
    TL_REQUIRE_SHARED(file, "videos/cockatoo.mp4");
    VideoDecoder decoder(file, 1, nullptr);
    ASSERT_TRUE(decoder.seek(38912));  // 3.8 s in the 1/10240 time base
    FramePtr frame = makeFrame();
    bool damaged = false;
    ASSERT_TRUE(decoder.next(frame.get(), &damaged));
    EXPECT_EQ(frame->best_effort_timestamp, 38912);
    EXPECT_TRUE(damaged);
}

}  // namespace
}  // namespace tl::video
