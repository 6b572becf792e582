#pragma once
// A project's fused sources (ContentSourceInfo::isFused, listed by
// listContentSources): a frame configuration's item profiles with a soundtrack's
// descriptors, early (core/cf/FeatureFusion.h: block-normalised, weighted blocks in
// one matrix) or late (the blocks side by side, stackBlocks, and a model whose
// similarity is the weighted sum of the blocks' cosines, CfModelSettings::late), with
// the source's weights (equal when it gives none). Every dimension is named with its
// block's prefix so the profile views read "mobilenetv2.pool.c089" (a frame model's
// layout, FeatureNames.h) and "audio.mfcc03_std" (the part's name and its CSV
// header's column) side by side.
//
// Threading: synchronous; reads the parts' files.

#include <deque>
#include <string>
#include <vector>

#include "core/cf/CfOptions.h"
#include "core/cf/FeatureFusion.h"
#include "core/eval/Fusion.h"
#include "core/project/ProjectData.h"

namespace tl {

// The fused matrix (already normalised: evaluate it with Normalization::None) and its
// names: early fusion with the source's weights, or for a late source the blocks side
// by side. Each part's columns are scaled by `columnScaling` first. Throws ConfigError
// for a source that is not fused, DataError for an unreadable part.
FusedFeatures fusedContent(const ProjectData& data, const ContentSourceInfo& source, Normalization columnScaling);

// The source's weights, one per part: fusionWeights, or equal ones.
std::vector<double> fusionWeightsOf(const ContentSourceInfo& source);

// The same divided by their sum: what its model uses (and a cache key or a control shows).
// Throws ConfigError for weights that are negative, not finite or all 0.
std::vector<double> normalisedFusionWeights(const ContentSourceInfo& source);

// The source with `weights` (one per part, checked by normaliseWeights) and its
// provenance saying so. Throws ConfigError for a plain source or a wrong count.
ContentSourceInfo withFusionWeights(const ContentSourceInfo& source, const std::vector<double>& weights);

// How a source's parameters were set, for a table's tuning column: "defaults" for a
// plain source; "early fusion, weights mobilenetv2-fps1 0.5, audio 0.5" (normalised,
// equal unless the source gives its own) for a fused one.
std::string fusionTuning(const ContentSourceInfo& source);

// The parts as a FusionSpec of the source's kind (weights not given), its blocks reading
// the matrices kept in `storage`: what chooseFusionWeight searches over.
FusionSpec fusionSpecOf(const ProjectData& data, const ContentSourceInfo& source, std::deque<FeatureMatrix>& storage);

}  // namespace tl
