#include "core/eval/Explain.h"

#include <algorithm>
#include <cmath>

#include <Eigen/Core>

namespace tl {

double PredictionExplanation::total() const
{
    if (source != PredictionSource::Neighbours)
        return fallbackValue;
    double sum = userMean;
    for (const auto& n : neighbours)
        sum += n.contribution;
    return sum;
}

PredictionExplanation explainPrediction(const TrainingMatrix& train, std::span<const Neighbour> neighbours,
                                        std::uint32_t user, std::uint32_t item, int k, const PredictOptions& options)
{
    PredictionExplanation ex;
    ex.user = user, ex.item = item, ex.k = k;
    ex.userMean = train.knowsUser(user) ? train.userMean[user] : 0.0;
    const std::size_t n = std::min(neighbours.size(), static_cast<std::size_t>(std::max(k, 0)));
    for (std::size_t p = 0; p < n; ++p) {
        NeighbourContribution c;
        c.user = neighbours[p].user;
        c.similarity = neighbours[p].similarity;
        c.rating = train.rating(c.user, item);
        c.mean = c.user < train.users ? train.userMean[c.user] : 0.0;
        if (c.rating)
            ex.sumAbsSimilarity += std::fabs(c.similarity);
        ex.neighbours.push_back(c);
    }
    if (ex.sumAbsSimilarity > 0)
        for (auto& c : ex.neighbours)
            if (c.rating)
                c.contribution = c.similarity * (static_cast<double>(*c.rating) - c.mean) / ex.sumAbsSimilarity;

    // The prediction itself comes from the evaluation's own walk (predictOffline) over
    // exactly these neighbours, so explain and evaluate cannot disagree.
    NeighbourLists lists(static_cast<std::size_t>(user) + 1, std::max<int>(static_cast<int>(n), 1));
    lists.set(user, std::vector<Neighbour>(neighbours.begin(), neighbours.begin() + static_cast<std::ptrdiff_t>(n)));
    TestSet one;
    one.users = {user};
    one.items = {item};
    one.ratings = {0.0f};
    PredictOptions unclipped = options;
    unclipped.clip = false;
    const Predictions p = predictOffline(train, lists, one, {std::max(k, 1)}, unclipped).perK[0];
    ex.unclipped = p.values[0];
    // Clipping as the walk clips (after the value is formed).
    ex.prediction = options.clip ? std::clamp(ex.unclipped, options.scale.min, options.scale.max) : ex.unclipped;
    ex.source = p.sources[0];
    if (ex.source != PredictionSource::Neighbours) {
        PredictionSource ignored{};
        ex.fallbackValue = fallbackPrediction(train, user, item, ignored);
    }
    return ex;
}

std::vector<Neighbour> ratersNeighbours(const TrainingMatrix& train, std::span<const double> similarity,
                                        const std::vector<char>& active, std::uint32_t user, std::uint32_t item,
                                        int k)
{
    std::vector<Neighbour> candidates;
    const std::size_t n = selectRaters(train, active, user, item, k, [&](std::uint32_t v) { return similarity[v]; },
                                       candidates);
    candidates.resize(n);
    return candidates;
}

std::vector<Neighbour> ratersNeighbours(const TrainingMatrix& train, const SimilarityEngine& engine,
                                        std::uint32_t user, std::uint32_t item, int k)
{
    std::vector<double> row;
    engine.forEachBlock([&](std::size_t first, const Eigen::MatrixXd& block) {
        if (user >= first && user < first + static_cast<std::size_t>(block.rows())) {
            const auto r = static_cast<Eigen::Index>(user - first);
            row.resize(static_cast<std::size_t>(block.cols()));
            for (Eigen::Index v = 0; v < block.cols(); ++v)
                row[static_cast<std::size_t>(v)] = block(r, v);
        }
    });
    if (row.empty())
        return {};
    std::vector<char> active(engine.users());
    for (std::size_t v = 0; v < engine.users(); ++v)
        active[v] = engine.isActive(v) ? 1 : 0;
    return ratersNeighbours(train, row, active, user, item, k);
}

namespace {

// Dataset item of each ItemProfiles row.
std::vector<std::uint32_t> itemOfRow(const ItemProfiles& items)
{
    std::vector<std::uint32_t> out(items.withProfile(), 0);
    for (std::size_t i = 0; i < items.rowOf.size(); ++i)
        if (items.rowOf[i] >= 0)
            out[static_cast<std::size_t>(items.rowOf[i])] = static_cast<std::uint32_t>(i);
    return out;
}

// rel(u)'s item profiles (one row each, float64) and their weights r(u, i).
struct Relevant {
    Eigen::MatrixXd mip;  // |rel(u)| x F
    std::vector<std::uint32_t> rows;
    std::vector<float> weights;
};

Relevant relevantOf(const RelevanceMatrix& w, const ItemProfiles& items, std::uint32_t user)
{
    Relevant r;
    if (user >= w.users)
        return r;
    const std::size_t begin = w.offsets[user], end = w.offsets[user + 1];
    r.mip.resize(static_cast<Eigen::Index>(end - begin), items.values.cols());
    for (std::size_t e = begin; e < end; ++e) {
        r.mip.row(static_cast<Eigen::Index>(e - begin)) = items.values.row(w.rows[e]).cast<double>();
        r.rows.push_back(w.rows[e]);
        r.weights.push_back(w.weights[e]);
    }
    return r;
}

Eigen::VectorXd profileOf(const Relevant& r, Eigen::Index dims)
{
    Eigen::VectorXd mup = Eigen::VectorXd::Zero(dims);
    for (Eigen::Index e = 0; e < r.mip.rows(); ++e)
        mup += static_cast<double>(r.weights[static_cast<std::size_t>(e)]) * r.mip.row(e).transpose();
    return mup;
}

}  // namespace

namespace {

// Each block b of columns [first[b], first[b] + width[b]) with weight weight[b]: the terms
// of sum_b weight[b] cos_b(u, v), one per item pair (summed over the blocks).
CosineExplanation explainBlocks(const RelevanceMatrix& w, const ItemProfiles& items, std::uint32_t u, std::uint32_t v,
                                std::size_t top, const std::vector<Eigen::Index>& first,
                                const std::vector<Eigen::Index>& width, const std::vector<double>& weight)
{
    CosineExplanation ex;
    const Relevant ru = relevantOf(w, items, u), rv = relevantOf(w, items, v);
    ex.pairs = ru.rows.size() * rv.rows.size();
    const Eigen::VectorXd pu = profileOf(ru, items.values.cols()), pv = profileOf(rv, items.values.cols());
    const auto itemOf = itemOfRow(items);
    std::vector<ItemPairTerm> terms(ex.pairs);
    for (std::size_t a = 0; a < ru.rows.size(); ++a)
        for (std::size_t c = 0; c < rv.rows.size(); ++c)
            terms[a * rv.rows.size() + c] = {itemOf[ru.rows[a]], itemOf[rv.rows[c]], 0.0, 0.0};
    ex.blocks.assign(first.size(), 0.0);
    bool any = false;
    for (std::size_t b = 0; b < first.size(); ++b) {
        const double nu = pu.segment(first[b], width[b]).norm(), nv = pv.segment(first[b], width[b]).norm();
        if (!(nu > 0) || !(nv > 0))
            continue;
        any = true;
        // MIP_b(i) . MIP_b(j)
        const Eigen::MatrixXd gram =
            ru.mip.middleCols(first[b], width[b]) * rv.mip.middleCols(first[b], width[b]).transpose();
        for (Eigen::Index a = 0; a < gram.rows(); ++a)
            for (Eigen::Index c = 0; c < gram.cols(); ++c) {
                const double t = weight[b] * static_cast<double>(ru.weights[static_cast<std::size_t>(a)]) *
                                 static_cast<double>(rv.weights[static_cast<std::size_t>(c)]) * gram(a, c) / (nu * nv);
                ex.sumOfTerms += t;
                terms[static_cast<std::size_t>(a) * rv.rows.size() + static_cast<std::size_t>(c)].term += t;
            }
        ex.blocks[b] = weight[b] * (pu.segment(first[b], width[b]).dot(pv.segment(first[b], width[b])) / (nu * nv));
        ex.cosine += ex.blocks[b];
    }
    if (!any) {
        ex.sumOfTerms = 0;
        return ex;
    }
    const std::size_t n = std::min(top, terms.size());
    std::partial_sort(terms.begin(), terms.begin() + static_cast<std::ptrdiff_t>(n), terms.end(),
                      [](const ItemPairTerm& x, const ItemPairTerm& y) {
                          const double p = std::fabs(x.term), q = std::fabs(y.term);
                          if (p != q)
                              return p > q;
                          return x.itemU != y.itemU ? x.itemU < y.itemU : x.itemV < y.itemV;
                      });
    terms.resize(n);
    for (auto& t : terms)
        t.share = ex.cosine != 0 ? t.term / ex.cosine : 0.0;
    ex.top = std::move(terms);
    return ex;
}

}  // namespace

CosineExplanation explainCosine(const RelevanceMatrix& w, const ItemProfiles& items, std::uint32_t u,
                                std::uint32_t v, std::size_t top)
{
    CosineExplanation ex = explainBlocks(w, items, u, v, top, {0}, {items.values.cols()}, {1.0});
    ex.blocks.clear();
    return ex;
}

CosineExplanation explainCosine(const RelevanceMatrix& w, const ItemProfiles& items, const LateFusion& late,
                                std::uint32_t u, std::uint32_t v, std::size_t top)
{
    std::vector<Eigen::Index> first, width;
    for (std::size_t b = 0; b < late.blocks(); ++b) {
        first.push_back(static_cast<Eigen::Index>(late.begin(b)));
        width.push_back(static_cast<Eigen::Index>(late.dims[b]));
    }
    return explainBlocks(w, items, u, v, top, first, width, late.weights);
}

ProfileExplanation explainProfile(const RelevanceMatrix& w, const ItemProfiles& items, std::uint32_t user,
                                  std::size_t top)
{
    ProfileExplanation ex;
    const Relevant r = relevantOf(w, items, user);
    ex.items = r.rows.size();
    const Eigen::VectorXd mup = profileOf(r, items.values.cols());
    ex.norm = mup.norm();
    if (!(ex.norm > 0))
        return ex;
    const double squared = mup.squaredNorm();
    const auto itemOf = itemOfRow(items);
    std::vector<ItemShare> shares;
    for (Eigen::Index e = 0; e < r.mip.rows(); ++e) {
        const float weight = r.weights[static_cast<std::size_t>(e)];
        const double share = static_cast<double>(weight) * r.mip.row(e).dot(mup.transpose()) / squared;
        ex.sumOfShares += share;
        shares.push_back({itemOf[r.rows[static_cast<std::size_t>(e)]], weight, share});
    }
    const std::size_t n = std::min(top, shares.size());
    std::partial_sort(shares.begin(), shares.begin() + static_cast<std::ptrdiff_t>(n), shares.end(),
                      [](const ItemShare& a, const ItemShare& b) {
                          const double x = std::fabs(a.share), y = std::fabs(b.share);
                          return x != y ? x > y : a.item < b.item;
                      });
    shares.resize(n);
    ex.top = std::move(shares);
    return ex;
}

const char* toString(PredictionSource source)
{
    switch (source) {
    case PredictionSource::Neighbours: return "neighbours";
    case PredictionSource::UserMean: return "user mean";
    case PredictionSource::ItemMean: return "item mean";
    case PredictionSource::GlobalMean: return "global mean";
    case PredictionSource::Model: return "model";
    }
    return "?";
}

}  // namespace tl
