#pragma once
// Maps external ids (strings as they appear in files: "196", "tt0114709")
// to dense indices 0..n-1 in order of first appearance, and back.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tl {

class IdMap {
public:
    // Index of id, adding it when new.
    std::uint32_t intern(std::string_view id)
    {
        auto it = index_.find(std::string(id));
        if (it != index_.end())
            return it->second;
        const auto next = static_cast<std::uint32_t>(ids_.size());
        ids_.emplace_back(id);
        index_.emplace(ids_.back(), next);
        return next;
    }
    std::optional<std::uint32_t> find(std::string_view id) const
    {
        auto it = index_.find(std::string(id));
        if (it == index_.end())
            return std::nullopt;
        return it->second;
    }
    const std::string& id(std::uint32_t index) const { return ids_[index]; }
    const std::vector<std::string>& ids() const { return ids_; }
    std::size_t size() const { return ids_.size(); }

private:
    std::vector<std::string> ids_;
    std::unordered_map<std::string, std::uint32_t> index_;
};

}  // namespace tl
