#include "core/data/Ratings.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "core/common/Error.h"
#include "core/data/Text.h"

namespace tl {

RatingsFormat parseRatingsFormat(const std::string& name)
{
    if (name == "auto")
        return RatingsFormat::Auto;
    if (name == "ml-100k")
        return RatingsFormat::MovieLens100K;
    if (name == "ml-1m")
        return RatingsFormat::MovieLens1M;
    if (name == "ml-csv")
        return RatingsFormat::MovieLensCsv;
    if (name == "csv")
        return RatingsFormat::GenericCsv;
    throw ConfigError("unknown ratings format '" + name + "' (auto, ml-100k, ml-1m, ml-csv, csv)");
}

std::string formatName(RatingsFormat format)
{
    switch (format) {
    case RatingsFormat::Auto: return "auto";
    case RatingsFormat::MovieLens100K: return "ml-100k";
    case RatingsFormat::MovieLens1M: return "ml-1m";
    case RatingsFormat::MovieLensCsv: return "ml-csv";
    case RatingsFormat::GenericCsv: return "csv";
    }
    return "auto";
}

namespace {

RatingsFormat detectFormat(const std::string& firstLine)
{
    if (firstLine.find("::") != std::string::npos)
        return RatingsFormat::MovieLens1M;
    if (firstLine.find('\t') != std::string::npos)
        return RatingsFormat::MovieLens100K;
    if (firstLine.rfind("userId,movieId,rating", 0) == 0)
        return RatingsFormat::MovieLensCsv;
    return RatingsFormat::GenericCsv;
}

std::string_view separatorOf(RatingsFormat format)
{
    switch (format) {
    case RatingsFormat::MovieLens1M: return "::";
    case RatingsFormat::MovieLens100K: return "\t";
    default: return ",";
    }
}

RatingScale defaultScale(RatingsFormat format)
{
    if (format == RatingsFormat::MovieLens100K || format == RatingsFormat::MovieLens1M)
        return {1.0f, 5.0f};
    return {0.5f, 5.0f};
}

std::string formatScale(const RatingScale& scale)
{
    std::ostringstream out;
    out << scale.min << ".." << scale.max;
    return out.str();
}

// Parses one data line; returns an error reason or empty on success.
std::string parseLine(std::string_view line, std::string_view separator, std::string_view& user,
                      std::string_view& item, double& rating, std::int64_t& timestamp)
{
    auto fields = text::split(line, separator);
    if (fields.size() < 3 || fields.size() > 4)
        return "expected 3 or 4 fields (user" + std::string(separator == "\t" ? "<TAB>" : separator) +
               "item" + std::string(separator == "\t" ? "<TAB>" : separator) + "rating[" +
               std::string(separator == "\t" ? "<TAB>" : separator) + "timestamp]), found " +
               std::to_string(fields.size());
    user = text::trim(fields[0]);
    item = text::trim(fields[1]);
    if (user.empty())
        return "empty user id";
    if (item.empty())
        return "empty item id";
    auto r = text::parseDouble(fields[2]);
    if (!r)
        return "rating '" + std::string(fields[2]) + "' is not a number";
    if (!std::isfinite(*r))
        return "rating is not finite";
    rating = *r;
    timestamp = 0;
    if (fields.size() == 4) {
        auto t = text::parseInt(fields[3]);
        if (!t)
            return "timestamp '" + std::string(fields[3]) + "' is not an integer";
        timestamp = *t;
    }
    return {};
}

}  // namespace

ReadReport readRatings(const std::filesystem::path& path, Dataset& into, const ReadOptions& options)
{
    auto in = text::openForRead(path);
    const std::string file = path.string();
    ReadReport report;
    report.file = file;

    std::string line;
    std::size_t lineNumber = 0;
    bool first = true;
    std::string_view separator;
    const std::size_t start = into.ratings.size();
    std::vector<std::size_t> lineOf;  // line number of each rating appended by this call

    auto reject = [&](std::size_t number, std::string reason) {
        if (!options.skipBadLines)
            throw DataError(file, number, reason);
        report.skipped.push_back({number, std::move(reason)});
    };

    while (text::readLine(in, line, first)) {
        ++lineNumber;
        if (text::trim(line).empty())
            continue;
        ++report.lines;
        if (first) {
            first = false;
            report.format = options.format == RatingsFormat::Auto ? detectFormat(line) : options.format;
            separator = separatorOf(report.format);
            report.scale = options.scale ? *options.scale : defaultScale(report.format);
            // A header is a first line whose rating field is not a number.
            auto fields = text::split(line, separator);
            if (fields.size() >= 3 && !text::parseDouble(fields[2])) {
                report.hadHeader = true;
                continue;
            }
        }
        std::string_view user, item;
        double rating = 0;
        std::int64_t timestamp = 0;
        std::string reason = parseLine(line, separator, user, item, rating, timestamp);
        if (reason.empty() && !report.scale.contains(static_cast<float>(rating)))
            reason = "rating " + std::string(text::trim(text::split(line, separator)[2])) +
                     " is outside the rating scale " + formatScale(report.scale);
        if (!reason.empty()) {
            reject(lineNumber, reason);
            continue;
        }
        into.ratings.push_back(
            {into.users.intern(user), into.items.intern(item), static_cast<float>(rating), timestamp});
        lineOf.push_back(lineNumber);
    }
    if (report.lines == 0)
        throw DataError(file, 0, "empty file: no ratings");

    // Duplicate (user, item) pairs: the first occurrence wins; later ones are errors.
    std::vector<std::size_t> order(lineOf.size());
    std::iota(order.begin(), order.end(), 0);
    auto key = [&](std::size_t k) {
        const Rating& r = into.ratings[start + k];
        return (static_cast<std::uint64_t>(r.user) << 32) | r.item;
    };
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const auto ka = key(a), kb = key(b);
        return ka != kb ? ka < kb : a < b;
    });
    std::vector<char> drop(lineOf.size(), 0);
    std::vector<SkippedLine> duplicates;
    for (std::size_t n = 1; n < order.size(); ++n) {
        if (key(order[n]) != key(order[n - 1]))
            continue;
        std::size_t firstIndex = n - 1;
        while (firstIndex > 0 && key(order[firstIndex - 1]) == key(order[n]))
            --firstIndex;
        const Rating& r = into.ratings[start + order[n]];
        duplicates.push_back({lineOf[order[n]], "duplicate rating of user " + into.users.id(r.user) + " for item " +
                                                    into.items.id(r.item) + " (first on line " +
                                                    std::to_string(lineOf[order[firstIndex]]) + ")"});
        drop[order[n]] = 1;
    }
    if (!duplicates.empty()) {
        std::sort(duplicates.begin(), duplicates.end(),
                  [](const SkippedLine& a, const SkippedLine& b) { return a.line < b.line; });
        if (!options.skipBadLines)
            throw DataError(file, duplicates.front().line, duplicates.front().reason);
        std::size_t write = start;
        for (std::size_t k = 0; k < lineOf.size(); ++k)
            if (!drop[k])
                into.ratings[write++] = into.ratings[start + k];
        into.ratings.resize(write);
        report.skipped.insert(report.skipped.end(), duplicates.begin(), duplicates.end());
        std::sort(report.skipped.begin(), report.skipped.end(),
                  [](const SkippedLine& a, const SkippedLine& b) { return a.line < b.line; });
    }
    report.ratings = into.ratings.size() - start;
    if (report.ratings == 0)
        throw DataError(file, 0, "no valid ratings (" + std::to_string(report.skipped.size()) + " lines skipped)");
    into.scale = report.scale;
    return report;
}

std::string describeSkipped(const ReadReport& report, std::size_t maxListed)
{
    if (report.skipped.empty())
        return {};
    std::ostringstream out;
    out << report.file << ": " << report.skipped.size() << " bad line" << (report.skipped.size() == 1 ? "" : "s")
        << " skipped";
    for (std::size_t k = 0; k < report.skipped.size() && k < maxListed; ++k)
        out << "\n  line " << report.skipped[k].line << ": " << report.skipped[k].reason;
    if (report.skipped.size() > maxListed)
        out << "\n  ... and " << report.skipped.size() - maxListed << " more";
    return out.str();
}

}  // namespace tl
