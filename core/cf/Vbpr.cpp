#include "core/cf/Vbpr.h"

#include <cmath>

#include "core/cf/Baselines.h"
#include "core/cf/MatrixFactorisation.h"
#include "core/common/Error.h"
#include "core/common/Random.h"

namespace tl {

namespace {

bool hasProfile(const VbprModel& m, std::uint32_t i)
{
    if (static_cast<std::size_t>(i) * m.featureDims >= m.features.size())
        return false;
    const double* f = &m.features[static_cast<std::size_t>(i) * m.featureDims];
    for (int d = 0; d < m.featureDims; ++d)
        if (f[d] != 0)
            return true;
    return false;
}

}  // namespace

double VbprModel::predict(const TrainingMatrix& train, std::uint32_t u, std::uint32_t i) const
{
    const bool user = train.knowsUser(u);
    const double value = mf.predict(train, u, i);
    if (i >= train.items)  // an id the training set has no row for: no features either
        return value;
    const double* f = &features[static_cast<std::size_t>(i) * featureDims];
    double visual = 0;
    for (int d = 0; d < featureDims; ++d)
        visual += featureBias[d] * f[d];
    if (user) {
        const double* theta = &userVisual[static_cast<std::size_t>(u) * visualDims];
        for (int v = 0; v < visualDims; ++v) {
            const double* e = &projection[static_cast<std::size_t>(v) * featureDims];
            double g = 0;
            for (int d = 0; d < featureDims; ++d)
                g += e[d] * f[d];
            visual += theta[v] * g;
        }
    }
    return value + visual;
}

VbprModel initialVbpr(const TrainingMatrix& train, const ItemProfiles& items, const VbprOptions& options)
{
    if (options.factors < 0 || options.visualDims < 0 || options.epochs < 0 || !(options.learningRate > 0) ||
        !(options.regularisation >= 0) || !(options.visualRegularisation >= 0) || !(options.initStdDev >= 0))
        throw ConfigError("vbpr: factors and visual dims must be >= 0, epochs >= 0, learning rate > 0, "
                          "regularisations and init standard deviation >= 0");
    if (items.rowOf.size() != train.items)
        throw ConfigError("vbpr: the item profiles do not belong to the training set's items");
    VbprModel m;
    m.mf.factors = options.factors;
    m.visualDims = options.visualDims;
    m.featureDims = static_cast<int>(items.dims());
    m.mf.mu = train.globalMean;
    m.mf.userBias.assign(train.users, 0.0);
    m.mf.itemBias.assign(train.items, 0.0);
    m.mf.userFactors.resize(train.users * static_cast<std::size_t>(options.factors));
    m.mf.itemFactors.resize(train.items * static_cast<std::size_t>(options.factors));
    m.userVisual.resize(train.users * static_cast<std::size_t>(m.visualDims));
    m.projection.resize(static_cast<std::size_t>(m.visualDims) * static_cast<std::size_t>(m.featureDims));
    m.featureBias.assign(static_cast<std::size_t>(m.featureDims), 0.0);
    m.features.assign(train.items * static_cast<std::size_t>(m.featureDims), 0.0);
    // f_i: the profile minus the mean profile (over the profiled items of the
    // dataset), scaled to unit length.
    Eigen::RowVectorXd mean = Eigen::RowVectorXd::Zero(m.featureDims);
    std::size_t profiled = 0;
    for (std::size_t i = 0; i < train.items; ++i)
        if (items.rowOf[i] >= 0) {
            mean += items.values.row(items.rowOf[i]).cast<double>();
            ++profiled;
        }
    if (profiled > 0)
        mean /= static_cast<double>(profiled);
    for (std::size_t i = 0; i < train.items; ++i) {
        if (items.rowOf[i] < 0)
            continue;
        const Eigen::RowVectorXd row = items.values.row(items.rowOf[i]).cast<double>() - mean;
        const double norm = row.norm();
        if (norm > 0)
            for (int d = 0; d < m.featureDims; ++d)
                m.features[i * static_cast<std::size_t>(m.featureDims) + static_cast<std::size_t>(d)] = row(d) / norm;
    }
    Rng rng(options.seed);
    for (auto* v : {&m.mf.userFactors, &m.mf.itemFactors, &m.userVisual, &m.projection})
        for (double& x : *v)
            x = options.initStdDev * rng.normal();
    return m;
}

void vbprEpoch(VbprModel& m, const TrainingMatrix& train, const std::vector<std::size_t>& order,
               const VbprOptions& options)
{
    const std::vector<std::uint32_t> userOf = entryUsers(train);
    const double lr = options.learningRate, reg = options.regularisation, regV = options.visualRegularisation;
    const int nf = m.mf.factors, nv = m.visualDims, nd = m.featureDims;
    std::vector<double> g(static_cast<std::size_t>(nv)), oldTheta(static_cast<std::size_t>(nv));
    for (std::size_t e : order) {
        const std::uint32_t u = userOf[e], i = train.userItems[e];
        double* p = &m.mf.userFactors[static_cast<std::size_t>(u) * nf];
        double* q = &m.mf.itemFactors[static_cast<std::size_t>(i) * nf];
        double* theta = &m.userVisual[static_cast<std::size_t>(u) * nv];
        const double* f = &m.features[static_cast<std::size_t>(i) * nd];
        double dot = 0, visual = 0;
        for (int k = 0; k < nf; ++k)
            dot += p[k] * q[k];
        for (int v = 0; v < nv; ++v) {
            const double* row = &m.projection[static_cast<std::size_t>(v) * nd];
            double s = 0;
            for (int d = 0; d < nd; ++d)
                s += row[d] * f[d];
            g[static_cast<std::size_t>(v)] = s;
            visual += theta[v] * s;
        }
        for (int d = 0; d < nd; ++d)
            visual += m.featureBias[static_cast<std::size_t>(d)] * f[d];
        // svd's sum, then the visual terms (without features vbpr is svd).
        const double err = static_cast<double>(train.userValues[e]) - (m.mf.mu + m.mf.userBias[u] + m.mf.itemBias[i] + dot + visual);
        m.mf.userBias[u] += lr * (err - reg * m.mf.userBias[u]);
        m.mf.itemBias[i] += lr * (err - reg * m.mf.itemBias[i]);
        for (int k = 0; k < nf; ++k) {
            const double pk = p[k], qk = q[k];
            p[k] += lr * (err * qk - reg * pk);
            q[k] += lr * (err * pk - reg * qk);
        }
        for (int v = 0; v < nv; ++v) {
            oldTheta[static_cast<std::size_t>(v)] = theta[v];
            theta[v] += lr * (err * g[static_cast<std::size_t>(v)] - reg * theta[v]);
        }
        for (int v = 0; v < nv; ++v) {
            double* row = &m.projection[static_cast<std::size_t>(v) * nd];
            const double t = oldTheta[static_cast<std::size_t>(v)];
            for (int d = 0; d < nd; ++d)
                row[d] += lr * (err * t * f[d] - regV * row[d]);
        }
        for (int d = 0; d < nd; ++d)
            m.featureBias[static_cast<std::size_t>(d)] += lr * (err * f[d] - regV * m.featureBias[static_cast<std::size_t>(d)]);
    }
}

VbprModel trainVbpr(const TrainingMatrix& train, const ItemProfiles& items, const VbprOptions& options,
                    const JobContext& ctx)
{
    VbprModel m = initialVbpr(train, items, options);
    runSgdEpochs(train.userItems.size(), options.epochs, options.seed, "vbpr", ctx,
                 [&](const std::vector<std::size_t>& order) { vbprEpoch(m, train, order, options); });
    return m;
}

Predictions predictVbpr(const VbprModel& m, const TrainingMatrix& train, const TestSet& test,
                        const PredictOptions& options)
{
    Predictions p;
    p.values.resize(test.size());
    p.sources.resize(test.size());
    for (std::size_t t = 0; t < test.size(); ++t) {
        const std::uint32_t u = test.users[t], i = test.items[t];
        p.values[t] = finishPrediction(m.predict(train, u, i), options);
        p.sources[t] = train.knowsUser(u) && (train.knowsItem(i) || hasProfile(m, i)) ? PredictionSource::Model
                                                                                       : ratingOnlySource(train, u, i);
    }
    return p;
}

}  // namespace tl
