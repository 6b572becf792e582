// The demo with sound, both modalities side by side: MobileNetV2 frame features
// and audio descriptors of the same trailers, each beating the user-mean baseline
// on the same split. The place for the fused known answer (fusion at least as good
// as the better single modality) once fusion is in core.
#include <gtest/gtest.h>

#include <cmath>

#include "core/eval/Evaluator.h"
#include "tests/audio/DemoWithSound.h"

namespace tl {
namespace {

TEST(DemoPictureAndSound, BothModalitiesBeatTheUserMean)
{
    TL_REQUIRE_VIDEO();
    TL_REQUIRE_SHARED(onnx, "models/mobilenetv2-12-int8.onnx");
    DemoSpec spec;
    spec.items = 60;
    spec.users = 400;
    spec.minSeconds = 4;
    spec.maxSeconds = 6;
    const auto demo = test::makeDemoWithSound(spec);
    const FeatureMatrix visual = demo->visualFeatures(onnx.parent_path());
    ASSERT_EQ(visual.ids, demo->audio.ids);
    ASSERT_GT(visual.dims(), 100u);
    EXPECT_TRUE(visual.values.allFinite());

    const Split split = randomHoldout(demo->data, 0.2, 42);
    EvalSettings settings;
    settings.ks = {10, 20, 30, 40, 50};
    settings.baselines = true;
    const auto result = evaluateSplit(demo->data, split, {{"visual", &visual}, {"audio", &demo->audio}}, settings);
    double userMean = 0, best[2] = {1e9, 1e9};
    for (const auto& row : result.rows) {
        if (row.method == "user-mean")
            userMean = row.metrics.rmse;
        if (row.method == "visual")
            best[0] = std::min(best[0], row.metrics.rmse);
        if (row.method == "audio")
            best[1] = std::min(best[1], row.metrics.rmse);
    }
    std::cout << "RMSE: user mean " << userMean << ", visual " << best[0] << ", audio " << best[1] << "\n";
    ASSERT_GT(userMean, 0);
    EXPECT_LT(best[0], userMean - 0.02) << "visual";
    EXPECT_LT(best[1], userMean - 0.05) << "audio";
}

}  // namespace
}  // namespace tl
