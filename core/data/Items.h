#pragma once
// Item metadata: titles and genres from the MovieLens item files.
//   u.item      (ml-100k) id|title|release|video release|IMDb URL|19 genre flags, latin-1;
//               genre names from u.genre beside it, else the ml-100k list
//   movies.dat  (ml-1m)   id::title::Genre1|Genre2, latin-1
//   movies.csv  (ml-20m+) header movieId,title,genres; quoted titles with commas
// Titles are converted to UTF-8. Malformed lines throw DataError(file, line, reason).

#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/data/FeatureMatrix.h"

namespace tl {

struct ItemInfo {
    std::string id;
    std::string title;
    std::vector<std::string> genres;
};

struct ItemCatalog {
    std::vector<ItemInfo> items;
    std::vector<std::string> genreNames;  // every genre seen, in a stable order

    // O(1) after index() (readItems calls it); a linear scan otherwise.
    const ItemInfo* find(const std::string& id) const;
    void index();

private:
    std::unordered_map<std::string, std::size_t> byId_;
};

ItemCatalog readItems(const std::filesystem::path& path);

// Genre one-hot item profiles (the paper's "Genre" row): one row per item,
// one column per genre of the catalog, 1 where the item has that genre.
FeatureMatrix genreFeatures(const ItemCatalog& catalog);

}  // namespace tl
