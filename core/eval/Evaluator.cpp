#include "core/eval/Evaluator.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <set>
#include <optional>
#include <sstream>
#include <string_view>

#include "core/cf/Baselines.h"
#include "core/cf/DeviceNeighbours.h"
#include "core/cf/Hybrid.h"
#include "core/cf/ItemKnn.h"
#include "core/cf/KnnBaseline.h"
#include "core/cf/MatrixFactorisation.h"
#include "core/cf/Neighbours.h"
#include "core/cf/Prediction.h"
#include "core/cf/Profiles.h"
#include "core/cf/TrainingMatrix.h"
#include "core/cf/Vbpr.h"
#include "core/common/Error.h"
#include "core/data/Text.h"

namespace tl {

std::string contentMethodName(ContentMethod method)
{
    switch (method) {
    case ContentMethod::Paper: return "paper";
    case ContentMethod::PaperBaseline: return "paper-baseline";
    case ContentMethod::ItemKnn: return "item-knn";
    case ContentMethod::Hybrid: return "hybrid";
    case ContentMethod::Vbpr: return "vbpr";
    }
    return "?";
}

std::vector<ContentMethod> parseContentMethods(const std::string& text)
{
    const std::vector<ContentMethod> all = {ContentMethod::Paper, ContentMethod::PaperBaseline, ContentMethod::ItemKnn,
                                            ContentMethod::Hybrid, ContentMethod::Vbpr};
    std::vector<ContentMethod> methods;
    std::size_t begin = 0;
    while (begin <= text.size()) {
        const std::size_t comma = std::min(text.find(',', begin), text.size());
        const std::string name(text::trim(std::string_view(text).substr(begin, comma - begin)));
        begin = comma + 1;
        std::vector<ContentMethod> named;
        if (name == "all")
            named = all;
        for (ContentMethod m : all)
            if (name == contentMethodName(m))
                named = {m};
        if (named.empty())
            throw ConfigError("methods '" + text + "': unknown method '" + name +
                              "' (expected a comma-separated list of paper, paper-baseline, item-knn, hybrid, vbpr, or all)");
        for (ContentMethod m : named)
            if (std::find(methods.begin(), methods.end(), m) == methods.end())
                methods.push_back(m);
    }
    return methods;
}

namespace {

void addSweepRows(const std::string& method, const SweepPredictions& sweep, const TestSet& test,
                  const RankingOptions& ranking, SplitResult& result)
{
    for (std::size_t k = 0; k < sweep.ks.size(); ++k)
        result.rows.push_back({method, sweep.ks[k], computeMetrics(test, sweep.perK[k], ranking)});
}

void addCrowdingRows(const std::string& method, const NeighbourLists& lists, const std::vector<int>& ks,
                     SplitResult& result)
{
    for (const auto& stats : crowdingStats(lists, ks))
        result.crowding.push_back({method, stats});
}

// The offline lists keep one neighbour more than the largest K: the crowding
// statistics need the (K+1)-th; predictions never reach it. Raters mode has no
// offline lists, so it pays one more similarity pass for them.
NeighbourLists offlineLists(const SimilarityEngine& engine, const EvalSettings& settings, const JobContext& ctx)
{
    return computeNeighbours(engine, settings.ks.back() + 1, ctx);
}

SweepPredictions runKnn(const std::string& method, const SimilarityEngine& engine, const NeighbourLists& lists,
                        const TrainingMatrix& train, const TestSet& test, const EvalSettings& settings,
                        const PredictOptions& options, const JobContext& ctx, SplitResult& result)
{
    addCrowdingRows(method, lists, settings.ks, result);
    if (settings.mode == NeighbourMode::Raters)
        return predictRaters(train, engine, test, settings.ks, options, ctx);
    return predictOffline(train, lists, test, settings.ks, options);
}

// Rating rows for the rating-based k-NN baselines, in float64 (mean-centred for Pearson).
RowMatrixD ratingRows(const TrainingMatrix& train, bool meanCentred)
{
    const double bytes = static_cast<double>(train.users) * static_cast<double>(train.items) * sizeof(double);
    if (bytes > 8e9)
        throw ConfigError("rating-based k-NN baselines need a dense users x items matrix of " +
                          std::to_string(static_cast<long>(bytes / 1e9)) + " GB; too large");
    RowMatrixD rows = RowMatrixD::Zero(static_cast<Eigen::Index>(train.users), static_cast<Eigen::Index>(train.items));
    for (std::size_t u = 0; u < train.users; ++u)
        for (std::size_t e = train.userOffsets[u]; e < train.userOffsets[u + 1]; ++e)
            rows(static_cast<Eigen::Index>(u), train.userItems[e]) =
                static_cast<double>(train.userValues[e]) - (meanCentred ? train.userMean[u] : 0.0);
    return rows;
}

std::vector<std::size_t> keepProfiled(const Dataset& data, const std::vector<std::size_t>& indices,
                                      const std::vector<char>& profiled)
{
    std::vector<std::size_t> kept;
    for (std::size_t r : indices)
        if (profiled[data.ratings[r].item])
            kept.push_back(r);
    return kept;
}

// The weights of a fused source on this split: given, chosen on the validation share
// of the training ratings (two blocks), or equal (three or more); each said in the result.
std::vector<double> fusionWeights(const Dataset& data, const Split& split, const ContentSource& source,
                                  const EvalSettings& settings, const PredictOptions& options, const JobContext& ctx,
                                  SplitResult& result)
{
    const FusionSpec& spec = *source.fusion;
    std::vector<double> weights;
    if (spec.weightsGiven) {
        for (const auto& b : spec.blocks)
            weights.push_back(b.weight);
        result.notes.push_back(source.name + ": " + toString(spec.kind) + " fusion, weights given (" +
                               describeWeights(spec, weights) + ")");
    } else if (spec.blocks.size() == 2) {
        ctx.report(source.name + ": validation", 0, 1);
        const FusionWeightChoice choice =
            chooseFusionWeight(data, split.train, spec, settings.relevant, settings.normalization, settings.ks, options,
                               settings.validateRatio, settings.seed, ctx);
        result.choices.push_back({source.name, "w", choice.w, choice.k, choice.validationRmse, choice.validationRatings});
        weights = {choice.w, 1 - choice.w};
        result.notes.push_back(source.name + ": " + toString(spec.kind) + " fusion, weights chosen on validation (" +
                               describeWeights(spec, weights) + ")");
    } else {
        weights.assign(spec.blocks.size(), 1.0 / static_cast<double>(spec.blocks.size()));
        result.notes.push_back(source.name + ": " + toString(spec.kind) + " fusion, equal weights by default (" +
                               describeWeights(spec, weights) + ")");
    }
    return weights;
}

// Late fusion: the paper's model (and paper-baseline) on the fused user similarity.
void evaluateLateFusion(const Dataset& data, const ContentSource& source, const std::vector<double>& weights,
                        const TrainingMatrix& train, const TestSet& test, const EvalSettings& settings,
                        const PredictOptions& options, const std::optional<BiasModel>& bias, const JobContext& ctx,
                        SplitResult& result)
{
    const FusionSpec& spec = *source.fusion;
    if (settings.mode != NeighbourMode::Offline)
        throw ConfigError(source.name + ": late fusion uses offline neighbour lists; use neighbours 'offline'");
    std::vector<char> profiled(data.items.size(), 0);
    std::set<std::string> unknown;
    for (const auto& block : spec.blocks) {
        std::size_t missing = 0;
        std::vector<char> here(data.items.size(), 0);
        for (const auto& id : block.features->ids) {
            if (auto item = data.items.find(id))
                profiled[*item] = here[*item] = 1;
            else
                unknown.insert(id);
        }
        for (char h : here)
            missing += !h;
        result.notes.push_back(source.name + ": block " + block.name + " has no row for " + std::to_string(missing) +
                               " of " + std::to_string(data.items.size()) +
                               " items (they take no part in that block's user profiles)");
    }
    CoverageRow coverage{source.name, 0, 0, unknown.size()};
    for (char p : profiled)
        ++(p ? coverage.withProfile : coverage.withoutProfile);
    result.coverage.push_back(coverage);
    auto wants = [&](ContentMethod m) {
        return std::find(settings.methods.begin(), settings.methods.end(), m) != settings.methods.end();
    };
    for (ContentMethod m : settings.methods)
        if (m != ContentMethod::Paper && m != ContentMethod::PaperBaseline)
            result.notes.push_back(source.name + ": " + contentMethodName(m) +
                                   " needs one item feature matrix; not run on late fusion (early fusion has it)");
    if (!wants(ContentMethod::Paper) && !wants(ContentMethod::PaperBaseline))
        return;
    if (!resolveComputeDevice(settings.device).isCpu())
        result.notes.push_back(source.name + ": late fusion runs on the CPU");
    const NeighbourLists lists = fusedContentNeighbours(data.items, train, spec, weights, settings.relevant,
                                                        settings.normalization, settings.ks.back() + 1, ctx);
    ctx.report("profiles:" + source.name, 1, 1);
    if (wants(ContentMethod::Paper)) {
        addCrowdingRows(source.name, lists, settings.ks, result);
        addSweepRows(source.name, predictOffline(train, lists, test, settings.ks, options), test, settings.ranking,
                     result);
    }
    if (wants(ContentMethod::PaperBaseline))
        addSweepRows(source.name + ":" + contentMethodName(ContentMethod::PaperBaseline),
                     predictOfflineCentred(train, lists, test, settings.ks, options, *bias), test, settings.ranking,
                     result);
}

}  // namespace

SplitResult evaluateSplit(const Dataset& data, const Split& inputSplit, const std::vector<ContentSource>& sources,
                          const EvalSettings& settings, const JobContext& ctx)
{
    if (settings.ks.empty())
        throw ConfigError("no K values to evaluate");
    Split split = inputSplit;
    if (settings.restrictToProfiled && !sources.empty()) {
        std::vector<char> profiled(data.items.size(), 0);
        for (const auto& id : sources.front().features->ids)
            if (auto item = data.items.find(id))
                profiled[*item] = 1;
        split.train = keepProfiled(data, split.train, profiled);
        split.test = keepProfiled(data, split.test, profiled);
    }
    if (split.train.empty())
        throw ConfigError("the training set is empty");
    if (split.test.empty())
        throw ConfigError("the test set is empty");

    SplitResult result;
    result.trainRatings = split.train.size();
    result.testRatings = split.test.size();
    const TrainingMatrix train = TrainingMatrix::build(data, split.train);
    const TestSet test = TestSet::build(data, split.test);
    const PredictOptions options{settings.clip, data.scale};
    for (std::size_t t = 0; t < test.size(); ++t)
        result.coldTestRatings += !train.knowsItem(test.items[t]);

    if (settings.baselines) {
        for (Baseline b : {Baseline::GlobalMean, Baseline::UserMean, Baseline::ItemMean, Baseline::Bias})
            result.rows.push_back(
                {baselineName(b), 0, computeMetrics(test, predictBaseline(b, train, test, options), settings.ranking)});
        SvdOptions svd;
        svd.seed = settings.seed;
        const SvdModel model = trainSvd(train, svd, ctx);
        result.rows.push_back({"svd", 0, computeMetrics(test, predictSvd(model, train, test, options), settings.ranking)});
    }
    const ComputeDevice device =
        settings.mode != NeighbourMode::Offline ? ComputeDevice::cpu() : resolveComputeDevice(settings.device);
    auto wants = [&](ContentMethod m) {
        return std::find(settings.methods.begin(), settings.methods.end(), m) != settings.methods.end();
    };
    if (wants(ContentMethod::PaperBaseline) && settings.mode != NeighbourMode::Offline)
        throw ConfigError("the paper-baseline method uses offline neighbour lists; use neighbours 'offline'");
    std::optional<BiasModel> bias;  // fitted once, when a content model centres on it
    if (wants(ContentMethod::PaperBaseline) || wants(ContentMethod::ItemKnn))
        bias = fitBias(train);
    std::deque<FeatureMatrix> fusedMatrices;  // early-fused sources' matrices
    for (const auto& source : sources) {
        ctx.checkCancelled();
        ctx.report("profiles:" + source.name, 0, 1);
        const FeatureMatrix* matrix = source.features;
        Normalization normalization = settings.normalization;
        if (source.fusion) {
            const std::vector<double> weights = fusionWeights(data, split, source, settings, options, ctx, result);
            if (source.fusion->kind == FusionKind::Late) {
                evaluateLateFusion(data, source, weights, train, test, settings, options, bias, ctx, result);
                continue;
            }
            const FusedFeatures fused = fuseSpec(*source.fusion, weights, settings.normalization);
            std::istringstream lines(describeFusion(fused));
            for (std::string line; std::getline(lines, line);)
                result.notes.push_back(source.name + ": block " + line);
            matrix = &fusedMatrices.emplace_back(fused.matrix);
            normalization = Normalization::None;  // fuseEarly scaled the columns and the blocks
        }
        const ItemProfiles items = alignItemProfiles(*matrix, data.items, normalization);
        result.coverage.push_back({source.name, items.withProfile(), items.withoutProfile(), items.unknownIds});
        const RelevanceMatrix w = buildRelevance(train, items, settings.relevant);
        const std::string baselineName = source.name + ":" + contentMethodName(ContentMethod::PaperBaseline);
        if (!device.isCpu()) {
            const NeighbourLists lists = computeNeighboursOnDevice(w, items, settings.ks.back() + 1, device, ctx);
            ctx.report("profiles:" + source.name, 1, 1);
            if (wants(ContentMethod::Paper)) {
                addCrowdingRows(source.name, lists, settings.ks, result);
                addSweepRows(source.name, predictOffline(train, lists, test, settings.ks, options), test,
                             settings.ranking, result);
            }
            if (wants(ContentMethod::PaperBaseline))
                addSweepRows(baselineName, predictOfflineCentred(train, lists, test, settings.ks, options, *bias), test,
                             settings.ranking, result);
        } else if (wants(ContentMethod::Paper) || wants(ContentMethod::PaperBaseline)) {
            const SimilarityEngine engine = SimilarityEngine::fromItemProfiles(w, items, settings.route);
            ctx.report("profiles:" + source.name, 1, 1);
            const NeighbourLists lists = offlineLists(engine, settings, ctx);
            if (wants(ContentMethod::Paper))
                addSweepRows(source.name, runKnn(source.name, engine, lists, train, test, settings, options, ctx, result),
                             test, settings.ranking, result);
            if (wants(ContentMethod::PaperBaseline))
                addSweepRows(baselineName, predictOfflineCentred(train, lists, test, settings.ks, options, *bias), test,
                             settings.ranking, result);
        }
        if (wants(ContentMethod::ItemKnn))
            addSweepRows(source.name + ":" + contentMethodName(ContentMethod::ItemKnn),
                         predictItemKnn(train, items, *bias, test, settings.ks, options, ctx), test, settings.ranking,
                         result);
        if (wants(ContentMethod::Hybrid)) {
            const std::string method = source.name + ":" + contentMethodName(ContentMethod::Hybrid);
            ctx.report(method + ": validation", 0, 1);
            const HybridChoice choice = chooseHybridWeight(data, split.train, items, settings.relevant, settings.ks,
                                                           options, settings.validateRatio, settings.seed,
                                                           defaultHybridGrid(), ctx);
            result.choices.push_back(
                {method, "a", choice.a, choice.k, choice.validationRmse, choice.validationRatings});
            addSweepRows(method, predictHybrid(train, items, settings.relevant, test, choice.a, settings.ks, options, ctx),
                         test, settings.ranking, result);
        }
        if (wants(ContentMethod::Vbpr)) {
            VbprOptions vbpr;
            vbpr.seed = settings.seed;
            const VbprModel model = trainVbpr(train, items, vbpr, ctx);
            result.rows.push_back({source.name + ":" + contentMethodName(ContentMethod::Vbpr), 0,
                                   computeMetrics(test, predictVbpr(model, train, test, options), settings.ranking)});
        }
    }
    if (settings.baselines) {
        for (bool pearson : {false, true}) {
            ctx.checkCancelled();
            const SimilarityEngine engine = SimilarityEngine::fromUserProfiles(ratingRows(train, pearson));
            const std::string method = pearson ? "user-knn-pearson" : "user-knn-cosine";
            addSweepRows(method,
                         runKnn(method, engine, offlineLists(engine, settings, ctx), train, test, settings, options,
                                ctx, result),
                         test, settings.ranking, result);
        }
        const BiasModel biasModel = bias ? *bias : fitBias(train);
        addSweepRows("knn-baseline",
                     predictKnnBaseline(train, biasModel, pearsonBaselineSimilarity(train, biasModel, 100, ctx), test,
                                        settings.ks, options),
                     test, settings.ranking, result);
        addSweepRows("knn-means", predictKnnWithMeans(train, msdSimilarity(train, ctx), test, settings.ks, options),
                     test, settings.ranking, result);
    }
    return result;
}

std::vector<AggregateRow> aggregate(const std::vector<SplitResult>& folds)
{
    std::vector<AggregateRow> rows;
    if (folds.empty())
        return rows;
    std::map<std::pair<std::string, int>, std::vector<const Metrics*>> byKey;
    for (const auto& fold : folds)
        for (const auto& row : fold.rows)
            byKey[{row.method, row.k}].push_back(&row.metrics);
    // Keep the first fold's row order.
    for (const auto& row : folds.front().rows) {
        const auto& all = byKey[{row.method, row.k}];
        AggregateRow out{row.method, row.k, {}, {}, static_cast<int>(all.size())};
        auto stat = [&](double Metrics::*field, double& mean, double& sd) {
            double sum = 0;
            for (const Metrics* m : all)
                sum += m->*field;
            mean = sum / static_cast<double>(all.size());
            double var = 0;
            for (const Metrics* m : all)
                var += (m->*field - mean) * (m->*field - mean);
            sd = all.size() > 1 ? std::sqrt(var / static_cast<double>(all.size() - 1)) : 0.0;
        };
        stat(&Metrics::rmse, out.mean.rmse, out.stddev.rmse);
        stat(&Metrics::mae, out.mean.mae, out.stddev.mae);
        stat(&Metrics::fromNeighbours, out.mean.fromNeighbours, out.stddev.fromNeighbours);
        stat(&Metrics::precision, out.mean.precision, out.stddev.precision);
        stat(&Metrics::recall, out.mean.recall, out.stddev.recall);
        stat(&Metrics::ndcg, out.mean.ndcg, out.stddev.ndcg);
        for (const Metrics* m : all) {
            out.mean.predictions += m->predictions;
            out.mean.userMeanFallbacks += m->userMeanFallbacks;
            out.mean.itemMeanFallbacks += m->itemMeanFallbacks;
            out.mean.globalMeanFallbacks += m->globalMeanFallbacks;
            out.mean.rankedUsers += m->rankedUsers;
        }
        rows.push_back(out);
    }
    return rows;
}

}  // namespace tl
