#include "core/features/StoreMerge.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <fstream>
#include <numeric>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/features/Safetensors.h"
#include "core/features/Sha256.h"

namespace tl::features {

namespace fs = std::filesystem;

namespace {

bool parseSize(const std::string& text, std::size_t& value)
{
    if (text.empty())
        return false;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && ptr == text.data() + text.size();
}

std::string label(ShardSpec s)
{
    return std::to_string(s.index) + "/" + std::to_string(s.count);
}

void copyAtomically(const fs::path& from, const fs::path& to)
{
    std::ifstream in(from, std::ios::binary);
    if (!in)
        throw DataError(from.string(), 0, "cannot open it to copy into " + to.string());
    writeFileAtomically(to, [&](std::ostream& out) {
        out << in.rdbuf();
        if (in.bad())
            throw DataError(from.string(), 0, "read error while copying");
    });
}

std::string valueText(const nlohmann::json& v)
{
    return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace

ShardSpec parseShardSpec(const std::string& text)
{
    const auto slash = text.find('/');
    ShardSpec s;
    if (slash == std::string::npos || !parseSize(text.substr(0, slash), s.index) ||
        !parseSize(text.substr(slash + 1), s.count))
        throw ConfigError("--shard " + text + ": expected I/N with whole numbers, e.g. 1/4 (shards are numbered 1..N)");
    if (s.count == 0)
        throw ConfigError("--shard " + text + ": N must be at least 1");
    if (s.index < 1 || s.index > s.count)
        throw ConfigError("--shard " + text + ": I must be between 1 and " + std::to_string(s.count) +
                          " (shards are numbered 1..N)");
    return s;
}

std::vector<std::size_t> shardPositions(const std::vector<std::string>& ids, ShardSpec shard)
{
    if (shard.count == 0 || shard.index < 1 || shard.index > shard.count)
        throw ConfigError("shard " + label(shard) + ": I must be between 1 and N");
    std::vector<std::size_t> order(ids.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return ids[a] < ids[b]; });
    std::vector<std::size_t> mine;
    for (std::size_t k = shard.index - 1; k < order.size(); k += shard.count)
        mine.push_back(order[k]);
    std::sort(mine.begin(), mine.end());
    return mine;
}

std::string itemListDigest(const std::vector<std::string>& ids)
{
    Sha256 h;
    for (const auto& id : ids) {
        h.update(id);
        h.update(std::string_view("\n", 1));
    }
    return h.hex();
}

fs::path shardPath(const fs::path& path, ShardSpec shard, bool folder)
{
    const std::string tag = "shard-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count);
    if (folder)
        return path / tag;
    fs::path out = path.parent_path() / path.stem();
    out += "." + tag + path.extension().string();
    return out;
}

const std::vector<std::string>& shardConfigFields()
{
    static const std::vector<std::string> fields{"model",    "weights_id",    "random_weights", "precision",
                                                 "sampling", "preprocessing", "pooling",        "reduction",
                                                 "features"};
    return fields;
}

ShardOutput readShardOutput(const fs::path& file)
{
    ShardOutput s;
    s.file = file;
    s.metaFile = file;
    s.metaFile.replace_extension(".meta.json");
    if (!fs::exists(file))
        throw DataError(file.string(), 0, "no such file (give the --out file of each `extract --shard` run)");
    nlohmann::json meta;
    {
        std::ifstream in(s.metaFile);
        if (!in)
            throw DataError(s.metaFile.string(), 0, "cannot read the provenance file written next to " + file.string());
        try {
            in >> meta;
        } catch (const std::exception& e) {
            throw DataError(s.metaFile.string(), 0, std::string("not valid JSON: ") + e.what());
        }
    }
    const std::string metaName = s.metaFile.string();
    try {
        if (!meta.contains("shard") || !meta["shard"].is_object())
            throw DataError(metaName, 0, "no \"shard\" record: " + file.string() +
                                             " was not written by `trailerlab-cli extract --shard I/N`");
        const auto& sh = meta["shard"];
        s.shard.index = sh.at("index").get<std::size_t>();
        s.shard.count = sh.at("count").get<std::size_t>();
        if (s.shard.count == 0 || s.shard.index < 1 || s.shard.index > s.shard.count)
            throw DataError(metaName, 0, "invalid shard " + label(s.shard));
        s.itemsTotal = sh.at("items_total").get<std::size_t>();
        s.itemsDigest = sh.at("items_digest").get<std::string>();
        s.assigned = sh.at("assigned").get<std::size_t>();
        s.positions = sh.at("positions").get<std::vector<std::size_t>>();
        for (const auto& field : shardConfigFields()) {
            if (!meta.contains(field))
                throw DataError(metaName, 0, "missing field \"" + field + "\"");
            s.config[field] = valueText(meta[field]);
        }
        s.device = meta.value("device", "");
        s.provenance = meta.value("provenance", "");
        s.cacheDir = meta.value("cache", "");
        for (const auto& f : meta.value("failures", nlohmann::json::array()))
            s.failures.push_back({f.at("item").get<std::string>(), f.value("video", ""), f.value("error", ""), file,
                                  f.at("position").get<std::size_t>()});
        const auto items = meta.at("items").get<std::size_t>();
        if (items != s.positions.size())
            throw DataError(metaName, 0, "\"items\" is " + std::to_string(items) + " but " +
                                             std::to_string(s.positions.size()) + " positions are recorded");
    } catch (const DataError&) {
        throw;
    } catch (const std::exception& e) {
        throw DataError(metaName, 0, std::string("malformed shard record: ") + e.what());
    }
    if (!s.positions.empty())
        s.matrix = readFeatureMatrix(file);
    if (s.matrix.rows() != s.positions.size())
        throw DataError(file.string(), 0, std::to_string(s.matrix.rows()) + " rows, but its .meta.json records " +
                                              std::to_string(s.positions.size()));
    if (!s.positions.empty() && s.config.at("features") != std::to_string(s.matrix.dims()))
        throw DataError(file.string(), 0, std::to_string(s.matrix.dims()) + " features per row, but its .meta.json says " +
                                              s.config.at("features"));
    std::set<std::size_t> seen;
    for (std::size_t p : s.positions)
        if (p >= s.itemsTotal || !seen.insert(p).second)
            throw DataError(metaName, 0, "row position " + std::to_string(p) + " is out of range or repeated");
    for (const auto& f : s.failures)
        if (f.position >= s.itemsTotal || !seen.insert(f.position).second)
            throw DataError(metaName, 0, "failure position " + std::to_string(f.position) + " is out of range or repeated");
    if (seen.size() != s.assigned)
        throw DataError(metaName, 0, "the shard was assigned " + std::to_string(s.assigned) + " items but records " +
                                         std::to_string(seen.size()) + " (rows + failures)");
    return s;
}

MergeResult mergeShardOutputs(const std::vector<ShardOutput>& inputs)
{
    if (inputs.empty())
        throw ConfigError("nothing to merge: give at least one shard output");
    const ShardOutput& ref = inputs.front();
    MergeResult r;
    r.config = ref.config;
    r.itemsTotal = ref.itemsTotal;
    r.itemsDigest = ref.itemsDigest;
    std::set<std::string> devices;
    for (const ShardOutput& in : inputs) {
        const std::string pair = in.file.string() + " (shard " + label(in.shard) + ") and " + ref.file.string() +
                                 " (shard " + label(ref.shard) + ")";
        if (in.itemsTotal != ref.itemsTotal || in.itemsDigest != ref.itemsDigest)
            throw ConfigError(pair + " were made from different item lists (" + std::to_string(in.itemsTotal) +
                              " items, ids sha256 " + in.itemsDigest.substr(0, 12) + " vs " +
                              std::to_string(ref.itemsTotal) + " items, ids sha256 " + ref.itemsDigest.substr(0, 12) +
                              "): run every shard on the same manifest or videos folder");
        std::string differences;
        for (const auto& field : shardConfigFields())
            if (in.config.at(field) != ref.config.at(field))
                differences += std::string(differences.empty() ? "" : "; ") + field + ": '" + in.config.at(field) +
                               "' vs '" + ref.config.at(field) + "'";
        if (!differences.empty())
            throw ConfigError(pair + " differ in configuration: " + differences);
        if (!in.device.empty())
            devices.insert(in.device);
    }
    if (r.config.at("reduction") != "none")
        throw ConfigError(ref.file.string() + ": reduced features (" + r.config.at("reduction") +
                          ") cannot be merged; extract shards with --reduce none and reduce when merging");
    r.devices.assign(devices.begin(), devices.end());

    // position -> (input, row)
    std::map<std::size_t, std::pair<std::size_t, std::size_t>> rows;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const ShardOutput& in = inputs[i];
        for (std::size_t k = 0; k < in.positions.size(); ++k) {
            auto [it, fresh] = rows.emplace(in.positions[k], std::make_pair(i, k));
            if (fresh)
                continue;
            const ShardOutput& other = inputs[it->second.first];
            const std::size_t j = it->second.second;
            const std::string& id = in.matrix.ids[k];
            if (other.matrix.ids[j] != id)
                throw DataError(in.file.string(), 0, "item list position " + std::to_string(in.positions[k]) + " is '" +
                                                         id + "' here but '" + other.matrix.ids[j] + "' in " +
                                                         other.file.string());
            const float* a = in.matrix.values.row(static_cast<Eigen::Index>(k)).data();  // row-major: contiguous
            const float* b = other.matrix.values.row(static_cast<Eigen::Index>(j)).data();
            if (in.matrix.dims() != other.matrix.dims())
                throw DataError(in.file.string(), 0, "item " + id + " has a different feature count in " + other.file.string());
            for (std::size_t f = 0; f < in.matrix.dims(); ++f)
                if (std::memcmp(&a[f], &b[f], sizeof(float)) != 0) {
                    std::ostringstream msg;
                    msg.precision(9);
                    msg << "item " << id << " is in both " << in.file.string() << " and " << other.file.string()
                        << " with different features (f" << (f + 1) << ": " << a[f] << " vs " << b[f] << ")";
                    throw DataError(in.file.string(), 0, msg.str());
                }
            ++r.duplicateRows;
        }
    }
    std::map<std::size_t, FailureRecord> failures;
    for (const ShardOutput& in : inputs)
        for (const FailureRecord& f : in.failures) {
            if (auto row = rows.find(f.position); row != rows.end()) {
                r.notes.push_back("item " + f.item + " failed in " + in.file.string() + " (" + f.error +
                                  ") but has features in " + inputs[row->second.first].file.string() +
                                  ": those are used");
                continue;
            }
            failures.emplace(f.position, f);
        }
    for (auto& [position, f] : failures)
        r.failures.push_back(f);

    r.matrix.ids.reserve(rows.size());
    const Eigen::Index dims = ref.config.at("features").empty() ? 0 : std::stol(ref.config.at("features"));
    r.matrix.values.resize(static_cast<Eigen::Index>(rows.size()), dims);
    Eigen::Index out = 0;
    for (const auto& [position, where] : rows) {
        const ShardOutput& in = inputs[where.first];
        r.matrix.ids.push_back(in.matrix.ids[where.second]);
        r.matrix.values.row(out++) = in.matrix.values.row(static_cast<Eigen::Index>(where.second));
    }

    r.missingItems = r.itemsTotal - (rows.size() + failures.size());
    const std::size_t count = ref.shard.count;
    if (std::all_of(inputs.begin(), inputs.end(), [&](const ShardOutput& in) { return in.shard.count == count; })) {
        std::set<std::size_t> given;
        for (const ShardOutput& in : inputs)
            given.insert(in.shard.index);
        for (std::size_t i = 1; i <= count; ++i)
            if (!given.count(i))
                r.missingShards.push_back({i, count});
    }
    return r;
}

StoreMergeStats mergeStores(const std::vector<fs::path>& sources, const fs::path& destination)
{
    std::error_code ec;
    fs::create_directories(destination, ec);
    if (ec || !fs::is_directory(destination))
        throw DataError(destination.string(), 0, "cannot create the feature store folder: " + ec.message());
    StoreMergeStats stats;
    auto sameFeatures = [](const SafetensorsFile& a, const SafetensorsFile& b) {
        for (const char* name : {"mean", "max", "std"}) {
            const auto ia = a.tensors.find(name), ib = b.tensors.find(name);
            if (ia == a.tensors.end() || ib == b.tensors.end() || ia->second.dtype != ib->second.dtype ||
                ia->second.shape != ib->second.shape || ia->second.bytes != ib->second.bytes)
                return false;
        }
        auto frames = [](const SafetensorsFile& f) {
            auto it = f.metadata.find("frames");
            return it == f.metadata.end() ? std::string() : it->second;
        };
        return frames(a) == frames(b);
    };
    for (const fs::path& source : sources) {
        if (!fs::is_directory(source))
            throw DataError(source.string(), 0, "not a feature store folder");
        if (fs::equivalent(source, destination, ec))
            continue;
        std::vector<fs::path> entries;
        for (const auto& sub : fs::directory_iterator(source)) {
            const std::string name = sub.path().filename().string();
            if (!sub.is_directory() || name.size() != 2)
                continue;
            for (const auto& e : fs::directory_iterator(sub.path()))
                if (e.is_regular_file() && e.path().extension() == ".safetensors")
                    entries.push_back(e.path());
        }
        std::sort(entries.begin(), entries.end());
        for (const fs::path& entry : entries) {
            const fs::path target = destination / entry.parent_path().filename() / entry.filename();
            SafetensorsFile mine;
            try {
                mine = readSafetensors(entry);
            } catch (const std::exception&) {
                ++stats.damaged;  // absent to the store too: the video is recomputed when needed
                continue;
            }
            if (fs::exists(target)) {
                SafetensorsFile theirs;
                bool readable = true;
                try {
                    theirs = readSafetensors(target);
                } catch (const std::exception&) {
                    readable = false;  // a damaged entry is absent to the store: replace it
                }
                if (readable) {
                    if (!sameFeatures(mine, theirs))
                        throw DataError(entry.string(), 0, "same key as " + target.string() +
                                                               " but different features: the stores disagree");
                    ++stats.identical;
                    continue;
                }
            }
            fs::create_directories(target.parent_path());
            copyAtomically(entry, target);
            fs::remove(destination / "failures" / (entry.stem().string() + ".json"), ec);
            ++stats.copied;
        }
        const fs::path failures = source / "failures";
        if (fs::is_directory(failures)) {
            for (const auto& f : fs::directory_iterator(failures)) {
                if (!f.is_regular_file() || f.path().extension() != ".json")
                    continue;
                const std::string key = f.path().stem().string();
                if (key.size() < 2 || fs::exists(destination / key.substr(0, 2) / (key + ".safetensors")))
                    continue;
                const fs::path target = destination / "failures" / f.path().filename();
                if (fs::exists(target))
                    continue;
                fs::create_directories(target.parent_path());
                copyAtomically(f.path(), target);
                ++stats.failures;
            }
        }
    }
    return stats;
}

}  // namespace tl::features
