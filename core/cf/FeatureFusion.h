#pragma once
// Early fusion of modalities (docs/fusion.md): several item feature matrices
// (blocks: the frames' CNN features, the soundtrack's descriptors, ...) become one
// matrix whose rows are the blocks' rows side by side, each block normalised so
// that none dominates by its number of columns, then multiplied by its weight:
//
//   1. column scaling inside the block, over the block's own rows (normalizeFeatures:
//      minmax to [0, 100], zscore, l2 or none -- the mode the single-modality runs use);
//   2. block scale: divided by the block's mean row norm m_b = mean_i |x_i| over its
//      rows, so every block has mean row norm 1 whatever its dimension count;
//   3. multiplied by the block's weight w_b (>= 0; only ratios matter for cosines).
//
//   fused(i) = [ w_1 x_1(i) / m_1 , ... , w_B x_B(i) / m_B ]
//
// The fused matrix covers the union of the blocks' item ids (order: the first
// block's rows, then ids first seen in later blocks, in their order). An item a
// block has no row for (a trailer without sound) gets that block's mean row after
// step 1 (the zero vector under zscore), scaled like the others: it says "average"
// for that modality instead of "nothing", and is counted in the block's report
// (`imputed`), never silently. A block whose rows are all zero after step 1
// (m_b = 0) contributes zeros and is reported with scale 0.
//
// The fused matrix is already normalised: evaluate it with Normalization::None.
// Feature names keep their block's prefix: "audio.mfcc03_std", "mobilenetv2.pool.c089"
// (qualified names kept as they are), "visual.f0089" (a block without column names).
//
// Pure functions, no threads.

#include <filesystem>
#include <string>
#include <vector>

#include "core/cf/CfOptions.h"
#include "core/data/FeatureMatrix.h"

namespace tl {

struct FusionBlock {
    std::string name;                      // prefix of its feature names, e.g. "audio"
    const FeatureMatrix* features = nullptr;
    std::vector<std::string> columnNames;  // optional: one per column (else fNNNN)
    double weight = 1;
    // true: columnNames carry their own prefix ("mobilenetv2.pool.c089") and are used as
    // they are; false: each is written NAME.COLUMN ("audio.mfcc03_std").
    bool qualifiedNames = false;
};

struct FusionBlockReport {
    std::string name;
    std::size_t dims = 0;
    std::size_t present = 0;   // items of the fused matrix with a row in this block
    std::size_t imputed = 0;   // items without one: given the block's mean row
    double meanRowNorm = 0;    // m_b, after column scaling (over the block's rows)
    double weight = 0;
    double scale = 0;          // w_b / m_b (0 when m_b = 0)
};

struct FusedFeatures {
    FeatureMatrix matrix;                  // union of the blocks' ids x (sum of dims)
    std::vector<std::string> names;        // one per column: BLOCK.COLUMN
    std::vector<FusionBlockReport> blocks;
    bool stacked = false;                  // stackBlocks: side by side for late fusion
};

// Throws ConfigError for no block, a null or empty block, a negative or non-finite
// weight, all weights zero, column names that do not match the block's width, or a
// block name used twice.
FusedFeatures fuseEarly(const std::vector<FusionBlock>& blocks, Normalization columnScaling);

// The blocks side by side for late fusion inside one model (FusedSimilarity.h's
// LateFusion, CfModelSettings::late): step 1 only (column scaling over the block's own
// rows, as a single-modality run scales them), no block scale and no weight (the
// weights are the model's), and zeros where a block has no row for an item (counted in
// `imputed`): a zero block adds nothing to that block's user profiles, exactly as the
// item being absent from that modality. The same checks as fuseEarly.
FusedFeatures stackBlocks(const std::vector<FusionBlock>& blocks, Normalization columnScaling);

// The column names of a feature file's CSV header (item_id,name1,...,nameF, as
// `extract --model audio` writes): empty for a .npy file or a CSV without a header.
// Throws DataError when the file cannot be read.
std::vector<std::string> featureColumnNames(const std::filesystem::path& path);

// One line per block: "audio: 294 dims, 4 items, 6 without a row (given the block's mean), weight 0.5".
std::string describeFusion(const FusedFeatures& fused);

}  // namespace tl
