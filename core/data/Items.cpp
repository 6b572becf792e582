#include "core/data/Items.h"

#include <algorithm>
#include <map>

#include "core/common/Error.h"
#include "core/data/Text.h"

namespace tl {

const ItemInfo* ItemCatalog::find(const std::string& id) const
{
    if (byId_.size() == items.size()) {
        auto it = byId_.find(id);
        return it == byId_.end() ? nullptr : &items[it->second];
    }
    for (const auto& item : items)
        if (item.id == id)
            return &item;
    return nullptr;
}

void ItemCatalog::index()
{
    byId_.clear();
    for (std::size_t i = 0; i < items.size(); ++i)
        byId_.emplace(items[i].id, i);
}

namespace {

const std::vector<std::string> kMl100kGenres = {
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
    "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western"};

std::vector<std::string> readGenreNames(const std::filesystem::path& uGenre)
{
    std::vector<std::string> names;
    auto in = text::openForRead(uGenre);
    std::string line;
    bool first = true;
    while (text::readLine(in, line, first)) {
        first = false;
        auto fields = text::split(line, "|");
        if (fields.size() == 2 && !fields[0].empty()) {
            auto index = text::parseInt(fields[1]);
            if (!index || *index < 0)
                continue;
            if (names.size() <= static_cast<std::size_t>(*index))
                names.resize(*index + 1);
            names[*index] = text::toUtf8(fields[0]);
        }
    }
    return names;
}

void collectGenres(ItemCatalog& catalog)
{
    std::vector<std::string> seen;
    for (const auto& item : catalog.items)
        for (const auto& g : item.genres)
            if (std::find(seen.begin(), seen.end(), g) == seen.end())
                seen.push_back(g);
    // Keep a declared order (u.genre) when there is one; append the rest sorted.
    std::vector<std::string> ordered;
    for (const auto& g : catalog.genreNames)
        if (std::find(seen.begin(), seen.end(), g) != seen.end())
            ordered.push_back(g);
    std::vector<std::string> rest;
    for (const auto& g : seen)
        if (std::find(ordered.begin(), ordered.end(), g) == ordered.end())
            rest.push_back(g);
    std::sort(rest.begin(), rest.end());
    ordered.insert(ordered.end(), rest.begin(), rest.end());
    catalog.genreNames = ordered;
}

}  // namespace

ItemCatalog readItems(const std::filesystem::path& path)
{
    auto in = text::openForRead(path);
    const std::string file = path.string();
    ItemCatalog catalog;
    std::string line;
    std::size_t lineNumber = 0;
    bool first = true;
    enum { Unknown, Pipe, DoubleColon, Csv } kind = Unknown;
    std::vector<std::string> flagGenres = kMl100kGenres;
    if (auto uGenre = path.parent_path() / "u.genre"; std::filesystem::exists(uGenre)) {
        auto names = readGenreNames(uGenre);
        if (!names.empty())
            flagGenres = names;
    }
    std::map<std::string, std::size_t> firstLine;

    while (text::readLine(in, line, first)) {
        ++lineNumber;
        if (text::trim(line).empty())
            continue;
        if (first) {
            first = false;
            if (line.find("::") != std::string::npos)
                kind = DoubleColon;
            else if (line.find('|') != std::string::npos && line.find(',') == std::string::npos)
                kind = Pipe;
            else if (line.rfind("movieId,title", 0) == 0) {
                kind = Csv;
                continue;  // header
            } else if (line.find('|') != std::string::npos)
                kind = Pipe;
            else
                kind = Csv;
        }
        ItemInfo item;
        if (kind == Pipe) {
            auto fields = text::split(line, "|");
            if (fields.size() != 5 + flagGenres.size())
                throw DataError(file, lineNumber,
                                "expected " + std::to_string(5 + flagGenres.size()) +
                                    " '|'-separated fields (id|title|release|video release|url|genre flags), found " +
                                    std::to_string(fields.size()));
            item.id = std::string(text::trim(fields[0]));
            item.title = text::toUtf8(fields[1]);
            for (std::size_t g = 0; g < flagGenres.size(); ++g) {
                auto flag = text::trim(fields[5 + g]);
                if (flag != "0" && flag != "1")
                    throw DataError(file, lineNumber, "genre flag " + std::to_string(g + 1) + " is '" +
                                                          std::string(flag) + "', expected 0 or 1");
                if (flag == "1")
                    item.genres.push_back(flagGenres[g]);
            }
        } else if (kind == DoubleColon) {
            auto fields = text::split(line, "::");
            if (fields.size() != 3)
                throw DataError(file, lineNumber,
                                "expected id::title::genres, found " + std::to_string(fields.size()) + " fields");
            item.id = std::string(text::trim(fields[0]));
            item.title = text::toUtf8(fields[1]);
            for (auto g : text::split(fields[2], "|"))
                if (!g.empty() && g != "(no genres listed)")
                    item.genres.push_back(text::toUtf8(g));
        } else {
            auto fields = text::splitCsv(line);
            if (!fields)
                throw DataError(file, lineNumber, "unterminated quote");
            if (fields->size() != 3)
                throw DataError(file, lineNumber,
                                "expected movieId,title,genres, found " + std::to_string(fields->size()) + " fields");
            item.id = std::string(text::trim((*fields)[0]));
            item.title = text::toUtf8((*fields)[1]);
            for (auto g : text::split((*fields)[2], "|"))
                if (!g.empty() && g != "(no genres listed)")
                    item.genres.push_back(text::toUtf8(g));
        }
        if (item.id.empty())
            throw DataError(file, lineNumber, "empty item id");
        if (auto [it, inserted] = firstLine.emplace(item.id, lineNumber); !inserted)
            throw DataError(file, lineNumber,
                            "duplicate item id " + item.id + " (first on line " + std::to_string(it->second) + ")");
        catalog.items.push_back(std::move(item));
    }
    if (catalog.items.empty())
        throw DataError(file, 0, "empty file: no items");
    if (kind == Pipe)
        catalog.genreNames = flagGenres;
    collectGenres(catalog);
    catalog.index();
    return catalog;
}

FeatureMatrix genreFeatures(const ItemCatalog& catalog)
{
    FeatureMatrix m;
    m.values = RowMatrixF::Zero(static_cast<Eigen::Index>(catalog.items.size()),
                                static_cast<Eigen::Index>(catalog.genreNames.size()));
    for (std::size_t i = 0; i < catalog.items.size(); ++i) {
        m.ids.push_back(catalog.items[i].id);
        for (const auto& g : catalog.items[i].genres) {
            auto it = std::find(catalog.genreNames.begin(), catalog.genreNames.end(), g);
            m.values(static_cast<Eigen::Index>(i), it - catalog.genreNames.begin()) = 1.0f;
        }
    }
    return m;
}

}  // namespace tl
