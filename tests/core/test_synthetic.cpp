// The synthetic data generator: exact sizes, determinism, and its documented
// ground truth (features carry the latent style, so content CF beats the
// user-mean baseline).
#include <gtest/gtest.h>

#include <set>

#include "core/data/SyntheticData.h"
#include "core/eval/Evaluator.h"

namespace tl {
namespace {

TEST(Synthetic, ExactSizesAndDeterminism)
{
    SyntheticSpec spec;
    spec.users = 200, spec.items = 150, spec.ratings = 5000, spec.features = 12, spec.seed = 9;
    const auto a = generateSynthetic(spec), b = generateSynthetic(spec);
    ASSERT_EQ(a.dataset.ratings.size(), 5000u);
    EXPECT_EQ(a.features.rows(), 150u);
    EXPECT_EQ(a.features.dims(), 12u);
    EXPECT_TRUE(a.features.values == b.features.values);
    std::set<std::pair<std::uint32_t, std::uint32_t>> pairs;
    for (std::size_t r = 0; r < a.dataset.ratings.size(); ++r) {
        const auto& x = a.dataset.ratings[r];
        EXPECT_EQ(x.value, b.dataset.ratings[r].value);
        EXPECT_GE(x.value, 1.0f);
        EXPECT_LE(x.value, 5.0f);
        EXPECT_TRUE(pairs.insert({x.user, x.item}).second) << "duplicate pair";
    }
    EXPECT_TRUE((a.features.values.array() >= 0).all());
    for (const auto& item : a.catalog.items)
        EXPECT_FALSE(item.genres.empty());
    spec.seed = 10;
    EXPECT_FALSE(generateSynthetic(spec).features.values == a.features.values);
}

TEST(Synthetic, ContentCfBeatsUserMeanOnTheGeneratingModel)
{
    SyntheticSpec spec;
    spec.users = 600, spec.items = 400, spec.ratings = 30000, spec.features = 48;
    const auto data = generateSynthetic(spec);
    EvalSettings settings;
    settings.ks = {50};
    settings.baselines = true;
    const auto result = evaluateSplit(data.dataset, randomHoldout(data.dataset, 0.2, 3), {{"video", &data.features}},
                                      settings);
    double userMean = 0, video = 0;
    for (const auto& row : result.rows) {
        if (row.method == "user-mean")
            userMean = row.metrics.rmse;
        if (row.method == "video")
            video = row.metrics.rmse;
    }
    EXPECT_LT(video, userMean - 0.05) << "video " << video << " user mean " << userMean;
}

}  // namespace
}  // namespace tl
