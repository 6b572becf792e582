// Fusion of modalities (docs/fusion.md). Early: the block normalisation against
// numbers worked out by hand, missing items given the block's mean row, names with
// their block prefix. Late: the fused similarity and neighbour lists against a
// float64 double loop written here; w = 1 and w = 0 equal each single modality bit
// for bit. A synthetic case whose users' tastes depend on one visual and one audio
// property: fusion beats each modality alone, and the validation choice of w never
// looks at the test ratings.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/cf/FeatureFusion.h"
#include "core/cf/FusedSimilarity.h"
#include "core/cf/Profiles.h"
#include "core/common/Error.h"
#include "core/common/Random.h"
#include "core/eval/Evaluator.h"
#include "core/eval/Fusion.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

FeatureMatrix matrix(std::vector<std::string> ids, std::vector<std::vector<float>> rows)
{
    FeatureMatrix m;
    m.ids = std::move(ids);
    m.values.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.front().size()));
    for (std::size_t r = 0; r < rows.size(); ++r)
        for (std::size_t c = 0; c < rows[r].size(); ++c)
            m.values(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = rows[r][c];
    return m;
}

// A: a=[3,4] (norm 5), b=[0,0] (0), c=[6,8] (10): mean row norm 5, mean row [3,4].
// B: a=[1], b=[3], d=[2]: mean row norm 2, mean row [2].
TEST(EarlyFusion, BlockNormalisationByHand)
{
    const FeatureMatrix a = matrix({"a", "b", "c"}, {{3, 4}, {0, 0}, {6, 8}});
    const FeatureMatrix b = matrix({"a", "b", "d"}, {{1}, {3}, {2}});
    const FusedFeatures fused = fuseEarly({{"vis", &a, {}, 1.0}, {"audio", &b, {"loud"}, 2.0}}, Normalization::None);
    ASSERT_EQ(fused.matrix.ids, (std::vector<std::string>{"a", "b", "c", "d"}));
    EXPECT_EQ(fused.names, (std::vector<std::string>{"vis.f0000", "vis.f0001", "audio.loud"}));
    // vis scale 1/5, audio scale 2/2 = 1; c has no audio row (mean [2] x 1), d no visual row (mean [3,4] / 5).
    const std::vector<std::vector<float>> expected = {{0.6f, 0.8f, 1}, {0, 0, 3}, {1.2f, 1.6f, 2}, {0.6f, 0.8f, 2}};
    for (std::size_t r = 0; r < expected.size(); ++r)
        for (std::size_t c = 0; c < 3; ++c)
            EXPECT_NEAR(fused.matrix.values(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)), expected[r][c],
                        1e-6)
                << "row " << r << " column " << c;
    ASSERT_EQ(fused.blocks.size(), 2u);
    EXPECT_DOUBLE_EQ(fused.blocks[0].meanRowNorm, 5);
    EXPECT_DOUBLE_EQ(fused.blocks[0].scale, 0.2);
    EXPECT_EQ(fused.blocks[0].present, 3u);
    EXPECT_EQ(fused.blocks[0].imputed, 1u);
    EXPECT_DOUBLE_EQ(fused.blocks[1].meanRowNorm, 2);
    EXPECT_DOUBLE_EQ(fused.blocks[1].scale, 1);
    EXPECT_EQ(fused.blocks[1].imputed, 1u);
    EXPECT_NE(describeFusion(fused).find("audio: 1 dims, 3 items with a row, 1 without"), std::string::npos)
        << describeFusion(fused);
}

// Column scaling first (zscore inside each block), then unit mean row norm: a block of
// 100 columns and one of 1 column end with the same mean row norm (no block dominates).
TEST(EarlyFusion, BlocksOfAnySizeGetUnitMeanRowNorm)
{
    Rng rng(5);
    FeatureMatrix wide, narrow;
    wide.values.resize(20, 100);
    narrow.values.resize(20, 1);
    for (int i = 0; i < 20; ++i) {
        wide.ids.push_back(std::to_string(i));
        narrow.ids.push_back(std::to_string(i));
        for (int f = 0; f < 100; ++f)
            wide.values(i, f) = static_cast<float>(rng.uniform() * 50);
        narrow.values(i, 0) = static_cast<float>(rng.uniform());
    }
    const FusedFeatures fused = fuseEarly({{"w", &wide, {}, 1.0}, {"n", &narrow, {}, 1.0}}, Normalization::ZScore);
    double wideNorm = 0, narrowNorm = 0;
    for (Eigen::Index r = 0; r < 20; ++r) {
        wideNorm += fused.matrix.values.row(r).head(100).cast<double>().norm() / 20;
        narrowNorm += fused.matrix.values.row(r).tail(1).cast<double>().norm() / 20;
    }
    EXPECT_NEAR(wideNorm, 1, 1e-5);
    EXPECT_NEAR(narrowNorm, 1, 1e-5);
    // zscore's mean row is 0: under it an item missing from a block gets zeros there.
    const FeatureMatrix some = matrix({"0", "1"}, {{1}, {3}});
    const FusedFeatures partial = fuseEarly({{"w", &wide, {}, 1.0}, {"s", &some, {}, 1.0}}, Normalization::ZScore);
    EXPECT_EQ(partial.blocks[1].imputed, 18u);
    EXPECT_EQ(partial.matrix.values(5, 100), 0.0f);
}

TEST(EarlyFusion, BadInputIsRefused)
{
    const FeatureMatrix a = matrix({"a"}, {{1, 2}});
    EXPECT_THROW(fuseEarly({}, Normalization::None), ConfigError);
    EXPECT_THROW(fuseEarly({{"a", &a, {}, -1.0}}, Normalization::None), ConfigError);
    EXPECT_THROW(fuseEarly({{"a", &a, {}, 0.0}}, Normalization::None), ConfigError);
    EXPECT_THROW(fuseEarly({{"a", &a, {"only-one"}, 1.0}}, Normalization::None), ConfigError);
    EXPECT_THROW(fuseEarly({{"a", &a, {}, 1.0}, {"a", &a, {}, 1.0}}, Normalization::None), ConfigError);
    EXPECT_THROW(fuseEarly({{"a", &a, {}, std::nan("")}}, Normalization::None), ConfigError);
}

// ---- late fusion ------------------------------------------------------------

struct TwoModalities {
    test::RandomCase c;
    FeatureMatrix audio;  // a second, independent matrix; every third item has no row
};

TwoModalities makeTwo(std::size_t users, std::size_t items, std::uint64_t seed)
{
    TwoModalities t;  // audio: items 0 .. items-2 (those with a visual row) except i % 3 == 1
    t.c = test::makeRandomCase(users, items, seed, {.density = 0.5, .testEvery = 5, .dims = 4, .featureOffset = -0.3});
    Rng rng(seed + 100);
    std::vector<std::vector<float>> rows;
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < items; ++i)
        if (i % 3 != 1 && i + 1 < items) {
            ids.push_back(std::to_string(i));
            rows.push_back({static_cast<float>(rng.uniform() - 0.5), static_cast<float>(rng.uniform()),
                            static_cast<float>(rng.uniform() - 0.2)});
        }
    t.audio = matrix(ids, rows);
    return t;
}

// cos of MUP rows in float64 by a double loop; 0 when either profile is zero.
double bruteCosine(const RowMatrixD& p, std::size_t u, std::size_t v)
{
    double dot = 0, nu = 0, nv = 0;
    for (Eigen::Index f = 0; f < p.cols(); ++f) {
        dot += p(static_cast<Eigen::Index>(u), f) * p(static_cast<Eigen::Index>(v), f);
        nu += p(static_cast<Eigen::Index>(u), f) * p(static_cast<Eigen::Index>(u), f);
        nv += p(static_cast<Eigen::Index>(v), f) * p(static_cast<Eigen::Index>(v), f);
    }
    return nu > 0 && nv > 0 ? dot / std::sqrt(nu * nv) : 0.0;
}

TEST(LateFusion, MatchesBruteForceDoubleLoop)
{
    const TwoModalities t = makeTwo(40, 30, 7);
    const TrainingMatrix train = TrainingMatrix::build(t.c.data, t.c.trainIdx);
    const ItemProfiles vis = alignItemProfiles(t.c.features, t.c.data.items, Normalization::None);
    const ItemProfiles aud = alignItemProfiles(t.audio, t.c.data.items, Normalization::None);
    const RelevanceMatrix wv = buildRelevance(train, vis, {}), wa = buildRelevance(train, aud, {});
    const SimilarityEngine ev = SimilarityEngine::fromItemProfiles(wv, vis);
    const SimilarityEngine ea = SimilarityEngine::fromItemProfiles(wa, aud);
    const double w = 0.3;
    // Unnormalised weights 3 : 7 give the same fused similarity as 0.3 : 0.7.
    const FusedUserSimilarity fused = fuseUserSimilarities({&ev, &ea}, {3.0, 7.0});
    const RowMatrixD pv = buildUserProfilesExact(wv, vis), pa = buildUserProfilesExact(wa, aud);
    const std::size_t users = train.users;
    std::vector<char> active(users);
    for (std::size_t u = 0; u < users; ++u)
        active[u] = pv.row(static_cast<Eigen::Index>(u)).norm() > 0 || pa.row(static_cast<Eigen::Index>(u)).norm() > 0;
    EXPECT_EQ(fused.active, active);
    for (std::size_t u = 0; u < users; ++u) {
        for (std::size_t v = 0; v < users; ++v) {
            if (u != v) {
                ASSERT_NEAR(fused.at(u, v), w * bruteCosine(pv, u, v) + (1 - w) * bruteCosine(pa, u, v), 1e-12)
                    << u << "," << v;
            }
        }
    }
    // The lists: every active user's K most similar active others, by the brute-force values.
    const int kMax = 7;
    const NeighbourLists lists = fusedNeighbours(fused, kMax);
    for (std::size_t u = 0; u < users; ++u) {
        std::vector<std::pair<double, std::uint32_t>> all;
        if (active[u])
            for (std::size_t v = 0; v < users; ++v)
                if (v != u && active[v])
                    all.push_back({w * bruteCosine(pv, u, v) + (1 - w) * bruteCosine(pa, u, v),
                                   static_cast<std::uint32_t>(v)});
        std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
            return ranksBefore(rankKey(a.first), a.second, rankKey(b.first), b.second);
        });
        all.resize(std::min<std::size_t>(all.size(), kMax));
        const auto got = lists.of(u);
        ASSERT_EQ(got.size(), all.size()) << "user " << u;
        for (std::size_t n = 0; n < all.size(); ++n) {
            EXPECT_EQ(got[n].user, all[n].second) << "user " << u << " neighbour " << n;
            EXPECT_NEAR(got[n].similarity, all[n].first, 1e-12);
        }
    }
}

TEST(LateFusion, WeightOneAndZeroAreEachModalityBitForBit)
{
    const TwoModalities t = makeTwo(40, 30, 11);
    const TrainingMatrix train = TrainingMatrix::build(t.c.data, t.c.trainIdx);
    const ItemProfiles vis = alignItemProfiles(t.c.features, t.c.data.items, Normalization::MinMax100);
    const ItemProfiles aud = alignItemProfiles(t.audio, t.c.data.items, Normalization::MinMax100);
    const SimilarityEngine ev = SimilarityEngine::fromItemProfiles(buildRelevance(train, vis, {}), vis);
    const SimilarityEngine ea = SimilarityEngine::fromItemProfiles(buildRelevance(train, aud, {}), aud);
    const int kMax = 10;
    for (double w : {1.0, 0.0}) {
        const NeighbourLists single = computeNeighbours(w == 1 ? ev : ea, kMax);
        const NeighbourLists fused = fusedNeighbours(fuseUserSimilarities({&ev, &ea}, {w, 1 - w}), kMax);
        for (std::size_t u = 0; u < train.users; ++u) {
            const auto a = single.of(u), b = fused.of(u);
            ASSERT_EQ(a.size(), b.size()) << "w " << w << " user " << u;
            for (std::size_t n = 0; n < a.size(); ++n) {
                EXPECT_EQ(a[n].user, b[n].user) << "w " << w << " user " << u;
                EXPECT_EQ(a[n].similarity, b[n].similarity) << "w " << w << " user " << u;
            }
        }
    }
    // and w = 0.5 differs from both, so the comparison above can fail.
    const NeighbourLists half = fusedNeighbours(fuseUserSimilarities({&ev, &ea}, {0.5, 0.5}), kMax);
    const NeighbourLists visual = computeNeighbours(ev, kMax);
    bool differs = false;
    for (std::size_t u = 0; u < train.users && !differs; ++u)
        for (std::size_t n = 0; n < half.of(u).size(); ++n)
            differs = differs || half.of(u)[n].user != visual.of(u)[n].user;
    EXPECT_TRUE(differs);
    EXPECT_THROW(fuseUserSimilarities({&ev, &ea}, {0.0, 0.0}), ConfigError);
    EXPECT_THROW(fuseUserSimilarities({&ev, &ea}, {1.0}), ConfigError);
}

// ---- in the evaluator ------------------------------------------------------

const ResultRow* rowOf(const SplitResult& r, const std::string& method, int k)
{
    for (const auto& row : r.rows)
        if (row.method == method && row.k == k)
            return &row;
    return nullptr;
}

TEST(FusionEval, WeightOneEqualsTheVisualSourceAlone)
{
    const TwoModalities t = makeTwo(40, 30, 13);
    const Split split{t.c.trainIdx, t.c.testIdx};
    EvalSettings settings;
    settings.ks = {3, 5, 10};
    settings.methods = {ContentMethod::Paper};
    for (FusionKind kind : {FusionKind::Late, FusionKind::Early}) {
        FusionSpec spec;
        spec.kind = kind;
        spec.blocks = {{"vis", &t.c.features, {}, 1.0}, {"audio", &t.audio, {}, 0.0}};
        spec.weightsGiven = true;
        const SplitResult r = evaluateSplit(
            t.c.data, split, {{"vis", &t.c.features}, {"fused", &t.c.features, &spec}}, settings);
        for (int k : settings.ks) {
            const ResultRow* alone = rowOf(r, "vis", k);
            const ResultRow* fused = rowOf(r, "fused", k);
            ASSERT_TRUE(alone && fused);
            if (kind == FusionKind::Late)
                EXPECT_EQ(alone->metrics.rmse, fused->metrics.rmse) << "K " << k;
            else  // the visual block times a constant: the same cosines up to rounding
                EXPECT_NEAR(alone->metrics.rmse, fused->metrics.rmse, 1e-6) << "K " << k;
        }
        // The notes say the weights were given and, for early fusion, which items lack audio.
        const std::string all = [&] {
            std::string s;
            for (const auto& n : r.notes)
                s += n + "\n";
            return s;
        }();
        EXPECT_NE(all.find("weights given"), std::string::npos) << all;
        EXPECT_NE(all.find(kind == FusionKind::Early ? "audio: 3 dims, 19 items with a row, 10 without"
                                                     : "block audio has no row for 11 of 30 items"),
                  std::string::npos)
            << all;
    }
}

// Users' tastes: type (a, b) in {0,1}^2; r(u, i) = 1 + 2 [vis(i) = a] + 2 [aud(i) = b].
// The visual matrix shows vis(i) (plus noise), the audio matrix aud(i): each modality
// alone finds neighbours that share half the taste, the fusion finds both halves.
struct TasteCase {
    Dataset data;
    Split split;
    FeatureMatrix visual, audio;
};

TasteCase makeTasteCase(std::uint64_t seed)
{
    TasteCase c;
    Rng rng(seed);
    const std::size_t items = 60, users = 120;
    std::vector<int> vis(items), aud(items);
    c.visual.values.resize(items, 3);
    c.audio.values.resize(items, 2);
    for (std::size_t i = 0; i < items; ++i) {
        c.data.items.intern("i" + std::to_string(i));
        vis[i] = static_cast<int>(rng.below(2));
        aud[i] = static_cast<int>(rng.below(2));
        c.visual.ids.push_back("i" + std::to_string(i));
        c.audio.ids.push_back("i" + std::to_string(i));
        const auto row = static_cast<Eigen::Index>(i);
        c.visual.values(row, 0) = static_cast<float>(vis[i] + 0.2 * rng.uniform());
        c.visual.values(row, 1) = static_cast<float>(rng.uniform());
        c.visual.values(row, 2) = static_cast<float>(rng.uniform());
        c.audio.values(row, 0) = static_cast<float>(aud[i] + 0.2 * rng.uniform());
        c.audio.values(row, 1) = static_cast<float>(rng.uniform());
    }
    for (std::size_t u = 0; u < users; ++u) {
        const auto user = c.data.users.intern("u" + std::to_string(u));
        const int a = static_cast<int>(u % 2), b = static_cast<int>((u / 2) % 2);
        for (std::size_t i = 0; i < items; ++i)
            if (rng.uniform() < 0.5) {
                const auto r = c.data.ratings.size();
                const float value = static_cast<float>(1 + 2 * (vis[i] == a) + 2 * (aud[i] == b));
                c.data.ratings.push_back({user, static_cast<std::uint32_t>(i), value});
                (rng.uniform() < 0.2 ? c.split.test : c.split.train).push_back(r);
            }
    }
    return c;
}

double bestRmse(const SplitResult& r, const std::string& method)
{
    double best = 1e9;
    for (const auto& row : r.rows)
        if (row.method == method)
            best = std::min(best, row.metrics.rmse);
    return best;
}

TEST(FusionEval, FusionBeatsEachModalityWhenTastesNeedBoth)
{
    const TasteCase c = makeTasteCase(21);
    EvalSettings settings;
    settings.ks = {5, 10, 20};
    settings.normalization = Normalization::ZScore;
    FusionSpec early, late;
    early.blocks = late.blocks = {{"visual", &c.visual, {}, 1.0}, {"audio", &c.audio, {}, 1.0}};
    late.kind = FusionKind::Late;
    const SplitResult r = evaluateSplit(c.data, c.split,
                                        {{"visual", &c.visual},
                                         {"audio", &c.audio},
                                         {"early", &c.visual, &early},
                                         {"late", &c.visual, &late}},
                                        settings);
    const double visual = bestRmse(r, "visual"), audio = bestRmse(r, "audio");
    const double e = bestRmse(r, "early"), l = bestRmse(r, "late");
    EXPECT_LT(e, std::min(visual, audio) - 0.2) << "visual " << visual << " audio " << audio << " early " << e;
    EXPECT_LT(l, std::min(visual, audio) - 0.2) << "visual " << visual << " audio " << audio << " late " << l;
    // Both weights were chosen on validation, strictly inside (0, 1): both modalities matter.
    ASSERT_EQ(r.choices.size(), 2u);
    for (const auto& choice : r.choices) {
        EXPECT_EQ(choice.parameter, "w");
        EXPECT_GT(choice.value, 0);
        EXPECT_LT(choice.value, 1);
        EXPECT_GT(choice.validationRatings, 0u);
    }
}

TEST(FusionEval, WeightIsNeverChosenOnTheTestSet)
{
    TasteCase c = makeTasteCase(22);
    FusionSpec spec;
    spec.kind = FusionKind::Late;
    spec.blocks = {{"visual", &c.visual, {}, 1.0}, {"audio", &c.audio, {}, 1.0}};
    const FusionWeightChoice before = chooseFusionWeight(c.data, c.split.train, spec, {}, Normalization::ZScore,
                                                         {5, 10}, {}, 0.2, 42);
    // Scrambling every test rating changes nothing the choice may look at.
    for (std::size_t r : c.split.test)
        c.data.ratings[r].value = 6 - c.data.ratings[r].value;
    const FusionWeightChoice after = chooseFusionWeight(c.data, c.split.train, spec, {}, Normalization::ZScore,
                                                        {5, 10}, {}, 0.2, 42);
    EXPECT_EQ(before.w, after.w);
    EXPECT_EQ(before.rmsePerW, after.rmsePerW);
    EXPECT_EQ(before.rmsePerW.size(), fusionWeightGrid().size());
    // Validation RMSE at w = 0.5 is below both ends (the taste needs both modalities).
    EXPECT_LT(before.rmsePerW[2], before.rmsePerW.front());
    EXPECT_LT(before.rmsePerW[2], before.rmsePerW.back());
}

TEST(FusionEval, LateFusionRefusesRatersModeAndNotesSkippedMethods)
{
    const TasteCase c = makeTasteCase(23);
    FusionSpec spec;
    spec.kind = FusionKind::Late;
    spec.weightsGiven = true;
    spec.blocks = {{"visual", &c.visual, {}, 0.5}, {"audio", &c.audio, {}, 0.5}};
    EvalSettings settings;
    settings.ks = {5};
    settings.methods = {ContentMethod::Paper, ContentMethod::ItemKnn};
    const SplitResult r = evaluateSplit(c.data, c.split, {{"late", &c.visual, &spec}}, settings);
    EXPECT_NE(rowOf(r, "late", 5), nullptr);
    EXPECT_EQ(rowOf(r, "late:item-knn", 5), nullptr);
    bool noted = false;
    for (const auto& n : r.notes)
        noted = noted || n.find("item-knn needs one item feature matrix") != std::string::npos;
    EXPECT_TRUE(noted);
    settings.mode = NeighbourMode::Raters;
    settings.methods = {ContentMethod::Paper};
    EXPECT_THROW(evaluateSplit(c.data, c.split, {{"late", &c.visual, &spec}}, settings), ConfigError);
}

}  // namespace
}  // namespace tl
