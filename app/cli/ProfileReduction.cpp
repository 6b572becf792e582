#include "app/cli/ProfileReduction.h"

#include "app/cli/ArgParser.h"
#include "core/features/Reductions.h"

namespace tl::cli {

FeatureMatrix reduceProfiles(const FeatureMatrix& mip, const std::string& spec, std::uint64_t seed, const JobContext& ctx)
{
    using namespace tl::features;
    if (spec == "none")
        return mip;
    const auto colon = spec.find(':');
    const std::string kind = spec.substr(0, colon);
    long k = 0;
    try {
        k = colon == std::string::npos ? 0 : std::stol(spec.substr(colon + 1));
    } catch (const std::exception&) {
    }
    if (k <= 0)
        throw UsageError("--reduce " + spec + ": expected none, topk:K, pca:K or ae:K with K > 0");
    if (kind == "topk")
        return topKByVariance(mip, static_cast<std::size_t>(k)).reduced;
    if (kind == "pca")
        return fitPca(mip, static_cast<std::size_t>(k)).transform(mip);
    if (kind == "ae") {
        AutoencoderOptions o;
        o.codeSize = static_cast<std::size_t>(k);
        o.seed = seed;
        return trainAutoencoder(mip, o, ctx).codes;
    }
    throw UsageError("--reduce " + spec + ": unknown reduction '" + kind + "'");
}

}  // namespace tl::cli
