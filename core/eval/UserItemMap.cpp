#include "core/eval/UserItemMap.h"

#include <algorithm>
#include <map>

#include "core/common/Error.h"
#include "core/eval/KMeans.h"

namespace tl {

const char* toString(MapMethod method)
{
    return method == MapMethod::Tsne ? "tsne" : "pca";
}

MapMethod parseMapMethod(const std::string& text)
{
    if (text == "pca")
        return MapMethod::Pca;
    if (text == "tsne")
        return MapMethod::Tsne;
    throw ConfigError("unknown map method '" + text + "' (expected pca or tsne)");
}

UserItemMap buildUserItemMap(const RelevanceMatrix& w, const ItemProfiles& items, const MapOptions& options,
                             const JobContext& ctx)
{
    UserItemMap map;
    map.options = options;
    const RowMatrixD users = buildUserProfilesExact(w, items);
    const Eigen::Index dims = items.values.cols();
    std::vector<MapPoint> kept;
    std::vector<Eigen::VectorXd> rows;
    for (std::size_t i = 0; i < items.rowOf.size(); ++i) {
        const std::int32_t row = items.rowOf[i];
        if (row < 0) {
            ++map.itemsLeftOut;
            continue;
        }
        const Eigen::VectorXd v = items.values.row(row).cast<double>().transpose();
        const double norm = v.norm();
        if (!(norm > 0)) {
            ++map.itemsLeftOut;
            continue;
        }
        kept.push_back({MapKind::Item, static_cast<std::uint32_t>(i), 0, 0});
        rows.push_back(v / norm);
    }
    for (Eigen::Index u = 0; u < users.rows(); ++u) {
        const double norm = users.row(u).norm();
        if (!(norm > 0)) {
            ++map.usersLeftOut;
            continue;
        }
        kept.push_back({MapKind::User, static_cast<std::uint32_t>(u), 0, 0});
        rows.push_back(users.row(u).transpose() / norm);
    }
    if (kept.size() < 3)
        throw ConfigError("the map needs at least 3 users or items with a non-zero profile, found " +
                          std::to_string(kept.size()));
    ProjectionMatrix points(static_cast<Eigen::Index>(rows.size()), dims);
    for (std::size_t r = 0; r < rows.size(); ++r)
        points.row(static_cast<Eigen::Index>(r)) = rows[r].transpose();
    rows.clear();
    ctx.checkCancelled();
    // One exact PCA serves all: x, y (PCA), t-SNE's input and k-means' space.
    const int inputDims = std::max(2, options.tsneInputDims);
    const bool wide = options.method == MapMethod::Tsne || options.clusters > 0;
    const PcaResult pc = pca(points, wide ? inputDims : 2, ctx);
    ProjectionMatrix coords;
    if (options.method == MapMethod::Pca) {
        coords = pc.coords.leftCols(2);
        map.explained[0] = pc.explained[0];
        map.explained[1] = pc.explained[1];
    } else {
        map.inputDims = inputDims;
        map.explained[0] = pc.explained.sum();
    }
    if (options.clusters > 0) {
        ctx.report("k-means", 0, 1);
        map.cluster =
            kmeans(pc.coords, std::min<int>(options.clusters, static_cast<int>(points.rows())), options.clusterSeed)
                .cluster;
        ctx.checkCancelled();
    }
    if (options.method == MapMethod::Tsne)
        coords = tsne(pc.coords, options.tsne, ctx);
    for (std::size_t r = 0; r < kept.size(); ++r) {
        kept[r].x = coords(static_cast<Eigen::Index>(r), 0);
        kept[r].y = coords(static_cast<Eigen::Index>(r), 1);
    }
    map.points = std::move(kept);
    return map;
}

std::vector<std::string> mapLabels(const UserItemMap& map, const RelevanceMatrix& w, const ItemProfiles& items,
                                   const IdMap& itemIds, const ItemCatalog& catalog)
{
    std::vector<std::string> itemLabel(items.rowOf.size());
    for (std::size_t i = 0; i < items.rowOf.size() && i < itemIds.size(); ++i) {
        const ItemInfo* info = catalog.find(itemIds.id(static_cast<std::uint32_t>(i)));
        if (info && !info->genres.empty())
            itemLabel[i] = info->genres.front();
    }
    std::vector<std::uint32_t> itemOfRow(items.withProfile());
    for (std::size_t i = 0; i < items.rowOf.size(); ++i)
        if (items.rowOf[i] >= 0)
            itemOfRow[static_cast<std::size_t>(items.rowOf[i])] = static_cast<std::uint32_t>(i);
    std::map<std::string, std::size_t> genreOrder;
    for (std::size_t g = 0; g < catalog.genreNames.size(); ++g)
        genreOrder.emplace(catalog.genreNames[g], g);

    std::vector<std::string> labels;
    labels.reserve(map.points.size());
    for (const MapPoint& p : map.points) {
        if (p.kind == MapKind::Item) {
            labels.push_back(itemLabel[p.index]);
            continue;
        }
        std::map<std::string, std::size_t> counts;
        for (std::size_t e = w.offsets[p.index]; e < w.offsets[p.index + 1]; ++e) {
            const std::string& label = itemLabel[itemOfRow[w.rows[e]]];
            if (!label.empty())
                ++counts[label];
        }
        std::string best;
        std::size_t bestCount = 0, bestOrder = 0;
        for (const auto& [label, count] : counts) {
            const auto it = genreOrder.find(label);
            const std::size_t order = it == genreOrder.end() ? genreOrder.size() : it->second;
            if (count > bestCount || (count == bestCount && order < bestOrder)) {
                best = label;
                bestCount = count;
                bestOrder = order;
            }
        }
        labels.push_back(best);
    }
    return labels;
}

}  // namespace tl
