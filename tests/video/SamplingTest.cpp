// Known-answer tests of uniform sampling: generated clips whose frames paint
// their own index; every sampled frame must be the one displayed at its target
// time t_k = k / N, for constant and variable frame rates, short and long GOPs,
// B-frames, several containers, and every strategy (which must all agree).

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

struct ClipCase {
    std::string name;
    std::string file;
    test::ClipSpec spec;
};

std::vector<ClipCase> clipCases()
{
    std::vector<ClipCase> cases;
    test::ClipSpec shortGop;
    shortGop.frames = 100;
    shortGop.gop = 5;
    cases.push_back({"cfr_short_gop_mp4", "short_gop.mp4", shortGop});

    test::ClipSpec longGop = shortGop;
    longGop.gop = 250;
    cases.push_back({"cfr_long_gop_mp4", "long_gop.mp4", longGop});

    test::ClipSpec bFrames = shortGop;
    bFrames.gop = 10;
    bFrames.bFrames = 2;
    bFrames.preset = "veryfast";
    cases.push_back({"cfr_bframes_mp4", "bframes.mp4", bFrames});

    test::ClipSpec thirty = shortGop;
    thirty.fps = 30;
    thirty.frames = 90;
    thirty.gop = 7;
    cases.push_back({"cfr_30fps_mp4", "thirty.mp4", thirty});

    test::ClipSpec vfr;
    vfr.frames = 60;
    vfr.gop = 8;
    const int steps[] = {40, 40, 120, 20, 33, 200, 10, 80};
    std::int64_t t = 0;
    for (int i = 0; i < vfr.frames; ++i) {
        vfr.ptsMs.push_back(t);
        t += steps[i % 8];
    }
    cases.push_back({"vfr_mp4", "vfr.mp4", vfr});
    cases.push_back({"vfr_mkv", "vfr.mkv", vfr});

    test::ClipSpec mpeg4 = shortGop;
    mpeg4.codec = "mpeg4";
    mpeg4.gop = 10;
    cases.push_back({"mpeg4_avi", "mpeg4.avi", mpeg4});
    return cases;
}

class SamplingTest : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        av_log_set_level(AV_LOG_QUIET);
        dir_ = new ::tl::test::TempDir();
        for (const ClipCase& c : clipCases())
            test::writeClip(dir_->path() / c.file, c.spec, test::paintIndex);
    }
    static void TearDownTestSuite()
    {
        delete dir_;
        dir_ = nullptr;
    }
    static std::filesystem::path path(const ClipCase& c) { return dir_->path() / c.file; }
    static ::tl::test::TempDir* dir_;
};
::tl::test::TempDir* SamplingTest::dir_ = nullptr;

// Last frame with time <= t (the frame displayed at t).
int expectedFrame(const test::ClipSpec& spec, double t)
{
    int shown = 0;
    for (int i = 0; i < spec.frames; ++i)
        if (test::frameTime(spec, i) <= t + 1e-7)
            shown = i;
    return shown;
}

double clipEnd(const test::ClipSpec& spec)
{
    if (spec.ptsMs.empty())
        return static_cast<double>(spec.frames) / spec.fps;
    return test::frameTime(spec, spec.frames - 1) + (test::frameTime(spec, spec.frames - 1) - test::frameTime(spec, spec.frames - 2));
}

TEST_F(SamplingTest, EveryFrameIsTheOneDisplayedAtItsTargetTime)
{
    const double rates[] = {0.5, 1, 2, 3, 10};
    const SamplingStrategy strategies[] = {SamplingStrategy::Auto, SamplingStrategy::Sequential,
                                           SamplingStrategy::Seek};
    for (const ClipCase& c : clipCases()) {
        for (double fps : rates) {
            std::vector<std::vector<float>> reference;
            for (SamplingStrategy strategy : strategies) {
                SCOPED_TRACE(c.name + " fps=" + std::to_string(fps) + " strategy=" + toString(strategy));
                SamplerOptions options;
                options.fps = fps;
                options.strategy = strategy;
                SamplingResult result;
                const auto frames = FrameSampler(options).sampleAll(path(c), &result);
                // Target count: every k with k / N before the end of the video.
                int minTargets = 0;
                while (minTargets / fps < clipEnd(c.spec) - 1e-7)
                    ++minTargets;
                EXPECT_EQ(result.targets, minTargets);
                ASSERT_EQ(static_cast<int>(frames.size()), result.targets);
                EXPECT_EQ(result.warnings.total(), 0) << (result.warnings.messages.empty() ? std::string()
                                                                                             : result.warnings.messages[0]);
                for (std::size_t k = 0; k < frames.size(); ++k) {
                    const SampledFrame& f = frames[k];
                    const double t = static_cast<double>(k) / fps;
                    EXPECT_EQ(f.index, static_cast<int>(k));
                    EXPECT_EQ(f.targetIndex, static_cast<int>(k));
                    EXPECT_DOUBLE_EQ(f.targetTime, t);
                    const int expected = expectedFrame(c.spec, t);
                    EXPECT_EQ(test::readIndex(f.thumbRgb.data(), f.thumbWidth, f.thumbHeight), expected)
                        << "target " << k << " at " << t << " s";
                    EXPECT_NEAR(f.timestamp, test::frameTime(c.spec, expected), 1e-6) << "target " << k;
                    EXPECT_LE(f.timestamp, t + 1e-7);
                    EXPECT_EQ(f.chw.size(), 3u * 224 * 224);
                }
                if (reference.empty()) {
                    for (const auto& f : frames)
                        reference.push_back(f.chw);
                } else {
                    ASSERT_EQ(reference.size(), frames.size());
                    for (std::size_t k = 0; k < frames.size(); ++k)
                        EXPECT_TRUE(reference[k] == frames[k].chw) << "strategies differ at target " << k;
                }
            }
        }
    }
}

TEST_F(SamplingTest, SeekingSkipsFramesOnShortGopsAndDecodesEverythingOnLongOnes)
{
    const auto cases = clipCases();
    SamplerOptions options;
    options.fps = 0.5;
    SamplingResult result;
    FrameSampler(options).sampleAll(path(cases[0]), &result);  // GOP of 5 frames, a target every 50 frames
    EXPECT_EQ(result.strategyUsed, SamplingStrategy::Seek);
    EXPECT_GT(result.seeks, 0);
    EXPECT_LT(result.framesDecoded, 50);
    EXPECT_EQ(result.warnings.badEntryPoints, 0);
    EXPECT_NEAR(result.keyframeGapMedian, 0.2, 1e-9);

    FrameSampler(options).sampleAll(path(cases[1]), &result);  // one keyframe only
    EXPECT_EQ(result.strategyUsed, SamplingStrategy::Sequential);
    EXPECT_EQ(result.seeks, 0);
}

TEST_F(SamplingTest, TemporalCropShiftsTheTargets)
{
    const ClipCase c = clipCases()[0];  // 4 s at 25 fps
    SamplerOptions options;
    options.fps = 2;
    options.skipStart = 1.0;
    options.skipEnd = 0.5;
    const auto frames = FrameSampler(options).sampleAll(path(c));
    ASSERT_EQ(frames.size(), 5u);  // 1.0, 1.5, 2.0, 2.5, 3.0 (< 3.5)
    for (std::size_t k = 0; k < frames.size(); ++k) {
        EXPECT_DOUBLE_EQ(frames[k].targetTime, 1.0 + 0.5 * static_cast<double>(k));
        EXPECT_EQ(test::readIndex(frames[k].thumbRgb.data(), frames[k].thumbWidth, frames[k].thumbHeight),
                  25 + static_cast<int>(k) * 25 / 2);
    }
    SamplerOptions all;
    all.skipStart = 10;
    SamplingResult result;
    EXPECT_TRUE(FrameSampler(all).sampleAll(path(c), &result).empty());
    EXPECT_EQ(result.targets, 0);
    EXPECT_FALSE(result.warnings.messages.empty());  // said, not silent
}

TEST_F(SamplingTest, ProbeDescribesTheClip)
{
    const auto cases = clipCases();
    const VideoInfo info = probeVideo(path(cases[0]));
    EXPECT_EQ(info.codec, "h264");
    EXPECT_EQ(info.width, 320);
    EXPECT_EQ(info.height, 240);
    EXPECT_NEAR(info.frameRate, 25, 1e-9);
    EXPECT_NEAR(info.duration, 4.0, 1e-6);
    EXPECT_EQ(info.frameCount, 100);
    EXPECT_FALSE(info.variableFrameRate);
    EXPECT_EQ(info.rotation, 0);
    const VideoInfo vfr = probeVideo(path(cases[4]));
    EXPECT_TRUE(vfr.variableFrameRate);
}

TEST_F(SamplingTest, ProgressAndCancellation)
{
    const ClipCase c = clipCases()[1];
    int reports = 0;
    CancelToken token;
    JobContext ctx([&](const Progress& p) {
        ++reports;
        EXPECT_EQ(p.stage, "sample");
        EXPECT_LE(p.done, p.total + 1e-9);
    }, token);
    SamplerOptions options;
    options.strategy = SamplingStrategy::Sequential;
    FrameSampler(options).sampleAll(path(c), nullptr, ctx);
    EXPECT_GT(reports, 2);

    int frames = 0;
    EXPECT_THROW(FrameSampler(options).run(
                     path(c),
                     [&](SampledFrame&&) {
                         if (++frames == 2)
                             token.cancel();
                     },
                     ctx),
                 Cancelled);
    EXPECT_EQ(frames, 2);
}

TEST(SamplerOptionsTest, RejectsInvalidOptions)
{
    SamplerOptions options;
    options.fps = 0;
    EXPECT_THROW(FrameSampler{options}, ConfigError);
    options.fps = -1;
    EXPECT_THROW(FrameSampler{options}, ConfigError);
    options.fps = 1;
    options.skipStart = -1;
    EXPECT_THROW(FrameSampler{options}, ConfigError);
}

}  // namespace
}  // namespace tl::video
