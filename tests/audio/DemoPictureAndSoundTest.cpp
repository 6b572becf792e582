// The demo with sound, both modalities side by side: MobileNetV2 frame features
// and audio descriptors of the same trailers, each beating the user-mean baseline
// on the same split, and their fusion (early and late, the weight chosen on a
// validation share of the training ratings, through the evaluator the CLI uses)
// at least as good as the better of the two.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <optional>

#include "core/eval/Evaluator.h"
#include "core/eval/Fusion.h"
#include "tests/audio/DemoWithSound.h"

namespace tl {
namespace {

// One demo, one MobileNetV2 extraction and one evaluation shared by the tests below
// (the extraction is what makes this test slow).
struct Measured {
    SplitResult result;
    double userMean = 0;
};

double bestRmse(const SplitResult& r, const std::string& method)
{
    double best = 1e9;
    for (const auto& row : r.rows)
        if (row.method == method)
            best = std::min(best, row.metrics.rmse);
    return best;
}

const Measured& measured(const std::filesystem::path& weightsDir)
{
    static std::optional<Measured> m;
    if (m)
        return *m;
    DemoSpec spec;
    spec.items = 60;
    spec.users = 400;
    spec.minSeconds = 4;
    spec.maxSeconds = 6;
    const auto demo = test::makeDemoWithSound(spec);
    const FeatureMatrix visual = demo->visualFeatures(weightsDir);
    EXPECT_EQ(visual.ids, demo->audio.ids);
    EXPECT_GT(visual.dims(), 100u);
    EXPECT_TRUE(visual.values.allFinite());

    // Weights not given: w chosen among 0, 0.25, ..., 1 on the validation share.
    const FusionSpec early = makeFusionSpec(FusionKind::Early, {{"visual", &visual, {}, 1.0}, {"audio", &demo->audio, {}, 1.0}},
                                            std::nullopt);
    const FusionSpec late = makeFusionSpec(FusionKind::Late, {{"visual", &visual, {}, 1.0}, {"audio", &demo->audio, {}, 1.0}},
                                           std::nullopt);
    const Split split = randomHoldout(demo->data, 0.2, 42);
    EvalSettings settings;
    settings.ks = {10, 20, 30, 40, 50};
    settings.baselines = true;
    m.emplace();
    m->result = evaluateSplit(demo->data, split,
                              {{"visual", &visual},
                               {"audio", &demo->audio},
                               {"visual+audio", &visual, &early},
                               {"visual+audio-late", &visual, &late}},
                              settings);
    m->userMean = bestRmse(m->result, "user-mean");
    std::cout << "RMSE (best K of 10..50): user mean " << m->userMean << ", visual " << bestRmse(m->result, "visual")
              << ", audio " << bestRmse(m->result, "audio") << ", early " << bestRmse(m->result, "visual+audio")
              << ", late " << bestRmse(m->result, "visual+audio-late") << "\n";
    for (const auto& c : m->result.choices)
        std::cout << c.method << ": " << c.parameter << " = " << c.value << " (validation RMSE " << c.validationRmse
                  << " at K = " << c.validationK << ", " << c.validationRatings << " ratings)\n";
    // The validation curve behind the choice (diagnostic only: the evaluator chose above).
    for (const FusionSpec* spec : {&early, &late}) {
        const FusionWeightChoice c = chooseFusionWeight(demo->data, split.train, *spec, settings.relevant,
                                                        settings.normalization, settings.ks, {}, settings.validateRatio,
                                                        settings.seed);
        std::cout << toString(spec->kind) << " validation RMSE per w (0, 0.25, 0.5, 0.75, 1):";
        for (double r : c.rmsePerW)
            std::cout << " " << r;
        std::cout << "\n";
    }
    return *m;
}

TEST(DemoPictureAndSound, BothModalitiesBeatTheUserMean)
{
    TL_REQUIRE_VIDEO();
    TL_REQUIRE_SHARED(onnx, "models/mobilenetv2-12-int8.onnx");
    const Measured& m = measured(onnx.parent_path());
    ASSERT_GT(m.userMean, 0);
    EXPECT_LT(bestRmse(m.result, "visual"), m.userMean - 0.02) << "visual";
    EXPECT_LT(bestRmse(m.result, "audio"), m.userMean - 0.05) << "audio";
}

// The weight grid holds w = 1 (the picture alone) and w = 0 (the sound alone), so a
// well-chosen weight is never worse than the better modality except by the validation
// share's misjudgement. The tolerance 0.005 RMSE is that allowance: w is chosen on 10 %
// of the training ratings (417 here), never on the test ratings, and compared against
// the better modality's best K *on the test set*; the demo's picture and sound carry
// largely the same hidden properties, so the validation curve over w is nearly flat and
// its minimum can sit a few thousandths off the test set's. (Measured: here w = 1 for
// both, the fused rows equal the picture's; on the full 150-item demo the CLI chooses
// w = 0.25 and early fusion lands 0.0054 above the picture, late 0.0015.) What must
// hold without any allowance: the fused rows beat the worse modality and the user mean.
TEST(DemoPictureAndSound, FusionIsAtLeastAsGoodAsTheBetterModality)
{
    TL_REQUIRE_VIDEO();
    TL_REQUIRE_SHARED(onnx, "models/mobilenetv2-12-int8.onnx");
    const Measured& m = measured(onnx.parent_path());
    const double better = std::min(bestRmse(m.result, "visual"), bestRmse(m.result, "audio"));
    const double worse = std::max(bestRmse(m.result, "visual"), bestRmse(m.result, "audio"));
    constexpr double tolerance = 0.005;
    for (const std::string fused : {"visual+audio", "visual+audio-late"}) {
        const double rmse = bestRmse(m.result, fused);
        ASSERT_LT(rmse, 1e8) << fused << " has no rows";
        EXPECT_LE(rmse, better + tolerance) << fused << " against the better modality " << better;
        EXPECT_LT(rmse, worse) << fused << " against the worse modality";
        EXPECT_LT(rmse, m.userMean - 0.05) << fused << " against the user mean";
    }
    // Both weights were chosen on the validation share, not given.
    ASSERT_EQ(m.result.choices.size(), 2u);
    for (const auto& choice : m.result.choices) {
        EXPECT_EQ(choice.parameter, "w") << choice.method;
        EXPECT_GE(choice.value, 0);
        EXPECT_LE(choice.value, 1);
        EXPECT_GT(choice.validationRatings, 0u) << choice.method;
    }
}

}  // namespace
}  // namespace tl
