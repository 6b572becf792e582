#pragma once
// Sharded extraction and merging (scaling `extract` out over many machines).
//
// Assignment. `extract --shard I/N` (I = 1..N) takes a deterministic share of the item
// list: the items are sorted by id (byte-wise string order, so no locale and no manifest
// row order matters), and the k-th of that order (k = 0, 1, ...) goes to shard
// (k mod N) + 1. Counts differ by at most one between shards; video lengths differ, and
// striding over ids spreads long and short trailers without following any order of the
// manifest. A shard keeps its items in the input order (manifest rows, or the folder
// listing sorted by path), and records each one's position in the full list, so
// `merge` restores exactly the order an unsharded run writes.
//
// Shard outputs. A shard writes the usual item-profile matrix (.npy + .ids.txt, or .csv)
// and a .meta.json whose "shard" record holds I, N, the number and SHA-256 of the ids
// of the full list, and the position of every row and failure.
//
// Merging. mergeShardOutputs() checks that every input was made with the same
// configuration (model, weights hash, random-weights stamp, sampling, preprocessing,
// pooling, precision, feature count; a mismatch names both files and the field), from
// the same item list, and that no two inputs disagree on an item (a duplicate must be
// bitwise identical). It reports the positions no input covers, and which shards I/N are
// missing. mergeStores() combines the shards' feature stores (content-addressed
// entries) into one.
//
// No Qt, no torch: plain files and JSON.

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/data/FeatureMatrix.h"

namespace tl::features {

struct ShardSpec {
    std::size_t index = 1;  // 1-based: 1..count
    std::size_t count = 1;
};

// Parses "I/N" (1 <= I <= N). Throws tl::ConfigError naming the text and the rule.
ShardSpec parseShardSpec(const std::string& text);

// Positions (indices into `ids`) assigned to `shard`, ascending (input order). Over
// I = 1..N the results partition 0..ids.size()-1.
std::vector<std::size_t> shardPositions(const std::vector<std::string>& ids, ShardSpec shard);

// SHA-256 of the ids in list order (one per line): identifies the full item list.
std::string itemListDigest(const std::vector<std::string>& ids);

// "mip.npy" -> "mip.shard-2-of-4.npy"; "cache/" -> "cache/shard-2-of-4" with folder = true.
std::filesystem::path shardPath(const std::filesystem::path& path, ShardSpec shard, bool folder);

struct FailureRecord {
    std::string item;
    std::string video;
    std::string error;
    std::filesystem::path from;    // the shard output that reported it
    std::size_t position = 0;      // in the full item list
};

// One `extract --shard` output, read back: the matrix plus its .meta.json.
struct ShardOutput {
    std::filesystem::path file;
    std::filesystem::path metaFile;
    ShardSpec shard;
    std::size_t itemsTotal = 0;
    std::string itemsDigest;
    std::size_t assigned = 0;                      // items of the shard (rows + failures)
    std::map<std::string, std::string> config;     // compared field by field
    std::string device;                            // not compared (reported when it differs)
    std::string provenance;                        // e.g. "pretrained:<file> sha256=..." (paths may differ)
    std::filesystem::path cacheDir;                // empty when the shard ran without --cache
    FeatureMatrix matrix;
    std::vector<std::size_t> positions;            // of each row
    std::vector<FailureRecord> failures;
};

// The fields compared between shards, in the order differences are looked for.
const std::vector<std::string>& shardConfigFields();

// Reads FILE and FILE's .meta.json. Throws tl::DataError(file, 0, reason) when either is
// missing or unreadable, when the meta has no shard record (not written by
// `extract --shard`), or when rows, ids and positions disagree.
ShardOutput readShardOutput(const std::filesystem::path& file);

struct MergeResult {
    FeatureMatrix matrix;                  // rows in the order of the full item list
    std::map<std::string, std::string> config;
    std::vector<std::string> devices;      // distinct devices of the inputs
    std::size_t itemsTotal = 0;
    std::string itemsDigest;
    std::vector<FailureRecord> failures;   // items that no input has features for
    std::size_t duplicateRows = 0;         // identical rows given by more than one input
    std::vector<std::string> notes;        // e.g. an item failed in one input, ok in another
    std::size_t missingItems = 0;          // positions of the full list that no input covers
    std::vector<ShardSpec> missingShards;  // when all inputs share N: the I/N not given
    bool complete() const { return missingItems == 0; }
};

// Throws tl::ConfigError for configurations or item lists that differ (naming both
// files and the field) and tl::DataError for a duplicate item whose features differ.
// Missing shards are not an error here: see MergeResult::missingShards / missingItems.
MergeResult mergeShardOutputs(const std::vector<ShardOutput>& inputs);

struct StoreMergeStats {
    std::size_t copied = 0;     // entries new to the destination
    std::size_t identical = 0;  // entries already there with the same features
    std::size_t failures = 0;   // failure records copied (for keys without an entry)
    std::size_t damaged = 0;    // unreadable source entries, skipped (a store treats them as absent)
};

// Copies every entry of the `sources` feature stores into `destination` (created when
// missing), each through a uniquely named temporary file and a rename. An entry that is
// already there must hold the same features (frames, mean, max, std: bitwise);
// otherwise tl::DataError names both files. Metadata such as the video path may differ.
StoreMergeStats mergeStores(const std::vector<std::filesystem::path>& sources, const std::filesystem::path& destination);

}  // namespace tl::features
