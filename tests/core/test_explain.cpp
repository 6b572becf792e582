// Explanations (core/eval/Explain.h): each decomposition sums exactly to its
// whole, on a hand-computed case and on random data, and the explained
// prediction is the evaluation's prediction for the same (user, item, K).
//
// Tiny case (features "none"): i1 = (1,0), i2 = (0,1), i3 = (1,1).
//   u1: i1=5 i2=1 (mean 3, rel i1, MUP (5,0))   u2: i1=4 i3=2 (mean 3, rel i1, MUP (4,0))
//   u3: i2=5 i3=3 (mean 4, rel i2, MUP (0,5))   u4: i1=3 i2=4 i3=4 i5=5 (mean 4, rel i2 i3, MUP (4,8))
// u1's list: u2 (1), u4 (4/sqrt 80 = 0.4472136), u3 (0).
//   (u1, i3, K=2): D = 1.4472136; c_u2 = 1 (2-3) / D = -0.6909830; c_u4 = 0.447 (4-4) / D = 0;
//                  pred = 3 - 0.6909830 = 2.3090170.
//   (u1, i5, K=1): u2 did not rate i5 -> fallback mean(u1) = 3.
//   (u1, i5, K=2): u2 lists with contribution 0; c_u4 = 0.447 (5-4) / 0.447 = 1 -> 4.
// cos(u1, u4) pairs: (i1,i2) = 5*4*0 / (5 sqrt 80) = 0; (i1,i3) = 5*4*1 / (5 sqrt 80) = 0.4472136.
// u4's profile: |MUP|^2 = 80; i2: 4 (0,1).(4,8) / 80 = 0.4; i3: 4 (1,1).(4,8) / 80 = 0.6.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include <nlohmann/json.hpp>

#include "core/cf/Neighbours.h"
#include "core/cf/Prediction.h"
#include "core/cf/Profiles.h"
#include "core/cf/Similarity.h"
#include "core/data/SyntheticData.h"
#include "core/eval/CfModel.h"
#include "core/eval/Explain.h"
#include "tests/support/CliRun.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

struct Built {
    Dataset data;
    Split split;
    TrainingMatrix train;
    TestSet test;
    ItemProfiles items;
    RelevanceMatrix w;
};

void finish(Built& b, const FeatureMatrix& features, Normalization norm)
{
    b.train = TrainingMatrix::build(b.data, b.split.train);
    b.test = TestSet::build(b.data, b.split.test);
    b.items = alignItemProfiles(features, b.data.items, norm);
    b.w = buildRelevance(b.train, b.items, RelevantRule{});
}

Built makeTiny()
{
    Built t;
    const std::size_t trainCount = test::addTinyRatings(t.data);
    t.split = explicitSplit(t.data, trainCount);
    FeatureMatrix features;
    features.ids = {"i1", "i2", "i3"};
    features.values.resize(3, 2);
    features.values << 1, 0, 0, 1, 1, 1;
    finish(t, features, Normalization::None);
    return t;
}

TEST(Explain, PredictionKnownAnswer)
{
    const Built t = makeTiny();
    const auto engine = SimilarityEngine::fromItemProfiles(t.w, t.items);
    const NeighbourLists lists = computeNeighbours(engine, 3);
    const std::uint32_t u1 = 0, u2 = 1, u4 = 3, i3 = 2, i5 = 3;  // i5 is the 4th item seen

    const auto a = explainPrediction(t.train, lists.of(u1, 2), u1, i3, 2, {});
    ASSERT_EQ(a.neighbours.size(), 2u);
    EXPECT_EQ(a.source, PredictionSource::Neighbours);
    EXPECT_DOUBLE_EQ(a.userMean, 3.0);
    EXPECT_EQ(a.neighbours[0].user, u2);
    EXPECT_NEAR(a.neighbours[0].contribution, -1.0 / (1.0 + 4.0 / std::sqrt(80.0)), 1e-12);
    EXPECT_EQ(a.neighbours[1].user, u4);
    EXPECT_DOUBLE_EQ(a.neighbours[1].contribution, 0.0);
    EXPECT_NEAR(a.prediction, 2.3090170f, 1e-6);
    EXPECT_NEAR(a.total(), a.prediction, 1e-6);

    const auto b1 = explainPrediction(t.train, lists.of(u1, 1), u1, i5, 1, {});
    EXPECT_EQ(b1.source, PredictionSource::UserMean);
    EXPECT_FLOAT_EQ(b1.prediction, 3.0f);
    ASSERT_EQ(b1.neighbours.size(), 1u);
    EXPECT_FALSE(b1.neighbours[0].rating.has_value());
    EXPECT_DOUBLE_EQ(b1.neighbours[0].contribution, 0.0);

    const auto b2 = explainPrediction(t.train, lists.of(u1, 2), u1, i5, 2, {});
    EXPECT_EQ(b2.source, PredictionSource::Neighbours);
    EXPECT_FLOAT_EQ(b2.prediction, 4.0f);
    EXPECT_DOUBLE_EQ(b2.neighbours[0].contribution, 0.0);
    EXPECT_NEAR(b2.neighbours[1].contribution, 1.0, 1e-12);

    // Clipping: the unclipped value keeps the sum; the prediction is clipped like evaluate's.
    PredictOptions clip;
    clip.clip = true;
    clip.scale = {3.5f, 5.0f};
    const auto c = explainPrediction(t.train, lists.of(u1, 2), u1, i3, 2, clip);
    EXPECT_FLOAT_EQ(c.prediction, 3.5f);
    EXPECT_NEAR(c.unclipped, 2.3090170f, 1e-6);
}

TEST(Explain, CosineAndProfileKnownAnswers)
{
    const Built t = makeTiny();
    const std::uint32_t u1 = 0, u4 = 3, i1 = 0, i2 = 1, i3 = 2;
    const auto cos = explainCosine(t.w, t.items, u1, u4, 10);
    EXPECT_EQ(cos.pairs, 2u);
    EXPECT_NEAR(cos.cosine, 4.0 / std::sqrt(80.0), 1e-12);
    EXPECT_NEAR(cos.sumOfTerms, cos.cosine, 1e-12);
    ASSERT_EQ(cos.top.size(), 2u);
    EXPECT_EQ(cos.top[0].itemU, i1);
    EXPECT_EQ(cos.top[0].itemV, i3);
    EXPECT_NEAR(cos.top[0].share, 1.0, 1e-12);
    EXPECT_EQ(cos.top[1].itemV, i2);
    EXPECT_DOUBLE_EQ(cos.top[1].term, 0.0);

    const auto p = explainProfile(t.w, t.items, u4, 10);
    EXPECT_EQ(p.items, 2u);
    EXPECT_NEAR(p.norm, std::sqrt(80.0), 1e-12);
    ASSERT_EQ(p.top.size(), 2u);
    EXPECT_EQ(p.top[0].item, i3);
    EXPECT_NEAR(p.top[0].share, 0.6, 1e-12);
    EXPECT_EQ(p.top[1].item, i2);
    EXPECT_NEAR(p.top[1].share, 0.4, 1e-12);
    EXPECT_NEAR(p.sumOfShares, 1.0, 1e-12);
}

Built makeRandom(Normalization norm, std::uint64_t seed)
{
    SyntheticSpec spec;
    spec.users = 120, spec.items = 80, spec.ratings = 2500, spec.features = 12, spec.seed = seed;
    SyntheticData synth = generateSynthetic(spec);
    Built b;
    b.data = std::move(synth.dataset);
    b.split = randomHoldout(b.data, 0.2, seed + 1);
    finish(b, synth.features, norm);
    return b;
}

// Brute force: MUP(u) by formula 3 straight from the training ratings, in float64.
Eigen::VectorXd bruteProfile(const Built& b, std::uint32_t u)
{
    Eigen::VectorXd mup = Eigen::VectorXd::Zero(b.items.values.cols());
    for (std::uint32_t i = 0; i < b.train.items; ++i) {
        const auto r = b.train.rating(u, i);
        if (r && *r >= b.train.userMean[u] && b.items.rowOf[i] >= 0)
            mup += static_cast<double>(*r) * b.items.values.row(b.items.rowOf[i]).transpose().cast<double>();
    }
    return mup;
}

TEST(Explain, PredictionsEqualTheEvaluationOnRandomData)
{
    for (const auto norm : {Normalization::MinMax100, Normalization::ZScore}) {
        const Built b = makeRandom(norm, 11);
        const auto engine = SimilarityEngine::fromItemProfiles(b.w, b.items);
        const std::vector<int> ks = {1, 5, 20};
        const NeighbourLists lists = computeNeighbours(engine, ks.back() + 1);  // as evaluate builds them
        const auto offline = predictOffline(b.train, lists, b.test, ks, {});
        const auto raters = predictRaters(b.train, engine, b.test, ks, {});
        int fromNeighbours = 0, fallbacks = 0;
        for (std::size_t kk = 0; kk < ks.size(); ++kk) {
            const int k = ks[kk];
            for (std::size_t t = 0; t < b.test.size(); ++t) {
                const std::uint32_t u = b.test.users[t], i = b.test.items[t];
                const auto ex = explainPrediction(b.train, lists.of(u, k), u, i, k, {});
                ASSERT_EQ(ex.prediction, offline.perK[kk].values[t]) << "offline u " << u << " i " << i << " K " << k;
                ASSERT_EQ(ex.source, offline.perK[kk].sources[t]);
                EXPECT_NEAR(ex.total(), ex.prediction, 1e-5);
                // Brute force formula 5 from the listed parts.
                double num = 0, den = 0;
                for (const auto& n : ex.neighbours)
                    if (n.rating) {
                        num += n.similarity * (*n.rating - b.train.userMean[n.user]);
                        den += std::fabs(n.similarity);
                    } else {
                        EXPECT_EQ(n.contribution, 0.0);
                    }
                if (den > 0) {
                    EXPECT_NEAR(b.train.userMean[u] + num / den, ex.total(), 1e-9);
                }
                (ex.source == PredictionSource::Neighbours ? fromNeighbours : fallbacks)++;

                const auto rex = explainPrediction(b.train, ratersNeighbours(b.train, engine, u, i, k), u,
                                                   i, k, {});
                ASSERT_EQ(rex.prediction, raters.perK[kk].values[t]) << "raters u " << u << " i " << i << " K " << k;
                ASSERT_EQ(rex.source, raters.perK[kk].sources[t]);
                EXPECT_NEAR(rex.total(), rex.prediction, 1e-5);
            }
        }
        EXPECT_GT(fromNeighbours, 100);  // both branches are exercised
        EXPECT_GT(fallbacks, 10);
    }
}

TEST(Explain, PredictionsEqualTheModelsTestPredictions)
{
    SyntheticSpec spec;
    spec.users = 120, spec.items = 80, spec.ratings = 2500, spec.features = 12, spec.seed = 5;
    const SyntheticData synth = generateSynthetic(spec);
    const Split split = randomHoldout(synth.dataset, 0.2, 6);
    CfModelSettings settings;
    settings.kMax = 30;
    settings.ks = {10, 30};
    const auto model = CfModel::build(synth.dataset, split, synth.features, settings);
    for (std::uint32_t u = 0; u < 20; ++u)
        for (const auto& tp : model->testPredictions(u, 10)) {
            const auto ex =
                explainPrediction(model->train(), model->neighbourLists().of(u, 10), u, tp.item, 10, {});
            EXPECT_EQ(ex.prediction, tp.prediction);
        }
}

TEST(Explain, CosinesAndProfilesSumOnRandomData)
{
    for (const auto norm : {Normalization::MinMax100, Normalization::ZScore, Normalization::L2}) {
        const Built b = makeRandom(norm, 23);
        const auto engine = SimilarityEngine::fromItemProfiles(b.w, b.items);
        const NeighbourLists lists = computeNeighbours(engine, 5);
        int checked = 0;
        for (std::uint32_t u = 0; u < 40; ++u) {
            const Eigen::VectorXd mu = bruteProfile(b, u);
            const auto p = explainProfile(b.w, b.items, u, 1000);
            if (mu.norm() == 0) {
                EXPECT_EQ(p.norm, 0.0);
                continue;
            }
            EXPECT_NEAR(p.norm, mu.norm(), 1e-9 * mu.norm());
            EXPECT_NEAR(p.sumOfShares, 1.0, 1e-9);
            double all = 0;
            for (const auto& s : p.top) {
                all += s.share;
                // Brute-force share of item s.item.
                const Eigen::VectorXd mip = b.items.values.row(b.items.rowOf[s.item]).transpose().cast<double>();
                EXPECT_NEAR(s.share, s.rating * mip.dot(mu) / mu.squaredNorm(), 1e-9);
            }
            EXPECT_EQ(p.top.size(), p.items);
            EXPECT_NEAR(all, 1.0, 1e-9);
            for (std::size_t n = 1; n < p.top.size(); ++n)
                EXPECT_GE(std::fabs(p.top[n - 1].share), std::fabs(p.top[n].share));

            for (const Neighbour& n : lists.of(u)) {
                const auto c = explainCosine(b.w, b.items, u, n.user, 1000000);
                const Eigen::VectorXd mv = bruteProfile(b, n.user);
                EXPECT_NEAR(c.cosine, n.similarity, 1e-12);  // the engine's cosine
                EXPECT_NEAR(c.cosine, mu.dot(mv) / (mu.norm() * mv.norm()), 1e-12);
                EXPECT_NEAR(c.sumOfTerms, c.cosine, 1e-12);
                double shares = 0;
                for (const auto& term : c.top)
                    shares += term.share;
                EXPECT_EQ(c.top.size(), c.pairs);
                EXPECT_NEAR(shares, 1.0, 1e-9);
                const auto top3 = explainCosine(b.w, b.items, u, n.user, 3);
                ASSERT_EQ(top3.top.size(), std::min<std::size_t>(3, c.pairs));
                for (std::size_t k = 0; k < top3.top.size(); ++k)
                    EXPECT_EQ(top3.top[k].term, c.top[k].term);
                ++checked;
            }
        }
        EXPECT_GT(checked, 100);
    }
}

// The CLI reads, splits and predicts as evaluate does: its JSON prediction equals
// predictOffline's for the same test rating, and its parts add up.
TEST(Explain, CliJsonEqualsTheEvaluationsPrediction)
{
    test::TempDir dir;
    const std::string data = (dir / "synth").string();
    ASSERT_EQ(test::runCli({"synth", "--out", data, "--users", "100", "--items", "60", "--ratings", "2000",
                            "--features", "8", "--seed", "3"})
                  .code,
              0);
    Dataset ds;
    readRatings(data + "/ratings.csv", ds, ReadOptions{});
    const Split split = makeSplits(ds, parseSplitSpec("holdout:0.2"), 42).front();  // evaluate's defaults
    Built b;
    b.data = std::move(ds);
    b.split = split;
    finish(b, readFeatureMatrix(data + "/features.csv"), Normalization::MinMax100);
    const auto engine = SimilarityEngine::fromItemProfiles(b.w, b.items);
    const NeighbourLists lists = computeNeighbours(engine, 8);
    const auto offline = predictOffline(b.train, lists, b.test, {7}, {});
    for (std::size_t t = 0; t < 6; ++t) {
        const test::CliRun run = test::runCli({"explain", "--ratings", data + "/ratings.csv", "--item-features",
                                               data + "/features.csv", "--user", b.data.users.id(b.test.users[t]),
                                               "--item", b.data.items.id(b.test.items[t]), "--k", "7", "--json"});
        ASSERT_EQ(run.code, 0) << run.err;
        const auto doc = nlohmann::json::parse(run.out);
        EXPECT_EQ(doc["prediction"].get<float>(), offline.perK[0].values[t]);
        EXPECT_EQ(doc["truth"].get<float>(), b.test.ratings[t]);
        ASSERT_EQ(doc["neighbours"].size(), 7u);
        double sum = doc["user_mean"].get<double>();
        for (const auto& n : doc["neighbours"]) {
            sum += n["contribution"].get<double>();
            if (n["rating"].is_null()) {
                EXPECT_EQ(n["contribution"].get<double>(), 0.0);
            }
            EXPECT_LE(n["item_pairs"].size(), 5u);
        }
        if (doc["fallback"].is_null())
            EXPECT_NEAR(sum, doc["prediction"].get<double>(), 1e-5);
        else
            EXPECT_EQ(doc["fallback"].get<std::string>(), "user mean");
        EXPECT_EQ(doc["profile"]["top_items"].size(), std::min<std::size_t>(5, doc["profile"]["items"].get<std::size_t>()));
    }
    // The readable table names the parts; unknown ids are usage errors (exit 2) with the reason.
    const std::vector<std::string> base = {"explain", "--ratings", data + "/ratings.csv", "--item-features",
                                           data + "/features.csv", "--k", "5", "--item",
                                           b.data.items.id(b.test.items[0])};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = base;
        args.insert(args.end(), extra.begin(), extra.end());
        return test::runCli(args);
    };
    const test::CliRun table = with({"--user", b.data.users.id(b.test.users[0])});
    ASSERT_EQ(table.code, 0) << table.err;
    EXPECT_NE(table.out.find("mean(u)"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("prediction"), std::string::npos);
    EXPECT_NE(table.out.find("why each neighbour"), std::string::npos);
    const test::CliRun unknown = with({"--user", "no-such-user"});
    EXPECT_EQ(unknown.code, 2);
    EXPECT_NE(unknown.err.find("unknown user 'no-such-user'"), std::string::npos) << unknown.err;
    const test::CliRun badItem = test::runCli({"explain", "--ratings", data + "/ratings.csv", "--item-features",
                                               data + "/features.csv", "--k", "5", "--user", "1", "--item", "zz"});
    EXPECT_EQ(badItem.code, 2);
    EXPECT_NE(badItem.err.find("unknown item 'zz'"), std::string::npos) << badItem.err;
    EXPECT_EQ(with({"--user", "1", "--genres", data + "/movies.csv"}).code, 2);  // two content sources
}

}  // namespace
}  // namespace tl
