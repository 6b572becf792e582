// Accuracy regression on the real MovieLens 100K split u1.base / u1.test:
// rating-based user k-NN (cosine) and genre-profile CF through the engine,
// against a plain brute-force implementation written here (double precision,
// sparse dot products, full sorts).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/data/Items.h"
#include "core/eval/Evaluator.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

struct Loaded {
    Dataset data;
    Split split;
    ItemCatalog catalog;
};

Loaded load(const std::filesystem::path& dir)
{
    Loaded l;
    readRatings(dir / "u1.base", l.data);
    const std::size_t trainCount = l.data.ratings.size();
    readRatings(dir / "u1.test", l.data);
    l.split = explicitSplit(l.data, trainCount);
    l.catalog = readItems(dir / "u.item");
    return l;
}

// Brute-force user k-NN RMSE (offline mode) from explicit user profile vectors.
double bruteRmse(const Loaded& l, const std::vector<std::map<std::uint32_t, double>>& profiles, int k)
{
    const std::size_t users = l.data.users.size();
    std::vector<std::map<std::uint32_t, double>> rated(users);
    std::vector<double> mean(users, 0.0);
    for (std::size_t r : l.split.train)
        rated[l.data.ratings[r].user][l.data.ratings[r].item] = l.data.ratings[r].value;
    for (std::size_t u = 0; u < users; ++u) {
        for (auto& [i, v] : rated[u])
            mean[u] += v;
        if (!rated[u].empty())
            mean[u] /= static_cast<double>(rated[u].size());
    }
    std::vector<double> norm(users, 0.0);
    for (std::size_t u = 0; u < users; ++u) {
        for (auto& [f, v] : profiles[u])
            norm[u] += v * v;
        norm[u] = std::sqrt(norm[u]);
    }
    double squared = 0;
    std::map<std::uint32_t, std::vector<std::pair<double, std::uint32_t>>> neighbours;
    for (std::size_t r : l.split.test) {
        const auto& rating = l.data.ratings[r];
        const std::uint32_t u = rating.user;
        if (!neighbours.count(u)) {
            std::vector<std::pair<double, std::uint32_t>> all;
            for (std::uint32_t v = 0; v < users; ++v) {
                if (v == u || norm[v] == 0 || norm[u] == 0)
                    continue;
                double dot = 0;
                for (auto& [f, x] : profiles[u]) {
                    auto it = profiles[v].find(f);
                    if (it != profiles[v].end())
                        dot += x * it->second;
                }
                all.push_back({-dot / (norm[u] * norm[v]), v});
            }
            std::sort(all.begin(), all.end());
            all.resize(std::min<std::size_t>(all.size(), static_cast<std::size_t>(k)));
            neighbours[u] = all;
        }
        double num = 0, den = 0;
        for (auto& [negSim, v] : neighbours[u]) {
            auto it = rated[v].find(rating.item);
            if (it == rated[v].end())
                continue;
            num += -negSim * (it->second - mean[v]);
            den += std::fabs(negSim);
        }
        const double prediction = den > 0 ? mean[u] + num / den : mean[u];
        squared += (prediction - rating.value) * (prediction - rating.value);
    }
    return std::sqrt(squared / static_cast<double>(l.split.test.size()));
}

const Metrics& row(const SplitResult& result, const std::string& method, int k)
{
    for (const auto& r : result.rows)
        if (r.method == method && r.k == k)
            return r.metrics;
    throw std::runtime_error("no row " + method);
}

TEST(MovieLens100kRegression, RatingKnnAndGenreCfMatchBruteForce)
{
    TL_REQUIRE_SHARED(dir, "data/ml-100k");
    const Loaded l = load(dir);
    ASSERT_EQ(l.split.train.size(), 80000u);
    ASSERT_EQ(l.split.test.size(), 20000u);
    const FeatureMatrix genres = genreFeatures(l.catalog);

    EvalSettings settings;
    settings.ks = {30};
    settings.baselines = true;
    const SplitResult result = evaluateSplit(l.data, l.split, {{"genre", &genres}}, settings);

    // Cosine user k-NN: profiles are the raw training rating rows.
    std::vector<std::map<std::uint32_t, double>> ratingRows(l.data.users.size());
    for (std::size_t r : l.split.train)
        ratingRows[l.data.ratings[r].user][l.data.ratings[r].item] = l.data.ratings[r].value;
    const double cosineBrute = bruteRmse(l, ratingRows, 30);
    EXPECT_NEAR(row(result, "user-knn-cosine", 30).rmse, cosineBrute, 2e-4);

    // Genre CF: MUP(u) = sum over relevant rated items of r * one-hot genres
    // (min-max to [0,100] turns 0/1 into 0/100: cosine is unchanged).
    std::vector<std::map<std::uint32_t, double>> genreProfiles(l.data.users.size());
    std::vector<double> sum(l.data.users.size(), 0.0), count(l.data.users.size(), 0.0);
    for (std::size_t r : l.split.train) {
        sum[l.data.ratings[r].user] += l.data.ratings[r].value;
        count[l.data.ratings[r].user] += 1;
    }
    for (std::size_t r : l.split.train) {
        const auto& rating = l.data.ratings[r];
        if (rating.value < sum[rating.user] / count[rating.user])
            continue;
        const ItemInfo* info = l.catalog.find(l.data.items.id(rating.item));
        ASSERT_NE(info, nullptr);
        for (const auto& g : info->genres) {
            const auto column = static_cast<std::uint32_t>(
                std::find(l.catalog.genreNames.begin(), l.catalog.genreNames.end(), g) - l.catalog.genreNames.begin());
            genreProfiles[rating.user][column] += rating.value;
        }
    }
    const double genreBrute = bruteRmse(l, genreProfiles, 30);
    EXPECT_NEAR(row(result, "genre", 30).rmse, genreBrute, 2e-4);

    // Sanity bands from the literature for ML-100K u1 (user k-NN ~0.97-1.0; bias ~0.96).
    EXPECT_GT(cosineBrute, 0.93);
    EXPECT_LT(cosineBrute, 1.03);
    EXPECT_LT(row(result, "bias", 0).rmse, row(result, "user-mean", 0).rmse);
    EXPECT_LT(row(result, "genre", 30).rmse, row(result, "user-mean", 0).rmse);
    std::printf("ML-100K u1, K=30: user-knn-cosine %.4f (brute %.4f), genre %.4f (brute %.4f), bias %.4f\n",
                row(result, "user-knn-cosine", 30).rmse, cosineBrute, row(result, "genre", 30).rmse, genreBrute,
                row(result, "bias", 0).rmse);
}

}  // namespace
}  // namespace tl
