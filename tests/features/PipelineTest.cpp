// The extraction pipeline: batching across videos, pooling vs brute force, a corrupt
// video among good ones, cancellation and resume from the feature store, and the real
// FrameSampler + MobileNetV2 path on shared videos.

#include <atomic>
#include <mutex>
#include <gtest/gtest.h>

#include "core/common/Error.h"
#include "core/features/ExtractionPipeline.h"
#include "core/features/FeatureExtractor.h"
#include "core/features/FeatureStore.h"
#include "tests/support/TestSupport.h"

using namespace tl::features;
using tl::RowMatrixF;

namespace {

constexpr int kSize = 224;
constexpr std::size_t kFrame = 3 * kSize * kSize;

// A cheap deterministic stand-in for a CNN: per frame, the three channel means and a few
// pixels. Exact arithmetic, so pipeline results can be compared with brute force.
class FakeExtractor : public FeatureExtractor {
public:
    std::string name() const override { return "fake"; }
    std::size_t featureDim() const override { return 5; }
    std::string provenance() const override { return "RANDOM WEIGHTS (seed 0)"; }
    bool randomWeights() const override { return true; }
    std::string weightsId() const override { return "fake"; }
    std::string deviceName() const override { return "cpu"; }
    RowMatrixF forward(const float* frames, std::size_t n) override
    {
        ++batches;
        maxBatch = std::max(maxBatch, n);
        RowMatrixF out(static_cast<Eigen::Index>(n), 5);
        for (std::size_t i = 0; i < n; ++i)
            out.row(static_cast<Eigen::Index>(i)) = features(frames + i * kFrame);
        return out;
    }
    static Eigen::RowVectorXf features(const float* f)
    {
        Eigen::RowVectorXf r(5);
        for (int c = 0; c < 3; ++c)
            r[c] = Eigen::Map<const Eigen::VectorXf>(f + c * kSize * kSize, kSize * kSize).mean();
        r[3] = f[0];
        r[4] = f[kFrame - 1];
        return r;
    }
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> parameterShapes() const override { return {}; }
    std::vector<float> parameterValues(const std::string&) const override { return {}; }
    std::size_t batches = 0, maxBatch = 0;
};

// Video k has 3 + k frames; frame j of video k is filled from (k, j). Video "broken" throws.
std::vector<float> syntheticFrame(int video, int frame)
{
    std::vector<float> f(kFrame);
    for (std::size_t i = 0; i < kFrame; ++i)
        f[i] = static_cast<float>(((i * 7 + static_cast<std::size_t>(video) * 131 + static_cast<std::size_t>(frame) * 17) % 101)) / 50.f - 1.f;
    return f;
}

FrameSource syntheticSource(std::atomic<int>* decoded = nullptr)
{
    return [decoded](const VideoItem& item, const FrameSink& sink, const tl::JobContext& ctx) {
        if (item.id == "broken")
            throw tl::DecodeError(item.path.string(), "invalid data found when processing input");
        const int k = std::stoi(item.id.substr(1));
        for (int j = 0; j < 3 + k; ++j) {
            ctx.checkCancelled();
            sink(syntheticFrame(k, j));
            if (decoded)
                ++*decoded;
        }
        return k % 2;  // some counted warnings
    };
}

std::vector<VideoItem> makeVideos(const tl::test::TempDir& dir, int count, bool withBroken)
{
    std::vector<VideoItem> items;
    for (int k = 0; k < count; ++k) {
        std::string id = "v";
        id += std::to_string(k);
        tl::test::writeFile(dir / (id + ".mp4"), "content of " + id);  // hashed for the store key
        items.push_back({id, dir / (id + ".mp4")});
        if (withBroken && k == 1) {
            tl::test::writeFile(dir / "broken.mp4", "not a video");
            items.push_back({"broken", dir / "broken.mp4"});
        }
    }
    return items;
}

}  // namespace

TEST(Pipeline, BatchesAcrossVideosAndPoolsLikeBruteForce)
{
    tl::test::TempDir dir;
    const auto videos = makeVideos(dir, 6, true);
    FakeExtractor fake;
    PipelineOptions options;
    options.source = syntheticSource();
    options.batchSize = 4;
    options.decodeWorkers = 2;
    std::vector<tl::Progress> progress;
    std::mutex mutex;
    tl::JobContext ctx([&](const tl::Progress& p) { std::lock_guard l(mutex); progress.push_back(p); });
    const ExtractionResult result = extractFeatures(fake, videos, options, ctx);

    ASSERT_EQ(result.videos.size(), 7u);
    EXPECT_EQ(result.failedVideos, 1u);
    EXPECT_FALSE(result.videos[2].ok);  // "broken" keeps its place and says why
    EXPECT_EQ(result.videos[2].id, "broken");
    EXPECT_NE(result.videos[2].error.find("invalid data"), std::string::npos);
    ASSERT_EQ(result.profiles.size(), 6u);
    EXPECT_EQ(result.framesComputed, 3u + 4 + 5 + 6 + 7 + 8);
    EXPECT_EQ(fake.maxBatch, 4u);
    EXPECT_LE(fake.batches, 9u);  // 33 frames in batches of 4 across video boundaries

    for (int k = 0; k < 6; ++k) {
        SCOPED_TRACE(k);
        const ItemProfile& p = result.profiles[static_cast<std::size_t>(k)];
        EXPECT_EQ(p.id.substr(1), std::to_string(k));
        EXPECT_EQ(p.frames, static_cast<std::size_t>(3 + k));
        EXPECT_EQ(result.videos[k < 2 ? static_cast<std::size_t>(k) : static_cast<std::size_t>(k) + 1].warnings, k % 2);
        Eigen::MatrixXd rows(3 + k, 5);
        for (int j = 0; j < 3 + k; ++j)
            rows.row(j) = FakeExtractor::features(syntheticFrame(k, j).data()).cast<double>();
        const Eigen::RowVectorXd mean = rows.colwise().mean();  // formula 2
        const Eigen::RowVectorXd sd = ((rows.rowwise() - mean).array().square().colwise().mean()).sqrt();
        for (int c = 0; c < 5; ++c) {
            EXPECT_NEAR(p.mean[c], mean[c], 1e-6);
            EXPECT_EQ(p.max[c], static_cast<float>(rows.col(c).maxCoeff()));
            EXPECT_NEAR(p.stdDev[c], sd[c], 1e-6);
        }
    }
    const tl::FeatureMatrix mip = itemProfileMatrix(result, Pooling::Max);
    ASSERT_EQ(mip.rows(), 6u);
    EXPECT_EQ(mip.ids[5], "v5");
    EXPECT_EQ(mip.values(5, 4), result.profiles[5].max[4]);

    ASSERT_FALSE(progress.empty());
    EXPECT_EQ(progress.back().stage, "extract");
    EXPECT_EQ(progress.back().done, 7);
    bool sawRate = false;
    for (const auto& p : progress)
        sawRate = sawRate || p.detail.find("frames/s") != std::string::npos;
    EXPECT_TRUE(sawRate);
}

TEST(Pipeline, ResumesAfterCancellationWithTheSameResult)
{
    tl::test::TempDir dir;
    const auto videos = makeVideos(dir, 8, true);
    PipelineOptions options;
    options.batchSize = 2;
    options.source = syntheticSource();

    FakeExtractor reference;
    const ExtractionResult uninterrupted = extractFeatures(reference, videos, options);

    options.cacheDir = dir / "cache";
    tl::CancelToken token;
    tl::JobContext cancelling(
        [&](const tl::Progress& p) {
            if (p.stage == "extract" && p.done >= 3)
                token.cancel();
        },
        token);
    FakeExtractor first;
    EXPECT_THROW(extractFeatures(first, videos, options, cancelling), tl::Cancelled);

    std::atomic<int> decoded{0};
    options.source = syntheticSource(&decoded);
    FakeExtractor second;
    const ExtractionResult resumed = extractFeatures(second, videos, options);
    EXPECT_GE(resumed.cachedVideos, 2u);  // finished videos were not decoded again
    EXPECT_LT(decoded.load(), 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10);
    EXPECT_EQ(resumed.failedVideos, 1u);  // the failure is retried, not cached
    for (const auto& v : resumed.videos)
        EXPECT_TRUE(v.ok || v.id == "broken") << v.id << ": " << v.error;
    const auto a = itemProfileMatrix(uninterrupted), b = itemProfileMatrix(resumed);
    {  // a second run without the cache gives the same profiles
        PipelineOptions overlapped = options;
        overlapped.cacheDir.clear();
        overlapped.source = syntheticSource();
        FakeExtractor fake;
        const ExtractionResult o = extractFeatures(fake, videos, overlapped);
        EXPECT_EQ(o.framesComputed, uninterrupted.framesComputed);
        EXPECT_EQ(itemProfileMatrix(o).values, itemProfileMatrix(uninterrupted).values);
        EXPECT_EQ(itemProfileMatrix(o).ids, itemProfileMatrix(uninterrupted).ids);
    }
    EXPECT_EQ(a.ids, b.ids);
    EXPECT_EQ(a.values, b.values);
    EXPECT_EQ(itemProfileMatrix(uninterrupted, Pooling::Std).values, itemProfileMatrix(resumed, Pooling::Std).values);

    FakeExtractor third;  // everything cached now
    const ExtractionResult again = extractFeatures(third, videos, options);
    EXPECT_EQ(again.cachedVideos, 8u);
    EXPECT_EQ(third.batches, 0u);
    EXPECT_EQ(itemProfileMatrix(again).values, a.values);
    EXPECT_TRUE(std::filesystem::exists(dir / "cache" / "failures"));
}

TEST(Pipeline, StoreKeyCoversEverySetting)
{
    const StoreKey base{"h", "m", "w", "s", "p"};
    for (StoreKey k : {StoreKey{"h2", "m", "w", "s", "p"}, StoreKey{"h", "m2", "w", "s", "p"},
                       StoreKey{"h", "m", "w2", "s", "p"}, StoreKey{"h", "m", "w", "s2", "p"},
                       StoreKey{"h", "m", "w", "s", "p2"}, StoreKey{"hm", "", "w", "s", "p"}})
        EXPECT_NE(k.digest(), base.digest());
    tl::video::SamplerOptions o;
    const std::string one = describeSampling(o);
    o.fps = 2;
    EXPECT_NE(describeSampling(o), one);
}

// Real decoding: FrameSampler + MobileNetV2 (random weights: fast and independent of the
// ONNX file) on two shared videos and a corrupt file.
TEST(Pipeline, RealVideosWithACorruptOne)
{
    TL_REQUIRE_VIDEO();
    TL_REQUIRE_SHARED(shortVideo, "videos/realshort.mp4");
    TL_REQUIRE_SHARED(otherVideo, "videos/balle1-vp9.avi");
    tl::test::TempDir dir;
    tl::test::writeFile(dir / "corrupt.mp4", std::string(4096, '\x42'));
    const std::vector<VideoItem> videos{{"realshort", shortVideo}, {"corrupt", dir / "corrupt.mp4"}, {"balle1", otherVideo}};

    ModelSpec spec;
    spec.model = "mobilenetv2";
    spec.randomSeed = 3;
    spec.device = tl::ComputeDevice::cpu();
    auto net = createExtractor(spec);
    PipelineOptions options;
    options.sampler.fps = 2;
    options.batchSize = 4;
    options.cacheDir = dir / "cache";
    const ExtractionResult result = extractFeatures(*net, videos, options);
    EXPECT_EQ(result.provenance, "RANDOM WEIGHTS (seed 3)");
    EXPECT_TRUE(result.videos[0].ok);
    EXPECT_FALSE(result.videos[1].ok);
    EXPECT_FALSE(result.videos[1].error.empty());
    EXPECT_TRUE(result.videos[2].ok) << result.videos[2].error;
    ASSERT_EQ(result.profiles.size(), 2u);
    EXPECT_EQ(result.profiles[0].mean.size(), 1280u);
    EXPECT_GT(result.framesComputed, 1u);

    const ExtractionResult cached = extractFeatures(*net, videos, options);
    EXPECT_EQ(cached.cachedVideos, 2u);
    EXPECT_EQ(itemProfileMatrix(cached).values, itemProfileMatrix(result).values);
}
