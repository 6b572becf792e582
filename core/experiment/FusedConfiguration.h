#pragma once
// A project's fused sources (ContentSourceInfo::isFused, listed by
// listContentSources): the early fusion (core/cf/FeatureFusion.h) of a frame
// configuration's item profiles with a soundtrack's descriptors, equal weights,
// every dimension named with its block's prefix so the profile views read
// "mobilenetv2.pool.c089" (a frame model's layout, FeatureNames.h) and
// "audio.mfcc03_std" (the part's name and its CSV header's column) side by side.
//
// Threading: synchronous; reads the parts' files.

#include "core/cf/CfOptions.h"
#include "core/cf/FeatureFusion.h"
#include "core/project/ProjectData.h"

namespace tl {

// The fused matrix (already normalised: evaluate it with Normalization::None) and its
// names. Each part's columns are scaled by `columnScaling` first. Throws ConfigError
// for a source that is not fused, DataError for an unreadable part.
FusedFeatures fusedContent(const ProjectData& data, const ContentSourceInfo& source, Normalization columnScaling);

}  // namespace tl
