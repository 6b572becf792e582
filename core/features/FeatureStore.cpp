#include "core/features/FeatureStore.h"

#include <charconv>
#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/features/Safetensors.h"
#include "core/features/Sha256.h"

namespace tl::features {

std::string StoreKey::digest() const
{
    Sha256 h;
    for (const std::string* part : {&videoHash, &model, &weightsId, &sampling, &preprocessing}) {
        h.update(*part);
        h.update(std::string_view("\x1f", 1));  // unit separator: no ambiguity between fields
    }
    return h.hex();
}

FeatureStore::FeatureStore(std::filesystem::path dir) : dir_(std::move(dir))
{
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec || !std::filesystem::is_directory(dir_))
        throw DataError(dir_.string(), 0, "cannot create the feature cache folder: " + ec.message());
}

std::filesystem::path FeatureStore::entryPath(const StoreKey& key) const
{
    const std::string d = key.digest();
    return dir_ / d.substr(0, 2) / (d + ".safetensors");
}

namespace {
[[noreturn]] void failEntry(const std::string& file, const std::string& reason)
{
    throw DataError(file, 0, "feature-store entry: " + reason);
}
}  // namespace

std::size_t keyFeatureDim(const std::string& model)
{
    const auto at = model.find(" dim=");
    if (at == std::string::npos)
        return 0;
    std::size_t dims = 0;
    const char* begin = model.data() + at + 5;
    const auto [ptr, ec] = std::from_chars(begin, model.data() + model.size(), dims);
    return ec == std::errc() && ptr != begin ? dims : 0;
}

StoredVideo decodeStoreEntry(const SafetensorsFile& file, const StoreKey* key, const std::string& entryFile)
{
    auto fail = [&](const std::string& reason) { failEntry(entryFile, reason); };
    auto meta = [&](const std::string& name) -> const std::string& {
        const auto it = file.metadata.find(name);
        if (it == file.metadata.end())
            failEntry(entryFile, "metadata lacks \"" + name + "\"");
        return it->second;
    };
    if (key) {
        const std::pair<const char*, const std::string*> expected[] = {
            {"key", nullptr}, {"video_sha256", &key->videoHash}, {"model", &key->model},
            {"weights", &key->weightsId}, {"sampling", &key->sampling}, {"preprocessing", &key->preprocessing}};
        const std::string digest = key->digest();
        for (const auto& [name, value] : expected)
            if (meta(name) != (value ? *value : digest))
                fail(std::string("\"") + name + "\" is '" + meta(name) + "', the key expects '" +
                     (value ? *value : digest) + "'");
    }
    const std::size_t expectedDims = key ? keyFeatureDim(key->model) : 0;
    StoredVideo v;
    std::vector<float>* targets[] = {&v.mean, &v.max, &v.stdDev};
    const char* names[] = {"mean", "max", "std"};
    for (int i = 0; i < 3; ++i) {
        const auto it = file.tensors.find(names[i]);
        if (it == file.tensors.end())
            failEntry(entryFile, std::string("no tensor \"") + names[i] + "\"");
        const RawTensor& t = it->second;
        if (t.dtype != "F32" || t.shape.size() != 1)
            fail(std::string("tensor \"") + names[i] + "\" is not a float32 vector");
        *targets[i] = t.toFloat();
        const std::size_t dims = targets[i]->size();
        if (dims == 0)
            fail(std::string("tensor \"") + names[i] + "\" is empty");
        if (expectedDims && dims != expectedDims)
            fail(std::string("tensor \"") + names[i] + "\" holds " + std::to_string(dims) + " values, the model gives " +
                 std::to_string(expectedDims));
        if (dims != v.mean.size())
            fail(std::string("tensor \"") + names[i] + "\" holds " + std::to_string(dims) + " values, \"mean\" " +
                 std::to_string(v.mean.size()));
        for (std::size_t f = 0; f < dims; ++f)
            if (!std::isfinite((*targets[i])[f]))
                fail(std::string("tensor \"") + names[i] + "\" has a non-finite value at " + std::to_string(f));
    }
    const std::string& frames = meta("frames");
    const auto [ptr, ec] = std::from_chars(frames.data(), frames.data() + frames.size(), v.frames);
    if (ec != std::errc() || ptr != frames.data() + frames.size() || v.frames == 0)
        fail("\"frames\" is '" + frames + "', expected a positive count");
    v.metadata = file.metadata;
    return v;
}

StoreLoad FeatureStore::loadChecked(const StoreKey& key) const
{
    StoreLoad result;
    const auto path = entryPath(key);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return result;
    try {
        requireRegularFile(path, "feature-store entry");
        result.video = decodeStoreEntry(readSafetensors(path), &key, path.string());
        return result;
    } catch (const std::exception& e) {
        result.problem = e.what();
    }
    // A bad entry: move it aside (kept for inspection) so that it is recomputed, not failed on forever.
    const auto folder = dir_ / "rejected";
    std::filesystem::create_directories(folder, ec);
    result.movedTo = folder / path.filename();
    std::filesystem::rename(path, result.movedTo, ec);
    if (ec) {
        std::filesystem::remove(path, ec);
        result.movedTo.clear();
    } else {
        try {
            writeFileAtomically(folder / (key.digest() + ".reason.txt"), result.problem + "\n");
        } catch (const std::exception&) {
            // the entry is out of the way; the reason also goes to the caller
        }
    }
    return result;
}

void FeatureStore::save(const StoreKey& key, const StoredVideo& video) const
{
    const std::size_t dims = video.mean.size();
    if (dims == 0 || video.max.size() != dims || video.stdDev.size() != dims ||
        (keyFeatureDim(key.model) && keyFeatureDim(key.model) != dims))
        throw ConfigError("feature store: features of inconsistent sizes for " + entryPath(key).string());
    for (const auto* values : {&video.mean, &video.max, &video.stdDev})
        for (float v : *values)
            if (!std::isfinite(v))
                throw DataError(entryPath(key).string(), 0, "refusing to store non-finite features");
    const auto path = entryPath(key);
    std::filesystem::create_directories(path.parent_path());
    SafetensorsFile file;
    const auto length = static_cast<std::int64_t>(dims);
    file.tensors["mean"] = makeF32Tensor(video.mean, {length});
    file.tensors["max"] = makeF32Tensor(video.max, {length});
    file.tensors["std"] = makeF32Tensor(video.stdDev, {length});
    file.metadata = video.metadata;
    file.metadata["frames"] = std::to_string(video.frames);
    file.metadata["key"] = key.digest();
    file.metadata["video_sha256"] = key.videoHash;
    file.metadata["model"] = key.model;
    file.metadata["weights"] = key.weightsId;
    file.metadata["sampling"] = key.sampling;
    file.metadata["preprocessing"] = key.preprocessing;
    writeSafetensors(file, path);  // temp + rename
    std::error_code ec;
    std::filesystem::remove(dir_ / "failures" / (key.digest() + ".json"), ec);
}

void FeatureStore::recordFailure(const StoreKey& key, const std::string& item, const std::filesystem::path& video,
                                 const std::string& message) const
{
    const auto folder = dir_ / "failures";
    std::filesystem::create_directories(folder);
    const nlohmann::json j = {{"item", item}, {"video", video.string()}, {"error", message},
                              {"model", key.model}, {"weights", key.weightsId}, {"sampling", key.sampling}};
    writeFileAtomically(folder / (key.digest() + ".json"), j.dump(2) + "\n");
}

}  // namespace tl::features
