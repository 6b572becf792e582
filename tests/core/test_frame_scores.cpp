// Frame scores (core/eval/FrameScores.h): the column scaling reproduces the item
// profiles' normalisation, the mean of an item's scaled frames is its profile row,
// every score is the direct cosine, and a frame along the profile scores 1.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/cf/Profiles.h"
#include "core/common/Error.h"
#include "core/data/SyntheticData.h"
#include "core/eval/CfModel.h"
#include "core/eval/FrameScores.h"

namespace tl {
namespace {

// Items with 2-6 random frames each; the item profile is the frame mean (pooling by mean).
struct FramedItems {
    SyntheticData data;
    std::vector<RowMatrixF> frames;  // per feature row
    Split split;
};

FramedItems makeFramedItems(std::uint64_t seed)
{
    FramedItems f;
    SyntheticSpec spec;
    spec.users = 60, spec.items = 40, spec.ratings = 900, spec.features = 7, spec.seed = seed;
    f.data = generateSynthetic(spec);
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> value(0.0f, 3.0f);
    std::uniform_int_distribution<int> count(2, 6);
    for (std::size_t r = 0; r < f.data.features.rows(); ++r) {
        RowMatrixF x(count(rng), static_cast<Eigen::Index>(spec.features));
        for (Eigen::Index i = 0; i < x.size(); ++i)
            x.data()[i] = value(rng);
        x.col(2).setConstant(1.5f);  // a constant column: normalised to 0
        f.data.features.values.row(static_cast<Eigen::Index>(r)) = x.colwise().mean();
        f.frames.push_back(x);
    }
    f.split = randomHoldout(f.data.dataset, 0.2, seed + 1);
    return f;
}

std::shared_ptr<const CfModel> buildModel(const FramedItems& f, Normalization mode)
{
    CfModelSettings settings;
    settings.kMax = 10;
    settings.ks = {10};
    settings.normalization = mode;
    return CfModel::build(f.data.dataset, f.split, f.data.features, settings);
}

class FrameScoresByNormalization : public ::testing::TestWithParam<Normalization> {};

TEST_P(FrameScoresByNormalization, ScalingReproducesNormalizeFeatures)
{
    const FramedItems f = makeFramedItems(3);
    RowMatrixF expected = f.data.features.values;
    normalizeFeatures(expected, GetParam());
    const ColumnScaling scaling = ColumnScaling::fit(f.data.features.values, GetParam());
    const Eigen::MatrixXd got = scaling.apply(f.data.features.values);
    if (GetParam() == Normalization::L2) {
        // Rows keep their length (a cosine does not see it), so only directions agree.
        for (Eigen::Index r = 0; r < got.rows(); ++r)
            EXPECT_NEAR((got.row(r).normalized() - expected.row(r).cast<double>()).norm(), 0.0, 1e-6);
        return;
    }
    for (Eigen::Index r = 0; r < got.rows(); ++r)
        for (Eigen::Index c = 0; c < got.cols(); ++c)
            EXPECT_NEAR(got(r, c), expected(r, c), 1e-4) << "row " << r << " column " << c;
}

TEST_P(FrameScoresByNormalization, MeanOfScaledFramesIsTheItemProfile)
{
    if (GetParam() == Normalization::L2)
        GTEST_SKIP() << "L2 scales each row by its own length: only directions are shared";
    const FramedItems f = makeFramedItems(5);
    const auto model = buildModel(f, GetParam());
    const ColumnScaling scaling = ColumnScaling::fit(f.data.features.values, GetParam());
    int checked = 0;
    for (std::size_t r = 0; r < f.data.features.rows(); ++r) {
        const std::uint32_t item = *f.data.dataset.items.find(f.data.features.ids[r]);
        const std::int32_t row = model->items().rowOf[item];
        ASSERT_GE(row, 0);
        const Eigen::RowVectorXd mean = scaling.apply(f.frames[r]).colwise().mean();
        const Eigen::RowVectorXd profile = model->items().values.row(row).cast<double>();
        EXPECT_LT((mean - profile).cwiseAbs().maxCoeff(), 1e-3) << "item " << f.data.features.ids[r];
        ++checked;
    }
    EXPECT_EQ(checked, 40);
}

TEST_P(FrameScoresByNormalization, EachScoreIsTheDirectCosine)
{
    const FramedItems f = makeFramedItems(7);
    const auto model = buildModel(f, GetParam());
    const ColumnScaling scaling = ColumnScaling::fit(f.data.features.values, GetParam());
    for (std::uint32_t user : {0u, 5u, 17u}) {
        const Eigen::VectorXd mup = userProfileExact(*model, user);
        // The profile is the model's own (its float utilities, another code path).
        const auto top = model->topFeatures(user, 7);
        for (const auto& t : top)
            EXPECT_NEAR(mup[static_cast<Eigen::Index>(t.feature)], t.value, 1e-3 * (1 + std::abs(t.value)));
        for (std::size_t r = 0; r < 5; ++r) {
            const std::vector<double> scores = frameScores(f.frames[r], scaling, mup);
            ASSERT_EQ(scores.size(), static_cast<std::size_t>(f.frames[r].rows()));
            for (Eigen::Index k = 0; k < f.frames[r].rows(); ++k) {
                double dot = 0, xx = 0, pp = 0;
                for (Eigen::Index c = 0; c < mup.size(); ++c) {
                    double x = f.frames[r](k, c);
                    if (scaling.offset.size() > 0)
                        x = (x - scaling.offset[c]) * scaling.scale[c];
                    dot += x * mup[c];
                    xx += x * x;
                    pp += mup[c] * mup[c];
                }
                const double direct = xx > 0 && pp > 0 ? dot / std::sqrt(xx * pp) : 0.0;
                EXPECT_NEAR(scores[static_cast<std::size_t>(k)], direct, 1e-12);
                EXPECT_LE(std::abs(scores[static_cast<std::size_t>(k)]), 1.0 + 1e-12);
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Normalizations, FrameScoresByNormalization,
                         ::testing::Values(Normalization::MinMax100, Normalization::None, Normalization::ZScore,
                                           Normalization::L2));

TEST(FrameScores, AFrameAlongTheProfileScoresOneAndTheOppositeMinusOne)
{
    RowMatrixF raw(3, 3);
    raw << 0, 10, 5,  //
        2, 20, 5,     //
        4, 30, 5;
    const ColumnScaling scaling = ColumnScaling::fit(raw, Normalization::MinMax100);
    // Column 0: (x - 0) * 25; column 1: (x - 10) * 5; column 2 constant: 0.
    EXPECT_DOUBLE_EQ(scaling.scale[0], 25.0);
    EXPECT_DOUBLE_EQ(scaling.scale[1], 5.0);
    EXPECT_DOUBLE_EQ(scaling.scale[2], 0.0);
    Eigen::VectorXd profile(3);
    profile << 50, 100, 0;
    RowMatrixF frames(3, 3);
    frames << 2, 30, 123,  // scaled (50, 100, 0): along the profile
        -2, -10, 7,        // scaled (-50, -100, 0): opposite
        0, 10, 5;          // scaled zero: no direction, score 0
    const std::vector<double> s = frameScores(frames, scaling, profile);
    EXPECT_NEAR(s[0], 1.0, 1e-12);
    EXPECT_NEAR(s[1], -1.0, 1e-12);
    EXPECT_EQ(s[2], 0.0);
    EXPECT_THROW(frameScores(RowMatrixF(1, 2), scaling, profile), Error);
    EXPECT_EQ(frameScores(frames, scaling, Eigen::VectorXd::Zero(3)), std::vector<double>(3, 0.0));
}

TEST(FrameScores, BestFramesAreSortedWithEarlierFramesFirstOnTies)
{
    const std::vector<double> scores = {0.2, 0.9, 0.5, 0.9, -0.1};
    const auto best = bestFrames(scores, 3);
    ASSERT_EQ(best.size(), 3u);
    EXPECT_EQ(best[0].frame, 1u);
    EXPECT_EQ(best[1].frame, 3u);
    EXPECT_EQ(best[2].frame, 2u);
    EXPECT_EQ(bestFrames(scores, 10).size(), 5u);
    EXPECT_TRUE(bestFrames({}, 3).empty());
}

}  // namespace
}  // namespace tl
