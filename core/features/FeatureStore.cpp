#include "core/features/FeatureStore.h"

#include <fstream>

#include <nlohmann/json.hpp>

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

std::optional<StoredVideo> FeatureStore::load(const StoreKey& key) const
{
    const auto path = entryPath(key);
    if (!std::filesystem::exists(path))
        return std::nullopt;
    try {
        SafetensorsFile file = readSafetensors(path);
        StoredVideo v;
        v.mean = file.tensors.at("mean").toFloat();
        v.max = file.tensors.at("max").toFloat();
        v.stdDev = file.tensors.at("std").toFloat();
        v.metadata = std::move(file.metadata);
        v.frames = std::stoul(v.metadata.at("frames"));
        if (v.metadata.at("key") != key.digest() || v.max.size() != v.mean.size() || v.stdDev.size() != v.mean.size())
            return std::nullopt;
        return v;
    } catch (const std::exception&) {
        return std::nullopt;  // damaged entry: recompute and overwrite
    }
}

void FeatureStore::save(const StoreKey& key, const StoredVideo& video) const
{
    const auto path = entryPath(key);
    std::filesystem::create_directories(path.parent_path());
    SafetensorsFile file;
    const auto dims = static_cast<std::int64_t>(video.mean.size());
    file.tensors["mean"] = makeF32Tensor(video.mean, {dims});
    file.tensors["max"] = makeF32Tensor(video.max, {dims});
    file.tensors["std"] = makeF32Tensor(video.stdDev, {dims});
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
    const auto path = folder / (key.digest() + ".json");
    const auto temp = path.string() + ".tmp";
    {
        std::ofstream out(temp, std::ios::trunc);
        out << j.dump(2) << '\n';
    }
    std::error_code ec;
    std::filesystem::rename(temp, path, ec);
}

}  // namespace tl::features
