#include "core/cf/Baselines.h"

#include <algorithm>

namespace tl {

std::string baselineName(Baseline b)
{
    switch (b) {
    case Baseline::GlobalMean: return "global-mean";
    case Baseline::UserMean: return "user-mean";
    case Baseline::ItemMean: return "item-mean";
    case Baseline::Bias: return "bias";
    }
    return "?";
}

Predictions predictBaseline(Baseline kind, const TrainingMatrix& train, const TestSet& test,
                            const PredictOptions& options, const BiasOptions& bias)
{
    std::vector<double> userBias(train.users, 0.0), itemBias(train.items, 0.0);
    if (kind == Baseline::Bias) {
        const double mu = train.globalMean;
        for (int epoch = 0; epoch < bias.epochs; ++epoch) {
            for (std::size_t i = 0; i < train.items; ++i) {
                double sum = 0;
                for (std::size_t e = train.itemOffsets[i]; e < train.itemOffsets[i + 1]; ++e)
                    sum += train.itemValues[e] - mu - userBias[train.itemUsers[e]];
                itemBias[i] = sum / (bias.regItem + static_cast<double>(train.itemCount(static_cast<std::uint32_t>(i))));
            }
            for (std::size_t u = 0; u < train.users; ++u) {
                double sum = 0;
                for (std::size_t e = train.userOffsets[u]; e < train.userOffsets[u + 1]; ++e)
                    sum += train.userValues[e] - mu - itemBias[train.userItems[e]];
                userBias[u] = sum / (bias.regUser + static_cast<double>(train.userCount(static_cast<std::uint32_t>(u))));
            }
        }
    }
    Predictions p;
    p.values.resize(test.size());
    p.sources.assign(test.size(), PredictionSource::Model);
    for (std::size_t t = 0; t < test.size(); ++t) {
        const std::uint32_t u = test.users[t], i = test.items[t];
        double value = train.globalMean;
        switch (kind) {
        case Baseline::GlobalMean:
            break;
        case Baseline::UserMean:
            if (train.knowsUser(u))
                value = train.userMean[u];
            else
                p.sources[t] = PredictionSource::GlobalMean;
            break;
        case Baseline::ItemMean:
            if (train.knowsItem(i))
                value = train.itemMean[i];
            else
                p.sources[t] = PredictionSource::GlobalMean;
            break;
        case Baseline::Bias:
            value += (u < train.users ? userBias[u] : 0.0) + (i < train.items ? itemBias[i] : 0.0);
            break;
        }
        float v = static_cast<float>(value);
        if (options.clip)
            v = std::clamp(v, options.scale.min, options.scale.max);
        p.values[t] = v;
    }
    return p;
}

}  // namespace tl
