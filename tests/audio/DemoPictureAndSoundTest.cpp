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
#include "core/experiment/Experiment.h"
#include "tests/audio/DemoWithSound.h"

namespace tl {
namespace {

// One demo, one MobileNetV2 extraction and one evaluation shared by the tests below
// (the extraction is what makes this test slow).
struct Measured {
    SplitResult result;
    std::vector<TableRow> best;  // best K per method, as in the experiment's Table 1
    double userMean = 0;

    // The method's RMSE at its best K; fails the test when the method has no rows.
    double rmse(const std::string& method) const
    {
        for (const auto& row : best)
            if (row.method == method)
                return row.metrics.rmse;
        ADD_FAILURE() << "no rows for " << method;
        return 1e9;
    }
};

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
    m->best = bestPerMethod(m->result.rows);
    m->userMean = m->rmse("user-mean");
    std::cout << "RMSE at the best K of 10..50:";
    for (const auto& row : m->best)
        std::cout << " " << row.method << " " << row.metrics.rmse << " (K " << row.bestK << ")";
    std::cout << "\n";
    for (const auto& c : m->result.choices)
        std::cout << c.method << ": " << c.parameter << " = " << c.value << " (validation RMSE " << c.validationRmse
                  << " at K = " << c.validationK << ", " << c.validationRatings << " ratings)\n";
    // The validation curve behind the choice (diagnostic only: the evaluator chose above).
    for (const FusionSpec* fusion : {&early, &late}) {
        const FusionWeightChoice c = chooseFusionWeight(demo->data, split.train, *fusion, settings.relevant,
                                                        settings.normalization, settings.ks, {}, settings.validateRatio,
                                                        settings.seed);
        std::cout << toString(fusion->kind) << " validation RMSE per w (0, 0.25, 0.5, 0.75, 1):";
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
    EXPECT_LT(m.rmse("visual"), m.userMean - 0.02) << "visual";
    EXPECT_LT(m.rmse("audio"), m.userMean - 0.05) << "audio";
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
    const double better = std::min(m.rmse("visual"), m.rmse("audio"));
    const double worse = std::max(m.rmse("visual"), m.rmse("audio"));
    constexpr double tolerance = 0.005;
    for (const std::string fused : {"visual+audio", "visual+audio-late"}) {
        const double rmse = m.rmse(fused);
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
