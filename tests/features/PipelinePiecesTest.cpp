// The extraction pipeline's pieces, each alone (the whole pipeline: PipelineTest.cpp):
// the plan settled before any thread starts (batch sizes, the sampler for the model, the
// options checked up front), the batch assembler against a brute-force twin written here,
// the padded forward pass, and a video's conclusion and its store record.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/common/Error.h"
#include "core/features/BatchAssembler.h"
#include "core/features/ExtractionPlan.h"
#include "core/features/FeatureExtractor.h"
#include "core/features/FeatureStore.h"
#include "core/features/VideoFinish.h"
#include "tests/support/TestSupport.h"

using namespace tl::features;
using tl::RowMatrixF;

namespace {

// A model of 2 x 2 frames (12 floats) and 2 features per sample: the sample's first value
// and its sum. framesPerSample frames per sample; `extraRows` spoils the returned shape.
class TinyExtractor : public FeatureExtractor {
public:
    explicit TinyExtractor(int perSample = 1, std::string device = "cpu") : perSample_(perSample), device_(std::move(device)) {}
    std::string name() const override { return "tiny"; }
    std::size_t featureDim() const override { return 2; }
    int inputSize() const override { return 2; }
    int framesPerSample() const override { return perSample_; }
    std::string provenance() const override { return "RANDOM WEIGHTS (seed 1)"; }
    bool randomWeights() const override { return true; }
    std::string weightsId() const override { return "random-seed-1"; }
    std::string deviceName() const override { return device_; }
    tl::ComputeDevice device() const override { return tl::ComputeDevice::parse(device_); }
    RowMatrixF forward(const float* frames, std::size_t n) override
    {
        calls.push_back(n);
        const std::size_t samples = n / static_cast<std::size_t>(perSample_) + extraRows;
        const std::size_t floats = 12u * static_cast<std::size_t>(perSample_);
        RowMatrixF out = RowMatrixF::Zero(static_cast<Eigen::Index>(samples), 2);
        for (std::size_t s = 0; s < n / static_cast<std::size_t>(perSample_); ++s) {
            out(static_cast<Eigen::Index>(s), 0) = frames[s * floats];
            for (std::size_t i = 0; i < floats; ++i)
                out(static_cast<Eigen::Index>(s), 1) += frames[s * floats + i];
        }
        return out;
    }
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> parameterShapes() const override { return {}; }
    std::vector<float> parameterValues(const std::string&) const override { return {}; }

    std::vector<std::size_t> calls;
    std::size_t extraRows = 0;

private:
    int perSample_;
    std::string device_;
};

constexpr std::size_t kFrameFloats = 12;

VideoOutcome outcome(const std::string& id, const std::filesystem::path& path, bool ok, bool cached = false)
{
    VideoOutcome out;
    out.id = id;
    out.path = path;
    out.ok = ok;
    out.cached = cached;
    return out;
}

std::vector<float> frameOf(std::size_t video, std::size_t index)
{
    return std::vector<float>(kFrameFloats, static_cast<float>(video * 1000 + index));
}

}  // namespace

TEST(ExtractionPlan, GpuIsDecidedByTheExtractorsDevice)
{
    PipelineOptions options;
    options.source = [](const VideoItem&, const FrameSink&, const tl::JobContext&) { return 0; };
    EXPECT_EQ(planExtraction(TinyExtractor(1, "cpu"), options, 1).batchSamples, kDefaultCpuBatchFrames);
    EXPECT_EQ(planExtraction(TinyExtractor(1, "cuda"), options, 1).batchSamples, kDefaultGpuBatchFrames);
    EXPECT_EQ(planExtraction(TinyExtractor(1, "cuda:1"), options, 1).batchSamples, kDefaultGpuBatchFrames);
}

TEST(ExtractionPlan, BatchAndQueueSizes)
{
    EXPECT_EQ(batchSamplesFor(0, false, 1), kDefaultCpuBatchFrames);
    EXPECT_EQ(batchSamplesFor(0, true, 1), kDefaultGpuBatchFrames);
    EXPECT_EQ(kDefaultCpuBatchFrames, 16u);
    EXPECT_EQ(kDefaultGpuBatchFrames, 64u);
    EXPECT_EQ(batchSamplesFor(0, true, 16), 4u);   // clips of 16 frames: 4 clips per GPU batch
    EXPECT_EQ(batchSamplesFor(0, false, 32), 1u);  // never below one sample
    EXPECT_EQ(batchSamplesFor(10, true, 3), 3u);   // an explicit size wins, in whole clips
    EXPECT_EQ(batchSamplesFor(1, true, 1), 1u);
    EXPECT_EQ(queueCapacityFor(0, 16, 1), 32u);
    EXPECT_EQ(queueCapacityFor(0, 4, 16), 128u);
    EXPECT_EQ(queueCapacityFor(5, 16, 1), 5u);
}

TEST(ExtractionPlan, SamplerFollowsTheModelInput)
{
    tl::video::SamplerOptions options;
    options.thumbWidth = 160;
    options.makeTensor = false;
    const auto same = samplerForModel(options, options.inputSize);
    EXPECT_TRUE(same.makeTensor);
    EXPECT_EQ(same.thumbWidth, 0);
    EXPECT_EQ(same.inputSize, options.inputSize);
    EXPECT_EQ(same.resizeShorterSide, options.resizeShorterSide);

    options.inputSize = 224;
    options.resizeShorterSide = 256;
    const auto larger = samplerForModel(options, 256);
    EXPECT_EQ(larger.inputSize, 256);
    EXPECT_EQ(larger.resizeShorterSide, 293);  // 256 x 256 / 224 = 292.57, rounded
}

TEST(ExtractionPlan, PlanOfAModel)
{
    TinyExtractor clips(3, "cuda:0");
    PipelineOptions options;
    options.decodeWorkers = 8;
    options.source = [](const VideoItem&, const FrameSink&, const tl::JobContext&) { return 0; };
    const ExtractionPlan plan = planExtraction(clips, options, 3);
    EXPECT_EQ(plan.frameFloats, kFrameFloats);
    EXPECT_EQ(plan.perSample, 3u);
    EXPECT_EQ(plan.batchSamples, 64u / 3);
    EXPECT_EQ(plan.queueCapacity, 2u * 21 * 3);
    EXPECT_EQ(plan.workers, 3);  // no more decoders than videos
    EXPECT_EQ(plan.batchFloats(), 21u * 3 * kFrameFloats);
    EXPECT_EQ(plan.sampler.inputSize, 2);
    EXPECT_EQ(plan.modelKey, "tiny dim=2 frames/sample=3");
}

#ifndef TRAILERLAB_NO_VIDEO
// Bad sampling options fail before any work starts: no store folder is created and no
// video is touched.
TEST(ExtractionPlan, BadSamplingFailsBeforeAnyWork)
{
    tl::test::TempDir dir;
    TinyExtractor model;
    PipelineOptions options;
    options.sampler.fps = 0;
    options.cacheDir = dir / "store";
    EXPECT_THROW(planExtraction(model, options, 1), tl::ConfigError);
    EXPECT_THROW(extractFeatures(model, {{"a", dir / "missing.mp4"}}, options), tl::ConfigError);
    EXPECT_FALSE(std::filesystem::exists(dir / "store"));
    EXPECT_TRUE(model.calls.empty());
}
#endif

namespace {

struct Assembled {
    std::vector<std::vector<float>> batches;                 // each: samples x perSample x frame floats
    std::vector<std::vector<std::size_t>> owners;
    std::map<std::size_t, std::size_t> endSamples;           // slot -> samples at its end
    std::vector<std::size_t> endOrder;
};

// The brute-force twin: per video, its frames cut into clips of perSample (the last padded
// with its last frame); clips in the order they complete (a clip completes with its last
// frame, or at its video's end); batches of batchSamples in that order.
std::vector<std::pair<std::size_t, std::vector<float>>> expectedSamples(
    const std::vector<std::pair<std::size_t, long>>& events, std::size_t perSample)
{
    std::vector<std::pair<std::size_t, std::vector<float>>> samples;
    std::map<std::size_t, std::vector<float>> open;
    std::map<std::size_t, std::size_t> counts;
    for (const auto& [slot, what] : events) {
        std::vector<float>& clip = open[slot];
        if (what >= 0) {
            const auto f = frameOf(slot, counts[slot]++);
            clip.insert(clip.end(), f.begin(), f.end());
        } else if (!clip.empty()) {
            const std::vector<float> last(clip.end() - kFrameFloats, clip.end());
            while (clip.size() < perSample * kFrameFloats)
                clip.insert(clip.end(), last.begin(), last.end());
        }
        if (clip.size() == perSample * kFrameFloats) {
            samples.emplace_back(slot, clip);
            clip.clear();
        }
    }
    return samples;
}

}  // namespace

TEST(BatchAssembler, MatchesBruteForceOverRandomInterleavings)
{
    std::mt19937_64 rng(3);
    for (std::size_t perSample : {1u, 2u, 3u}) {
        for (std::size_t batchSamples : {1u, 2u, 4u, 5u}) {
            for (int trial = 0; trial < 20; ++trial) {
                SCOPED_TRACE(testing::Message() << "perSample " << perSample << " batch " << batchSamples << " trial " << trial);
                // Up to 4 videos of 0..9 frames, interleaved at random; -1 marks a video's end.
                const std::size_t videos = 1 + rng() % 4;
                std::vector<std::size_t> left(videos);
                for (auto& l : left)
                    l = rng() % 10;
                std::vector<bool> ended(videos, false);
                std::vector<std::pair<std::size_t, long>> events;
                for (;;) {
                    std::vector<std::size_t> live;
                    for (std::size_t v = 0; v < videos; ++v)
                        if (!ended[v])
                            live.push_back(v);
                    if (live.empty())
                        break;
                    const std::size_t v = live[rng() % live.size()];
                    if (left[v] > 0) {
                        --left[v];
                        events.emplace_back(v, 0);
                    } else {
                        ended[v] = true;
                        events.emplace_back(v, -1);
                    }
                }

                Assembled got;
                BatchAssembler assembler(videos, batchSamples, perSample, kFrameFloats, [&](AssembledWork&& work) {
                    if (work.end) {
                        EXPECT_TRUE(work.owners.empty());
                        got.endSamples[work.end->slot] = work.samples;
                        got.endOrder.push_back(work.end->slot);
                    } else {
                        EXPECT_EQ(work.batch.size(), work.owners.size() * perSample * kFrameFloats);
                        got.batches.push_back(std::move(work.batch));
                        got.owners.push_back(std::move(work.owners));
                    }
                    return true;
                });
                std::map<std::size_t, std::size_t> counts;
                for (const auto& [slot, what] : events) {
                    if (what >= 0) {
                        EXPECT_TRUE(assembler.frame(slot, frameOf(slot, counts[slot]++)));
                    } else {
                        VideoEnd end;
                        end.slot = slot;
                        EXPECT_TRUE(assembler.end(std::move(end)));
                    }
                }
                EXPECT_TRUE(assembler.flush());

                const auto expected = expectedSamples(events, perSample);
                std::size_t i = 0;
                std::map<std::size_t, std::size_t> perVideo;
                for (std::size_t b = 0; b < got.batches.size(); ++b) {
                    if (b + 1 < got.batches.size()) {
                        EXPECT_EQ(got.owners[b].size(), batchSamples);  // only the last batch is short
                    }
                    for (std::size_t s = 0; s < got.owners[b].size(); ++s, ++i) {
                        ASSERT_LT(i, expected.size());
                        EXPECT_EQ(got.owners[b][s], expected[i].first);
                        const std::vector<float> sample(got.batches[b].begin() + static_cast<long>(s * perSample * kFrameFloats),
                                                        got.batches[b].begin() + static_cast<long>((s + 1) * perSample * kFrameFloats));
                        EXPECT_EQ(sample, expected[i].second);
                        ++perVideo[got.owners[b][s]];
                    }
                }
                EXPECT_EQ(i, expected.size());
                ASSERT_EQ(got.endOrder.size(), videos);
                for (std::size_t v = 0; v < videos; ++v)
                    EXPECT_EQ(got.endSamples[v], perVideo[v]) << "video " << v;
            }
        }
    }
}

TEST(BatchAssembler, StopsWhenTheConsumerIsGone)
{
    int shipped = 0;
    BatchAssembler assembler(1, 2, 1, kFrameFloats, [&](AssembledWork&&) { ++shipped; return false; });
    EXPECT_TRUE(assembler.frame(0, frameOf(0, 0)));   // batch not full: nothing shipped yet
    EXPECT_FALSE(assembler.frame(0, frameOf(0, 1)));  // full batch refused
    EXPECT_EQ(shipped, 1);
    VideoEnd end;
    EXPECT_FALSE(assembler.end(std::move(end)));
}

TEST(ForwardFullBatch, PadsToTheFullBatchAndTrims)
{
    TinyExtractor model(2);
    std::vector<float> batch;
    for (std::size_t s = 0; s < 3; ++s)
        for (std::size_t f = 0; f < 2; ++f) {
            const auto frame = frameOf(s, f);
            batch.insert(batch.end(), frame.begin(), frame.end());
        }
    const std::size_t size = batch.size();
    const RowMatrixF features = forwardFullBatch(model, batch, 3, 5, 2, kFrameFloats);
    ASSERT_EQ(model.calls.size(), 1u);
    EXPECT_EQ(model.calls[0], 10u);  // 5 samples of 2 frames, whatever the 3 used
    EXPECT_EQ(batch.size(), size);
    ASSERT_EQ(features.rows(), 3);
    for (Eigen::Index s = 0; s < 3; ++s) {
        EXPECT_EQ(features(s, 0), static_cast<float>(s * 1000));
        EXPECT_EQ(features(s, 1), static_cast<float>(12 * (s * 1000) + 12 * (s * 1000 + 1)));
    }
    model.extraRows = 1;
    EXPECT_THROW(forwardFullBatch(model, batch, 3, 5, 2, kFrameFloats), tl::ModelError);
}

TEST(VideoFinish, ConcludesOrSaysWhy)
{
    VideoOutcome out = outcome("a", {}, true);
    FeaturePooler empty(2);
    EXPECT_FALSE(concludeVideo("a", empty, out));
    EXPECT_FALSE(out.ok);
    EXPECT_NE(out.error.find("no usable frame"), std::string::npos);

    out = outcome("a", {}, true);
    FeaturePooler bad(2);
    const float nan[2] = {1.0f, std::numeric_limits<float>::quiet_NaN()};
    bad.add(nan);
    EXPECT_FALSE(concludeVideo("a", bad, out));
    EXPECT_FALSE(out.ok);
    EXPECT_NE(out.error.find("non-finite"), std::string::npos);

    out = outcome("a", {}, true);
    FeaturePooler good(2);
    const float f1[2] = {1, 4}, f2[2] = {3, 0};
    good.add(f1);
    good.add(f2);
    const auto profile = concludeVideo("a", good, out);
    ASSERT_TRUE(profile);
    EXPECT_TRUE(out.ok);
    EXPECT_EQ(out.frames, 2u);
    EXPECT_EQ(profile->frames, 2u);
    EXPECT_EQ(profile->mean, (std::vector<float>{2, 2}));
    EXPECT_EQ(profile->max, (std::vector<float>{3, 4}));
    EXPECT_EQ(profile->stdDev, (std::vector<float>{1, 2}));

    VideoOutcome cached = outcome("a", {}, true, true);  // from the store: left alone
    EXPECT_FALSE(concludeVideo("a", good, cached));
    EXPECT_TRUE(cached.ok);
    EXPECT_EQ(cached.frames, 0u);
}

TEST(VideoFinish, StoreRecordsTheConclusion)
{
    tl::test::TempDir dir;
    const FeatureStore store(dir / "store");
    const StoreKey okKey{"hash-a", "tiny dim=2", "w", "s", "p"}, badKey{"hash-b", "tiny dim=2", "w", "s", "p"};
    const VideoOutcome ok = outcome("a", dir / "a.mp4", true);
    const ItemProfile profile{"a", 2, {2, 2}, {3, 4}, {1, 2}};
    storeConclusion(store, okKey, ok, &profile, "RANDOM WEIGHTS (seed 1)", 3);
    const auto loaded = store.load(okKey);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->frames, 2u);
    EXPECT_EQ(loaded->max, profile.max);
    EXPECT_EQ(loaded->metadata.at("warnings"), "3");
    EXPECT_EQ(loaded->metadata.at("item"), "a");

    VideoOutcome bad = outcome("b", dir / "b.mp4", false);
    bad.error = "undecodable";
    storeConclusion(store, badKey, bad, nullptr, "RANDOM WEIGHTS (seed 1)", 0);
    EXPECT_FALSE(store.load(badKey));
    EXPECT_TRUE(std::filesystem::exists(dir / "store" / "failures" / (badKey.digest() + ".json")));
}
