// Looking inside features: dimension names (known answers and the C, H, W flattening),
// the top-activation index against a brute-force stable sort, per-frame features whose
// mean is the pipeline's pooled profile, and what a configuration's sidecar allows.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <numeric>
#include <random>

#include "core/common/Error.h"
#include "core/experiment/ConfigurationFrames.h"
#include "core/features/ExtractionPipeline.h"
#include "core/features/FeatureExtractor.h"
#include "core/features/FeatureNames.h"
#include "core/features/FrameFeatures.h"
#include "core/features/TopActivations.h"
#include "core/video/ClipWriter.h"
#include "tests/support/TestSupport.h"

using namespace tl::features;
using tl::RowMatrixF;

namespace {

TEST(FeatureNames, KnownAnswers)
{
    const FeatureLayout vgg = FeatureLayout::forModel("vgg16", 25088);
    EXPECT_EQ(featureName(vgg, 211 * 49 + 3 * 7 + 4), "vgg16.pool5.c211@3,4");
    EXPECT_EQ(featureName(vgg, 0), "vgg16.pool5.c000@0,0");
    EXPECT_EQ(featureName(vgg, 25087), "vgg16.pool5.c511@6,6");
    EXPECT_EQ(featureName(FeatureLayout::forModel("vgg19", 25088), 49), "vgg19.pool5.c001@0,0");
    EXPECT_THROW(featureName(vgg, 25088), tl::Error);

    const FeatureLayout pooled = FeatureLayout::forModel("mobilenetv2", 1280);
    EXPECT_EQ(featureName(pooled, 89), "mobilenetv2.pool.c089");
    EXPECT_EQ(featureName(pooled, 1279), "mobilenetv2.pool.c1279");
    EXPECT_EQ(featureName(FeatureLayout::forModel("mobilenetv2", 62720), 1279 * 49 + 6 * 7 + 5),
              "mobilenetv2.conv_last.c1279@6,5");

    // A size the model does not make, and unknown models: position only.
    EXPECT_EQ(featureName(FeatureLayout::forModel("vgg16", 512), 7), "vgg16.f007");
    EXPECT_EQ(featureName(FeatureLayout::forModel("torchscript:r3d.pt", 400), 12), "torchscript:r3d.pt.f012");
    EXPECT_EQ(featureName(FeatureLayout::indexed("", 10), 3), "f03");

    EXPECT_EQ(featureName(FeatureLayout::reduced("pca", 64), 0), "pca.pc01");
    EXPECT_EQ(featureName(FeatureLayout::reduced("pca", 64), 63), "pca.pc64");
    EXPECT_EQ(featureName(FeatureLayout::reduced("ae", 8), 2), "ae.z03");
    EXPECT_EQ(featureName(FeatureLayout::reduced("topk", 500), 42), "topk.f042");

    const FeatureLayout genres = FeatureLayout::named({"Action", "Comedy"});
    EXPECT_EQ(featureName(genres, 1), "Comedy");
    EXPECT_EQ(featureName(genres, 5), "f0005");
}

TEST(FeatureNames, GridNamesFollowTheChannelRowColumnFlattening)
{
    // Brute force: walk a 512 x 7 x 7 tensor in C order and name each cell from its indices.
    const FeatureLayout vgg = FeatureLayout::forModel("vgg11", 25088);
    std::size_t f = 0;
    for (int c = 0; c < 512; ++c)
        for (int y = 0; y < 7; ++y)
            for (int x = 0; x < 7; ++x, ++f) {
                char expected[64];
                std::snprintf(expected, sizeof expected, "vgg11.pool5.c%03d@%d,%d", c, y, x);
                ASSERT_EQ(featureName(vgg, f), expected) << "f = " << f;
            }
    EXPECT_EQ(f, 25088u);
}

// Brute force: every frame, stable-sorted by value (largest first), first `top` kept.
std::vector<Activation> bruteForceTop(const std::vector<std::vector<float>>& frames,
                                      const std::vector<std::uint32_t>& items, const std::vector<double>& times,
                                      std::size_t f, std::size_t top)
{
    std::vector<std::size_t> order;
    for (std::size_t k = 0; k < frames.size(); ++k)
        if (!std::isnan(frames[k][f]))
            order.push_back(k);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return frames[a][f] > frames[b][f]; });
    order.resize(std::min(order.size(), top));
    std::vector<Activation> out;
    for (std::size_t k : order)
        out.push_back({items[k], static_cast<float>(times[k]), frames[k][f]});
    return out;
}

TEST(TopActivations, EqualsABruteForceStableSort)
{
    for (std::size_t top : {1u, 3u, 8u, 50u}) {
        std::mt19937 rng(static_cast<unsigned>(top));
        std::uniform_int_distribution<int> level(0, 9);  // few distinct values: many ties
        const std::size_t dims = 13, count = 40;
        TopActivationIndex index(dims, top);
        std::vector<std::vector<float>> frames;
        std::vector<std::uint32_t> items;
        std::vector<double> times;
        for (std::size_t k = 0; k < count; ++k) {
            std::vector<float> v(dims);
            for (auto& x : v)
                x = static_cast<float>(level(rng)) * 0.5f - 1.0f;
            if (k % 7 == 3)
                v[k % dims] = std::nanf("");
            frames.push_back(v);
            items.push_back(static_cast<std::uint32_t>(k / 5));
            times.push_back(0.5 * static_cast<double>(k % 5));
            index.add(items.back(), times.back(), v.data());
        }
        EXPECT_EQ(index.framesAdded(), count);
        for (std::size_t f = 0; f < dims; ++f) {
            const auto got = index.entries(f);
            const auto want = bruteForceTop(frames, items, times, f, top);
            ASSERT_EQ(got.size(), want.size()) << "top " << top << " f " << f;
            for (std::size_t i = 0; i < got.size(); ++i) {
                EXPECT_EQ(got[i].item, want[i].item) << "top " << top << " f " << f << " rank " << i;
                EXPECT_EQ(got[i].time, want[i].time);
                EXPECT_EQ(got[i].value, want[i].value);
            }
        }
    }
    EXPECT_TRUE(TopActivationIndex(3, 8).entries(5).empty());
    EXPECT_EQ(TopActivationIndex(1280, 8).bytes(), 1280u * 8u * 20u + 1280u * 4u);
}

constexpr int kSize = 224;
constexpr std::size_t kFrame = 3 * kSize * kSize;

// Channel means and two pixels per frame: cheap and exact enough to compare paths.
class FakeExtractor : public FeatureExtractor {
public:
    explicit FakeExtractor(int perSample = 1) : perSample_(perSample) {}
    std::string name() const override { return "fake"; }
    std::size_t featureDim() const override { return 5; }
    int framesPerSample() const override { return perSample_; }
    std::string provenance() const override { return "RANDOM WEIGHTS (seed 0)"; }
    bool randomWeights() const override { return true; }
    std::string weightsId() const override { return "fake"; }
    std::string deviceName() const override { return "cpu"; }
    RowMatrixF forward(const float* frames, std::size_t n) override
    {
        RowMatrixF out(static_cast<Eigen::Index>(n), 5);
        for (std::size_t i = 0; i < n; ++i) {
            const float* f = frames + i * kFrame;
            for (int c = 0; c < 3; ++c)
                out(static_cast<Eigen::Index>(i), c) =
                    Eigen::Map<const Eigen::VectorXf>(f + c * kSize * kSize, kSize * kSize).mean();
            out(static_cast<Eigen::Index>(i), 3) = f[12345];
            out(static_cast<Eigen::Index>(i), 4) = f[kFrame - 1];
        }
        return out;
    }
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> parameterShapes() const override { return {}; }
    std::vector<float> parameterValues(const std::string&) const override { return {}; }

private:
    int perSample_;
};

std::filesystem::path writeTestClip(const std::filesystem::path& dir)
{
    const auto clip = dir / "clip.mp4";
    tl::video::ClipSpec spec;
    spec.width = 96, spec.height = 64, spec.fps = 10, spec.frames = 30, spec.threads = 1;
    tl::video::writeClip(clip, spec, [](int index, int w, int h, std::vector<std::uint8_t>& rgb) {
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                for (int c = 0; c < 3; ++c)
                    rgb[static_cast<std::size_t>((y * w + x) * 3 + c)] =
                        static_cast<std::uint8_t>((x * 3 + y * (c + 1) + index * 23) % 256);
    });
    return clip;
}

TEST(FrameFeatures, MeanOfTheFramesIsThePipelinesProfile)
{
    tl::test::TempDir dir;
    const auto clip = writeTestClip(dir.path());
    tl::video::SamplerOptions sampler;
    sampler.fps = 4;
    sampler.thumbWidth = 48;
    FakeExtractor extractor;
    const FrameFeatures frames = extractFrameFeatures(extractor, clip, sampler, 4);

    PipelineOptions options;
    options.sampler = sampler;
    options.batchSize = 4;
    const ExtractionResult pooled = extractFeatures(extractor, {{"clip", clip}}, options);
    ASSERT_EQ(pooled.profiles.size(), 1u);
    ASSERT_EQ(frames.frames(), pooled.profiles[0].frames);
    EXPECT_EQ(frames.frames(), 12u);  // 3 s at 4 frames/s
    const Eigen::RowVectorXd mean = frames.values.cast<double>().colwise().mean();
    for (int c = 0; c < 5; ++c)
        EXPECT_NEAR(mean[c], pooled.profiles[0].mean[static_cast<std::size_t>(c)], 1e-5) << "feature " << c;
    for (std::size_t k = 0; k < frames.frames(); ++k) {
        EXPECT_NEAR(frames.times[k], 0.25 * static_cast<double>(k), 0.051) << "frame " << k;
        EXPECT_EQ(frames.shotIds[k], -1);
        EXPECT_EQ(frames.thumbnails[k].width, 48);
        EXPECT_EQ(frames.thumbnails[k].rgb.size(), static_cast<std::size_t>(48 * frames.thumbnails[k].height * 3));
    }
    // The batch size does not change a frame's features (the pipeline pads every batch).
    const FrameFeatures other = extractFrameFeatures(extractor, clip, sampler, 16);
    EXPECT_EQ(other.values, frames.values);
}

TEST(FrameFeatures, ClipModelsAndCancellationAreRefused)
{
    tl::test::TempDir dir;
    const auto clip = writeTestClip(dir.path());
    FakeExtractor clipModel(4);
    EXPECT_THROW(extractFrameFeatures(clipModel, clip, {}), tl::ModelError);
    FakeExtractor extractor;
    tl::CancelToken token;
    token.cancel();
    EXPECT_THROW(extractFrameFeatures(extractor, clip, {}, 0, tl::JobContext({}, token)), tl::Cancelled);
}

// A project data object whose single configuration is described by `meta`.
struct Configured {
    tl::test::TempDir dir;
    tl::ProjectData data;
    tl::ContentSourceInfo source;
    Configured(const std::string& meta)
    {
        source.name = "mobilenetv2-fps1";
        source.file = dir / "mobilenetv2-fps1.npy";
        if (!meta.empty())
            tl::test::writeFile(dir / "mobilenetv2-fps1.meta.json", meta);
        data.project.file = dir / "p.trailerlab.json";
        data.catalog.genreNames = {"Action", "Drama"};
    }
};

const std::string kMobileNetMeta = R"json({"model": "mobilenetv2", "pooling": "mean",
  "provenance": "RANDOM WEIGHTS (seed 3)",
  "sampling": "uniform fps=2 skip=0,0",
  "preprocessing": "shorter-side-crop size=224 shorter=256 mean=0.4850000143,0.4560000002,0.4059999883 std=0.2290000021,0.2240000069,0.224999994 drop-uniform sd<0.02 black<0.06"})json";

TEST(ConfigurationFrames, NamesComeFromTheSidecar)
{
    Configured c(kMobileNetMeta);
    EXPECT_EQ(featureName(tl::featureLayoutOf(c.data, c.source, 1280), 89), "mobilenetv2.pool.c089");
    tl::ContentSourceInfo genre;
    genre.name = "genre";
    EXPECT_EQ(featureName(tl::featureLayoutOf(c.data, genre, 2), 1), "Drama");
    Configured bare("");
    EXPECT_EQ(featureName(tl::featureLayoutOf(bare.data, bare.source, 20), 7), "mobilenetv2-fps1.f07");
    Configured reduced(R"({"model": "vgg16", "pooling": "mean", "reduce": "pca"})");
    EXPECT_EQ(featureName(tl::featureLayoutOf(reduced.data, reduced.source, 16), 0), "pca.pc01");
}

TEST(ConfigurationFrames, SetupReproducesTheSamplingOrRefuses)
{
    Configured c(kMobileNetMeta);
    const tl::FrameExtractionSetup setup = tl::frameExtractionSetup(c.data, c.source);
    EXPECT_EQ(setup.model.model, "mobilenetv2");
    ASSERT_TRUE(setup.model.randomSeed.has_value());
    EXPECT_EQ(*setup.model.randomSeed, 3u);
    EXPECT_EQ(setup.sampler.fps, 2.0);
    EXPECT_EQ(describeSampling(setup.sampler), "uniform fps=2 skip=0,0");

    tl::ContentSourceInfo genre;
    genre.name = "genre";
    EXPECT_THROW(tl::frameExtractionSetup(c.data, genre), tl::ConfigError);
    Configured bare("");
    EXPECT_THROW(tl::frameExtractionSetup(bare.data, bare.source), tl::ConfigError);
    std::string maxPooled = kMobileNetMeta;
    maxPooled.replace(maxPooled.find("\"mean\""), 6, "\"max\"");
    Configured max(maxPooled);
    EXPECT_THROW(tl::frameExtractionSetup(max.data, max.source), tl::ConfigError);
    std::string skipped = kMobileNetMeta;
    skipped.replace(skipped.find("skip=0,0"), 8, "skip=2,0");
    Configured skip(skipped);
    try {
        tl::frameExtractionSetup(skip.data, skip.source);
        FAIL() << "a temporal crop the setup cannot reproduce was accepted";
    } catch (const tl::ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("skip=2,0"), std::string::npos) << e.what();
    }
}

TEST(ConfigurationFrames, GalleryIndexIsSavedAndLoadedBack)
{
    Configured c(kMobileNetMeta);
    tl::test::writeFile(c.source.file, "profiles");  // the profile file the index belongs to
    tl::GalleryIndex g;
    g.items = {"1", "2", "10"};
    g.failures = {"7: cannot decode"};
    g.index = TopActivationIndex(6, 3);
    std::mt19937 rng(4);
    std::uniform_int_distribution<int> level(0, 5);
    for (std::uint32_t k = 0; k < 11; ++k) {
        std::vector<float> v(6);
        for (auto& x : v)
            x = static_cast<float>(level(rng));
        g.index.add(k % 3, 0.5 * k, v.data());
        ++g.frames;
    }
    const auto file = tl::galleryIndexFile(c.source);
    EXPECT_EQ(file.filename(), "mobilenetv2-fps1.gallery.bin");
    tl::saveGalleryIndex(g, file);
    std::string problem;
    const auto back = tl::loadGalleryIndex(file, c.source, 3, &problem);
    ASSERT_TRUE(back.has_value()) << problem;
    EXPECT_EQ(back->items, g.items);
    EXPECT_EQ(back->failures, g.failures);
    EXPECT_EQ(back->frames, 11u);
    EXPECT_EQ(back->index.framesAdded(), 11u);
    for (std::size_t f = 0; f < 6; ++f) {
        const auto a = g.index.entries(f), b = back->index.entries(f);
        ASSERT_EQ(a.size(), b.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            EXPECT_EQ(a[i].item, b[i].item);
            EXPECT_EQ(a[i].time, b[i].time);
            EXPECT_EQ(a[i].value, b[i].value);
        }
    }
    // Another top, a damaged file, a profile file written after the index: not used.
    EXPECT_FALSE(tl::loadGalleryIndex(file, c.source, 8).has_value());
    std::string bytes;
    {
        std::ifstream in(file, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    tl::test::writeFile(file, bytes.substr(0, bytes.size() - 5));
    EXPECT_FALSE(tl::loadGalleryIndex(file, c.source, 3, &problem).has_value());
    EXPECT_NE(problem.find("truncated"), std::string::npos) << problem;
    tl::saveGalleryIndex(g, file);
    std::filesystem::last_write_time(c.source.file, std::filesystem::last_write_time(file) + std::chrono::seconds(5));
    EXPECT_FALSE(tl::loadGalleryIndex(file, c.source, 3).has_value());
}

}  // namespace
