#include "core/cf/MatrixFactorisation.h"

#include <numeric>

#include "core/cf/Baselines.h"
#include "core/common/Error.h"
#include "core/common/Random.h"

namespace tl {

double SvdModel::predict(const TrainingMatrix& train, std::uint32_t u, std::uint32_t i) const
{
    const bool user = train.knowsUser(u), item = train.knowsItem(i);
    double value = mu;
    if (user)
        value += userBias[u];
    if (item)
        value += itemBias[i];
    if (user && item) {
        const double* p = &userFactors[static_cast<std::size_t>(u) * factors];
        const double* q = &itemFactors[static_cast<std::size_t>(i) * factors];
        for (int f = 0; f < factors; ++f)
            value += p[f] * q[f];
    }
    return value;
}

SvdModel initialSvd(const TrainingMatrix& train, const SvdOptions& options)
{
    if (options.factors < 1 || options.epochs < 0 || !(options.learningRate > 0) || !(options.regularisation >= 0) ||
        !(options.initStdDev >= 0))
        throw ConfigError("svd: factors must be >= 1, epochs >= 0, learning rate > 0, regularisation and init "
                          "standard deviation >= 0");
    SvdModel model;
    model.factors = options.factors;
    model.mu = train.globalMean;
    model.userBias.assign(train.users, 0.0);
    model.itemBias.assign(train.items, 0.0);
    model.userFactors.resize(train.users * static_cast<std::size_t>(options.factors));
    model.itemFactors.resize(train.items * static_cast<std::size_t>(options.factors));
    Rng rng(options.seed);
    for (double& x : model.userFactors)
        x = options.initMean + options.initStdDev * rng.normal();
    for (double& x : model.itemFactors)
        x = options.initMean + options.initStdDev * rng.normal();
    return model;
}

void svdEpoch(SvdModel& model, const TrainingMatrix& train, const std::vector<std::size_t>& order,
              const SvdOptions& options)
{
    const std::vector<std::uint32_t> userOf = entryUsers(train);
    const double lr = options.learningRate, reg = options.regularisation;
    const int nf = model.factors;
    for (std::size_t e : order) {
        const std::uint32_t u = userOf[e], i = train.userItems[e];
        double* p = &model.userFactors[static_cast<std::size_t>(u) * nf];
        double* q = &model.itemFactors[static_cast<std::size_t>(i) * nf];
        double dot = 0;
        for (int f = 0; f < nf; ++f)
            dot += p[f] * q[f];
        const double err = static_cast<double>(train.userValues[e]) - (model.mu + model.userBias[u] + model.itemBias[i] + dot);
        model.userBias[u] += lr * (err - reg * model.userBias[u]);
        model.itemBias[i] += lr * (err - reg * model.itemBias[i]);
        for (int f = 0; f < nf; ++f) {
            const double pf = p[f], qf = q[f];
            p[f] += lr * (err * qf - reg * pf);
            q[f] += lr * (err * pf - reg * qf);
        }
    }
}

SvdModel trainSvd(const TrainingMatrix& train, const SvdOptions& options, const JobContext& ctx)
{
    SvdModel model = initialSvd(train, options);
    runSgdEpochs(train.userItems.size(), options.epochs, options.seed, "svd", ctx,
                 [&](const std::vector<std::size_t>& order) { svdEpoch(model, train, order, options); });
    return model;
}

void runSgdEpochs(std::size_t entries, int epochs, std::uint64_t seed, const std::string& stage,
                  const JobContext& ctx, const std::function<void(const std::vector<std::size_t>&)>& epoch)
{
    std::vector<std::size_t> order(entries);
    Rng rng(seed ^ 0x9e3779b97f4a7c15ULL);
    for (int e = 0; e < epochs; ++e) {
        ctx.checkCancelled();
        ctx.report(stage, e, epochs);
        std::iota(order.begin(), order.end(), std::size_t{0});
        rng.shuffle(order);
        epoch(order);
    }
    ctx.report(stage, epochs, epochs);
}

std::vector<std::uint32_t> entryUsers(const TrainingMatrix& train)
{
    std::vector<std::uint32_t> userOf(train.userItems.size());
    for (std::size_t u = 0; u < train.users; ++u)
        for (std::size_t e = train.userOffsets[u]; e < train.userOffsets[u + 1]; ++e)
            userOf[e] = static_cast<std::uint32_t>(u);
    return userOf;
}

Predictions predictSvd(const SvdModel& model, const TrainingMatrix& train, const TestSet& test,
                       const PredictOptions& options)
{
    Predictions p;
    p.values.resize(test.size());
    p.sources.resize(test.size());
    for (std::size_t t = 0; t < test.size(); ++t) {
        p.values[t] = finishPrediction(model.predict(train, test.users[t], test.items[t]), options);
        p.sources[t] = ratingOnlySource(train, test.users[t], test.items[t]);
    }
    return p;
}

}  // namespace tl
