#include "core/project/RatingOverlay.h"

#include <charconv>
#include <iterator>
#include <numeric>
#include <set>
#include <string>
#include <unordered_map>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/data/Text.h"

namespace tl {

namespace {

[[noreturn]] void badEntry(const Project& project, const char* field, std::size_t n, const std::string& reason)
{
    throw DataError(project.file.string(), 0,
                    std::string("field \"") + field + "\": entry " + std::to_string(n + 1) + ": " + reason);
}

std::string ratingText(float value)
{
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, ec == std::errc() ? end : buffer);
}

}  // namespace

ResolvedOverlay resolveOverlay(const Project& project, const Dataset& source)
{
    ResolvedOverlay out;
    std::unordered_map<std::string, std::uint32_t> newIndex;
    for (std::size_t n = 0; n < project.newUsers.size(); ++n) {
        const std::string& id = project.newUsers[n];
        if (source.users.find(id))
            badEntry(project, "new_users", n, "user '" + id + "' is already a user of the ratings file");
        const auto index = static_cast<std::uint32_t>(source.users.size() + n);
        if (!newIndex.emplace(id, index).second)
            badEntry(project, "new_users", n, "user '" + id + "' is listed twice");
        out.newUsers.push_back(id);
    }
    for (std::size_t n = 0; n < project.ratingEdits.size(); ++n) {
        const ProjectRatingEdit& e = project.ratingEdits[n];
        IndexedRatingEdit edit;
        if (const auto u = source.users.find(e.user))
            edit.user = *u;
        else if (const auto it = newIndex.find(e.user); it != newIndex.end())
            edit.user = it->second;
        else
            badEntry(project, "rating_edits", n,
                     "user '" + e.user + "' is neither in the ratings file nor in \"new_users\"");
        if (const auto i = source.items.find(e.item))
            edit.item = *i;
        else
            badEntry(project, "rating_edits", n, "item '" + e.item + "' is not in the ratings file");
        if (e.rating && !source.scale.contains(*e.rating))
            badEntry(project, "rating_edits", n,
                     "rating " + ratingText(*e.rating) + " lies outside the scale " + ratingText(source.scale.min) +
                         ".." + ratingText(source.scale.max));
        edit.rating = e.rating;
        out.edits.push_back(edit);
    }
    return out;
}

Dataset applyOverlay(const Dataset& source, const std::vector<std::size_t>& subset, const ResolvedOverlay& overlay)
{
    Dataset out;
    out.users = source.users;
    out.items = source.items;
    out.scale = source.scale;
    for (const auto& id : overlay.newUsers)
        out.users.intern(id);
    out.ratings.reserve(subset.size() + overlay.edits.size());
    std::unordered_map<std::uint64_t, std::size_t> at;  // (user, item) -> position in out.ratings
    const auto key = [](std::uint32_t u, std::uint32_t i) { return (std::uint64_t(u) << 32) | i; };
    for (std::size_t index : subset) {
        const Rating& r = source.ratings.at(index);
        at.emplace(key(r.user, r.item), out.ratings.size());
        out.ratings.push_back(r);
    }
    std::vector<char> removed(out.ratings.size(), 0);
    for (const auto& e : overlay.edits) {
        const auto it = at.find(key(e.user, e.item));
        if (e.rating) {
            if (it != at.end()) {
                out.ratings[it->second].value = *e.rating;
            } else {
                at.emplace(key(e.user, e.item), out.ratings.size());
                out.ratings.push_back({e.user, e.item, *e.rating, 0});
                removed.push_back(0);
            }
        } else if (it != at.end()) {
            removed[it->second] = 1;
            at.erase(it);
        }
    }
    // A pair removed and set again was appended anew; drop the removed slots keeping order.
    std::size_t kept = 0;
    for (std::size_t n = 0; n < out.ratings.size(); ++n)
        if (!removed[n])
            out.ratings[kept++] = out.ratings[n];
    out.ratings.resize(kept);
    return out;
}

Dataset applyOverlay(const Dataset& source, const ResolvedOverlay& overlay)
{
    std::vector<std::size_t> all(source.ratings.size());
    std::iota(all.begin(), all.end(), std::size_t{0});
    return applyOverlay(source, all, overlay);
}

std::shared_ptr<const ProjectData> withOverlay(const ProjectData& source)
{
    auto out = std::make_shared<ProjectData>(source);
    const ResolvedOverlay overlay = resolveOverlay(source.project, source.data);
    if (overlay.newUsers.empty() && overlay.edits.empty())
        return out;
    for (const auto& id : overlay.newUsers)
        out->data.users.intern(id);
    enum : char { None, Train, Test };
    const auto key = [](std::uint32_t u, std::uint32_t i) { return (std::uint64_t(u) << 32) | i; };
    auto& ratings = out->data.ratings;
    std::vector<char> role(ratings.size(), None);
    for (std::size_t index : source.split.train)
        role.at(index) = Train;
    for (std::size_t index : source.split.test)
        role.at(index) = Test;
    // Only the edited pairs are looked up: index those (a scan, not a map of every rating).
    std::unordered_map<std::uint64_t, std::size_t> at;
    for (const auto& e : overlay.edits)
        at.emplace(key(e.user, e.item), ratings.size());
    for (std::size_t n = 0; n < ratings.size(); ++n)
        if (role[n] != None)
            if (const auto it = at.find(key(ratings[n].user, ratings[n].item)); it != at.end() && it->second == ratings.size())
                it->second = n;  // the first rating of the pair, as a map of every rating keeps it
    for (auto it = at.begin(); it != at.end();)
        it = it->second == ratings.size() ? at.erase(it) : std::next(it);
    for (const auto& e : overlay.edits) {
        const auto it = at.find(key(e.user, e.item));
        if (!e.rating) {
            if (it != at.end()) {
                role[it->second] = None;
                at.erase(it);
            }
        } else if (it != at.end()) {
            ratings[it->second].value = *e.rating;
            role[it->second] = Train;
        } else {
            at.emplace(key(e.user, e.item), ratings.size());
            ratings.push_back({e.user, e.item, *e.rating, 0});
            role.push_back(Train);
        }
    }
    // Keep the rated pairs only, in their order; the indices stay ascending (added ratings last).
    std::size_t kept = 0;
    out->split.train.clear();
    out->split.test.clear();
    for (std::size_t n = 0; n < ratings.size(); ++n) {
        if (role[n] == None)
            continue;
        (role[n] == Train ? out->split.train : out->split.test).push_back(kept);
        ratings[kept++] = ratings[n];
    }
    ratings.resize(kept);
    return out;
}

void writeRatingsCsv(const Dataset& data, const std::filesystem::path& file)
{
    std::string text = "user,item,rating,timestamp\n";
    text.reserve(data.ratings.size() * 24 + text.size());
    for (const Rating& r : data.ratings)
        text += text::csvField(data.users.id(r.user)) + "," + text::csvField(data.items.id(r.item)) + "," + ratingText(r.value) +
                "," + std::to_string(r.timestamp) + "\n";
    writeFileAtomically(file, text);
}

}  // namespace tl
