#pragma once
// A 2-D map of users and trailers in ONE shared space.
//
// The points are the item profiles MIP (rows of ItemProfiles, as normalised for
// the model) and the user profiles MUP (formula 3, float64), each divided by
// its length: the method compares profiles by cosine, and on unit vectors
// |a - b|^2 = 2 - 2 cos(a, b), so distances on the map follow the similarity
// the neighbours are chosen by, and a user's profile is comparable with the
// trailers it is built from whatever the user's number of ratings. Profiles of
// length 0 (an item whose normalised features are all zero, a user with no
// relevant item that has a profile) have no direction and are left out (counted).
//
// Optionally the same points are split into k clusters by k-means
// (core/eval/KMeans.h) on their first `tsneInputDims` principal components (not
// on the 2-D map): the clusters of the profiles, whatever the projection.
//
// PCA (the default) is fitted on all the points together, users and items, so
// both kinds share the axes; x and y are the first two principal components and
// the explained-variance ratios are reported. t-SNE runs on the first
// `tsneInputDims` principal components of the same points (exact PCA; the usual
// t-SNE preprocessing, which keeps the O(n^2) distance pass cheap for wide
// features) and reports the variance those components keep.
//
// Threading: pure; run it in a worker (t-SNE on ~2,600 points takes seconds).

#include <cstdint>
#include <string>
#include <vector>

#include "core/cf/Profiles.h"
#include "core/common/JobContext.h"
#include "core/data/IdMap.h"
#include "core/data/Items.h"
#include "core/eval/Projection.h"

namespace tl {

enum class MapMethod { Pca, Tsne };
const char* toString(MapMethod method);
// "pca" or "tsne"; throws ConfigError otherwise.
MapMethod parseMapMethod(const std::string& text);

struct MapOptions {
    MapMethod method = MapMethod::Pca;
    TsneOptions tsne;
    int tsneInputDims = 50;
    int clusters = 0;              // > 0: also k-means the points into this many clusters
    std::uint64_t clusterSeed = 1;
};

enum class MapKind { Item, User };

struct MapPoint {
    MapKind kind = MapKind::Item;
    std::uint32_t index = 0;  // dataset item index (Item) or user index (User)
    double x = 0, y = 0;
};

struct UserItemMap {
    MapOptions options;
    std::vector<MapPoint> points;  // the items in dataset order, then the users in dataset order
    // PCA: the ratios of x and y. t-SNE: explained[0] is the ratio kept by its
    // PCA input (tsneInputDims components), explained[1] is 0.
    double explained[2] = {0, 0};
    int inputDims = 0;                   // t-SNE: the PCA components it ran on
    std::size_t itemsLeftOut = 0;        // items without a profile or with a zero one
    std::size_t usersLeftOut = 0;        // users with a zero profile
    std::vector<int> cluster;            // per point when options.clusters > 0 (k-means in profile space)
};

UserItemMap buildUserItemMap(const RelevanceMatrix& w, const ItemProfiles& items, const MapOptions& options,
                             const JobContext& ctx = JobContext::none());

// A label per point from an item catalog: an item's first genre (in the
// catalog's order for that item: the demo lists the visual family first), a
// user's the label most common among its relevant items that have one (ties:
// the label earliest in catalog.genreNames). Empty where the catalog says nothing.
std::vector<std::string> mapLabels(const UserItemMap& map, const RelevanceMatrix& w, const ItemProfiles& items,
                                   const IdMap& itemIds, const ItemCatalog& catalog);

}  // namespace tl
