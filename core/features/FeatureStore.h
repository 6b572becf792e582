#pragma once
// On-disk cache of per-video features, so that a killed extraction resumes where it
// stopped and a rerun with the same settings costs nothing.
//
// Key: SHA-256 of (video content hash, model name, weights id, model output, sampling
// description, preprocessing description). Entry: <dir>/<2 hex>/<key>.safetensors with
// tensors "mean", "max", "std" (float32, F values each) and metadata (item id, video
// path and hash, model, provenance, sampling, frame count). Each entry is written to a
// temporary file and renamed (writeFileAtomically), so a reader sees either nothing or a
// whole entry. Failures go to <dir>/failures/<key>.json (for display; they are retried on
// the next run).
//
// Every entry is verified when loaded: its "key" metadata must equal the key's digest, its
// model/weights/sampling/preprocessing metadata the key's, the three tensors must be F32
// of one shape [F] with F the key's "dim=F" (when the model string names one), and every
// value finite. An entry that fails is moved aside to <dir>/rejected/<key>.safetensors
// (with <key>.reason.txt) and reported, so the caller recomputes it instead of failing
// on every rerun.
//
// Threading: distinct keys may be saved concurrently; one FeatureStore may be shared.

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tl::features {

struct StoreKey {
    std::string videoHash;      // SHA-256 of the video file's bytes
    std::string model;          // FeatureExtractor::name() plus output variant
    std::string weightsId;      // FeatureExtractor::weightsId()
    std::string sampling;       // e.g. "uniform fps=1 skip=0,0"
    std::string preprocessing;  // e.g. "shorter256-crop224 mean=... std=... drop-uniform=..."
    std::string digest() const;
};

struct StoredVideo {
    std::size_t frames = 0;
    std::vector<float> mean, max, stdDev;
    std::map<std::string, std::string> metadata;
};

struct SafetensorsFile;

// Checks a decoded entry against its key (nullptr: only the internal consistency) and
// returns its contents. Throws tl::DataError(entryFile, 0, reason) naming the problem.
StoredVideo decodeStoreEntry(const SafetensorsFile& file, const StoreKey* key, const std::string& entryFile);

// The feature dimension named in a store key's model string ("... dim=1280 ..."); 0: none.
std::size_t keyFeatureDim(const std::string& model);

struct StoreLoad {
    std::optional<StoredVideo> video;   // the verified entry; nothing when absent or rejected
    std::string problem;                // non-empty: the entry was bad (why, naming the file)
    std::filesystem::path movedTo;      // where the bad entry now lies
};

class FeatureStore {
public:
    // Creates the folder when missing. Throws tl::DataError when it cannot.
    explicit FeatureStore(std::filesystem::path dir);

    const std::filesystem::path& dir() const { return dir_; }
    std::filesystem::path entryPath(const StoreKey& key) const;

    // Nothing when absent; a damaged or mismatching entry is moved aside (see above) and
    // reported in `problem`, so the video is recomputed.
    StoreLoad loadChecked(const StoreKey& key) const;
    std::optional<StoredVideo> load(const StoreKey& key) const { return loadChecked(key).video; }
    void save(const StoreKey& key, const StoredVideo& video) const;
    void recordFailure(const StoreKey& key, const std::string& item, const std::filesystem::path& video,
                       const std::string& message) const;

private:
    std::filesystem::path dir_;
};

}  // namespace tl::features
