// trailerlab-cli merge: the outputs of `extract --shard I/N` runs -> one item-profile
// matrix (the same rows, order and values as an unsharded run), after checking that
// every shard used the same configuration; optionally their feature stores -> one store.
#include <algorithm>
#include <fstream>
#include <ostream>
#include <set>

#include <nlohmann/json.hpp>

#include "app/cli/ArgParser.h"
#include "app/cli/Cli.h"
#include "app/cli/ProfileReduction.h"
#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/data/FeatureMatrix.h"
#include "core/features/StoreMerge.h"

namespace tl::cli {

namespace {

namespace fs = std::filesystem;
using namespace tl::features;

ArgParser makeParser()
{
    ArgParser p("trailerlab-cli merge --out FILE [--store DIR] [options] SHARD_OUTPUT...",
                "Combines the outputs of `trailerlab-cli extract --shard I/N` into one item-profile matrix:\n"
                "the rows, their order and their values are those an unsharded run writes. Every shard must\n"
                "have the same configuration (model, weights hash, random-weights stamp, sampling,\n"
                "preprocessing, pooling, precision, feature count) and the same item list; a mismatch is an\n"
                "error naming both files and the field. An item in two shards must have bitwise identical\n"
                "features. Missing shards (or items no shard covers) are an error unless --allow-missing.\n"
                "Videos that failed in the shards are listed and carried into the merged .meta.json.");
    p.addPositionalList("SHARD_OUTPUT",
                        "the --out file of each shard (FILE.shard-I-of-N.npy or .csv; its .meta.json and, for .npy, "
                        ".ids.txt must lie beside it)");
    p.addOption("out", "FILE", "merged item profiles: .npy (+ .ids.txt) or .csv, with a .meta.json beside it");
    p.addOption("store", "DIR",
                "also combine the shards' feature stores (their --cache folders, as recorded in the .meta.json files) "
                "into DIR, so that `extract --cache DIR` on the full list finds every video");
    p.addOption("shard-stores", "DIR,DIR,...",
                "with --store: the shard stores to combine, when they are not (or no longer) where the .meta.json "
                "files say");
    p.addFlag("allow-missing", "write the merged matrix even when shards are missing (they are still listed)");
    p.addOption("reduce", "SPEC", "none, topk:K (variance), pca:K, ae:K (autoencoder), fitted on the merged matrix", "none");
    p.addOption("seed", "N", "seed of the autoencoder", "1");
    p.addMaxFailedOption();
    p.addEpilog("examples:\n"
                "  trailerlab-cli merge --out mip.npy mip.shard-*-of-8.npy\n"
                "  trailerlab-cli merge --out mip.csv --store cache/all mip.shard-1-of-2.csv mip.shard-2-of-2.csv\n");
    return p;
}

std::string label(ShardSpec s)
{
    return std::to_string(s.index) + "/" + std::to_string(s.count);
}

}  // namespace

int mergeCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    ArgParser p = makeParser();
    if (!p.parse(args)) {
        out << p.help();
        return 0;
    }
    const fs::path outPath = p.required("out");
    const std::string reduction = *p.value("reduce");
    const auto seed = static_cast<std::uint64_t>(p.integer("seed"));
    if (p.given("shard-stores") && !p.given("store"))
        throw UsageError("--shard-stores needs --store DIR (where to combine them)");

    std::vector<ShardOutput> inputs;
    std::set<fs::path> seen;
    for (const std::string& file : p.positionalList()) {
        const fs::path path = fs::absolute(file).lexically_normal();
        if (path == fs::absolute(outPath).lexically_normal())
            throw UsageError(file + " is both an input and --out");
        if (!seen.insert(path).second)
            continue;  // the same file twice (e.g. overlapping globs)
        inputs.push_back(readShardOutput(file));
        const ShardOutput& s = inputs.back();
        err << "shard " << label(s.shard) << ": " << s.file.string() << ": " << s.matrix.rows() << " items, "
            << s.failures.size() << " failed (" << s.device << ")\n";
    }

    MergeResult merged;
    try {
        merged = mergeShardOutputs(inputs);
    } catch (const ConfigError& e) {
        throw DataError("merge", 0, e.what());
    }
    for (const auto& note : merged.notes)
        err << "note: " << note << "\n";
    for (const auto& f : merged.failures)
        err << "failed: " << f.item << " (" << f.video << "): " << f.error << " [" << f.from.string() << "]\n";
    if (merged.devices.size() > 1) {
        err << "note: the shards ran on different devices (";
        for (std::size_t i = 0; i < merged.devices.size(); ++i)
            err << (i ? ", " : "") << merged.devices[i];
        err << "): features agree to rounding, not bitwise\n";
    }
    std::string missing;
    for (const auto& s : merged.missingShards)
        missing += (missing.empty() ? "" : ", ") + label(s);
    if (!merged.complete()) {
        const std::string what = (missing.empty() ? std::string() : "missing shards " + missing + "; ") +
                                 std::to_string(merged.missingItems) + " of " + std::to_string(merged.itemsTotal) +
                                 " items are covered by no input";
        if (!p.flag("allow-missing"))
            throw DataError(outPath.string(), 0, "not written: " + what + " (run the missing shards, or pass --allow-missing)");
        err << "WARNING: incomplete: " << what << "\n";
    }
    if (merged.config.at("random_weights") == "true")
        err << "WARNING: RANDOM WEIGHTS: these features carry no ImageNet knowledge\n";

    if (merged.matrix.rows() == 0)
        throw DataError(outPath.string(), 0, "not written: no shard has any item with features");
    const FeatureMatrix mip = reduceProfiles(merged.matrix, reduction, seed, JobContext::none());
    writeFeatureMatrix(mip, outPath);

    nlohmann::json meta;
    for (const auto& [field, value] : merged.config)
        meta[field] = (field == "random_weights" || field == "features") ? nlohmann::json::parse(value) : nlohmann::json(value);
    meta["provenance"] = inputs.front().provenance;
    meta["devices"] = merged.devices;
    meta["reduction"] = reduction;
    meta["features"] = mip.dims();
    meta["items"] = mip.rows();
    meta["items_total"] = merged.itemsTotal;
    meta["items_digest"] = merged.itemsDigest;
    nlohmann::json from = nlohmann::json::array();
    for (const auto& s : inputs)
        from.push_back({{"file", fs::absolute(s.file).lexically_normal().string()}, {"shard", label(s.shard)}, {"items", s.matrix.rows()}});
    meta["merged_from"] = from;
    meta["duplicate_rows"] = merged.duplicateRows;
    meta["missing_items"] = merged.missingItems;
    meta["missing_shards"] = nlohmann::json::array();
    for (const auto& s : merged.missingShards)
        meta["missing_shards"].push_back(label(s));
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& f : merged.failures)
        failures.push_back({{"item", f.item}, {"video", f.video}, {"error", f.error}, {"shard_output", f.from.string()}});
    meta["failures"] = failures;
    fs::path metaPath = outPath;
    metaPath.replace_extension(".meta.json");
    writeFileAtomically(metaPath, meta.dump(2) + "\n");

    out << "wrote " << outPath.string() << ": " << mip.rows() << " items x " << mip.dims() << " features ("
        << merged.config.at("pooling") << " pooling" << (reduction != "none" ? ", " + reduction : "") << ") from "
        << inputs.size() << " shard outputs; " << merged.failures.size() << " failed, " << merged.duplicateRows
        << " duplicate rows (identical)" << (missing.empty() ? "" : ", missing shards " + missing) << "\n";

    if (p.given("store")) {
        std::vector<fs::path> stores;
        if (p.given("shard-stores")) {
            const std::string list = *p.value("shard-stores");
            for (std::size_t begin = 0; begin <= list.size();) {
                const std::size_t comma = std::min(list.find(',', begin), list.size());
                if (comma > begin)
                    stores.emplace_back(list.substr(begin, comma - begin));
                begin = comma + 1;
            }
            if (stores.empty())
                throw UsageError("--shard-stores: expected DIR,DIR,...");
        } else {
            for (const auto& s : inputs) {
                if (s.cacheDir.empty())
                    throw DataError(s.metaFile.string(), 0, "shard " + label(s.shard) +
                                                                " ran without --cache: no feature store to combine");
                stores.push_back(s.cacheDir);
            }
        }
        const StoreMergeStats st = mergeStores(stores, *p.value("store"));
        out << "feature store " << *p.value("store") << ": " << st.copied << " entries copied, " << st.identical
            << " already there, " << st.failures << " failure records";
        if (st.damaged)
            out << ", " << st.damaged << " damaged entries skipped";
        out << "\n";
    }
    return p.exitStatusFor(merged.failures.size(), merged.itemsTotal, "items (failed in their shards)", err);
}

}  // namespace tl::cli
