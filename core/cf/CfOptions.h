#pragma once
// The choices of docs/method.md sections 1-3, each with its default first.

#include <string>

namespace tl {

// Item-feature scaling over all items of the matrix (method.md 1).
enum class Normalization { MinMax100, None, ZScore, L2 };
Normalization parseNormalization(const std::string& name);  // minmax|none|zscore|l2
std::string toString(Normalization n);

// relevant(u) (method.md 2): rated at or above u's mean (default), all rated, or rating >= threshold.
struct RelevantRule {
    enum Kind { AboveUserMean, All, Threshold } kind = AboveUserMean;
    double threshold = 0;
};
RelevantRule parseRelevantRule(const std::string& text);  // mean|all|threshold:X
std::string toString(const RelevantRule& rule);

// Neighbour selection (method.md 3): the K most similar users computed once
// (offline, the paper's) or the K most similar among the raters of the item.
enum class NeighbourMode { Offline, Raters };
NeighbourMode parseNeighbourMode(const std::string& name);  // offline|raters
std::string toString(NeighbourMode m);

}  // namespace tl
