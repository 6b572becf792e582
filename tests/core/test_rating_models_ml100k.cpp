// The rating-only models on MovieLens 100K u1.base / u1.test against Surprise
// 1.1.4's published figures on the same split (all 20,000 test ratings, predictions
// clipped to 1..5 as Surprise does): SVD 0.9513, BaselineOnly 0.9599,
// KNNBaseline (pearson_baseline, k = 40) 0.9335, KNNWithMeans (msd, k = 40) 0.9649.
// Each must land within 0.005. Skips without the shared data.
#include <gtest/gtest.h>

#include "core/cf/Baselines.h"
#include "core/cf/KnnBaseline.h"
#include "core/cf/MatrixFactorisation.h"
#include "core/eval/Metrics.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

TEST(RatingModelsMl100k, MatchSurpriseOnU1)
{
    const auto base = test::sharedFile("data/ml-100k/u1.base");
    const auto held = test::sharedFile("data/ml-100k/u1.test");
    if (base.empty() || held.empty())
        GTEST_SKIP() << "MovieLens 100K u1.base/u1.test not found under the shared data folder";
    Dataset data;
    readRatings(base, data);
    const std::size_t trainCount = data.ratings.size();
    readRatings(held, data);
    const Split split = explicitSplit(data, trainCount);
    const TrainingMatrix train = TrainingMatrix::build(data, split.train);
    const TestSet test = TestSet::build(data, split.test);
    ASSERT_EQ(test.size(), 20000u);
    const PredictOptions clipped{true, data.scale};

    const double bias = computeMetrics(test, predictBaseline(Baseline::Bias, train, test, clipped)).rmse;
    EXPECT_NEAR(bias, 0.9599, 0.0005);

    SvdOptions svdOptions;
    svdOptions.seed = 42;
    const double svd = computeMetrics(test, predictSvd(trainSvd(train, svdOptions), train, test, clipped)).rmse;
    EXPECT_NEAR(svd, 0.9513, 0.005);

    const BiasModel b = fitBias(train);
    const double knnBaseline =
        computeMetrics(test, predictKnnBaseline(train, b, pearsonBaselineSimilarity(train, b), test, {40}, clipped)
                                 .perK[0])
            .rmse;
    EXPECT_NEAR(knnBaseline, 0.9335, 0.005);

    const double knnMeans =
        computeMetrics(test, predictKnnWithMeans(train, msdSimilarity(train), test, {40}, clipped).perK[0]).rmse;
    EXPECT_NEAR(knnMeans, 0.9649, 0.005);
    std::printf("u1 clipped RMSE: bias %.4f svd %.4f knn-baseline %.4f knn-means %.4f\n", bias, svd, knnBaseline,
                knnMeans);
}

}  // namespace
}  // namespace tl
