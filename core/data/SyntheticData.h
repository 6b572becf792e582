#pragma once
// A synthetic MovieLens-style data set with a known generating model, for
// demos, tests and benchmarks at any scale (MovieLens 1M / 20M shapes).
//
// Generating model (all draws from tl::Rng, so a seed gives the same files
// everywhere):
//  - each item i has a latent "visual style" z_i in R^L (L = latentDims),
//    z ~ N(0, 1); its features are f_i = max(0, A z_i + 0.3 e) (F dims, A ~ N(0,1)/sqrt(L),
//    e ~ N(0,1)), i.e. non-negative like ReLU CNN features that keep the style's direction;
//  - genre g (g < min(L, genres)) is set when z_i[g] > 0.6 (at least one genre per item);
//  - each user u has tastes t_u ~ N(0, 1) in R^L and a bias b_u ~ N(0, 0.4^2);
//    each item a bias b_i ~ N(0, 0.3^2);
//  - r(u,i) = round(3.4 + b_u + b_i + 1.1 * t_u . z_i / sqrt(L) + N(0, 0.6^2)), clamped to 1..5;
//  - which items a user rates: per-user counts from a skewed (log-normal) law
//    scaled to the requested total, items by Zipf-like popularity, no repeats.
// So ratings depend on the same latent factors that shape the features:
// content-based CF can beat the user-mean baseline on it.

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/data/FeatureMatrix.h"
#include "core/data/Items.h"
#include "core/data/Ratings.h"

namespace tl {

struct SyntheticSpec {
    std::size_t users = 943;
    std::size_t items = 1682;
    std::size_t ratings = 100000;
    std::size_t features = 64;
    std::size_t latentDims = 8;
    std::size_t genres = 8;
    std::uint64_t seed = 42;
    bool withFeatures = true;
};

struct SyntheticData {
    Dataset dataset;          // users "1".."U", items "1".."I"
    ItemCatalog catalog;      // titles "Synthetic movie i", genres "Style g"
    FeatureMatrix features;   // items x F (empty when !withFeatures)
};

SyntheticData generateSynthetic(const SyntheticSpec& spec);

// Writes ratings.csv (userId,movieId,rating,timestamp), movies.csv and, when
// present, features.csv (item_id,f1..fF) into dir, plus README.txt describing the model.
void writeSynthetic(const SyntheticData& data, const SyntheticSpec& spec, const std::filesystem::path& dir);

}  // namespace tl
