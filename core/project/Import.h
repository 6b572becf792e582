#pragma once
// Import of a MovieLens folder plus a folder of trailer files into a project.
//  - Ratings: u.data (100K), ratings.dat (1M) or ratings.csv (20M/25M/latest).
//  - Items:   u.item, movies.dat or movies.csv.
//  - Trailers: video files named by movieId ("1.mp4"), or by YouTube id when an
//    ml-youtube.csv (youtubeId,movieId,title) is in either folder.
// Every trailer is probed: unreadable files are reported and left out of the
// manifest, so their items have no profile (method.md, "Items without a
// video"); so are items with no trailer at all. The report counts both.

#include <filesystem>
#include <string>
#include <vector>

#include "core/common/JobContext.h"
#include "core/project/Project.h"

namespace tl {

struct ImportOptions {
    std::filesystem::path movielensDir;
    std::filesystem::path trailersDir;   // may be empty: a project without trailers
    std::filesystem::path projectFile;   // where to write the project (its folder gets manifest.csv)
    std::string name;                    // default: the MovieLens folder's name
    bool probeVideos = true;             // open every trailer with FFmpeg to find unreadable ones
};

struct ImportReport {
    Project project;
    std::filesystem::path ratingsFile, itemsFile, youtubeFile;
    std::size_t items = 0;
    std::size_t ratings = 0;         // read and checked in full (a bad line is a DataError naming it)
    std::size_t withTrailer = 0;     // items with a readable trailer (in the manifest)
    std::size_t withoutTrailer = 0;  // items with no trailer file
    std::vector<std::string> unreadable;  // "file: reason" (their items have no trailer either)
    std::vector<std::string> unmatched;   // trailer files that name no item
};

ImportReport importMovieLens(const ImportOptions& options, const JobContext& ctx = JobContext::none());

// Human-readable coverage report.
std::string describeImport(const ImportReport& report);

}  // namespace tl
