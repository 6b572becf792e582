// Late fusion inside one model (CfModelSettings::late, FusedSimilarity.h): the
// modalities' blocks side by side in one matrix, sim(u, v) = sum_b w_b cos_b(u, v).
// Checked against a brute force written from the definitions (each block's user
// profiles summed from its own rows, cosines, the shared ranking rule), against the
// evaluator's late fusion over separate matrices (fusedContentNeighbours), at the
// weights' ends against the single modality's model, and through the workbench's
// session layer (a project's "-late" source, its weights, the weight chosen on
// validation). CfModel::update on a late model is in test_cf_model_update.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/cf/FeatureFusion.h"
#include "core/cf/FusedSimilarity.h"
#include "core/common/Error.h"
#include "core/eval/CfModel.h"
#include "core/eval/Fusion.h"
#include "core/experiment/FusedConfiguration.h"
#include "core/session/ProjectSession.h"
#include "tests/support/TestSupport.h"

namespace tl {
namespace {

// Two modalities over the items of a random case: "visual" (every item with a
// profile but the last) and "audio" (3 columns, only the even items: the odd ones are
// silent).
struct TwoModalities {
    test::RandomCase c;
    FeatureMatrix visual, audio;
    TwoModalities(std::size_t users, std::size_t items, std::uint64_t seed)
    {
        c = test::makeRandomCase(users, items, seed, {.density = 0.5, .testEvery = 5, .dims = 4});
        visual = c.features;
        std::uint64_t state = seed * 2654435761u + 17;
        auto next = [&] {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            return static_cast<float>((state >> 33) % 1000) / 1000.0f;
        };
        for (std::size_t i = 0; i < items; i += 2) {
            audio.ids.push_back(std::to_string(i));
        }
        audio.values.resize(static_cast<Eigen::Index>(audio.ids.size()), 3);
        for (Eigen::Index r = 0; r < audio.values.rows(); ++r)
            for (Eigen::Index f = 0; f < 3; ++f)
                audio.values(r, f) = next();
    }
    std::vector<FusionBlock> blocks() const
    {
        return {FusionBlock{"visual", &visual, {}, 1.0}, FusionBlock{"audio", &audio, {}, 1.0}};
    }
    Split split() const { return {c.trainIdx, c.testIdx}; }
};

CfModelSettings lateSettings(const FusedFeatures& stacked, std::vector<double> weights, int kMax)
{
    CfModelSettings settings;
    settings.kMax = kMax;
    settings.ks = {1, kMax / 2, kMax};
    settings.normalization = Normalization::None;  // stackBlocks scaled each block already
    for (const auto& b : stacked.blocks)
        settings.late.dims.push_back(b.dims);
    settings.late.weights = std::move(weights);
    return settings;
}

// The brute force: per block, MUP_b(u) = sum over u's relevant training items with a row
// in the block's own (min-max scaled) matrix of r(u, i) x_b(i); cos_b; the fused sum.
struct BruteForce {
    std::vector<std::vector<Eigen::VectorXd>> profiles;  // [block][user]
    std::vector<double> weights;                          // normalised
    std::vector<char> active;

    BruteForce(const Dataset& data, const std::vector<std::size_t>& train, const std::vector<const FeatureMatrix*>& blocks,
               std::vector<double> w)
        : weights(std::move(w))
    {
        double sum = 0;
        for (double x : weights)
            sum += x;
        for (double& x : weights)
            x /= sum;
        const std::size_t users = data.users.size();
        std::vector<double> total(users, 0), count(users, 0);
        for (std::size_t r : train) {
            total[data.ratings[r].user] += data.ratings[r].value;
            count[data.ratings[r].user] += 1;
        }
        active.assign(users, 0);
        for (std::size_t b = 0; b < blocks.size(); ++b) {
            RowMatrixF scaled = blocks[b]->values;
            normalizeFeatures(scaled, Normalization::MinMax100);
            std::map<std::string, Eigen::Index> rowOf;
            for (std::size_t r = 0; r < blocks[b]->ids.size(); ++r)
                rowOf[blocks[b]->ids[r]] = static_cast<Eigen::Index>(r);
            profiles.emplace_back(users, Eigen::VectorXd::Zero(scaled.cols()));
            for (std::size_t r : train) {
                const Rating& x = data.ratings[r];
                const auto at = rowOf.find(data.items.id(x.item));
                if (at == rowOf.end() || x.value < total[x.user] / count[x.user])  // AboveUserMean
                    continue;
                profiles[b][x.user] += static_cast<double>(x.value) * scaled.row(at->second).transpose().cast<double>();
            }
            for (std::size_t u = 0; u < users; ++u)
                if (weights[b] > 0 && profiles[b][u].norm() > 0)
                    active[u] = 1;
        }
    }
    double cos(std::size_t b, std::size_t u, std::size_t v) const
    {
        const double nu = profiles[b][u].norm(), nv = profiles[b][v].norm();
        return nu > 0 && nv > 0 ? profiles[b][u].dot(profiles[b][v]) / (nu * nv) : 0.0;
    }
    double sim(std::size_t u, std::size_t v) const
    {
        double s = 0;
        for (std::size_t b = 0; b < profiles.size(); ++b)
            s += weights[b] * cos(b, u, v);
        return s;
    }
    // u's K best active users, by the shared rule (similarity rounded to 12 decimals, then id).
    std::vector<std::uint32_t> top(std::size_t u, int k) const
    {
        std::vector<std::uint32_t> all;
        for (std::uint32_t v = 0; v < active.size(); ++v)
            if (v != u && active[v])
                all.push_back(v);
        std::sort(all.begin(), all.end(), [&](std::uint32_t a, std::uint32_t b) {
            return ranksBefore(rankKey(sim(u, a)), a, rankKey(sim(u, b)), b);
        });
        if (all.size() > static_cast<std::size_t>(k))
            all.resize(static_cast<std::size_t>(k));
        return all;
    }
};

TEST(LateFusionModel, StackedBlocksAreZeroWhereAModalityHasNoRow)
{
    const TwoModalities m(12, 9, 3);
    const FusedFeatures stacked = stackBlocks(m.blocks(), Normalization::MinMax100);
    ASSERT_TRUE(stacked.stacked);
    ASSERT_EQ(stacked.matrix.dims(), 7u);
    ASSERT_EQ(stacked.blocks.size(), 2u);
    ASSERT_EQ(stacked.matrix.rows(), 9u);  // items 0..7 have frames, item 8 only sound
    EXPECT_EQ(stacked.blocks[0].imputed, 1u);
    EXPECT_EQ(stacked.blocks[1].present, 5u);  // items 0, 2, 4, 6, 8
    EXPECT_EQ(stacked.blocks[1].imputed, 4u);
    for (std::size_t r = 0; r < stacked.matrix.rows(); ++r) {
        const int item = std::stoi(stacked.matrix.ids[r]);
        const auto audioPart = stacked.matrix.values.row(static_cast<Eigen::Index>(r)).tail(3);
        if (item == 8) {
            EXPECT_EQ(stacked.matrix.values.row(static_cast<Eigen::Index>(r)).head(4).squaredNorm(), 0.0f);
        }
        if (item % 2) {
            EXPECT_EQ(audioPart.squaredNorm(), 0.0f) << "silent item " << item;
        } else {
            EXPECT_GT(audioPart.squaredNorm(), 0.0f) << "item " << item;
        }
        // No block scale, no weight: the visual block is its own min-max scaling.
        EXPECT_LE(stacked.matrix.values.row(static_cast<Eigen::Index>(r)).head(4).maxCoeff(), 100.0f);
    }
    EXPECT_NE(describeFusion(stacked).find("no profile in this block"), std::string::npos) << describeFusion(stacked);
}

TEST(LateFusionModel, EqualsBruteForce)
{
    for (const std::vector<double>& weights : {std::vector<double>{0.5, 0.5}, {0.3, 0.7}, {2, 1}}) {
        const TwoModalities m(40, 24, 11);
        const FusedFeatures stacked = stackBlocks(m.blocks(), Normalization::MinMax100);
        const int kMax = 8;
        const auto model = CfModel::build(m.c.data, m.split(), stacked.matrix, lateSettings(stacked, weights, kMax));
        const BruteForce brute(m.c.data, m.c.trainIdx, {&m.visual, &m.audio}, weights);
        EXPECT_NEAR(model->settings().late.weights[0] + model->settings().late.weights[1], 1.0, 1e-15);
        std::size_t compared = 0;
        for (std::uint32_t u = 0; u < m.c.data.users.size(); ++u) {
            ASSERT_EQ(model->isActive(u), brute.active[u] != 0) << "user " << u;
            const auto list = model->neighbourLists().of(u, kMax);
            const auto expected = brute.active[u] ? brute.top(u, kMax) : std::vector<std::uint32_t>();
            ASSERT_EQ(list.size(), expected.size()) << "user " << u;
            for (std::size_t p = 0; p < list.size(); ++p) {
                ASSERT_EQ(list[p].user, expected[p]) << "user " << u << " place " << p;
                ASSERT_NEAR(list[p].similarity, brute.sim(u, expected[p]), 1e-12);
            }
            const auto row = model->similarityRow(u);
            for (std::uint32_t v = 0; v < row.size(); ++v) {
                if (!brute.active[u] || !brute.active[v] || u == v) {
                    EXPECT_TRUE(std::isnan(row[v])) << u << "," << v;
                    continue;
                }
                ASSERT_NEAR(row[v], brute.sim(u, v), 1e-12) << u << "," << v;
                ++compared;
            }
            // Why this neighbour: the pair terms and the blocks' parts add up to the fused sim.
            if (!list.empty()) {
                const CosineExplanation ex = model->explainNeighbour(u, list.front().user, 1000);
                EXPECT_NEAR(ex.cosine, brute.sim(u, list.front().user), 1e-12);
                EXPECT_NEAR(ex.sumOfTerms, ex.cosine, 1e-9);
                ASSERT_EQ(ex.blocks.size(), 2u);
                EXPECT_NEAR(ex.blocks[0], brute.weights[0] * brute.cos(0, u, list.front().user), 1e-12);
                EXPECT_NEAR(ex.blocks[1], brute.weights[1] * brute.cos(1, u, list.front().user), 1e-12);
                double shares = 0;
                for (const auto& t : ex.top)
                    shares += t.share;
                EXPECT_NEAR(shares, 1.0, 1e-9);  // every pair listed: the shares add to 1
            }
        }
        EXPECT_GT(compared, 500u);
    }
}

TEST(LateFusionModel, SameNeighboursAsTheEvaluatorsLateFusion)
{
    const TwoModalities m(60, 30, 5);
    const FusedFeatures stacked = stackBlocks(m.blocks(), Normalization::MinMax100);
    const int kMax = 10;
    const std::vector<double> weights = {0.25, 0.75};
    const auto model = CfModel::build(m.c.data, m.split(), stacked.matrix, lateSettings(stacked, weights, kMax));
    const FusionSpec spec = makeFusionSpec(FusionKind::Late, m.blocks(), weights);
    const TrainingMatrix train = TrainingMatrix::build(m.c.data, m.c.trainIdx);
    const NeighbourLists evaluator = fusedContentNeighbours(m.c.data.items, train, spec, weights, RelevantRule{},
                                                            Normalization::MinMax100, kMax);
    std::size_t entries = 0;
    for (std::size_t u = 0; u < m.c.data.users.size(); ++u) {
        const auto a = model->neighbourLists().of(u, kMax), b = evaluator.of(u, kMax);
        ASSERT_EQ(a.size(), b.size()) << "user " << u;
        for (std::size_t p = 0; p < a.size(); ++p) {
            ASSERT_EQ(a[p].user, b[p].user) << "user " << u << " place " << p;
            ASSERT_NEAR(a[p].similarity, b[p].similarity, 1e-12);
            ++entries;
        }
    }
    EXPECT_GT(entries, 300u);
}

TEST(LateFusionModel, WeightOneIsTheSingleModality)
{
    const TwoModalities m(50, 26, 9);
    const FusedFeatures stacked = stackBlocks(m.blocks(), Normalization::MinMax100);
    const int kMax = 10;
    const auto fused = CfModel::build(m.c.data, m.split(), stacked.matrix, lateSettings(stacked, {1, 0}, kMax));
    CfModelSettings plain;
    plain.kMax = kMax;
    plain.ks = {1, kMax / 2, kMax};
    const auto visual = CfModel::build(m.c.data, m.split(), m.visual, plain);
    for (std::size_t u = 0; u < m.c.data.users.size(); ++u) {
        const auto a = fused->neighbourLists().of(u, kMax), b = visual->neighbourLists().of(u, kMax);
        ASSERT_EQ(a.size(), b.size()) << "user " << u;
        for (std::size_t p = 0; p < a.size(); ++p) {
            ASSERT_EQ(a[p].user, b[p].user);
            ASSERT_NEAR(a[p].similarity, b[p].similarity, 1e-12);
        }
    }
    for (std::size_t k = 0; k < plain.ks.size(); ++k)
        EXPECT_NEAR(fused->sweepMetrics()[k].rmse, visual->sweepMetrics()[k].rmse, 1e-9);
}

TEST(LateFusionModel, RefusesBlocksThatDoNotCoverTheMatrix)
{
    const TwoModalities m(20, 10, 2);
    const FusedFeatures stacked = stackBlocks(m.blocks(), Normalization::MinMax100);
    CfModelSettings settings = lateSettings(stacked, {1, 1}, 5);
    settings.late.dims = {4, 2};
    EXPECT_THROW(CfModel::build(m.c.data, m.split(), stacked.matrix, settings), ConfigError);
    settings.late.dims = {4, 3};
    settings.late.weights = {0, 0};
    EXPECT_THROW(CfModel::build(m.c.data, m.split(), stacked.matrix, settings), ConfigError);
    settings.late.weights = {1, -1};
    EXPECT_THROW(CfModel::build(m.c.data, m.split(), stacked.matrix, settings), ConfigError);
    settings.late.weights = {1};
    EXPECT_THROW(CfModel::build(m.c.data, m.split(), stacked.matrix, settings), ConfigError);
}

// A project's late source: listed beside the early one, stacked (zeros for the silent
// items), modelled with the blocks' widths and the source's weights, re-weighted with
// withFusionWeights, and its weight chosen on validation.
TEST(LateFusionModel, ProjectSource)
{
    test::TempDir dir;
    ProjectData data;
    const TwoModalities m(40, 20, 4);
    data.project.cache = dir / "cache";
    data.data = m.c.data;
    data.split = m.split();
    data.ks = {3, 6};
    const auto profiles = profilesDir(data.project);
    writeFeatureMatrix(m.visual, profiles / "mobilenetv2-fps1.csv");
    test::writeFile(profiles / "mobilenetv2-fps1.meta.json", R"({"model": "mobilenetv2"})");
    std::string audio = "item_id,tempo_bpm,loudness_lufs,centroid_hz\n";
    for (std::size_t r = 0; r < m.audio.rows(); ++r)
        audio += m.audio.ids[r] + "," + std::to_string(m.audio.values(static_cast<Eigen::Index>(r), 0)) + "," +
                 std::to_string(m.audio.values(static_cast<Eigen::Index>(r), 1)) + "," +
                 std::to_string(m.audio.values(static_cast<Eigen::Index>(r), 2)) + "\n";
    test::writeFile(profiles / "audio.csv", audio);
    test::writeFile(profiles / "audio.meta.json", R"({"model": "audio"})");

    std::map<std::string, ContentSourceInfo> sources;
    for (const auto& s : listContentSources(data))
        sources[s.name] = s;
    ASSERT_TRUE(sources.count("mobilenetv2-fps1+audio-late"));
    const ContentSourceInfo late = sources["mobilenetv2-fps1+audio-late"];
    EXPECT_EQ(late.fusion, "late");
    EXPECT_EQ(sources["mobilenetv2-fps1+audio"].fusion, "early");

    const FeatureMatrix stacked = session::loadContent(data, late);
    ASSERT_EQ(stacked.dims(), 7u);
    const auto model = session::buildModel(data, late, stacked);
    EXPECT_EQ(model->settings().late.dims, (std::vector<std::size_t>{4, 3}));
    EXPECT_EQ(model->settings().late.weights, (std::vector<double>{0.5, 0.5}));
    EXPECT_EQ(model->settings().normalization, Normalization::None);

    // The same model as the brute force at the source's weights, after re-weighting.
    const ContentSourceInfo weighted = withFusionWeights(late, {0.2, 0.8});
    EXPECT_NE(weighted.provenance.find("mobilenetv2-fps1 0.2"), std::string::npos) << weighted.provenance;
    const auto reweighted = session::buildModel(data, weighted, session::loadContent(data, weighted));
    EXPECT_NEAR(reweighted->settings().late.weights[0], 0.2, 1e-15);
    const BruteForce brute(data.data, data.split.train, {&m.visual, &m.audio}, {0.2, 0.8});
    for (std::uint32_t u = 0; u < data.data.users.size(); ++u) {
        const auto list = reweighted->neighbourLists().of(u, 6);
        const auto expected = brute.active[u] ? brute.top(u, 6) : std::vector<std::uint32_t>();
        ASSERT_EQ(list.size(), expected.size());
        for (std::size_t p = 0; p < list.size(); ++p)
            ASSERT_EQ(list[p].user, expected[p]) << "user " << u << " place " << p;
    }
    // The workbench's exported tables say the weights in their tuning column.
    EXPECT_EQ(fusionTuning(weighted), "late fusion, weights mobilenetv2-fps1 0.2, audio 0.8");
    EXPECT_EQ(fusionTuning(late), "late fusion, weights mobilenetv2-fps1 0.5, audio 0.5");
    EXPECT_EQ(fusionTuning(sources["audio"]), "defaults");
    EXPECT_THROW(withFusionWeights(late, {1}), ConfigError);
    EXPECT_THROW(withFusionWeights(late, {0, 0}), ConfigError);
    EXPECT_THROW(withFusionWeights(sources["audio"], {1, 1}), ConfigError);
    // An early source with weights is fused with them (the audio block's scale moves).
    const auto early1 = fusedContent(data, sources["mobilenetv2-fps1+audio"], Normalization::MinMax100);
    const auto early2 =
        fusedContent(data, withFusionWeights(sources["mobilenetv2-fps1+audio"], {1, 3}), Normalization::MinMax100);
    EXPECT_NEAR(early2.blocks[1].scale / early2.blocks[0].scale, 3 * early1.blocks[1].scale / early1.blocks[0].scale,
                1e-12);

    const FusionWeightChoice choice = session::chooseFusionWeight(data, late);
    const auto& grid = fusionWeightGrid();
    EXPECT_NE(std::find(grid.begin(), grid.end(), choice.w), grid.end());
    EXPECT_EQ(choice.rmsePerW.size(), grid.size());
    EXPECT_GT(choice.validationRatings, 0u);
    EXPECT_TRUE(std::isfinite(choice.validationRmse));
}

}  // namespace
}  // namespace tl
