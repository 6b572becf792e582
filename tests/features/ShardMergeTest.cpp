// Sharded extraction and merging: the shard assignment partitions the items, bad
// --shard values are refused, `extract --shard` + `merge` gives exactly the unsharded
// result (same ids, same order, bitwise the same values), and merge refuses shards whose
// configurations or features disagree, while accepting identical duplicates.

#include <algorithm>
#include <cstring>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/ArgParser.h"
#include "app/cli/Cli.h"
#include "core/common/Error.h"
#include "core/data/FeatureMatrix.h"
#include "core/features/FeatureStore.h"
#include "core/features/StoreMerge.h"
#include "core/video/ClipWriter.h"
#include "tests/support/TestSupport.h"

using namespace tl::features;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> idsOf(const std::vector<std::string>& all, const std::vector<std::size_t>& positions)
{
    std::vector<std::string> ids;
    for (std::size_t p : positions)
        ids.push_back(all[p]);
    return ids;
}

nlohmann::json readJson(const fs::path& file)
{
    std::ifstream in(file);
    nlohmann::json j;
    in >> j;
    return j;
}

void writeJson(const fs::path& file, const nlohmann::json& j)
{
    std::ofstream(file) << j.dump(2);
}

bool bitwiseEqual(const tl::FeatureMatrix& a, const tl::FeatureMatrix& b)
{
    return a.values.rows() == b.values.rows() && a.values.cols() == b.values.cols() &&
           std::memcmp(a.values.data(), b.values.data(), sizeof(float) * static_cast<std::size_t>(a.values.size())) == 0;
}

// A hand-made shard output: rows (id, position, values) plus the meta `extract --shard` writes.
struct FakeShard {
    ShardSpec shard{1, 2};
    std::vector<std::string> ids;
    std::vector<std::size_t> positions;
    std::vector<std::vector<float>> rows;
    std::vector<std::pair<std::string, std::size_t>> failures;  // item, position
    std::size_t itemsTotal = 4;
    std::string digest = "d1";
};

fs::path writeShard(const fs::path& dir, const std::string& name, const FakeShard& s,
                    const std::map<std::string, nlohmann::json>& override = {})
{
    tl::FeatureMatrix m;
    m.ids = s.ids;
    m.values.resize(static_cast<Eigen::Index>(s.rows.size()), 3);
    for (std::size_t r = 0; r < s.rows.size(); ++r)
        for (int f = 0; f < 3; ++f)
            m.values(static_cast<Eigen::Index>(r), f) = s.rows[r][static_cast<std::size_t>(f)];
    const fs::path file = dir / (name + ".csv");
    tl::writeFeatureMatrix(m, file);
    nlohmann::json meta = {{"model", "mobilenetv2"},
                           {"provenance", "RANDOM WEIGHTS (seed 1)"},
                           {"weights_id", "random-seed-1"},
                           {"random_weights", true},
                           {"device", "cpu"},
                           {"precision", "float32"},
                           {"sampling", "uniform fps=1 skip=0,0"},
                           {"preprocessing", "shorter-side-crop size=224"},
                           {"pooling", "mean"},
                           {"reduction", "none"},
                           {"items", s.ids.size()},
                           {"features", 3}};
    meta["failures"] = nlohmann::json::array();
    for (const auto& [item, position] : s.failures)
        meta["failures"].push_back({{"item", item}, {"video", item + ".mp4"}, {"error", "cannot open"}, {"position", position}});
    meta["shard"] = {{"index", s.shard.index}, {"count", s.shard.count}, {"items_total", s.itemsTotal},
                     {"items_digest", s.digest}, {"assigned", s.ids.size() + s.failures.size()},
                     {"positions", s.positions}};
    for (const auto& [key, value] : override)
        meta[key] = value;
    writeJson(dir / (name + ".meta.json"), meta);
    return file;
}

// Items 0..3 = "d", "a", "c", "b" (manifest order); sorted: a(1) b(3) c(2) d(0).
// N = 2: shard 1 takes a, c -> positions 1, 2; shard 2 takes b, d -> positions 0, 3.
FakeShard shardOne()
{
    FakeShard s;
    s.shard = {1, 2};
    s.ids = {"a", "c"};
    s.positions = {1, 2};
    s.rows = {{1.f, 2.f, 3.f}, {0.1f, 0.2f, 0.3f}};
    return s;
}

FakeShard shardTwo()
{
    FakeShard s;
    s.shard = {2, 2};
    s.ids = {"d"};
    s.positions = {0};
    s.rows = {{7.f, 8.f, 9.f}};
    s.failures = {{"b", 3}};
    return s;
}

}  // namespace

TEST(ShardAssignment, KnownAnswer)
{
    const std::vector<std::string> ids{"d", "a", "c", "b", "e"};
    // Sorted: a(1) b(3) c(2) d(0) e(4); stride 2 from the first / second.
    EXPECT_EQ(shardPositions(ids, {1, 2}), (std::vector<std::size_t>{1, 2, 4}));
    EXPECT_EQ(shardPositions(ids, {2, 2}), (std::vector<std::size_t>{0, 3}));
    // Byte order, not numeric: "10" < "2" < "9".
    const std::vector<std::string> numeric{"9", "10", "2"};
    EXPECT_EQ(shardPositions(numeric, {1, 3}), (std::vector<std::size_t>{1}));
    EXPECT_EQ(shardPositions(numeric, {2, 3}), (std::vector<std::size_t>{2}));
    EXPECT_EQ(shardPositions(numeric, {3, 3}), (std::vector<std::size_t>{0}));
    EXPECT_EQ(shardPath("out/mip.npy", {2, 4}, false), fs::path("out/mip.shard-2-of-4.npy"));
    EXPECT_EQ(shardPath("cache", {2, 4}, true), fs::path("cache/shard-2-of-4"));
}

TEST(ShardAssignment, PartitionsTheItemsBalancedAndIndependentOfInputOrder)
{
    std::mt19937_64 rng(7);
    for (std::size_t size : {0u, 1u, 5u, 23u, 200u}) {
        std::vector<std::string> ids;
        for (std::size_t i = 0; i < size; ++i)
            ids.push_back(std::to_string(rng() % 100000) + "_" + std::to_string(i));
        std::vector<std::string> shuffled = ids;
        std::shuffle(shuffled.begin(), shuffled.end(), rng);
        for (std::size_t n : {1u, 2u, 3u, 7u, 16u, 250u}) {
            SCOPED_TRACE("items " + std::to_string(size) + ", N " + std::to_string(n));
            std::vector<int> hits(size, 0);
            std::size_t smallest = size, largest = 0;
            for (std::size_t i = 1; i <= n; ++i) {
                const auto mine = shardPositions(ids, {i, n});
                EXPECT_TRUE(std::is_sorted(mine.begin(), mine.end()));
                for (std::size_t p : mine)
                    ++hits.at(p);
                smallest = std::min(smallest, mine.size());
                largest = std::max(largest, mine.size());
                // The same items go to shard i whatever the order of the list.
                auto a = idsOf(ids, mine), b = idsOf(shuffled, shardPositions(shuffled, {i, n}));
                std::sort(a.begin(), a.end());
                std::sort(b.begin(), b.end());
                EXPECT_EQ(a, b);
            }
            EXPECT_TRUE(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));  // each exactly once
            EXPECT_LE(largest - std::min(smallest, largest), 1u);                                 // balanced counts
            EXPECT_EQ(largest, (size + n - 1) / n);
        }
    }
}

TEST(ShardAssignment, BadShardValuesAreClearErrors)
{
    EXPECT_EQ(parseShardSpec("3/4").index, 3u);
    EXPECT_EQ(parseShardSpec("3/4").count, 4u);
    EXPECT_EQ(parseShardSpec("1/1").count, 1u);
    for (const char* bad : {"0/4", "5/4", "1/0", "0/0", "x", "1/", "/4", "-1/4", "1/4/2", "1.5/4", "", "4"})
        EXPECT_THROW(parseShardSpec(bad), tl::ConfigError) << bad;
    try {
        parseShardSpec("5/4");
        FAIL();
    } catch (const tl::ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("between 1 and 4"), std::string::npos) << e.what();
    }
    // The CLI checks --shard before it reads anything, as a usage error.
    std::ostringstream out, err;
    for (const char* bad : {"0/4", "5/4", "two/4"}) {
        try {
            tl::cli::extractCommand({"--manifest", "/nonexistent.csv", "--shard", bad, "--out", "x.npy"}, out, err);
            ADD_FAILURE() << bad << " accepted";
        } catch (const tl::cli::UsageError& e) {
            EXPECT_NE(std::string(e.what()).find(std::string("--shard ") + bad), std::string::npos) << e.what();
        }
    }
    EXPECT_THROW(tl::cli::extractCommand({"--manifest", "/nonexistent.csv", "--shard", "1/2", "--out", "features"}, out,
                                         err),
                 tl::cli::UsageError);  // no extension to put .shard-1-of-2 before
    EXPECT_THROW(tl::cli::extractCommand({"--manifest", "/nonexistent.csv", "--shard", "1/2", "--reduce", "pca:2",
                                          "--out", "x.npy"},
                                         out, err),
                 tl::cli::UsageError);
    EXPECT_EQ(tl::cli::extractCommand({"--help"}, out, err), 0);
    EXPECT_NE(out.str().find("--shard I/N"), std::string::npos);
    EXPECT_EQ(tl::cli::mergeCommand({"--help"}, out, err), 0);
    EXPECT_NE(out.str().find("SHARD_OUTPUT..."), std::string::npos);
    EXPECT_THROW(tl::cli::mergeCommand({"--out", "x.npy"}, out, err), tl::cli::UsageError);  // no input
}

// The real thing, in process: generated clips, MobileNetV2 with random weights on the CPU,
// batches of 4 frames that span videos, so each shard's batches hold other frames than the
// unsharded run's and its last batch is short (the pipeline pads it: LibTorch's CPU kernels
// block differently by batch size, which would change the last bits).
TEST(ShardMerge, ShardedEqualsUnshardedExactly)
{
    TL_REQUIRE_VIDEO();
    tl::test::TempDir dir;
    // Manifest order differs from id order (and numeric from byte order); "5" is broken.
    const std::vector<std::string> ids{"30", "4", "100", "5", "21", "7"};
    std::string manifest = "item_id,video\n";
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const fs::path clip = dir / ("clip" + ids[i] + ".mp4");
        if (ids[i] == "5") {
            tl::test::writeFile(clip, std::string(2048, 'x'));
        } else {
            tl::video::ClipSpec spec;
            spec.width = 96;
            spec.height = 64;
            spec.fps = 8;
            spec.frames = 8 * static_cast<int>(1 + i % 3);  // 1-3 s: 1-3 frames at 1 fps
            spec.threads = 1;
            const int seed = static_cast<int>(i);
            tl::video::writeClip(clip, spec, [seed](int index, int w, int h, std::vector<std::uint8_t>& rgb) {
                for (int y = 0; y < h; ++y)
                    for (int x = 0; x < w; ++x)
                        for (int c = 0; c < 3; ++c)
                            rgb[static_cast<std::size_t>((y * w + x) * 3 + c)] =
                                static_cast<std::uint8_t>((x * (seed + 1) + y * (c + 2) + index * 9 + seed * 40) % 256);
            });
        }
        manifest += ids[i] + "," + clip.filename().string() + "\n";
    }
    tl::test::writeFile(dir / "items.csv", manifest);
    const std::vector<std::string> common{"--manifest", (dir / "items.csv").string(), "--model", "mobilenetv2",
                                          "--random-weights", "11", "--device", "cpu", "--batch", "4", "--fps", "1",
                                          "--quiet"};
    auto extract = [&](std::vector<std::string> extra, int expectedStatus) {
        std::vector<std::string> args = common;
        args.insert(args.end(), extra.begin(), extra.end());
        std::ostringstream out, err;
        const int rc = tl::cli::extractCommand(args, out, err);
        EXPECT_EQ(rc, expectedStatus) << err.str();  // 3: finished, but the broken video failed
        return err.str();
    };

    const std::string fullLog = extract({"--out", (dir / "full.npy").string()}, tl::cli::kExitSomeFailed);
    EXPECT_NE(fullLog.find("failed: 5"), std::string::npos);
    const tl::FeatureMatrix full = tl::readFeatureMatrix(dir / "full.npy");
    ASSERT_EQ(full.ids, (std::vector<std::string>{"30", "4", "100", "21", "7"}));

    for (std::size_t i = 1; i <= 3; ++i)
        extract({"--shard", std::to_string(i) + "/3", "--out", (dir / "mip.npy").string(), "--cache",
                 (dir / "cache").string()},
                i == 2 ? tl::cli::kExitSomeFailed : tl::cli::kExitOk);
    // Sorted ids: 100 21 30 4 5 7 -> shard 1: 100, 4; shard 2: 21, 5 (broken); shard 3: 30, 7.
    EXPECT_EQ(tl::readFeatureMatrix(dir / "mip.shard-1-of-3.npy").ids, (std::vector<std::string>{"4", "100"}));
    EXPECT_EQ(tl::readFeatureMatrix(dir / "mip.shard-2-of-3.npy").ids, (std::vector<std::string>{"21"}));
    EXPECT_EQ(tl::readFeatureMatrix(dir / "mip.shard-3-of-3.npy").ids, (std::vector<std::string>{"30", "7"}));
    EXPECT_TRUE(fs::is_directory(dir / "cache" / "shard-2-of-3"));
    const auto meta2 = readJson(dir / "mip.shard-2-of-3.meta.json");
    EXPECT_EQ(meta2["shard"]["positions"], nlohmann::json::array({4}));
    EXPECT_EQ(meta2["failures"][0]["item"], "5");
    EXPECT_EQ(meta2["failures"][0]["position"], 3);

    // Merging two of three shards: refused, and the missing one is named.
    std::ostringstream out, err;
    try {
        tl::cli::mergeCommand({"--out", (dir / "merged.npy").string(), (dir / "mip.shard-1-of-3.npy").string(),
                               (dir / "mip.shard-3-of-3.npy").string()},
                              out, err);
        ADD_FAILURE() << "merge with a shard missing succeeded";
    } catch (const tl::DataError& e) {
        EXPECT_NE(std::string(e.what()).find("missing shards 2/3"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(dir / "merged.npy"));

    // All three (in any order): the unsharded result, bit for bit.
    ASSERT_EQ(tl::cli::mergeCommand({"--out", (dir / "merged.npy").string(), "--store", (dir / "all").string(),
                                     (dir / "mip.shard-3-of-3.npy").string(), (dir / "mip.shard-1-of-3.npy").string(),
                                     (dir / "mip.shard-2-of-3.npy").string()},
                                    out, err),
              tl::cli::kExitSomeFailed)
        << err.str();
    EXPECT_NE(err.str().find("failed: 5"), std::string::npos) << err.str();  // the failure is carried over
    const tl::FeatureMatrix merged = tl::readFeatureMatrix(dir / "merged.npy");
    EXPECT_EQ(merged.ids, full.ids);
    EXPECT_TRUE(bitwiseEqual(merged, full));
    const auto mergedMeta = readJson(dir / "merged.meta.json");
    ASSERT_EQ(mergedMeta["failures"].size(), 1u);
    EXPECT_EQ(mergedMeta["failures"][0]["item"], "5");
    EXPECT_EQ(mergedMeta["random_weights"], true);
    EXPECT_EQ(mergedMeta["items"], 5);

    // The combined store serves an unsharded run entirely from the cache, with the same values.
    const std::string cachedLog = extract({"--out", (dir / "again.csv").string(), "--cache", (dir / "all").string()},
                                          tl::cli::kExitSomeFailed);
    const auto againMeta = readJson(dir / "again.meta.json");
    EXPECT_EQ(againMeta["videos_from_cache"], 5);
    EXPECT_EQ(againMeta["frames_computed"], 0);
    const tl::FeatureMatrix again = tl::readFeatureMatrix(dir / "again.csv");
    EXPECT_EQ(again.ids, full.ids);
    EXPECT_TRUE(bitwiseEqual(again, full));
}

TEST(ShardMerge, RefusesMismatchedConfigurationsNamingTheField)
{
    tl::test::TempDir dir;
    const fs::path one = writeShard(dir.path(), "one", shardOne());
    const std::vector<std::pair<std::string, nlohmann::json>> changes{
        {"model", "vgg19"},
        {"weights_id", "random-seed-2"},
        {"random_weights", false},
        {"precision", "half"},
        {"sampling", "uniform fps=2 skip=0,0"},
        {"preprocessing", "direct size=224"},
        {"pooling", "max"}};
    for (const auto& [field, value] : changes) {
        SCOPED_TRACE(field);
        const fs::path two = writeShard(dir.path(), "two", shardTwo(), {{field, value}});
        try {
            mergeShardOutputs({readShardOutput(one), readShardOutput(two)});
            ADD_FAILURE() << "merged despite a different " << field;
        } catch (const tl::ConfigError& e) {
            const std::string m = e.what();
            EXPECT_NE(m.find(field + ": "), std::string::npos) << m;
            EXPECT_NE(m.find(one.string()), std::string::npos) << m;
            EXPECT_NE(m.find(two.string()), std::string::npos) << m;
            EXPECT_NE(m.find(value.is_string() ? value.get<std::string>() : value.dump()), std::string::npos) << m;
        }
    }
    // Through the CLI: exit code 1 and the field in the message.
    const fs::path two = writeShard(dir.path(), "two", shardTwo(), {{"weights_id", "abc123"}});
    std::ostringstream out, err;
    EXPECT_EQ(tl::cli::run({"merge", "--out", (dir / "m.csv").string(), one.string(), two.string()}, out, err), 1);
    EXPECT_NE(err.str().find("weights_id: 'abc123' vs 'random-seed-1'"), std::string::npos) << err.str();

    // Another item list.
    FakeShard other = shardTwo();
    other.digest = "d2";
    const fs::path three = writeShard(dir.path(), "three", other);
    EXPECT_THROW(mergeShardOutputs({readShardOutput(one), readShardOutput(three)}), tl::ConfigError);
    // Not a shard output at all.
    tl::test::writeFile(dir / "plain.meta.json", "{\"model\": \"mobilenetv2\"}");
    tl::test::writeFile(dir / "plain.csv", "item_id,f1\na,1\n");
    EXPECT_THROW(readShardOutput(dir / "plain.csv"), tl::DataError);
}

TEST(ShardMerge, MergesInListOrderAndCarriesFailures)
{
    tl::test::TempDir dir;
    const MergeResult r = mergeShardOutputs({readShardOutput(writeShard(dir.path(), "two", shardTwo())),
                                             readShardOutput(writeShard(dir.path(), "one", shardOne()))});
    EXPECT_EQ(r.matrix.ids, (std::vector<std::string>{"d", "a", "c"}));  // positions 0, 1, 2
    EXPECT_EQ(r.matrix.values(0, 0), 7.f);
    EXPECT_EQ(r.matrix.values(2, 2), 0.3f);
    ASSERT_EQ(r.failures.size(), 1u);
    EXPECT_EQ(r.failures[0].item, "b");
    EXPECT_TRUE(r.complete());
    EXPECT_TRUE(r.missingShards.empty());
    EXPECT_EQ(r.duplicateRows, 0u);

    const MergeResult half = mergeShardOutputs({readShardOutput(dir / "one.csv")});
    EXPECT_FALSE(half.complete());
    EXPECT_EQ(half.missingItems, 2u);
    ASSERT_EQ(half.missingShards.size(), 1u);
    EXPECT_EQ(half.missingShards[0].index, 2u);
}

TEST(ShardMerge, DuplicatesMustBeIdentical)
{
    tl::test::TempDir dir;
    const fs::path one = writeShard(dir.path(), "one", shardOne());
    const fs::path two = writeShard(dir.path(), "two", shardTwo());
    // Shard 1/4 of a finer split: item "c" again (position 2), with the same values.
    FakeShard finer;
    finer.shard = {3, 4};
    finer.ids = {"c"};
    finer.positions = {2};
    finer.rows = {{0.1f, 0.2f, 0.3f}};
    const fs::path same = writeShard(dir.path(), "same", finer);
    const MergeResult r = mergeShardOutputs({readShardOutput(one), readShardOutput(two), readShardOutput(same)});
    EXPECT_EQ(r.duplicateRows, 1u);
    EXPECT_EQ(r.matrix.ids, (std::vector<std::string>{"d", "a", "c"}));
    EXPECT_TRUE(r.complete());
    EXPECT_TRUE(r.missingShards.empty());  // mixed N: coverage by items only

    finer.rows = {{0.1f, std::nextafter(0.2f, 1.f), 0.3f}};  // one ulp off
    const fs::path differs = writeShard(dir.path(), "differs", finer);
    try {
        mergeShardOutputs({readShardOutput(one), readShardOutput(two), readShardOutput(differs)});
        ADD_FAILURE() << "merged a duplicate with different features";
    } catch (const tl::DataError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("item c"), std::string::npos) << m;
        EXPECT_NE(m.find("f2"), std::string::npos) << m;
        EXPECT_NE(m.find(one.string()), std::string::npos) << m;
        EXPECT_NE(m.find(differs.string()), std::string::npos) << m;
    }
}

TEST(ShardMerge, StoresCombineAndRefuseConflicts)
{
    tl::test::TempDir dir;
    const StoreKey k1{"h1", "m", "w", "s", "p"}, k2{"h2", "m", "w", "s", "p"}, k3{"h3", "m", "w", "s", "p"};
    FeatureStore a(dir / "a"), b(dir / "b");
    const StoredVideo v1{2, {1, 2}, {3, 4}, {5, 6}, {{"item", "x"}, {"video", "/node1/x.mp4"}}};
    const StoredVideo v2{1, {7, 8}, {7, 8}, {0, 0}, {{"item", "y"}}};
    a.save(k1, v1);
    b.save(k1, StoredVideo{2, {1, 2}, {3, 4}, {5, 6}, {{"item", "x"}, {"video", "/node2/x.mp4"}}});  // same features
    b.save(k2, v2);
    b.recordFailure(k3, "z", "z.mp4", "cannot open");
    const StoreMergeStats st = mergeStores({dir / "a", dir / "b"}, dir / "all");
    EXPECT_EQ(st.copied, 2u);
    EXPECT_EQ(st.identical, 1u);
    EXPECT_EQ(st.failures, 1u);
    FeatureStore all(dir / "all");
    ASSERT_TRUE(all.load(k2));
    EXPECT_EQ(all.load(k2)->mean, (std::vector<float>{7, 8}));
    EXPECT_TRUE(fs::exists(dir / "all" / "failures" / (k3.digest() + ".json")));

    FeatureStore c(dir / "c");
    c.save(k2, StoredVideo{1, {7, 9}, {7, 9}, {0, 0}, {{"item", "y"}}});
    EXPECT_THROW(mergeStores({dir / "c"}, dir / "all"), tl::DataError);
}
