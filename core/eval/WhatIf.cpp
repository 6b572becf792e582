#include "core/eval/WhatIf.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <Eigen/Core>

#include "core/cf/Similarity.h"
#include "core/common/Error.h"
#include "core/eval/Explain.h"

namespace tl {

namespace {

bool contains(std::span<const Neighbour> list, std::uint32_t user)
{
    return std::any_of(list.begin(), list.end(), [&](const Neighbour& n) { return n.user == user; });
}

// Inserts n into a list in rank order (Neighbours.h's rule).
void insertRanked(std::vector<Neighbour>& list, const Neighbour& n)
{
    const std::int64_t key = rankKey(n.similarity);
    const auto at = std::find_if(list.begin(), list.end(), [&](const Neighbour& m) {
        return ranksBefore(key, n.user, rankKey(m.similarity), m.user);
    });
    list.insert(at, n);
}

}  // namespace

WhatIfModel::WhatIfModel(const Dataset& data, const std::vector<std::size_t>& trainIndices,
                         const FeatureMatrix& features, const WhatIfSettings& settings, const JobContext& ctx)
    : settings_(settings), scale_(data.scale)
{
    if (settings.k < 1)
        throw ConfigError("K must be >= 1");
    ctx.report("profiles", 0, 1);
    s_.train = TrainingMatrix::build(data, trainIndices);
    items_ = alignItemProfiles(features, data.items, settings.normalization);
    s_.w = buildRelevance(s_.train, items_, settings.relevant);
    ctx.report("profiles", 1, 1);
    ctx.checkCancelled();
    const auto engine = SimilarityEngine::fromItemProfiles(s_.w, items_);
    s_.norms.resize(engine.users());
    s_.active.resize(engine.users());
    for (std::size_t u = 0; u < engine.users(); ++u) {
        s_.norms[u] = engine.norm(u);
        s_.active[u] = engine.isActive(u) ? 1 : 0;
    }
    s_.lists = settings.mode == NeighbourMode::Offline ? computeNeighbours(engine, settings.k, ctx)
                                                       : NeighbourLists(engine.users(), settings.k);
    initial_ = s_;
}

void KnnUpdater::resize(std::size_t users)
{
    const std::size_t before = s_.norms.size();
    for (std::size_t u = users; u < before; ++u)
        if (s_.w.offsets[u + 1] != s_.w.offsets[u] || s_.active[u])
            throw ConfigError("internal: only a user without relevant ratings can be dropped");
    RelevanceMatrix& w = s_.w;
    w.users = users;
    w.offsets.resize(users + 1, w.offsets[std::min(before, users)]);
    s_.norms.resize(users, 0.0);
    s_.active.resize(users, 0);
    for (auto& norms : s_.blockNorms)
        norms.resize(users, 0.0);
    NeighbourLists resized(users, k_);
    for (std::size_t u = 0; u < std::min(before, users); ++u) {
        const auto list = s_.lists.of(u);
        resized.set(u, std::vector<Neighbour>(list.begin(), list.end()));
    }
    s_.lists = std::move(resized);
}

void KnnUpdater::clearUser(std::uint32_t u)
{
    RelevanceMatrix& w = s_.w;
    const auto begin = static_cast<std::ptrdiff_t>(w.offsets[u]), end = static_cast<std::ptrdiff_t>(w.offsets[u + 1]);
    w.rows.erase(w.rows.begin() + begin, w.rows.begin() + end);
    w.weights.erase(w.weights.begin() + begin, w.weights.begin() + end);
    for (std::size_t x = u + 1; x <= w.users; ++x)
        w.offsets[x] -= static_cast<std::size_t>(end - begin);
    s_.norms[u] = 0;
    s_.active[u] = 0;
    for (auto& norms : s_.blockNorms)
        norms[u] = 0;
}

std::uint32_t WhatIfModel::addUser()
{
    const auto user = static_cast<std::uint32_t>(s_.train.users);
    TrainingMatrix& t = s_.train;
    ++t.users;
    t.userOffsets.push_back(t.userOffsets.back());
    t.userMean.push_back(0.0);
    updater().resize(t.users);
    return user;
}

void WhatIfModel::reset()
{
    s_ = initial_;
}

void KnnUpdater::setRating(std::uint32_t u, std::uint32_t i, std::optional<float> rating)
{
    TrainingMatrix& t = s_.train;
    const auto uBegin = t.userItems.begin() + static_cast<std::ptrdiff_t>(t.userOffsets[u]);
    const auto uEnd = t.userItems.begin() + static_cast<std::ptrdiff_t>(t.userOffsets[u + 1]);
    const auto uAt = std::lower_bound(uBegin, uEnd, i);
    const bool had = uAt != uEnd && *uAt == i;
    const auto up = uAt - t.userItems.begin();
    const auto iBegin = t.itemUsers.begin() + static_cast<std::ptrdiff_t>(t.itemOffsets[i]);
    const auto iEnd = t.itemUsers.begin() + static_cast<std::ptrdiff_t>(t.itemOffsets[i + 1]);
    const auto ip = std::lower_bound(iBegin, iEnd, u) - t.itemUsers.begin();
    if (rating && had) {
        t.userValues[static_cast<std::size_t>(up)] = *rating;
        t.itemValues[static_cast<std::size_t>(ip)] = *rating;
    } else if (rating) {
        t.userItems.insert(t.userItems.begin() + up, i);
        t.userValues.insert(t.userValues.begin() + up, *rating);
        t.itemUsers.insert(t.itemUsers.begin() + ip, u);
        t.itemValues.insert(t.itemValues.begin() + ip, *rating);
        for (std::size_t x = u + 1; x <= t.users; ++x)
            ++t.userOffsets[x];
        for (std::size_t x = i + 1; x <= t.items; ++x)
            ++t.itemOffsets[x];
    } else if (had) {
        t.userItems.erase(t.userItems.begin() + up);
        t.userValues.erase(t.userValues.begin() + up);
        t.itemUsers.erase(t.itemUsers.begin() + ip);
        t.itemValues.erase(t.itemValues.begin() + ip);
        for (std::size_t x = u + 1; x <= t.users; ++x)
            --t.userOffsets[x];
        for (std::size_t x = i + 1; x <= t.items; ++x)
            --t.itemOffsets[x];
    }
    // The means, summed in TrainingMatrix::build's order so that they are its floats.
    auto meanOf = [](const std::vector<float>& values, std::size_t begin, std::size_t end, double& sum) {
        sum = 0;
        for (std::size_t k = begin; k < end; ++k)
            sum += values[k];
        return end > begin ? sum / static_cast<double>(end - begin) : 0.0;
    };
    double sum = 0;
    t.userMean[u] = meanOf(t.userValues, t.userOffsets[u], t.userOffsets[u + 1], sum);
    t.itemMean[i] = meanOf(t.itemValues, t.itemOffsets[i], t.itemOffsets[i + 1], sum);
}

void KnnUpdater::refreshGlobalMean()
{
    // Summed per user as TrainingMatrix::build sums it (the same float64).
    TrainingMatrix& t = s_.train;
    double total = 0;
    for (std::size_t v = 0; v < t.users; ++v) {
        double sum = 0;
        for (std::size_t k = t.userOffsets[v]; k < t.userOffsets[v + 1]; ++k)
            sum += t.userValues[k];
        total += sum;
    }
    t.globalMean = t.userValues.empty() ? 0.0 : total / static_cast<double>(t.userValues.size());
}

void KnnUpdater::refreshUser(std::uint32_t u)
{
    // rel(u) by buildRelevance itself, on a training matrix of u alone.
    const TrainingMatrix& t = s_.train;
    TrainingMatrix one;
    one.users = 1;
    one.items = t.items;
    one.userOffsets = {0, t.userCount(u)};
    one.userItems.assign(t.userItems.begin() + static_cast<std::ptrdiff_t>(t.userOffsets[u]),
                         t.userItems.begin() + static_cast<std::ptrdiff_t>(t.userOffsets[u + 1]));
    one.userValues.assign(t.userValues.begin() + static_cast<std::ptrdiff_t>(t.userOffsets[u]),
                          t.userValues.begin() + static_cast<std::ptrdiff_t>(t.userOffsets[u + 1]));
    one.userMean = {t.userMean[u]};
    const RelevanceMatrix mine = buildRelevance(one, items_, rule_);

    RelevanceMatrix& w = s_.w;
    const auto begin = static_cast<std::ptrdiff_t>(w.offsets[u]), end = static_cast<std::ptrdiff_t>(w.offsets[u + 1]);
    w.rows.erase(w.rows.begin() + begin, w.rows.begin() + end);
    w.weights.erase(w.weights.begin() + begin, w.weights.begin() + end);
    w.rows.insert(w.rows.begin() + begin, mine.rows.begin(), mine.rows.end());
    w.weights.insert(w.weights.begin() + begin, mine.weights.begin(), mine.weights.end());
    const std::ptrdiff_t delta = static_cast<std::ptrdiff_t>(mine.rows.size()) - (end - begin);
    for (std::size_t x = u + 1; x <= w.users; ++x)
        w.offsets[x] = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(w.offsets[x]) + delta);

    // |MUP(u)| from the float64 profile, as the engine's direct route takes it; with late
    // fusion each block's too.
    const RowMatrixD profile = buildUserProfilesExact(mine, items_);
    s_.norms[u] = profile.row(0).norm();
    s_.active[u] = s_.norms[u] > 0 ? 1 : 0;
    if (s_.late.enabled()) {
        s_.active[u] = 0;
        for (std::size_t b = 0; b < s_.late.blocks(); ++b) {
            s_.blockNorms[b][u] = profile.row(0)
                                      .segment(static_cast<Eigen::Index>(s_.late.begin(b)),
                                               static_cast<Eigen::Index>(s_.late.dims[b]))
                                      .norm();
            if (s_.late.weights[b] > 0 && s_.blockNorms[b][u] > 0)
                s_.active[u] = 1;
        }
    }
}

std::vector<std::vector<double>> KnnUpdater::similarityRows(const SimilarityInputs& state, const ItemProfiles& profiles,
                                                           const std::vector<std::uint32_t>& users)
{
    const RelevanceMatrix& w = state.w;
    const std::size_t count = w.users;
    const auto x = static_cast<Eigen::Index>(users.size());
    const Eigen::Index profiled = profiles.values.rows(), dims = profiles.values.cols();
    std::vector<std::vector<double>> rows(users.size(), std::vector<double>(count, 0.0));
    if (x == 0 || profiled == 0)
        return rows;
    // One block of weight 1 without late fusion.
    const bool late = state.late.enabled();
    const std::size_t blocks = late ? state.late.blocks() : 1;
    std::vector<Eigen::Index> first(blocks, 0), width(blocks, dims);
    for (std::size_t b = 0; late && b < blocks; ++b) {
        first[b] = static_cast<Eigen::Index>(state.late.begin(b));
        width[b] = static_cast<Eigen::Index>(state.late.dims[b]);
    }
    auto normOf = [&](std::size_t b, std::size_t user) { return late ? state.blockNorms[b][user] : state.norms[user]; };
    // MUP of each user (columns), then h = MIP MUP (profiled x users) in float64, over
    // row chunks of MIP widened to float64 (the whole MIP is never held in float64);
    // per block, h_b = MIP_b MUP_b.
    Eigen::MatrixXd mups = Eigen::MatrixXd::Zero(dims, x);
    for (Eigen::Index c = 0; c < x; ++c)
        for (std::size_t e = w.offsets[users[static_cast<std::size_t>(c)]];
             e < w.offsets[users[static_cast<std::size_t>(c)] + 1]; ++e)
            mups.col(c) += static_cast<double>(w.weights[e]) * profiles.values.row(w.rows[e]).transpose().cast<double>();
    // Row by row: each MIP row is widened once into a buffer that stays in cache while
    // it meets every user's profile.
    const auto columns = static_cast<Eigen::Index>(blocks) * x;
    Eigen::MatrixXd h(profiled, columns);  // column b * x + c: block b, user c
#pragma omp parallel if (profiled * dims * x > 1000000)
    {
        Eigen::RowVectorXd widened(dims);
#pragma omp for schedule(static)
        for (Eigen::Index j = 0; j < profiled; ++j) {
            widened = profiles.values.row(j).cast<double>();
            for (std::size_t b = 0; b < blocks; ++b)
                for (Eigen::Index c = 0; c < x; ++c)
                    h(j, static_cast<Eigen::Index>(b) * x + c) =
                        late ? widened.segment(first[b], width[b]).dot(mups.col(c).segment(first[b], width[b]).transpose())
                             : widened.dot(mups.col(c).transpose());
        }
    }
    // sim(x, v) = sum over rel(v) of w_vj h_j(x) / (|MUP(x)| |MUP(v)|); late fusion:
    // sum_b w_b (the same in block b), a block counting 0 where either profile is zero.
    for (std::ptrdiff_t vi = 0; vi < static_cast<std::ptrdiff_t>(count); ++vi) {
        const auto v = static_cast<std::size_t>(vi);
        if (!state.active[v])
            continue;
        for (Eigen::Index c = 0; c < x; ++c) {
            const std::uint32_t u = users[static_cast<std::size_t>(c)];
            if (u == v || !state.active[u])
                continue;
            double sim = 0;
            for (std::size_t b = 0; b < blocks; ++b) {
                const double nu = normOf(b, u), nv = normOf(b, v);
                if (!(nu > 0) || !(nv > 0))
                    continue;
                double dot = 0;
                const Eigen::Index column = static_cast<Eigen::Index>(b) * x + c;
                for (std::size_t e = w.offsets[v]; e < w.offsets[v + 1]; ++e)
                    dot += static_cast<double>(w.weights[e]) * h(w.rows[e], column);
                sim = late ? sim + state.late.weights[b] * (dot / (nu * nv)) : dot / (nu * nv);
            }
            rows[static_cast<std::size_t>(c)][v] = sim;
        }
    }
    return rows;
}

std::vector<double> WhatIfModel::similarityRow(std::uint32_t user) const
{
    return KnnUpdater::similarityRows(SimilarityInputs::of(s_), items_, {user}).front();
}

ListChanges KnnUpdater::updateLists(std::uint32_t u, const std::vector<double>& row)
{
    ListChanges report;
    const int k = k_;
    const std::size_t count = s_.norms.size();
    std::vector<Neighbour> top;
    std::vector<RankedCandidate> scratch;
    top.clear();
    if (s_.active[u])
        selectTopK(row.data(), count, u, s_.active, k, top, scratch);
    s_.lists.set(u, top);

    const bool active = s_.active[u] != 0;
    std::vector<std::uint32_t> rescan;
    std::vector<char> wasIn(count, 0);
    for (std::size_t v = 0; v < count; ++v) {
        if (v == u || !s_.active[v])
            continue;
        const auto list = s_.lists.of(v);
        const bool in = contains(list, u);
        wasIn[v] = in ? 1 : 0;
        if (!in && !active)
            continue;
        const Neighbour mine{u, row[v]};
        const bool full = static_cast<int>(list.size()) == k;
        std::vector<Neighbour> next;
        next.reserve(list.size() + 1);
        for (const Neighbour& n : list)
            if (n.user != u)
                next.push_back(n);
        if (!full) {
            // The list holds every active user: u simply takes its new place (or goes).
            if (active)
                insertRanked(next, mine);
        } else {
            const Neighbour& last = list.back();
            const bool beforeLast =
                ranksBefore(rankKey(mine.similarity), u, rankKey(last.similarity), last.user) ||
                (last.user == u && rankKey(mine.similarity) == rankKey(last.similarity));
            if (in) {
                // Everyone outside the list ranks after its last entry: if u still ranks
                // before it (or keeps the last place), the rest of the list stands.
                if (!active || !beforeLast) {
                    rescan.push_back(static_cast<std::uint32_t>(v));
                    continue;
                }
                insertRanked(next, mine);
            } else {
                if (!beforeLast)
                    continue;
                next.pop_back();
                insertRanked(next, mine);
            }
        }
        s_.lists.set(v, next);
    }
    report.rescannedLists = rescan.size();
    if (!rescan.empty()) {
        const auto rows = similarityRows(SimilarityInputs::of(s_), items_, rescan);
        for (std::size_t r = 0; r < rescan.size(); ++r) {
            selectTopK(rows[r].data(), count, rescan[r], s_.active, k, top, scratch);
            s_.lists.set(rescan[r], top);
        }
    }
    for (std::size_t v = 0; v < count; ++v) {
        if (v == u)
            continue;
        const bool isIn = s_.active[v] && contains(s_.lists.of(v), u);
        if (isIn && !wasIn[v])
            report.enteredListsOf.push_back(static_cast<std::uint32_t>(v));
        else if (!isIn && wasIn[v])
            report.leftListsOf.push_back(static_cast<std::uint32_t>(v));
    }
    return report;
}

EditReport WhatIfModel::apply(const RatingEdit& edit, const EditOptions& options)
{
    if (edit.user >= s_.train.users)
        throw ConfigError("what-if edit: unknown user index " + std::to_string(edit.user));
    if (edit.item >= s_.train.items)
        throw ConfigError("what-if edit: unknown item index " + std::to_string(edit.item));
    if (edit.rating && !(std::isfinite(*edit.rating) && scale_.contains(*edit.rating)))
        throw ConfigError("what-if edit: rating " + std::to_string(*edit.rating) + " is outside the scale " +
                          std::to_string(scale_.min) + ".." + std::to_string(scale_.max));
    const std::uint32_t u = edit.user;
    EditReport report;
    const std::optional<float> previous = s_.train.rating(u, edit.item);
    report.inverse = {u, edit.item, previous};
    report.activeBefore = report.activeAfter = s_.active[u] != 0;
    if (previous == edit.rating)
        return report;
    report.changed = true;

    std::vector<float> before;
    if (options.movedPredictions)
        before = predictAll(u);
    const auto oldSpan = s_.lists.of(u);
    const std::vector<Neighbour> oldList(oldSpan.begin(), oldSpan.end());

    KnnUpdater update = updater();
    update.setRating(u, edit.item, edit.rating);
    update.refreshGlobalMean();
    update.refreshUser(u);
    report.activeAfter = s_.active[u] != 0;
    if (settings_.mode == NeighbourMode::Offline) {
        ListChanges changes = update.updateLists(u, similarityRow(u));
        report.enteredListsOf = std::move(changes.enteredListsOf);
        report.leftListsOf = std::move(changes.leftListsOf);
        report.rescannedLists = changes.rescannedLists;
        const auto newList = s_.lists.of(u);
        for (const Neighbour& n : newList)
            if (!contains(oldList, n.user))
                report.entered.push_back(n.user);
        for (const Neighbour& n : oldList)
            if (!contains(newList, n.user))
                report.left.push_back(n.user);
    }
    if (options.movedPredictions) {
        const std::vector<float> after = predictAll(u);
        for (std::uint32_t i = 0; i < after.size(); ++i)
            if (after[i] != before[i])
                report.moved.push_back({i, before[i], after[i]});
    }
    return report;
}

std::span<const Neighbour> WhatIfModel::neighbours(std::uint32_t user) const
{
    return s_.lists.of(user);
}

std::vector<Neighbour> WhatIfModel::neighboursFor(std::uint32_t user, std::uint32_t item) const
{
    if (settings_.mode == NeighbourMode::Offline) {
        const auto list = s_.lists.of(user);
        return {list.begin(), list.end()};
    }
    return ratersNeighbours(s_.train, similarityRow(user), s_.active, user, item, settings_.k);
}

std::vector<float> WhatIfModel::predict(std::uint32_t user, const std::vector<std::uint32_t>& items,
                                        std::vector<PredictionSource>* sources) const
{
    const PredictOptions options{settings_.clip, scale_};
    Predictions p;
    if (settings_.mode == NeighbourMode::Offline) {
        // The evaluation's own prediction over the current lists.
        TestSet test;
        test.users.assign(items.size(), user);
        test.items = items;
        test.ratings.assign(items.size(), 0.0f);
        p = std::move(predictOffline(s_.train, s_.lists, test, {settings_.k}, options).perK[0]);
    } else {
        const std::vector<double> row = similarityRow(user);
        for (std::uint32_t item : items) {
            const auto chosen = ratersNeighbours(s_.train, row, s_.active, user, item, settings_.k);
            const PredictionExplanation ex = explainPrediction(s_.train, chosen, user, item, settings_.k, options);
            p.values.push_back(ex.prediction);
            p.sources.push_back(ex.source);
        }
    }
    if (sources)
        *sources = std::move(p.sources);
    return p.values;
}

float WhatIfModel::predict(std::uint32_t user, std::uint32_t item, PredictionSource* source) const
{
    std::vector<PredictionSource> sources;
    const float value = predict(user, std::vector<std::uint32_t>{item}, &sources).front();
    if (source)
        *source = sources.front();
    return value;
}

std::vector<float> WhatIfModel::predictAll(std::uint32_t user) const
{
    std::vector<std::uint32_t> all(s_.train.items);
    for (std::uint32_t i = 0; i < all.size(); ++i)
        all[i] = i;
    return predict(user, all);
}

std::vector<WhatIfRecommendation> WhatIfModel::recommend(std::uint32_t user, std::size_t n) const
{
    std::vector<std::uint32_t> unrated;
    for (std::uint32_t i = 0; i < s_.train.items; ++i)
        if (!s_.train.rating(user, i))
            unrated.push_back(i);
    std::vector<PredictionSource> sources;
    const std::vector<float> values = predict(user, unrated, &sources);
    std::vector<WhatIfRecommendation> out;
    for (std::size_t j = 0; j < unrated.size(); ++j)
        if (sources[j] == PredictionSource::Neighbours)
            out.push_back({unrated[j], values[j]});
    const std::size_t keep = std::min(n, out.size());
    std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(keep), out.end(),
                      [](const WhatIfRecommendation& a, const WhatIfRecommendation& b) {
                          return a.prediction != b.prediction ? a.prediction > b.prediction : a.item < b.item;
                      });
    out.resize(keep);
    return out;
}

}  // namespace tl
