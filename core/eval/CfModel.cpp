#include "core/eval/CfModel.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/cf/TrainingMatrixPatch.h"
#include "core/common/Error.h"
#include "core/eval/WhatIf.h"
#include "core/eval/Explain.h"
#include "core/cf/FusedSimilarity.h"

namespace tl {

std::shared_ptr<const CfModel> CfModel::build(const Dataset& data, const Split& split, const FeatureMatrix& features,
                                              const CfModelSettings& settings, const JobContext& ctx)
{
    if (settings.kMax < 1)
        throw ConfigError("kMax must be >= 1");
    for (int k : settings.ks)
        if (k < 1 || k > settings.kMax)
            throw ConfigError("every K of the sweep must be in 1.." + std::to_string(settings.kMax));
    std::shared_ptr<CfModel> model(new CfModel());
    model->settings_ = settings;
    model->scale_ = data.scale;
    std::sort(model->settings_.ks.begin(), model->settings_.ks.end());
    ctx.report("profiles", 0, 1);
    model->train_ = TrainingMatrix::build(data, split.train);
    model->test_ = TestSet::build(data, split.test);
    model->items_ = std::make_shared<const ItemProfiles>(alignItemProfiles(features, data.items, settings.normalization));
    model->relevance_ = buildRelevance(model->train_, *model->items_, settings.relevant);
    ctx.report("profiles", 1, 1);
    ctx.checkCancelled();
    if (settings.late.enabled()) {
        // One engine per block (that modality's own cosine), fused: FusedSimilarity.h.
        LateFusion& late = model->settings_.late;
        late = settings.late.normalised(model->items_->dims());
        std::vector<ItemProfiles> blocks;
        blocks.reserve(late.blocks());
        std::vector<SimilarityEngine> engines;
        engines.reserve(late.blocks());
        std::vector<const SimilarityEngine*> pointers;
        for (std::size_t b = 0; b < late.blocks(); ++b) {
            blocks.push_back(blockProfiles(*model->items_, late, b));
            engines.push_back(SimilarityEngine::fromItemProfiles(model->relevance_, blocks.back()));
            pointers.push_back(&engines.back());
        }
        const FusedUserSimilarity fused = fuseUserSimilarities(pointers, late.weights, ctx);
        model->lists_ = fusedNeighbours(fused, settings.kMax);
        model->blockNorms_.assign(late.blocks(), std::vector<double>(model->train_.users, 0.0));
        for (std::size_t b = 0; b < late.blocks(); ++b)
            for (std::size_t u = 0; u < model->train_.users; ++u)
                model->blockNorms_[b][u] = engines[b].norm(u);
        model->active_ = fused.active;
        // |MUP(u)| of the whole stacked profile, from its blocks' (no users x F matrix).
        model->norms_.assign(model->train_.users, 0.0);
        for (std::size_t u = 0; u < model->train_.users; ++u) {
            for (const auto& norms : model->blockNorms_)
                model->norms_[u] += norms[u] * norms[u];
            model->norms_[u] = std::sqrt(model->norms_[u]);
        }
    } else {
        const auto engine = SimilarityEngine::fromItemProfiles(model->relevance_, *model->items_);
        model->lists_ = computeNeighbours(engine, settings.kMax, ctx);
        model->norms_.resize(engine.users());
        model->active_.resize(engine.users());
        for (std::size_t u = 0; u < engine.users(); ++u) {
            model->norms_[u] = engine.norm(u);
            model->active_[u] = engine.isActive(u) ? 1 : 0;
        }
    }
    ctx.checkCancelled();
    model->finishSweep(predictOffline(model->train_, model->lists_, model->test_, model->settings_.ks,
                                      {model->settings_.clip, model->scale_}));
    return model;
}

void CfModel::finishSweep(SweepPredictions sweep, const CfModel* base, const std::vector<char>* redo)
{
    sweep_ = std::move(sweep);
    testsOf_.assign(train_.users, {});
    bool everyUserKnown = true;
    for (std::size_t t = 0; t < test_.size(); ++t) {
        if (test_.users[t] < train_.users)
            testsOf_[test_.users[t]].push_back(t);
        else
            everyUserKnown = false;
    }
    const std::size_t ks = sweep_.perK.size();
    sweepMetrics_.assign(ks, Metrics{});
    userRanking_.assign(everyUserKnown ? ks : 0, std::vector<Metrics>(train_.users));
    // One K per thread.
#pragma omp parallel for schedule(dynamic, 1) if (test_.size() > 4096)
    for (std::ptrdiff_t kk = 0; kk < static_cast<std::ptrdiff_t>(ks); ++kk) {
        const auto k = static_cast<std::size_t>(kk);
        const Predictions& p = sweep_.perK[k];
        if (!everyUserKnown) {
            sweepMetrics_[k] = computeMetrics(test_, p, settings_.ranking);
            continue;
        }
        // computeMetrics's ranking half user by user (each user's test ratings alone, the
        // user's shares summed in user order as it sums them): an update recomputes only
        // the users whose test ratings or predictions changed.
        Metrics m = errorMetrics(test_, p);
        std::vector<Metrics>& shares = userRanking_[k];
        const bool reuse = base && redo && base->userRanking_.size() == ks;
        double precision = 0, recall = 0, ndcg = 0;
        TestSet mine;
        Predictions predicted;
        for (std::size_t u = 0; u < train_.users; ++u) {
            if (testsOf_[u].empty())
                continue;
            if (reuse && u < base->userRanking_[k].size() && !(*redo)[u]) {
                shares[u] = base->userRanking_[k][u];
            } else {
                mine = {};
                predicted = {};
                for (std::size_t t : testsOf_[u]) {
                    mine.users.push_back(0);
                    mine.items.push_back(test_.items[t]);
                    mine.ratings.push_back(test_.ratings[t]);
                    predicted.values.push_back(p.values[t]);
                    predicted.sources.push_back(p.sources[t]);
                }
                shares[u] = computeMetrics(mine, predicted, settings_.ranking);
            }
            if (shares[u].rankedUsers > 0) {
                precision += shares[u].precision;
                recall += shares[u].recall;
                ndcg += shares[u].ndcg;
                ++m.rankedUsers;
            }
        }
        if (m.rankedUsers > 0) {
            const double users = static_cast<double>(m.rankedUsers);
            m.precision = precision / users;
            m.recall = recall / users;
            m.ndcg = ndcg / users;
        }
        sweepMetrics_[k] = m;
    }
}

CfModelUpdate CfModel::update(const CfModel& base, const Dataset& edited, const Split& editedSplit,
                              const JobContext& ctx)
{
    if (edited.items.size() != base.train_.items)
        throw ConfigError("model update: the edited ratings have " + std::to_string(edited.items.size()) +
                          " items, the model " + std::to_string(base.train_.items) + ": build the model anew");
    if (edited.scale.min != base.scale_.min || edited.scale.max != base.scale_.max)
        throw ConfigError("model update: the edited ratings have another rating scale: build the model anew");
    ctx.report("update", 0, 1, "training ratings");
    CfModelUpdate out;
    CfModelChanges& changes = out.changes;
    // The users whose training row differs (items or values), found without rebuilding
    // the matrix: each training rating is looked up in the base's row.
    TrainingMatrix train = patchTrainingMatrix(base.train_, edited, editedSplit.train, changes.editedUsers);
    const TrainingMatrix& old = base.train_;
    const std::size_t oldUsers = old.users, newUsers = train.users;
    changes.addedUsers = newUsers > oldUsers ? newUsers - oldUsers : 0;
    changes.removedUsers = oldUsers > newUsers ? oldUsers - newUsers : 0;

    ctx.report("update", 0, 1, "model state");
    KnnState s;
    s.w = base.relevance_;
    s.norms = base.norms_;
    s.active = base.active_;
    s.lists = base.lists_;
    s.late = base.settings_.late;
    s.blockNorms = base.blockNorms_;
    KnnUpdater updater(s, *base.items_, base.settings_.relevant, base.settings_.kMax);
    const std::vector<double> none(oldUsers, 0.0);
    // Dropped users lose their ratings first (they leave every list), then their places.
    for (std::size_t u = oldUsers; u-- > newUsers;) {
        const bool wasActive = s.active[u] != 0;
        updater.clearUser(static_cast<std::uint32_t>(u));
        if (wasActive)
            changes.rescannedLists += updater.updateLists(static_cast<std::uint32_t>(u), none).rescannedLists;
    }
    updater.resize(newUsers);
    s.train = std::move(train);
    for (std::size_t n = 0; n < changes.editedUsers.size(); ++n) {
        ctx.checkCancelled();
        ctx.report("update", static_cast<double>(n), static_cast<double>(changes.editedUsers.size()), "users");
        const std::uint32_t u = changes.editedUsers[n];
        updater.refreshUser(u);
        const auto row = KnnUpdater::similarityRows(SimilarityInputs::of(s), *base.items_, {u});
        changes.rescannedLists += updater.updateLists(u, row.front()).rescannedLists;
    }
    for (std::size_t u = 0; u < newUsers; ++u) {
        const auto now = s.lists.of(u);
        const auto before = u < oldUsers ? base.lists_.of(u) : std::span<const Neighbour>();
        if (!std::equal(now.begin(), now.end(), before.begin(), before.end(),
                        [](const Neighbour& a, const Neighbour& b) { return a.user == b.user && a.similarity == b.similarity; }))
            changes.changedLists.push_back(static_cast<std::uint32_t>(u));
    }

    std::shared_ptr<CfModel> model(new CfModel());
    model->settings_ = base.settings_;
    model->scale_ = base.scale_;
    model->items_ = base.items_;
    model->train_ = std::move(s.train);
    model->relevance_ = std::move(s.w);
    model->lists_ = std::move(s.lists);
    model->norms_ = std::move(s.norms);
    model->active_ = std::move(s.active);
    model->blockNorms_ = std::move(s.blockNorms);
    model->test_ = TestSet::build(edited, editedSplit.test);
    ctx.checkCancelled();
    ctx.report("update", 1, 1, "test predictions");
    // A prediction of (v, i) reads v's list, the list members' ratings of i and means, and
    // mean(v) (or, for a v without training ratings, the item and global means): it can
    // only have changed for the users marked here.
    std::vector<char> affected(newUsers, 0), isEdited(newUsers, 0);
    for (std::uint32_t u : changes.editedUsers)
        affected[u] = isEdited[u] = 1;
    for (std::uint32_t u : changes.changedLists)
        affected[u] = 1;
    for (std::size_t v = 0; v < newUsers; ++v) {
        if (!model->train_.knowsUser(static_cast<std::uint32_t>(v)))
            affected[v] = 1;
        for (const Neighbour& n : model->lists_.of(v))
            if (isEdited[n.user])
                affected[v] = 1;
    }
    // A kept prediction is found among the base's test ratings of the same user (testsOf_,
    // in test order; the cursor makes a test set in the base's order a linear walk).
    std::vector<std::size_t> cursor(std::min(newUsers, base.testsOf_.size()), 0);
    const TestSet& test = model->test_;
    SweepPredictions sweep = makeSweep(model->settings_.ks, test.size());
    TestSet again;
    std::vector<std::size_t> rows;
    for (std::size_t t = 0; t < test.size(); ++t) {
        const std::uint32_t v = test.users[t];
        std::size_t found = base.test_.size();
        if (v < cursor.size() && !affected[v]) {
            const std::vector<std::size_t>& mine = base.testsOf_[v];
            for (std::size_t step = 0; step < mine.size(); ++step) {
                const std::size_t at = (cursor[v] + step) % mine.size();
                if (base.test_.items[mine[at]] == test.items[t]) {
                    found = mine[at];
                    cursor[v] = at + 1;
                    break;
                }
            }
        }
        if (found == base.test_.size()) {
            again.users.push_back(v);
            again.items.push_back(test.items[t]);
            again.ratings.push_back(test.ratings[t]);
            rows.push_back(t);
            continue;
        }
        for (std::size_t k = 0; k < sweep.perK.size(); ++k) {
            sweep.perK[k].values[t] = base.sweep_.perK[k].values[found];
            sweep.perK[k].sources[t] = base.sweep_.perK[k].sources[found];
        }
    }
    const auto fresh = predictOffline(model->train_, model->lists_, again, model->settings_.ks,
                                      {model->settings_.clip, model->scale_});
    for (std::size_t r = 0; r < rows.size(); ++r)
        for (std::size_t k = 0; k < sweep.perK.size(); ++k) {
            sweep.perK[k].values[rows[r]] = fresh.perK[k].values[r];
            sweep.perK[k].sources[rows[r]] = fresh.perK[k].sources[r];
        }
    changes.recomputedTests = rows.size();
    ctx.report("update", 1, 1, "sweep metrics");
    // The users whose ranking shares may differ from the base's: a recomputed prediction,
    // or another number of test ratings (a kept one is the base's pair with its prediction).
    std::vector<char> redo(newUsers, 0);
    for (std::size_t row : rows)
        if (test.users[row] < newUsers)
            redo[test.users[row]] = 1;
    std::vector<std::size_t> tests(newUsers, 0);
    for (std::uint32_t v : test.users)
        if (v < newUsers)
            ++tests[v];
    for (std::size_t v = 0; v < newUsers; ++v)
        if (v >= base.testsOf_.size() || base.testsOf_[v].size() != tests[v])
            redo[v] = 1;
    model->finishSweep(std::move(sweep), &base, &redo);
    out.model = std::move(model);
    return out;
}

std::vector<FeatureUtility> CfModel::topFeatures(std::uint32_t user, std::size_t n) const
{
    const Eigen::VectorXf profile = userProfile(relevance_, *items_, user);
    std::vector<FeatureUtility> all;
    for (Eigen::Index f = 0; f < profile.size(); ++f)
        all.push_back({static_cast<std::size_t>(f), profile[f]});
    const std::size_t keep = std::min(n, all.size());
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(),
                      [](const FeatureUtility& a, const FeatureUtility& b) {
                          return a.value != b.value ? a.value > b.value : a.feature < b.feature;
                      });
    all.resize(keep);
    return all;
}

std::vector<double> CfModel::similarityRow(std::uint32_t user) const
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> row(active_.size(), nan);
    if (user >= active_.size() || !active_[user])
        return row;
    const auto sims = KnnUpdater::similarityRows({relevance_, norms_, active_, settings_.late, blockNorms_}, *items_,
                                                 {user});
    for (std::size_t v = 0; v < active_.size(); ++v)
        if (v != user && active_[v])
            row[v] = sims.front()[v];
    return row;
}

bool CfModel::isActive(std::uint32_t user) const
{
    return user < active_.size() && active_[user] != 0;
}

CosineExplanation CfModel::explainNeighbour(std::uint32_t user, std::uint32_t neighbour, std::size_t top) const
{
    return settings_.late.enabled() ? explainCosine(relevance_, *items_, settings_.late, user, neighbour, top)
                                    : explainCosine(relevance_, *items_, user, neighbour, top);
}

std::vector<std::pair<Neighbour, int>> CfModel::neighbours(std::uint32_t user, int k) const
{
    std::vector<std::pair<Neighbour, int>> out;
    for (const Neighbour& n : lists_.of(user, k)) {
        int common = 0;
        for (std::size_t e = train_.userOffsets[user]; e < train_.userOffsets[user + 1]; ++e)
            common += train_.rating(n.user, train_.userItems[e]).has_value();
        out.push_back({n, common});
    }
    return out;
}

std::vector<TestPrediction> CfModel::testPredictions(std::uint32_t user, int k) const
{
    std::vector<TestPrediction> out;
    if (user >= testsOf_.size())
        return out;
    TestSet mine;
    for (std::size_t t : testsOf_[user]) {
        mine.users.push_back(test_.users[t]);
        mine.items.push_back(test_.items[t]);
        mine.ratings.push_back(test_.ratings[t]);
    }
    const auto sweep = predictOffline(train_, lists_, mine, {std::clamp(k, 1, settings_.kMax)},
                                      {settings_.clip, scale_});
    for (std::size_t t = 0; t < mine.size(); ++t)
        out.push_back({mine.items[t], mine.ratings[t], sweep.perK[0].values[t], sweep.perK[0].sources[t]});
    return out;
}

std::vector<Recommendation> CfModel::recommend(std::uint32_t user, int k, std::size_t n) const
{
    // Candidate items: those rated by the first K neighbours and not by the user.
    std::vector<double> numerator(train_.items, 0.0), denominator(train_.items, 0.0);
    std::vector<int> supporters(train_.items, 0);
    for (const Neighbour& nb : lists_.of(user, k))
        for (std::size_t e = train_.userOffsets[nb.user]; e < train_.userOffsets[nb.user + 1]; ++e) {
            const std::uint32_t item = train_.userItems[e];
            numerator[item] += nb.similarity * (train_.userValues[e] - train_.userMean[nb.user]);
            denominator[item] += std::fabs(nb.similarity);
            ++supporters[item];
        }
    std::vector<Recommendation> out;
    for (std::uint32_t item = 0; item < train_.items; ++item)
        if (denominator[item] > 0 && !train_.rating(user, item))
            out.push_back({item, static_cast<float>(train_.userMean[user] + numerator[item] / denominator[item]),
                           supporters[item]});
    const std::size_t keep = std::min(n, out.size());
    std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(keep), out.end(),
                      [](const Recommendation& a, const Recommendation& b) {
                          return a.prediction != b.prediction ? a.prediction > b.prediction : a.item < b.item;
                      });
    out.resize(keep);
    return out;
}

Metrics CfModel::metricsAt(int k) const
{
    const auto sweep =
        predictOffline(train_, lists_, test_, {std::clamp(k, 1, settings_.kMax)}, {settings_.clip, scale_});
    return computeMetrics(test_, sweep.perK[0], settings_.ranking);
}

}  // namespace tl
