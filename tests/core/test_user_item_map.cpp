// The user-item map (core/eval/UserItemMap.h) on the tiny hand-computed case:
// users and items share one space (a user whose profile points like an item's
// sits exactly on it), the PCA is the one of the unit-length profiles put
// together by hand, items without a profile are counted, t-SNE maps every point,
// and labels follow the catalog (a user's: its most common item label).
//
// Tiny case (features "none"): i1 = (1,0), i2 = (0,1), i3 = (1,1); i5 has no profile.
//   MUP: u1 (5,0), u2 (4,0), u3 (0,5), u4 (4,8) (u4's relevant items: i2, i3).
#include <gtest/gtest.h>

#include <cmath>

#include "core/cf/Profiles.h"
#include "core/cf/TrainingMatrix.h"
#include "core/common/Error.h"
#include "core/data/Split.h"
#include "core/eval/UserItemMap.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

struct Tiny {
    Dataset data;
    ItemProfiles items;
    RelevanceMatrix w;
};

Tiny makeTiny()
{
    Tiny t;
    const std::size_t trainCount = test::addTinyRatings(t.data);
    const Split split = explicitSplit(t.data, trainCount);
    FeatureMatrix features;
    features.ids = {"i1", "i2", "i3"};
    features.values.resize(3, 2);
    features.values << 1, 0, 0, 1, 1, 1;
    const TrainingMatrix train = TrainingMatrix::build(t.data, split.train);
    t.items = alignItemProfiles(features, t.data.items, Normalization::None);
    t.w = buildRelevance(train, t.items, RelevantRule{});
    return t;
}

const MapPoint& find(const UserItemMap& map, MapKind kind, std::uint32_t index)
{
    for (const MapPoint& p : map.points)
        if (p.kind == kind && p.index == index)
            return p;
    throw std::runtime_error("point not on the map");
}

TEST(UserItemMap, UsersAndItemsShareOneSpace)
{
    const Tiny t = makeTiny();
    const UserItemMap map = buildUserItemMap(t.w, t.items, MapOptions{});
    ASSERT_EQ(map.points.size(), 7u);  // 3 items with a profile + 4 users
    EXPECT_EQ(map.itemsLeftOut, 1u);   // i5
    EXPECT_EQ(map.usersLeftOut, 0u);
    EXPECT_EQ(map.points[0].kind, MapKind::Item);
    EXPECT_EQ(map.points[3].kind, MapKind::User);
    const std::uint32_t i1 = 0, i2 = 1, u1 = 0, u2 = 1, u3 = 2;
    // u1 and u2 point like i1, u3 like i2: the same place on the map.
    for (std::uint32_t u : {u1, u2}) {
        EXPECT_NEAR(find(map, MapKind::User, u).x, find(map, MapKind::Item, i1).x, 1e-12);
        EXPECT_NEAR(find(map, MapKind::User, u).y, find(map, MapKind::Item, i1).y, 1e-12);
    }
    EXPECT_NEAR(find(map, MapKind::User, u3).x, find(map, MapKind::Item, i2).x, 1e-12);
    EXPECT_NEAR(find(map, MapKind::User, u3).y, find(map, MapKind::Item, i2).y, 1e-12);

    // The PCA of the unit-length profiles written out by hand.
    const double r2 = 1 / std::sqrt(2.0), r5 = 1 / std::sqrt(5.0);
    ProjectionMatrix rows(7, 2);
    rows << 1, 0, 0, 1, r2, r2, 1, 0, 1, 0, 0, 1, r5, 2 * r5;
    const PcaResult expected = pca(rows, 2);
    for (std::size_t r = 0; r < 7; ++r) {
        EXPECT_NEAR(map.points[r].x, expected.coords(Eigen::Index(r), 0), 1e-12);
        EXPECT_NEAR(map.points[r].y, expected.coords(Eigen::Index(r), 1), 1e-12);
    }
    EXPECT_NEAR(map.explained[0], expected.explained[0], 1e-12);
    EXPECT_NEAR(map.explained[0] + map.explained[1], 1.0, 1e-12);  // 2-D data: all of it
}

TEST(UserItemMap, TsneMapsEveryPointReproducibly)
{
    const Tiny t = makeTiny();
    MapOptions options;
    options.method = MapMethod::Tsne;
    options.tsne.iterations = 200;
    const UserItemMap a = buildUserItemMap(t.w, t.items, options), b = buildUserItemMap(t.w, t.items, options);
    ASSERT_EQ(a.points.size(), 7u);
    EXPECT_EQ(a.inputDims, 50);
    EXPECT_NEAR(a.explained[0], 1.0, 1e-12);  // 50 components keep all of 2-D data
    for (std::size_t r = 0; r < 7; ++r) {
        EXPECT_EQ(a.points[r].x, b.points[r].x);
        EXPECT_TRUE(std::isfinite(a.points[r].x) && std::isfinite(a.points[r].y));
    }
}

TEST(UserItemMap, LabelsFromTheCatalog)
{
    const Tiny t = makeTiny();
    const UserItemMap map = buildUserItemMap(t.w, t.items, MapOptions{});
    ItemCatalog catalog;
    catalog.items = {{"i1", "One", {"A", "X"}}, {"i2", "Two", {"B"}}, {"i3", "Three", {"A"}}};
    catalog.genreNames = {"A", "X", "B"};
    catalog.index();
    const auto labels = mapLabels(map, t.w, t.items, t.data.items, catalog);
    // items i1 i2 i3; users u1 (rel i1) u2 (rel i1) u3 (rel i2) u4 (rel i2, i3: a tie B/A -> A, first in genreNames)
    EXPECT_EQ(labels, (std::vector<std::string>{"A", "B", "A", "A", "A", "B", "A"}));
    const auto none = mapLabels(map, t.w, t.items, t.data.items, ItemCatalog{});
    EXPECT_EQ(none, std::vector<std::string>(7));
}

TEST(UserItemMap, ClustersFollowTheProfiles)
{
    const Tiny t = makeTiny();
    MapOptions options;
    options.clusters = 2;
    const UserItemMap map = buildUserItemMap(t.w, t.items, options);
    ASSERT_EQ(map.cluster.size(), 7u);
    // points: i1 i2 i3 u1 u2 u3 u4; i1 = u1 = u2 = (1,0) and i2 = u3 = (0,1) share clusters,
    // and those two places, the farthest apart, fall in different ones.
    EXPECT_EQ(map.cluster[3], map.cluster[0]);
    EXPECT_EQ(map.cluster[4], map.cluster[0]);
    EXPECT_EQ(map.cluster[5], map.cluster[1]);
    EXPECT_NE(map.cluster[0], map.cluster[1]);
    EXPECT_TRUE(buildUserItemMap(t.w, t.items, MapOptions{}).cluster.empty());
}

TEST(UserItemMap, MethodNames)
{
    EXPECT_EQ(parseMapMethod("pca"), MapMethod::Pca);
    EXPECT_EQ(parseMapMethod("tsne"), MapMethod::Tsne);
    EXPECT_STREQ(toString(MapMethod::Tsne), "tsne");
    EXPECT_THROW(parseMapMethod("umap"), ConfigError);
}

}  // namespace
}  // namespace tl
