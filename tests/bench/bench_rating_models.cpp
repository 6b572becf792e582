// Rating-only models benchmark (not a test): synthetic ratings at MovieLens 100K
// or 1M shape; times svd training (SGD, Surprise's defaults: 100 factors, 20
// epochs), the Pearson-baseline similarity and the knn-baseline predictions
// (K = 40) next to the bias baseline's fit (10 ALS epochs, the reference)
// measured in the same repetition. Prints medians and each median's ratio to
// the reference.
//
//   bench_rating_models [--scale 100k|1m] [--reps N]
//
// Target: svd trains in seconds on 100K and within a minute on 1M (2 cores).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/cf/Baselines.h"
#include "core/cf/KnnBaseline.h"
#include "core/cf/MatrixFactorisation.h"
#include "core/data/SyntheticData.h"
#include "core/eval/Metrics.h"
#include "tests/bench/BenchTiming.h"

using tl::bench::Clock;
using tl::bench::median;
using tl::bench::seconds;

int main(int argc, char** argv)
{
    std::string scale = "100k";
    int reps = 3;
    for (int a = 1; a < argc; ++a) {
        if (!std::strcmp(argv[a], "--scale") && a + 1 < argc)
            scale = argv[++a];
        else if (!std::strcmp(argv[a], "--reps") && a + 1 < argc)
            reps = std::max(1, std::atoi(argv[++a]));
        else {
            std::fprintf(stderr, "usage: bench_rating_models [--scale 100k|1m] [--reps N]\n");
            return 2;
        }
    }
    tl::SyntheticSpec spec;
    spec.withFeatures = false;
    if (scale == "1m") {
        spec.users = 6040, spec.items = 3706, spec.ratings = 1000209;
    } else if (scale != "100k") {
        std::fprintf(stderr, "unknown scale %s\n", scale.c_str());
        return 2;
    }
    const tl::SyntheticData data = tl::generateSynthetic(spec);
    const tl::Split split = tl::randomHoldout(data.dataset, 0.2, 1);
    const tl::TrainingMatrix train = tl::TrainingMatrix::build(data.dataset, split.train);
    const tl::TestSet test = tl::TestSet::build(data.dataset, split.test);
    std::printf("scale %s: %zu users, %zu items, %zu training ratings, %zu test ratings\n", scale.c_str(),
                spec.users, spec.items, split.train.size(), split.test.size());

    std::vector<double> biasT, svdT, simT, knnT, svdRatio, simRatio, knnRatio;
    double svdRmse = 0, knnRmse = 0;
    for (int rep = 0; rep < reps; ++rep) {
        auto t = Clock::now();
        const tl::BiasModel bias = tl::fitBias(train);
        biasT.push_back(seconds(t));

        t = Clock::now();
        tl::SvdOptions options;
        options.seed = static_cast<std::uint64_t>(rep);
        const tl::SvdModel svd = tl::trainSvd(train, options);
        svdT.push_back(seconds(t));
        svdRmse = tl::computeMetrics(test, tl::predictSvd(svd, train, test, {})).rmse;

        t = Clock::now();
        const tl::UserSimilarity sim = tl::pearsonBaselineSimilarity(train, bias);
        simT.push_back(seconds(t));
        t = Clock::now();
        const auto knn = tl::predictKnnBaseline(train, bias, sim, test, {40}, {});
        knnT.push_back(seconds(t));
        knnRmse = tl::computeMetrics(test, knn.perK[0]).rmse;

        svdRatio.push_back(svdT.back() / biasT.back());
        simRatio.push_back(simT.back() / biasT.back());
        knnRatio.push_back(knnT.back() / biasT.back());
        std::printf("rep %d: bias %.3f s, svd %.3f s, pearson-baseline %.3f s, knn-baseline K=40 %.3f s\n", rep + 1,
                    biasT.back(), svdT.back(), simT.back(), knnT.back());
    }
    std::printf("median of %d: bias fit (reference) %.3f s\n", reps, median(biasT));
    std::printf("  svd training       %8.3f s  (x%.1f the reference; %.0f M rating-factor updates/s) RMSE %.4f\n",
                median(svdT), median(svdRatio),
                20.0 * 100.0 * static_cast<double>(split.train.size()) / median(svdT) / 1e6, svdRmse);
    std::printf("  pearson-baseline   %8.3f s  (x%.1f the reference)\n", median(simT), median(simRatio));
    std::printf("  knn-baseline K=40  %8.3f s  (x%.1f the reference) RMSE %.4f\n", median(knnT), median(knnRatio),
                knnRmse);
    return 0;
}
