#pragma once
// A trailer nobody has rated, placed in a configuration's space: the video is probed,
// its frames run through the configuration's model with its sampling and preprocessing
// (ConfigurationFrames.h), pooled by the mean like the stored profiles, and the
// configuration's normalisation (fitted on its stored item profiles, ColumnScaling) is
// applied. The result is the item profile the trailer would have had among the others,
// so cos(MUP(u), profile) ranks the users it suits (core/eval/UsersForItem.h).
//
// A trailer already in the project, placed this way, gets its stored profile back (up
// to float rounding); the normalisation is not refitted with the new trailer in it.
//
// Threading: synchronous (run it in a worker); progress: stage "probe", then the frame
// extraction's "frames"; cancel per batch.

#include <cstddef>
#include <filesystem>
#include <string>

#include <Eigen/Core>

#include "core/cf/CfOptions.h"
#include "core/common/JobContext.h"
#include "core/project/ProjectData.h"
#include "core/video/VideoInfo.h"

namespace tl {

struct NewTrailerProfile {
    std::filesystem::path video;
    video::VideoInfo info;    // what the probe found
    std::size_t frames = 0;   // frames pooled into the profile
    Eigen::VectorXd profile;  // in the configuration's normalised item-profile space
};

// Empty when frames can be put in `source`'s space; else why not, for a person (a genre
// configuration describes items by their genres, which a video does not carry).
std::string whyNoNewTrailers(const ProjectData& data, const ContentSourceInfo& source);

// Throws DecodeError naming the file (unreadable, no video stream, no decodable frame),
// ConfigError for a configuration frames cannot be placed in (whyNoNewTrailers), ModelError
// for missing or different weights, Cancelled.
NewTrailerProfile newTrailerProfile(const ProjectData& data, const ContentSourceInfo& source,
                                    Normalization normalization, const std::filesystem::path& video,
                                    const JobContext& ctx = JobContext::none());

}  // namespace tl
