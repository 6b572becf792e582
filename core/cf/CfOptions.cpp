#include "core/cf/CfOptions.h"

#include "core/common/Error.h"
#include "core/data/Text.h"

namespace tl {

Normalization parseNormalization(const std::string& name)
{
    if (name == "minmax")
        return Normalization::MinMax100;
    if (name == "none")
        return Normalization::None;
    if (name == "zscore")
        return Normalization::ZScore;
    if (name == "l2")
        return Normalization::L2;
    throw ConfigError("unknown normalisation '" + name + "' (minmax, none, zscore, l2)");
}

std::string toString(Normalization n)
{
    switch (n) {
    case Normalization::MinMax100: return "minmax";
    case Normalization::None: return "none";
    case Normalization::ZScore: return "zscore";
    case Normalization::L2: return "l2";
    }
    return "minmax";
}

RelevantRule parseRelevantRule(const std::string& text)
{
    if (text == "mean")
        return {RelevantRule::AboveUserMean, 0};
    if (text == "all")
        return {RelevantRule::All, 0};
    if (text.rfind("threshold:", 0) == 0) {
        if (auto v = text::parseDouble(text.substr(10)))
            return {RelevantRule::Threshold, *v};
    }
    throw ConfigError("unknown relevant-item rule '" + text + "' (mean, all, threshold:X)");
}

std::string toString(const RelevantRule& rule)
{
    switch (rule.kind) {
    case RelevantRule::AboveUserMean: return "mean";
    case RelevantRule::All: return "all";
    case RelevantRule::Threshold: {
        std::string s = std::to_string(rule.threshold);
        s.erase(s.find_last_not_of('0') + 1);
        if (s.back() == '.')
            s.pop_back();
        return "threshold:" + s;
    }
    }
    return "mean";
}

NeighbourMode parseNeighbourMode(const std::string& name)
{
    if (name == "offline")
        return NeighbourMode::Offline;
    if (name == "raters")
        return NeighbourMode::Raters;
    throw ConfigError("unknown neighbour mode '" + name + "' (offline, raters)");
}

std::string toString(NeighbourMode m)
{
    return m == NeighbourMode::Offline ? "offline" : "raters";
}

}  // namespace tl
