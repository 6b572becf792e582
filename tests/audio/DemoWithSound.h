#pragma once
// A small demo project with sound, for the known-answer tests of the demo's
// soundtracks (and of anything fusing its picture and its sound): generated
// once per call, every trailer's soundtrack described by core/audio, the hidden
// properties read back from properties.csv, the ratings loaded. Visual features
// (MobileNetV2 at 1 frame/s) on request, as the demo's experiment makes them.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/data/Ratings.h"
#include "core/data/FeatureMatrix.h"
#include "core/demo/DemoProject.h"
#include "tests/support/TestSupport.h"

namespace tl::test {

// The order of the hidden property columns in DemoWithSound::properties.
inline const std::vector<std::string> kDemoProperties = {"warmth", "brightness", "texture", "motion", "cut_rate"};

struct DemoWithSound {
    TempDir dir;
    std::filesystem::path projectFile;
    Dataset data;              // the demo's ratings
    FeatureMatrix properties;  // item id x kDemoProperties
    FeatureMatrix audio;       // item id x audioDescriptorNames(), manifest order

    // The column of one audio descriptor / one property, in item order.
    std::vector<double> audioColumn(const std::string& descriptor) const;
    std::vector<double> propertyColumn(const std::string& property) const;
    // MobileNetV2 profiles at 1 frame/s (the experiment's, from the ONNX weights in
    // weightsDir), rows in the order of `audio`.
    FeatureMatrix visualFeatures(const std::filesystem::path& weightsDir) const;
};

// Generates the demo (spec.sound is set) and describes its soundtracks.
std::unique_ptr<DemoWithSound> makeDemoWithSound(DemoSpec spec);

// Spearman's rank correlation (average ranks for ties).
double spearman(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace tl::test
