// Readers on good and broken files of every format, item metadata, feature
// matrices in and out, and split determinism.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <set>

#include "core/common/Error.h"
#include "core/data/FeatureMatrix.h"
#include "core/data/Items.h"
#include "core/data/Ratings.h"
#include "core/data/Split.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

using test::TempDir;
using test::writeFile;

// Expects a DataError whose message names the file and line and contains `reason`.
void expectDataError(const std::function<void()>& fn, const std::filesystem::path& file, std::size_t line,
                     const std::string& reason)
{
    try {
        fn();
        ADD_FAILURE() << "expected a DataError for " << file;
    } catch (const DataError& e) {
        EXPECT_EQ(e.file(), file.string());
        EXPECT_EQ(e.line(), line) << e.what();
        EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
        if (line > 0) {
            EXPECT_NE(std::string(e.what()).find(file.string() + ":" + std::to_string(line)), std::string::npos);
        }
    }
}

struct FormatCase {
    std::string name;
    std::string text;
    RatingsFormat expected;
    bool header;
};

class RatingsFormats : public ::testing::TestWithParam<FormatCase> {};

TEST_P(RatingsFormats, ReadsTheSameThreeRatings)
{
    TempDir dir;
    const auto& c = GetParam();
    writeFile(dir / "ratings", c.text);
    Dataset data;
    const auto report = readRatings(dir / "ratings", data);
    EXPECT_EQ(report.format, c.expected);
    EXPECT_EQ(report.hadHeader, c.header);
    ASSERT_EQ(data.ratings.size(), 3u);
    EXPECT_EQ(data.users.size(), 2u);
    EXPECT_EQ(data.items.size(), 2u);
    EXPECT_EQ(data.users.id(data.ratings[2].user), "7");
    EXPECT_EQ(data.items.id(data.ratings[2].item), "20");
    EXPECT_FLOAT_EQ(data.ratings[1].value, 4.0f);
    EXPECT_EQ(data.ratings[0].timestamp, 881250949);
}

INSTANTIATE_TEST_SUITE_P(
    AllFormats, RatingsFormats,
    ::testing::Values(
        FormatCase{"ml100k", "196\t10\t3\t881250949\n196\t20\t4\t1\n7\t20\t1\t2\n", RatingsFormat::MovieLens100K, false},
        FormatCase{"ml100kCrlf", "196\t10\t3\t881250949\r\n196\t20\t4\t1\r\n7\t20\t1\t2\r\n",
                   RatingsFormat::MovieLens100K, false},
        FormatCase{"ml1m", "196::10::3::881250949\n196::20::4::1\n7::20::1::2\n", RatingsFormat::MovieLens1M, false},
        FormatCase{"mlcsv", "userId,movieId,rating,timestamp\r\n196,10,3.0,881250949\r\n196,20,4.0,1\r\n7,20,1.0,2\r\n",
                   RatingsFormat::MovieLensCsv, true},
        FormatCase{"genericHeader", "user,item,rating,timestamp\n196,10,3,881250949\n196,20,4,1\n7,20,1,2\n",
                   RatingsFormat::GenericCsv, true},
        FormatCase{"genericBomNoTrailingNewline", "\xEF\xBB\xBF" "196,10,3,881250949\n196,20,4,1\n7,20,1,2",
                   RatingsFormat::GenericCsv, false}),
    [](const auto& testInfo) { return testInfo.param.name; });

TEST(RatingsReader, HalfStarsAndExplicitFormat)
{
    TempDir dir;
    writeFile(dir / "r.csv", "1,2,0.5\n1,3,4.5\n");
    Dataset data;
    ReadOptions options;
    options.format = parseRatingsFormat("csv");
    EXPECT_EQ(readRatings(dir / "r.csv", data, options).ratings, 2u);
    EXPECT_FLOAT_EQ(data.ratings[0].value, 0.5f);
    EXPECT_THROW(parseRatingsFormat("ml-10m"), ConfigError);
}

TEST(RatingsReader, MalformedLinesNameFileLineAndReason)
{
    TempDir dir;
    const auto file = dir / "u.data";
    writeFile(file, "1\t2\t3\t4\n1\t3\tfive\t4\n");
    expectDataError([&] { Dataset d; readRatings(file, d); }, file, 2, "rating 'five' is not a number");
    writeFile(file, "1\t2\t3\t4\n1\t3\n");
    expectDataError([&] { Dataset d; readRatings(file, d); }, file, 2, "expected 3 or 4 fields");
    writeFile(file, "1\t2\t3\t4\n\n1\t3\t9\t4\n");
    expectDataError([&] { Dataset d; readRatings(file, d); }, file, 3, "outside the rating scale 1..5");
    writeFile(file, "1\t2\t3\t4\n1\t3\t2\tnoon\n");
    expectDataError([&] { Dataset d; readRatings(file, d); }, file, 2, "timestamp 'noon' is not an integer");
    writeFile(file, "1\t2\t3\t4\n1\t3\t2\t4\n1\t2\t5\t9\n");
    expectDataError([&] { Dataset d; readRatings(file, d); }, file, 3, "duplicate rating of user 1 for item 2 (first on line 1)");
}

TEST(RatingsReader, SkipBadLinesCountsAndListsEveryLine)
{
    TempDir dir;
    const auto file = dir / "ratings.dat";
    writeFile(file, "1::2::3::4\n1::3::x::4\n2::2::7::4\nbroken\n1::2::4::5\n2::5::1::1\n");
    Dataset data;
    ReadOptions options;
    options.skipBadLines = true;
    const auto report = readRatings(file, data, options);
    EXPECT_EQ(report.ratings, 2u);
    ASSERT_EQ(report.skipped.size(), 4u);
    EXPECT_EQ(report.skipped[0].line, 2u);
    EXPECT_EQ(report.skipped[1].line, 3u);
    EXPECT_EQ(report.skipped[2].line, 4u);
    EXPECT_EQ(report.skipped[3].line, 5u);
    EXPECT_NE(report.skipped[3].reason.find("duplicate"), std::string::npos);
    EXPECT_FLOAT_EQ(data.ratings[0].value, 3.0f);  // the first occurrence wins
    const std::string summary = describeSkipped(report, 2);
    EXPECT_NE(summary.find("4 bad lines skipped"), std::string::npos);
    EXPECT_NE(summary.find("and 2 more"), std::string::npos);
}

TEST(RatingsReader, EmptyMissingAndAllBadFiles)
{
    TempDir dir;
    writeFile(dir / "empty.csv", "\n\n");
    expectDataError([&] { Dataset d; readRatings(dir / "empty.csv", d); }, dir / "empty.csv", 0, "empty file");
    expectDataError([&] { Dataset d; readRatings(dir / "missing.csv", d); }, dir / "missing.csv", 0, "file not found");
    writeFile(dir / "bad.csv", "a,b,c,d,e\n");
    ReadOptions skip;
    skip.skipBadLines = true;
    expectDataError([&] { Dataset d; readRatings(dir / "bad.csv", d, skip); }, dir / "bad.csv", 0, "no valid ratings");
}

TEST(RatingsReader, TrainAndTestFilesShareIds)
{
    TempDir dir;
    writeFile(dir / "train", "1\t10\t3\t0\n2\t20\t4\t0\n");
    writeFile(dir / "test", "2\t10\t5\t0\n3\t30\t1\t0\n");
    Dataset data;
    readRatings(dir / "train", data);
    const std::size_t trainCount = data.ratings.size();
    readRatings(dir / "test", data);
    const Split split = explicitSplit(data, trainCount);
    EXPECT_EQ(split.train.size(), 2u);
    EXPECT_EQ(split.test.size(), 2u);
    EXPECT_EQ(data.ratings[2].user, data.ratings[1].user);  // user "2"
    EXPECT_EQ(data.ratings[2].item, data.ratings[0].item);  // item "10"
    EXPECT_EQ(data.users.size(), 3u);
}

TEST(ItemsReader, MovieLens100kPipeLatin1)
{
    TempDir dir;
    std::string flags19 = "|0|0|0|0|0|1|0|0|1|0|0|0|0|0|1|0|0|0|0";
    writeFile(dir / "u.item", "1|Toy Story (1995)|01-Jan-1995||http://x" + flags19 + "\n" +
                                  "2|Caf\xE9 au lait (1993)|01-Jan-1993||http://y|0|1|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n");
    const auto catalog = readItems(dir / "u.item");
    ASSERT_EQ(catalog.items.size(), 2u);
    EXPECT_EQ(catalog.items[1].title, "Caf\xC3\xA9 au lait (1993)");
    EXPECT_EQ(catalog.items[0].genres, (std::vector<std::string>{"Comedy", "Drama", "Romance"}));
    const auto genres = genreFeatures(catalog);
    EXPECT_EQ(genres.dims(), 4u);  // Action, Comedy, Drama, Romance: only genres that occur
    EXPECT_FLOAT_EQ(genres.values.row(0).sum(), 3.0f);
}

TEST(ItemsReader, MoviesDatAndCsvWithQuotedTitles)
{
    TempDir dir;
    writeFile(dir / "movies.dat", "1::Toy Story (1995)::Animation|Children's|Comedy\n2::Jumanji (1995)::Adventure\n");
    auto dat = readItems(dir / "movies.dat");
    EXPECT_EQ(dat.items[0].genres.size(), 3u);
    EXPECT_EQ(dat.genreNames, (std::vector<std::string>{"Adventure", "Animation", "Children's", "Comedy"}));
    writeFile(dir / "movies.csv",
              "movieId,title,genres\r\n1,Toy Story (1995),Animation|Comedy\r\n"
              "11,\"American President, The (1995)\",Comedy|Drama|Romance\r\n"
              "12,\"Say \"\"Hi\"\" (2001)\",(no genres listed)\r\n");
    auto csv = readItems(dir / "movies.csv");
    ASSERT_EQ(csv.items.size(), 3u);
    EXPECT_EQ(csv.items[1].title, "American President, The (1995)");
    EXPECT_EQ(csv.items[2].title, "Say \"Hi\" (2001)");
    EXPECT_TRUE(csv.items[2].genres.empty());
    writeFile(dir / "bad.csv", "movieId,title,genres\n1,\"Unterminated,Comedy\n");
    expectDataError([&] { readItems(dir / "bad.csv"); }, dir / "bad.csv", 2, "unterminated quote");
    writeFile(dir / "dup.dat", "1::A::Drama\n1::B::Drama\n");
    expectDataError([&] { readItems(dir / "dup.dat"); }, dir / "dup.dat", 2, "duplicate item id 1");
}

TEST(ItemsReader, RealMovieLens100kItems)
{
    TL_REQUIRE_SHARED(file, "data/ml-100k/u.item");
    const auto catalog = readItems(file);
    EXPECT_EQ(catalog.items.size(), 1682u);
    EXPECT_EQ(catalog.genreNames.size(), 19u);
    EXPECT_EQ(catalog.items[0].title, "Toy Story (1995)");
    // Every title is valid UTF-8 after conversion from latin-1.
    bool sawNonAscii = false;
    for (const auto& item : catalog.items)
        for (unsigned char c : item.title)
            sawNonAscii |= c >= 0x80;
    EXPECT_TRUE(sawNonAscii);
}

TEST(FeatureMatrixIo, CsvAndNpyRoundTripExactly)
{
    TempDir dir;
    FeatureMatrix m;
    m.ids = {"10", "tt7", "3"};
    m.values.resize(3, 4);
    m.values << 0.1f, -2.5e-7f, 3.14159274f, 1e30f, 0, 1, 2, 3, -1, -2, -3, 123456.789f;
    for (const char* name : {"f.csv", "f.npy"}) {
        writeFeatureMatrix(m, dir / name);
        const auto back = readFeatureMatrix(dir / name);
        EXPECT_EQ(back.ids, m.ids) << name;
        EXPECT_TRUE(back.values == m.values) << name;
    }
    EXPECT_TRUE(std::filesystem::exists(dir / "f.ids.txt"));
}

TEST(FeatureMatrixIo, Float64NpyHeaderlessCsvAndErrors)
{
    TempDir dir;
    // A float64 .npy as numpy writes it: shape (2, 2).
    std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";
    header.append(64 - (10 + header.size() + 1) % 64, ' ');
    header += '\n';
    std::string bytes = std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(header.size()) + '\0' + header;
    const double values[4] = {1.5, -2.0, 0.25, 8.0};
    bytes.append(reinterpret_cast<const char*>(values), sizeof values);
    writeFile(dir / "d.npy", bytes);
    writeFile(dir / "d.ids.txt", "a\nb\n");
    const auto m = readFeatureMatrix(dir / "d.npy");
    EXPECT_FLOAT_EQ(m.values(1, 0), 0.25f);
    writeFile(dir / "d.ids.txt", "a\n");
    expectDataError([&] { readFeatureMatrix(dir / "d.npy"); }, dir / "d.ids.txt", 0, "has 1 ids but");

    writeFile(dir / "plain.csv", "5,1,2\n6,3,4\n");
    EXPECT_EQ(readFeatureMatrix(dir / "plain.csv").ids, (std::vector<std::string>{"5", "6"}));
    writeFile(dir / "nan.csv", "item_id,f1,f2\n5,1,2\n6,nan,4\n");
    expectDataError([&] { readFeatureMatrix(dir / "nan.csv"); }, dir / "nan.csv", 3, "item 6 has a non-finite feature value");
    writeFile(dir / "ragged.csv", "5,1,2\n6,3\n");
    expectDataError([&] { readFeatureMatrix(dir / "ragged.csv"); }, dir / "ragged.csv", 2, "expected 2 features");
    FeatureMatrix bad;
    bad.ids = {"x"};
    bad.values = RowMatrixF::Constant(1, 1, std::numeric_limits<float>::infinity());
    EXPECT_THROW(writeFeatureMatrix(bad, dir / "bad.npy"), DataError);
}

std::uint64_t fingerprint(const std::vector<std::size_t>& indices)
{
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (std::size_t v : indices) {
        h ^= v;
        h *= 1099511628211ull;
    }
    return h;
}

Dataset syntheticRatings(int users, int items)
{
    Dataset d;
    for (int u = 0; u < users; ++u)
        for (int i = 0; i < items; ++i)
            if ((u * 7 + i * 3) % 5 < 2)
                d.ratings.push_back({d.users.intern(std::to_string(u)), d.items.intern(std::to_string(i)), 3, 0});
    return d;
}

TEST(Splits, DeterministicAcrossRunsAndMachines)
{
    const Dataset d = syntheticRatings(50, 40);
    ASSERT_EQ(d.ratings.size(), 800u);
    const Split a = randomHoldout(d, 0.2, 42), b = randomHoldout(d, 0.2, 42), c = randomHoldout(d, 0.2, 43);
    EXPECT_EQ(a.test, b.test);
    EXPECT_NE(a.test, c.test);
    EXPECT_EQ(a.test.size(), 160u);
    // Pinned values: mt19937_64's sequence is fixed by the C++ standard and the
    // bounded draws are our own, so these hold on every conforming platform.
    EXPECT_EQ(fingerprint(a.test), 0xc9b8674588219439ull) << std::hex << fingerprint(a.test);
    const auto folds = kFold(d, 5, 7);
    std::set<std::size_t> seen;
    for (const auto& fold : folds) {
        EXPECT_EQ(fold.test.size(), 160u);
        EXPECT_EQ(fold.train.size() + fold.test.size(), 800u);
        seen.insert(fold.test.begin(), fold.test.end());
    }
    EXPECT_EQ(seen.size(), 800u);  // every rating is tested exactly once
    EXPECT_EQ(fingerprint(folds[0].test), fingerprint(kFold(d, 5, 7)[0].test));

    const Split perUser = perUserHoldout(d, 0.25, 1);
    std::vector<int> testCount(d.users.size()), total(d.users.size());
    for (auto r : perUser.test)
        ++testCount[d.ratings[r].user];
    for (const auto& r : d.ratings)
        ++total[r.user];
    for (std::size_t u = 0; u < total.size(); ++u) {
        EXPECT_GE(testCount[u], 1);
        EXPECT_LT(testCount[u], total[u]);
    }
    EXPECT_EQ(makeSplits(d, parseSplitSpec("kfold:4"), 7).size(), 4u);
    EXPECT_EQ(makeSplits(d, parseSplitSpec("holdout:0.25"), 42)[0].test.size(), 200u);
    EXPECT_EQ(makeSplits(d, parseSplitSpec("peruser:0.25"), 1)[0].test, perUser.test);
    for (const char* bad : {"holdout", "holdout:1", "kfold:1", "kfold:2.5", "random:0.2", "peruser:x"})
        EXPECT_THROW(parseSplitSpec(bad), ConfigError) << bad;
    EXPECT_THROW(randomHoldout(d, 1.5, 1), ConfigError);
    EXPECT_THROW(kFold(d, 1, 1), ConfigError);
}

}  // namespace
}  // namespace tl
