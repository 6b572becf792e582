#include "core/project/Import.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "core/common/Error.h"
#include "core/data/Items.h"
#include "core/data/Ratings.h"
#include "core/data/Text.h"
#include "core/video/VideoProbe.h"

namespace tl {

namespace {

std::filesystem::path firstExisting(const std::filesystem::path& dir, std::initializer_list<const char*> names)
{
    for (const char* name : names)
        if (std::filesystem::exists(dir / name))
            return dir / name;
    return {};
}

bool isVideoFile(const std::filesystem::path& p)
{
    static const std::set<std::string> extensions = {".mp4", ".mkv", ".webm", ".avi", ".mov",
                                                     ".ogv", ".m4v", ".flv", ".mpg", ".mpeg"};
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return extensions.count(ext) > 0;
}

// youtubeId -> movieId from ml-youtube.csv.
std::map<std::string, std::string> readYoutubeIds(const std::filesystem::path& file)
{
    std::map<std::string, std::string> ids;
    text::forEachCsvRecord(file, [&](std::size_t number, const std::vector<std::string>& fields, bool first) {
        if (fields.size() < 2)
            throw DataError(file.string(), number, "expected youtubeId,movieId,title");
        if (first && fields[0] == "youtubeId")
            return;  // header
        ids[std::string(text::trim(fields[0]))] = std::string(text::trim(fields[1]));
    });
    return ids;
}

}  // namespace

ImportReport importMovieLens(const ImportOptions& options, const JobContext& ctx)
{
    ImportReport report;
    const auto& ml = options.movielensDir;
    if (!std::filesystem::is_directory(ml))
        throw DataError(ml.string(), 0, "not a folder");
    report.ratingsFile = firstExisting(ml, {"ratings.csv", "ratings.dat", "u.data"});
    if (report.ratingsFile.empty())
        throw DataError(ml.string(), 0, "no ratings file (u.data, ratings.dat or ratings.csv)");
    report.itemsFile = firstExisting(ml, {"movies.csv", "movies.dat", "u.item"});
    if (report.itemsFile.empty())
        throw DataError(ml.string(), 0, "no item file (u.item, movies.dat or movies.csv)");
    const ItemCatalog catalog = readItems(report.itemsFile);
    report.items = catalog.items.size();
    {  // the ratings are read in full now, so a damaged file is named here (file:line) and not at the first experiment
        ctx.report("import", 0, 1, "checking " + report.ratingsFile.filename().string());
        Dataset ratings;
        report.ratings = readRatings(report.ratingsFile, ratings, {}).ratings;
    }

    report.youtubeFile = firstExisting(ml, {"ml-youtube.csv"});
    if (report.youtubeFile.empty() && !options.trailersDir.empty())
        report.youtubeFile = firstExisting(options.trailersDir, {"ml-youtube.csv"});
    const auto youtube = report.youtubeFile.empty() ? std::map<std::string, std::string>{}
                                                    : readYoutubeIds(report.youtubeFile);

    std::map<std::string, std::filesystem::path> trailerOf;
    if (!options.trailersDir.empty()) {
        if (!std::filesystem::is_directory(options.trailersDir))
            throw DataError(options.trailersDir.string(), 0, "not a folder");
        std::vector<std::filesystem::path> files;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(options.trailersDir))
            if (entry.is_regular_file() && isVideoFile(entry.path()))
                files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        for (std::size_t f = 0; f < files.size(); ++f) {
            ctx.checkCancelled();
            const auto& file = files[f];
            const std::string stem = file.stem().string();
            std::string item;
            if (catalog.find(stem))
                item = stem;
            else if (auto it = youtube.find(stem); it != youtube.end() && catalog.find(it->second))
                item = it->second;
            if (item.empty()) {
                report.unmatched.push_back(file.string());
                continue;
            }
            if (options.probeVideos) {
                try {
                    video::probeVideo(file, false);
                } catch (const DecodeError& e) {
                    report.unreadable.push_back(file.string() + ": " + e.reason());
                    continue;
                }
            }
            trailerOf.emplace(item, std::filesystem::absolute(file));
            ctx.report("import", static_cast<double>(f + 1), static_cast<double>(files.size()),
                       file.filename().string());
        }
    }
    std::vector<ManifestEntry> manifest;
    for (const auto& item : catalog.items)
        if (auto it = trailerOf.find(item.id); it != trailerOf.end())
            manifest.push_back({item.id, it->second});
    report.withTrailer = manifest.size();
    report.withoutTrailer = report.items - report.withTrailer;

    const auto projectFile = std::filesystem::absolute(options.projectFile);
    const auto folder = projectFile.parent_path();
    std::filesystem::create_directories(folder);
    Project& project = report.project;
    project.name = options.name.empty() ? std::filesystem::absolute(ml).lexically_normal().filename().string()
                                        : options.name;
    project.ratings = std::filesystem::absolute(report.ratingsFile);
    project.items = std::filesystem::absolute(report.itemsFile);
    if (!manifest.empty()) {
        project.manifest = folder / "manifest.csv";
        writeManifest(manifest, project.manifest);
    }
    project.cache = folder / "cache";
    saveProject(project, projectFile);
    return report;
}

std::string describeImport(const ImportReport& r)
{
    std::ostringstream out;
    out << "ratings: " << r.ratingsFile.string() << " (" << r.ratings << " ratings)\nitems:   " << r.itemsFile.string() << " (" << r.items
        << " items)\n";
    if (!r.youtubeFile.empty())
        out << "YouTube ids: " << r.youtubeFile.string() << "\n";
    out << "trailers: " << r.withTrailer << " items with a readable trailer, " << r.withoutTrailer
        << " without (no file or unreadable)\n";
    out << "items without a trailer have no profile: they take no part in user profiles but still count as "
           "neighbours' ratings and as test targets\n";
    for (const auto& u : r.unreadable)
        out << "  unreadable: " << u << "\n";
    for (const auto& u : r.unmatched)
        out << "  not an item: " << u << "\n";
    out << "project: " << r.project.file.string() << "\n";
    return out.str();
}

}  // namespace tl
