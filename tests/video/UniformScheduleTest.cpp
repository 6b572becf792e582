// The pure decisions of uniform sampling (core/video/UniformSchedule.h) alone: which
// times are sampled (known answers and a brute-force twin over random fps, lengths and
// crops), the frame-selection rule at its tolerance, the seek threshold and plan, the entry
// chosen for a target, and the entry-point verifier. The whole sampler on generated clips:
// SamplingTest.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <random>
#include <set>
#include <vector>

#include "core/video/UniformSchedule.h"

namespace tl::video {
namespace {

TEST(UniformTargets, KnownAnswers)
{
    EXPECT_EQ(uniformTargets(0, 0, 1, 10), (std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));  // 10 s is not < 10 s
    EXPECT_EQ(uniformTargets(0, 0, 3, 1), (std::vector<double>{0, 1.0 / 3, 2.0 / 3}));
    EXPECT_EQ(uniformTargets(2, 1, 2, 5), (std::vector<double>{2, 2.5, 3, 3.5}));  // crop: [2, 4)
    EXPECT_EQ(uniformTargets(0.5, 0, 0.5, 4.5), (std::vector<double>{0.5, 2.5}));
    EXPECT_TRUE(uniformTargets(5, 5, 1, 10).empty());   // the crop leaves nothing
    EXPECT_TRUE(uniformTargets(0, 0, 1, 0).empty());    // an empty video
    // A target within the tolerance of the limit counts as at the limit: not taken.
    EXPECT_EQ(uniformTargets(0, 0, 1, 3 + 5e-8).size(), 3u);
    EXPECT_EQ(uniformTargets(0, 0, 1, 3 + 2e-7).size(), 4u);
    EXPECT_EQ(uniformTargets(0, 0, 29.97, 10).size(), 300u);  // ceil(10 x 29.97) = 300
}

// Twin: the number of targets from a closed form in long double, n = ceil((limit - skipStart)
// x fps) (the k with skipStart + k / fps < limit), and every value against skipStart + k / fps.
// Cases where a target falls within 1e-6 s of the limit are skipped: there the tolerance
// decides, and the known answers above pin it.
TEST(UniformTargets, MatchBruteForceOverRandomSettings)
{
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    int checked = 0;
    for (int trial = 0; trial < 2000; ++trial) {
        const double fps = 0.05 + 60 * unit(rng) * unit(rng);
        const double end = 200 * unit(rng);
        const double skipStart = unit(rng) < 0.3 ? 0.0 : 20 * unit(rng);
        const double skipEnd = unit(rng) < 0.3 ? 0.0 : 20 * unit(rng);
        const long double span = (static_cast<long double>(end) - skipEnd - skipStart) * fps;
        const long double nearest = std::round(span);
        if (std::fabs(static_cast<double>(span - nearest)) < 1e-6 * fps * 2)
            continue;
        const long expectedCount = span > 0 ? static_cast<long>(std::ceil(span)) : 0;
        const std::vector<double> targets = uniformTargets(skipStart, skipEnd, fps, end);
        ASSERT_EQ(static_cast<long>(targets.size()), expectedCount)
            << "fps " << fps << " end " << end << " skip " << skipStart << "," << skipEnd;
        for (std::size_t k = 0; k < targets.size(); ++k)
            ASSERT_NEAR(targets[k], static_cast<double>(skipStart + static_cast<long double>(k) / fps), 1e-9);
        ++checked;
    }
    EXPECT_GT(checked, 1900);
}

TEST(UniformSchedule, FrameShownAtATargetIsTheLastOneAtOrBeforeIt)
{
    // The rule applied to a list of frame times, against a plain search for the last
    // frame time <= t (+ tolerance); a frame exactly at t, or a rounding error after it,
    // is the frame shown at t.
    const std::vector<double> frames{0.0, 0.04, 0.08, 0.12, 1.0 / 3, 0.5 + 5e-8, 0.9};
    for (double t : {0.0, 0.039, 0.04, 0.1, 1.0 / 3, 0.4, 0.5, 0.5 + 1e-8, 0.6, 5.0}) {
        int shown = -1;
        for (std::size_t i = 0; i < frames.size(); ++i)
            if (shownBy(frames[i], t))
                shown = static_cast<int>(i);
        int expected = 0;
        for (std::size_t i = 0; i < frames.size(); ++i)
            if (frames[i] - t <= 1e-7)
                expected = static_cast<int>(i);
        EXPECT_EQ(shown, expected) << "t " << t;
    }
    EXPECT_TRUE(shownBy(1.0 / 3, 0.1 + 0.2 + 1.0 / 30));  // equal up to rounding
    EXPECT_FALSE(shownBy(0.5 + 2e-7, 0.5));
}

TEST(UniformSchedule, MinimumSeekSkip)
{
    EXPECT_DOUBLE_EQ(minSeekSkip(1.0 / 25), 0.4);   // 10 frames at 25 fps
    EXPECT_DOUBLE_EQ(minSeekSkip(1.0 / 60), 0.3);   // never below 0.3 s
    EXPECT_DOUBLE_EQ(minSeekSkip(0.0), kMinSeekSkipSeconds);
}

std::vector<EntryPoint> entriesAt(const std::vector<double>& times)
{
    std::vector<EntryPoint> entries;
    for (double t : times)
        entries.push_back({t, static_cast<std::int64_t>(std::llround(t * 1000)), static_cast<std::int64_t>(std::llround(t * 1000)) - 2, -1});
    return entries;
}

TEST(UniformSchedule, SeekPlanKnownAnswers)
{
    const auto entries = entriesAt({0, 10, 20});
    // 1 fps: consecutive targets are 1 s apart, so each seek skips only from the previous
    // target to the keyframe: 1 s at 10 and at 20 of 30 s.
    EXPECT_DOUBLE_EQ(seekSkippedFraction(entries, uniformTargets(0, 0, 1, 30), 0.3, 30), 2.0 / 30);
    // 0.1 fps: targets 0, 10, 20, each on a keyframe 10 s after the previous target.
    EXPECT_DOUBLE_EQ(seekSkippedFraction(entries, uniformTargets(0, 0, 0.1, 30), 0.3, 30), 20.0 / 30);
    // A keyframe closer than minSkip to the previous target is not worth a seek.
    EXPECT_DOUBLE_EQ(seekSkippedFraction(entriesAt({0, 10.2}), {0, 10, 10.5}, 0.3, 20), 0.0);
    EXPECT_DOUBLE_EQ(seekSkippedFraction(entries, {1, 2}, 0.3, 0), 0.0);  // no length: no plan
    EXPECT_LT(2.0 / 30, kSeekWorthFraction);
    EXPECT_GT(20.0 / 30, kSeekWorthFraction);
}

TEST(UniformSchedule, EntryForATargetMatchesBruteForce)
{
    std::mt19937_64 rng(5);
    for (int trial = 0; trial < 500; ++trial) {
        std::vector<double> times;
        double t = (rng() % 3) * 0.5;
        for (std::size_t n = rng() % 12; n > 0; --n, t += 0.1 + (rng() % 40) / 10.0)
            times.push_back(t);
        const auto entries = entriesAt(times);
        std::set<std::size_t> bad;
        for (std::size_t i = 0; i < entries.size(); ++i)
            if (rng() % 4 == 0)
                bad.insert(i);
        const double target = (rng() % 400) / 10.0 - 1.0;
        int expected = -1;
        for (std::size_t i = entries.size(); i-- > 0;)
            if (entries[i].time <= target + 1e-7 && !bad.count(i)) {
                expected = static_cast<int>(i);
                break;
            }
        EXPECT_EQ(lastUsableEntry(entries, bad, target), expected) << "trial " << trial;
    }
}

TEST(UniformSchedule, EntryPointVerifier)
{
    // Three clean keyframes: pts 0 / 300 / 600, dts two ticks earlier, byte positions known
    // for the first two only.
    const std::vector<EntryPoint> entries{{0.0, 0, -2, 100}, {0.3, 300, 298, 5000}, {0.6, 600, 598, -1}};
    const std::set<std::size_t> none;
    EXPECT_TRUE(landedOnEntry(entries, none, 1, Landing{298, 7}, 300, true));     // landed on it (dts)
    EXPECT_TRUE(landedOnEntry(entries, none, 1, Landing{12345, 5000}, 300, true)); // landed on it (position)
    EXPECT_TRUE(landedOnEntry(entries, none, 1, Landing{-2, 100}, 300, true));    // on an earlier clean one
    EXPECT_FALSE(landedOnEntry(entries, {0}, 1, Landing{-2, 100}, 300, true));    // ... unless that one is bad
    EXPECT_FALSE(landedOnEntry(entries, none, 1, Landing{598, -1}, 300, true));   // on a later one
    EXPECT_FALSE(landedOnEntry(entries, none, 1, std::nullopt, 300, true));      // nothing read
    EXPECT_FALSE(landedOnEntry(entries, none, 1, Landing{298, 7}, 301, true));    // first frame is another one
    EXPECT_FALSE(landedOnEntry(entries, none, 1, Landing{298, 7}, 300, false));   // ... or not flagged key
    EXPECT_FALSE(landedOnEntry(entries, none, 2, Landing{1, -1}, 600, true));     // unknown position never matches
    EXPECT_TRUE(landedOnEntry(entries, none, 2, Landing{598, -1}, 600, true));
}

TEST(UniformSchedule, DisplayEndOfAFrame)
{
    EXPECT_DOUBLE_EQ(displayEnd(900, 900, 10.0, 9.0, 0.04, 0.04), 10.0);  // the last frame lasts to the end
    EXPECT_DOUBLE_EQ(displayEnd(500, 900, 10.0, 5.0, 0.5, 0.04), 5.5);    // its own duration
    EXPECT_DOUBLE_EQ(displayEnd(500, 900, 10.0, 5.0, 0.0, 0.04), 5.04);   // unknown: the frame rate's
}

}  // namespace
}  // namespace tl::video
