#pragma once
// The what-if overlay of a project (Project::newUsers, Project::ratingEdits) resolved
// against its ratings: the source ratings file is never rewritten; the edited ratings
// are the source ratings with the edits applied in order, and can be exported as CSV.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include <memory>

#include "core/data/Ratings.h"
#include "core/project/Project.h"
#include "core/project/ProjectData.h"

namespace tl {

// One overlay edit by the data set's indices (a new user's index follows the source users).
struct IndexedRatingEdit {
    std::uint32_t user = 0;
    std::uint32_t item = 0;
    std::optional<float> rating;  // empty: remove
};

struct ResolvedOverlay {
    std::vector<std::string> newUsers;  // get indices source.users.size() + n
    std::vector<IndexedRatingEdit> edits;
};

// Checks the overlay against the source data set and gives it by index. Throws
// DataError(project file, 0, "field \"rating_edits\": entry N (...): reason") for an
// unknown user (neither a source user nor in "new_users") or item, or a rating outside
// the data set's scale, and for a "new_users" id that is already a user or listed twice.
ResolvedOverlay resolveOverlay(const Project& project, const Dataset& source);

// A data set holding source.ratings[subset] with the overlay applied in order: a set changes the rating
// of an existing pair in place or appends it (timestamp 0), a remove drops the pair.
// Users and items are the source's, new users appended.
Dataset applyOverlay(const Dataset& source, const std::vector<std::size_t>& subset, const ResolvedOverlay& overlay);
// Every source rating with the overlay applied.
Dataset applyOverlay(const Dataset& source, const ResolvedOverlay& overlay);

// A loaded project with its own overlay (data.project's newUsers and ratingEdits)
// applied: what-if edits are edits of the training ratings, so a set changes the rating
// of an existing pair in place and makes it a training rating (a test rating leaves the
// test set), or appends it to the training set; a remove drops the pair from both sets.
// New users are appended to data.users. The split is otherwise the source's. Throws
// like resolveOverlay. `source` must be the project loaded without edits.
std::shared_ptr<const ProjectData> withOverlay(const ProjectData& source);

// Writes `user,item,rating,timestamp` with the data set's ids (atomically); readRatings
// reads it back as the generic CSV format.
void writeRatingsCsv(const Dataset& data, const std::filesystem::path& file);

}  // namespace tl
