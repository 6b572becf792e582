#pragma once
// What a project's configuration (one item-profile file in <cache>/profiles and its
// .meta.json sidecar) says about its features, for looking inside them:
//  - the names of its dimensions (core/features/FeatureNames.h): genre names for
//    "genre", the model's layer and channel for an extracted configuration,
//    position-only names for a file without a sidecar;
//  - how to compute per-frame features in the same space as its item profiles: the
//    same model and weights, and sampler options whose descriptions equal the
//    sidecar's "sampling" and "preprocessing" (anything else is refused, because the
//    frames would not be comparable with the profiles);
//  - the feature gallery's index: the frames of the project's trailers that activate
//    each feature most (TopActivationIndex), computed on demand.
//
// Threading: synchronous; the long one (buildTopActivations) takes a JobContext.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/common/JobContext.h"
#include "core/features/FeatureExtractor.h"
#include "core/features/FeatureNames.h"
#include "core/features/TopActivations.h"
#include "core/project/ProjectData.h"
#include "core/features/ExtractionPipeline.h"  // video::SamplerOptions

namespace tl {

struct ConfigurationInfo {
    bool hasSidecar = false;  // false: genre, or a profile file without <name>.meta.json
    std::string model;        // "mobilenetv2", "vgg16", ... (empty without a sidecar)
    std::string provenance;   // "pretrained:<file> sha256=<hex>" or "RANDOM WEIGHTS (seed N)"
    std::string sampling, preprocessing, pooling;
    std::string reduce;       // "pca", "ae", "topk" when the matrix was reduced (sidecar key "reduce")
};

// Reads <profile file>.meta.json. Throws DataError naming the sidecar when it is
// present but unreadable.
ConfigurationInfo readConfigurationInfo(const ContentSourceInfo& source);

// The names of the configuration's `dims` dimensions.
features::FeatureLayout featureLayoutOf(const ProjectData& data, const ContentSourceInfo& source, std::size_t dims);

struct FrameExtractionSetup {
    features::ModelSpec model;     // the configuration's model, weights from the registry (or its random seed)
    video::SamplerOptions sampler; // its sampling and preprocessing (thumbnails off)
    std::string weightsSha256;     // from the provenance; empty for random weights
};

// Throws ConfigError saying why frames cannot be put in this configuration's space:
// genre or no sidecar, pooling other than the mean, a reduced matrix, sampling or
// preprocessing this program cannot reproduce; ModelError when the weights are not found.
FrameExtractionSetup frameExtractionSetup(const ProjectData& data, const ContentSourceInfo& source);

// The extractor for `setup`; throws ModelError when its weights are not the ones the
// configuration was extracted with (another file under the same name).
std::unique_ptr<features::FeatureExtractor> createFrameExtractor(const FrameExtractionSetup& setup);

struct GalleryIndex {
    std::vector<std::string> items;      // item ids; Activation::item indexes this
    features::TopActivationIndex index;  // raw activations (before the profile normalisation)
    std::vector<std::string> failures;   // "item: reason" for trailers that gave no frame
    std::size_t frames = 0;
};

// Runs every trailer of the project (natural id order) through the configuration's
// model, frame by frame, keeping the `top` largest activations of every feature.
// Progress: stage "gallery" per trailer; cancel: per batch. A trailer that fails
// is listed in failures, the others go on.
GalleryIndex buildTopActivations(const ProjectData& data, const ContentSourceInfo& source, std::size_t top,
                                 const JobContext& ctx = JobContext::none());

// The saved index beside the profile file: <cache>/profiles/<configuration>.gallery.bin
// (binary: a header, the item ids and failures, then per feature its entries).
std::filesystem::path galleryIndexFile(const ContentSourceInfo& source);
// Writes atomically; throws WriteError.
void saveGalleryIndex(const GalleryIndex& index, const std::filesystem::path& file);
// Nothing when the file is absent, older than the profile file (re-extracted since),
// of another `top`, or damaged (then `problem`, when given, says why).
std::optional<GalleryIndex> loadGalleryIndex(const std::filesystem::path& file, const ContentSourceInfo& source,
                                             std::size_t top, std::string* problem = nullptr);

// The saved index when it is usable, else buildTopActivations() and save it (a failed
// save only adds a line to failures). `loaded` says which happened.
GalleryIndex galleryIndexFor(const ProjectData& data, const ContentSourceInfo& source, std::size_t top,
                             const JobContext& ctx = JobContext::none(), bool* loaded = nullptr);

}  // namespace tl
