#pragma once
// Explicit ratings and the readers for the formats users bring
// (docs/method.md, "Data formats users bring"):
//   ml-100k   u.data: user<TAB>item<TAB>rating<TAB>timestamp
//   ml-1m     ratings.dat: user::item::rating::timestamp
//   ml-csv    ratings.csv of MovieLens 20M/25M/latest: header userId,movieId,rating,timestamp
//   csv       generic user,item,rating[,timestamp], header optional
// Detected from the first line unless named. LF and CRLF, UTF-8 and latin-1
// (ids are kept as the bytes they are; titles are converted, see Items.h).
//
// Bad input is never silently accepted: a malformed line, an out-of-scale
// rating or a duplicate (user, item) pair throws DataError(file, line, reason);
// with skipBadLines they are skipped instead and each one is listed in the
// ReadReport. Missing and empty files always throw.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/data/IdMap.h"

namespace tl {

enum class RatingsFormat { Auto, MovieLens100K, MovieLens1M, MovieLensCsv, GenericCsv };

// "auto", "ml-100k", "ml-1m", "ml-csv", "csv"; throws ConfigError on anything else.
RatingsFormat parseRatingsFormat(const std::string& name);
std::string formatName(RatingsFormat format);

struct RatingScale {
    float min = 1.0f;
    float max = 5.0f;
    bool contains(float r) const { return r >= min && r <= max; }
};

struct Rating {
    std::uint32_t user = 0;  // index into Dataset::users
    std::uint32_t item = 0;  // index into Dataset::items
    float value = 0;
    std::int64_t timestamp = 0;
};

// Users, items and ratings sharing one id space. Several files (a train and a
// test file) can be read into one Dataset so that ids agree.
struct Dataset {
    IdMap users;
    IdMap items;
    std::vector<Rating> ratings;
    RatingScale scale;
};

struct ReadOptions {
    RatingsFormat format = RatingsFormat::Auto;
    bool skipBadLines = false;
    std::optional<RatingScale> scale;  // default: 1..5 for ml-100k/ml-1m, 0.5..5 for CSV formats
};

struct SkippedLine {
    std::size_t line = 0;
    std::string reason;
};

struct ReadReport {
    std::string file;
    RatingsFormat format = RatingsFormat::Auto;  // as detected
    bool hadHeader = false;
    std::size_t lines = 0;     // non-empty lines read, header included
    std::size_t ratings = 0;   // ratings accepted into the Dataset
    std::vector<SkippedLine> skipped;  // every skipped line, in file order
    RatingScale scale;
};

// Reads one ratings file into `into` (appending; ids are interned into its maps).
ReadReport readRatings(const std::filesystem::path& path, Dataset& into, const ReadOptions& options = {});

// A readable summary of the skipped lines ("12 lines skipped: line 3: ..."), at most maxListed listed.
std::string describeSkipped(const ReadReport& report, std::size_t maxListed = 20);

}  // namespace tl
