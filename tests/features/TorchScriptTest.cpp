// A user TorchScript model (image and clip input), saved by Debian's python3-torch:
// loaded, probed for its input kind, and run through the pipeline (clips assembled
// per video, the last one padded with its last frame).

#include <cstdlib>
#include <gtest/gtest.h>

#include "core/common/Error.h"
#include "core/features/ExtractionPipeline.h"
#include "core/features/FeatureExtractor.h"
#include "tests/support/TestSupport.h"

using namespace tl::features;

namespace {

// image.pt: [N,3,H,W] -> per-channel means (3); clip.pt: [N,3,T,H,W] -> per-channel means (3).
const char* kScript = R"PY(
import sys, torch
class Image(torch.nn.Module):
    def forward(self, x):
        assert x.dim() == 4
        return x.mean(dim=(2, 3))
class Clip(torch.nn.Module):
    def forward(self, x):
        assert x.dim() == 5
        return x.mean(dim=(2, 3, 4))
torch.jit.script(Image()).save(sys.argv[1] + "/image.pt")
torch.jit.script(Clip()).save(sys.argv[1] + "/clip.pt")
)PY";

}  // namespace

TEST(TorchScriptModel, ImageAndClipModelsThroughThePipeline)
{
    const std::string python = tl::test::pythonWith("torch");
    if (python.empty())
        GTEST_SKIP() << "no python3 with torch (Debian: apt install python3-torch)";
    tl::test::TempDir dir;
    tl::test::writeFile(dir / "make.py", kScript);
    ASSERT_EQ(std::system((python + " " + (dir / "make.py").string() + " " + dir.path().string()).c_str()), 0);

    ModelSpec spec;
    spec.device = tl::ComputeDevice::cpu();
    spec.model = "torchscript:" + (dir / "image.pt").string();
    auto image = createExtractor(spec);
    EXPECT_EQ(image->featureDim(), 3u);
    EXPECT_EQ(image->framesPerSample(), 1);
    EXPECT_EQ(image->name(), "torchscript:image.pt");
    EXPECT_EQ(image->provenance().rfind("pretrained:image.pt sha256=", 0), 0u);

    spec.model = "torchscript:" + (dir / "clip.pt").string();
    spec.clipLength = 4;
    auto clip = createExtractor(spec);
    EXPECT_EQ(clip->framesPerSample(), 4);
    EXPECT_EQ(clip->inputSize(), 112);

    // 6 frames of constant value j per channel-0 (others 0): clips {0,1,2,3} and {4,5,5,5}.
    const std::size_t frame = 3 * 112 * 112;
    PipelineOptions options;
    options.batchSize = 8;
    options.source = [&](const VideoItem&, const FrameSink& sink, const tl::JobContext&) {
        for (int j = 0; j < 6; ++j) {
            std::vector<float> f(frame, 0.f);
            std::fill(f.begin(), f.begin() + 112 * 112, static_cast<float>(j));
            sink(std::move(f));
        }
        return 0;
    };
    tl::test::writeFile(dir / "a.mp4", "a");
    const ExtractionResult result = extractFeatures(*clip, {{"a", dir / "a.mp4"}}, options);
    ASSERT_EQ(result.profiles.size(), 1u);
    EXPECT_EQ(result.profiles[0].frames, 2u);  // two clips
    EXPECT_NEAR(result.profiles[0].mean[0], (1.5 + 4.75) / 2, 1e-5);
    EXPECT_NEAR(result.profiles[0].max[0], 4.75, 1e-5);

    spec.randomSeed = 1;
    EXPECT_THROW(createExtractor(spec), tl::ModelError);  // random weights make no sense here
    spec.randomSeed.reset();
    spec.model = "torchscript:" + (dir / "missing.pt").string();
    EXPECT_THROW(createExtractor(spec), tl::ModelError);
}
