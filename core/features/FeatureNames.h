#pragma once
// Names of feature dimensions that say what each one is, so a profile reads
// "vgg16.pool5.c211@3,4" (VGG's last pooled map: channel 211 at row 3, column 4 of
// its 512 x 7 x 7 grid) instead of "feature 108,371".
//
// Layouts (FeatureLayout::forModel):
//   vgg11/16/19, 25,088 dims        vggNN.pool5.cCCC@ROW,COL  f = c x 49 + row x 7 + col
//                                   (torchvision's `features` output flattened C, H, W)
//   mobilenetv2, 1,280 dims         mobilenetv2.pool.cCCC     (global average of the last conv map)
//   mobilenetv2, 62,720 dims        mobilenetv2.conv_last.cCCC@ROW,COL (the map itself, C, H, W)
//   anything else                   MODEL.fNNNN               (position only)
// Channels are written with at least three digits (c089, c1279), rows and columns
// from 0. Other layouts: a list of names (genres), reductions (pca.pc001: principal
// component 1, largest variance first; ae.z01: autoencoder code unit 1;
// topk.fNNNN: the n-th kept column by variance) and plain indices (fNNNN).
//
// No Qt, no LibTorch; pure functions.

#include <cstddef>
#include <string>
#include <vector>

namespace tl::features {

struct FeatureLayout {
    enum class Kind { Grid, Pooled, Named, Indexed };
    Kind kind = Kind::Indexed;
    std::string prefix;              // "vgg16.pool5", "mobilenetv2.pool", "pca", "" ...
    std::string unit = "f";          // Indexed: the letter(s) before the index ("f", "pc", "z")
    int indexBase = 0;               // Indexed: 0 (columns) or 1 (components, code units)
    std::size_t channels = 0, height = 1, width = 1;  // Grid / Pooled
    std::vector<std::string> names;  // Named
    std::size_t dims = 0;            // dimensions the layout covers

    // The layout of a model's output (names above) for a matrix of `dims` columns; a
    // model or size not listed gives MODEL.fNNNN.
    static FeatureLayout forModel(const std::string& model, std::size_t dims);
    // Each dimension named by names[f] (genres); beyond the list: fNNNN.
    static FeatureLayout named(std::vector<std::string> names);
    // A reduced matrix: kind "pca", "ae" or "topk" (anything else: kind.fNNNN).
    static FeatureLayout reduced(const std::string& kind, std::size_t dims);
    // Dimensions known only by position: PREFIX.fNNNN (fNNNN when prefix is empty).
    static FeatureLayout indexed(const std::string& prefix, std::size_t dims);
};

// The name of dimension f. Throws tl::Error when f >= layout.dims (Named: beyond the
// list falls back to fNNNN instead, so a matrix wider than its names still shows).
std::string featureName(const FeatureLayout& layout, std::size_t f);

}  // namespace tl::features
