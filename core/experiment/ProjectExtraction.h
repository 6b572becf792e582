#pragma once
// Feature extraction for a project's trailers, as the workbench and the
// experiment runner run it: one
// configuration (model, weights, sampling, device) over every video of the
// manifest, item by item, with the project's feature store (<cache>/features)
// so finished videos survive a cancel and are never recomputed. The pooled
// item profiles go to <cache>/profiles/<configuration>.npy with a .meta.json
// sidecar that records the weights provenance (listContentSources in
// core/project/ProjectData.h lists them as content sources).
//
// Threading: runExtraction() is synchronous (run it in a worker). onItem is
// called on the calling thread after each video.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/common/JobContext.h"
#include "core/features/ExtractionPipeline.h"
#include "core/features/FeatureExtractor.h"
#include "core/project/ProjectData.h"

namespace tl {

struct ExtractionSettings {
    features::ModelSpec model;          // model name, weights file or random seed, device
    video::SamplingMode mode = video::SamplingMode::Uniform;
    double fps = 1.0;
};

// "mobilenetv2-fps1", "vgg19-fps2-random", "mobilenetv2-shots".
std::string configurationName(const ExtractionSettings& settings);

struct ExtractionSummary {
    std::string configuration;
    std::string provenance;
    bool randomWeights = false;
    std::string device;
    std::filesystem::path profileFile;  // empty when no video gave features
    std::vector<features::VideoOutcome> videos;
    std::size_t framesComputed = 0;
    double seconds = 0;
};

// Writes <cache>/profiles/<configuration>.npy (the item-profile matrix) and its
// .meta.json sidecar (model, weights provenance, sampling, failures); returns the
// .npy path. Shared by the workbench's extraction and the experiment runner, so
// both produce configurations the other lists.
std::filesystem::path writeConfigurationProfiles(const Project& project, const std::string& configuration,
                                                 const FeatureMatrix& profiles,
                                                 const features::FeatureExtractor& extractor,
                                                 const video::SamplerOptions& sampler, std::size_t framesComputed,
                                                 const std::vector<features::VideoOutcome>& videos);

// The project's trailers in natural id order (1, 2, 10, not 1, 10, 2): the order
// runExtraction works in, so its index i (progress, ExtractionItemCallback) is element i.
std::vector<features::VideoItem> trailersInOrder(const ProjectData& data);

using ExtractionItemCallback = std::function<void(std::size_t index, const features::VideoOutcome& outcome)>;

// Throws ModelError when the model cannot be built, ConfigError when the project
// lists no video, Cancelled on cancel (videos finished so far stay in the store).
ExtractionSummary runExtraction(const ProjectData& data, const ExtractionSettings& settings,
                                const JobContext& ctx = JobContext::none(), const ExtractionItemCallback& onItem = {});

}  // namespace tl
