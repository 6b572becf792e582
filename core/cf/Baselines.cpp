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

PredictionSource ratingOnlySource(const TrainingMatrix& train, std::uint32_t u, std::uint32_t i)
{
    const bool user = train.knowsUser(u), item = train.knowsItem(i);
    if (user && item)
        return PredictionSource::Model;
    if (user)
        return PredictionSource::UserMean;
    return item ? PredictionSource::ItemMean : PredictionSource::GlobalMean;
}

float finishPrediction(double value, const PredictOptions& options)
{
    const float v = static_cast<float>(value);
    return options.clip ? std::clamp(v, options.scale.min, options.scale.max) : v;
}

BiasModel fitBias(const TrainingMatrix& train, const BiasOptions& options)
{
    BiasModel model;
    model.mu = train.globalMean;
    model.userBias.assign(train.users, 0.0);
    model.itemBias.assign(train.items, 0.0);
    auto& userBias = model.userBias;
    auto& itemBias = model.itemBias;
    const double mu = model.mu;
    for (int epoch = 0; epoch < options.epochs; ++epoch) {
        for (std::size_t i = 0; i < train.items; ++i) {
            double sum = 0;
            for (std::size_t e = train.itemOffsets[i]; e < train.itemOffsets[i + 1]; ++e)
                sum += train.itemValues[e] - mu - userBias[train.itemUsers[e]];
            itemBias[i] = sum / (options.regItem + static_cast<double>(train.itemCount(static_cast<std::uint32_t>(i))));
        }
        for (std::size_t u = 0; u < train.users; ++u) {
            double sum = 0;
            for (std::size_t e = train.userOffsets[u]; e < train.userOffsets[u + 1]; ++e)
                sum += train.userValues[e] - mu - itemBias[train.userItems[e]];
            userBias[u] = sum / (options.regUser + static_cast<double>(train.userCount(static_cast<std::uint32_t>(u))));
        }
    }
    return model;
}

Predictions predictBaseline(Baseline kind, const TrainingMatrix& train, const TestSet& test,
                            const PredictOptions& options, const BiasOptions& bias)
{
    const BiasModel model = kind == Baseline::Bias ? fitBias(train, bias) : BiasModel{train.globalMean, {}, {}};
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
            value = model.predict(u, i);
            p.sources[t] = ratingOnlySource(train, u, i);
            break;
        }
        p.values[t] = finishPrediction(value, options);
    }
    return p;
}

}  // namespace tl
