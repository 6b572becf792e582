#include "core/experiment/Experiment.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/cf/FeatureFusion.h"
#include "core/common/Lists.h"
#include "core/data/Items.h"
#include "core/eval/MetricsTable.h"
#include "core/features/ExtractionPipeline.h"
#include "core/features/FeatureExtractor.h"
#include "core/features/FeatureNames.h"
#include "core/features/ModelRegistry.h"
#include "core/experiment/ProjectExtraction.h"

namespace tl {

namespace {

// options.weightsDir first (when given), then the registry's places.
features::WeightsLookup findWeights(const features::ModelRegistry& registry, const std::string& model,
                                    const std::filesystem::path& weightsDir)
{
    if (!weightsDir.empty()) {
        const auto inDir = weightsDir / features::ModelRegistry::weightsFileName(model);
        if (std::filesystem::is_regular_file(inDir))
            return registry.find(model, inDir);
        auto lookup = registry.find(model);
        lookup.searched.insert(lookup.searched.begin(), {features::WeightsSource::Explicit, inDir});
        return lookup;
    }
    return registry.find(model);
}

}  // namespace

std::vector<TableRow> bestPerMethod(const std::vector<ResultRow>& rows, const std::map<std::string, int>& chosenK)
{
    std::vector<TableRow> table;
    for (std::size_t n : shownRowPerMethod(rows, chosenK))
        table.push_back({rows[n].method, rows[n].k, rows[n].metrics, {}});
    return table;
}

namespace {

// The tuning facts of one evaluation (every split's hybrid choices), K chosen on
// validation when asked for, and the table with its tuning texts.
std::vector<TableRow> tunedTable(const Dataset& data, const std::vector<Split>& splits,
                                 const std::vector<ContentSource>& sources, const EvalSettings& settings,
                                 const std::vector<SplitResult>& folds, const std::vector<ResultRow>& rows,
                                 bool validateK, TuningFacts& facts, const JobContext& ctx)
{
    facts.ks = settings.ks;
    facts.validateRatio = settings.validateRatio;
    facts.seed = settings.seed;
    facts.kOnValidation = validateK;
    for (const auto& fold : folds)
        facts.choices.insert(facts.choices.end(), fold.choices.begin(), fold.choices.end());
    if (validateK)
        facts.validatedK = chooseKOnValidation(data, splits, sources, settings, facts.choices, ctx);
    auto table = bestPerMethod(rows, facts.validatedK);
    for (auto& row : table)
        row.tuning = tableRowTuning(row.method, row.bestK, facts);
    return table;
}

// The fuseWith files as sources of their own, then every configuration fused with them.
void addFusedSources(const ExperimentReport& report, const ExperimentOptions& options,
                     std::vector<FeatureMatrix>& matrices, std::vector<ContentSource>& sources,
                     std::deque<FusionSpec>& specs)
{
    const std::size_t configurations = sources.size();
    std::vector<FusionBlock> extra;
    for (const auto& file : options.fuseWith) {
        matrices.push_back(readFeatureMatrix(file));
        sources.push_back({file.stem().string(), &matrices.back()});
        extra.push_back({file.stem().string(), &matrices.back(), featureColumnNames(file), 1.0});
    }
    if (extra.empty() || options.fusions.empty())
        return;
    for (std::size_t c = 0; c < configurations; ++c) {
        FusionBlock visual{sources[c].name, sources[c].features, {}, 1.0, true};
        for (const auto& summary : report.configurations)
            if (summary.name == visual.name) {
                const auto layout = features::FeatureLayout::forModel(summary.model, visual.features->dims());
                for (std::size_t f = 0; f < visual.features->dims(); ++f)
                    visual.columnNames.push_back(features::featureName(layout, f));
            }
        std::vector<FusionBlock> blocks{visual};
        blocks.insert(blocks.end(), extra.begin(), extra.end());
        std::vector<std::string> names;
        for (auto& b : blocks)
            names.push_back(b.name);
        for (FusionKind kind : options.fusions) {
            const FusionSpec& spec = specs.emplace_back(makeFusionSpec(kind, blocks, options.fusionWeights));
            sources.push_back({fusedSourceName(names, kind), visual.features, &spec});
        }
    }
}

}  // namespace

ExperimentReport runExperiment(const Project& project, const ExperimentOptions& options, const JobContext& ctx)
{
    const auto start = std::chrono::steady_clock::now();
    ExperimentReport report;
    report.project = project.name;

    Dataset data;
    ReadOptions read;
    read.format = parseRatingsFormat(project.ratingsFormat);
    readRatings(project.ratings, data, read);
    const auto splits =
        makeSplits(data, parseSplitSpec(options.split.empty() ? project.split : options.split), project.seed);

    std::vector<features::VideoItem> videos;
    std::vector<ManifestProblem> unusable;  // checked once, in one pass; failed in every configuration
    if (!project.manifest.empty()) {
        auto entries = readManifest(project.manifest);
        unusable = checkManifestVideos(entries);
        for (auto& entry : entries)
            videos.push_back({std::move(entry.item), std::move(entry.video)});
    }

    const auto models = options.models.empty() ? project.models : options.models;
    const auto fpsList = options.fps.empty() ? project.fps : options.fps;
    EvalSettings settings = options.eval;
    settings.ks = options.ks.empty() ? parseIntList(project.k, "K range") : options.ks;
    settings.baselines = options.ratingModels;
    settings.seed = project.seed;
    settings.device = options.device;  // similarity + top-K on the GPU too when inference is there

    // One feature matrix per configuration (model x fps); storage stays put for the pointers.
    std::vector<FeatureMatrix> matrices;
    matrices.reserve(models.size() * fpsList.size() + options.fuseWith.size() + 1);
    std::vector<ContentSource> sources;
    const auto registry = features::ModelRegistry::standard(project.folder());
    if (!videos.empty() || !unusable.empty()) {
        for (const auto& model : models) {
            features::ModelSpec spec;
            spec.model = model;
            spec.device = options.device;
            if (model.rfind("torchscript:", 0) != 0) {
                const features::WeightsLookup lookup = findWeights(registry, model, options.weightsDir);
                if (lookup.found())
                    spec.weights = lookup.file;
                else if (options.randomWeightsSeed)
                    spec.randomSeed = options.randomWeightsSeed;
                else
                    throw ModelError(lookup.describeMissing() + "\n" +
                                     (options.missingWeightsAdvice.empty() ? std::string("Import the file once, or ask "
                                                                                         "for seeded random weights.")
                                                                           : options.missingWeightsAdvice));
            }
            const auto extractor = features::createExtractor(spec);
            for (double fps : fpsList) {
                ctx.checkCancelled();
                ConfigurationSummary summary;
                summary.model = model;
                summary.fps = fps;
                tl::ExtractionSettings named;
                named.model = spec;
                named.fps = fps;
                summary.name = tl::configurationName(named);
                summary.provenance = extractor->provenance();
                summary.randomWeights = extractor->randomWeights();
                features::PipelineOptions pipeline;
                pipeline.sampler.fps = fps;
                pipeline.cacheDir = project.cache / "features";  // the workbench's store too
                pipeline.decodeWorkers = std::max(1, options.decodeWorkers);
                const auto result = videos.empty() ? features::ExtractionResult{}
                                                   : features::extractFeatures(*extractor, videos, pipeline, ctx);
                summary.videos = result.videos.size() + unusable.size();
                summary.failedVideos = result.failedVideos + unusable.size();
                for (const auto& problem : unusable)
                    summary.failures.push_back(problem.entry.item + ": " + problem.entry.video.string() + " (" +
                                               project.manifest.string() + ":" + std::to_string(problem.entry.line) +
                                               "): " + problem.reason);
                summary.cachedVideos = result.cachedVideos;
                summary.frames = result.framesComputed;
                summary.extractSeconds = result.seconds;
                for (const auto& v : result.videos)
                    if (!v.ok)
                        summary.failures.push_back(v.id + ": " + v.error);
                report.configurations.push_back(summary);
                if (result.profiles.empty())
                    continue;
                matrices.push_back(features::itemProfileMatrix(result));
                sources.push_back({summary.name, &matrices.back()});
                // The workbench lists this configuration from <cache>/profiles.
                tl::writeConfigurationProfiles(project, summary.name, matrices.back(), *extractor,
                                                      pipeline.sampler, result.framesComputed, result.videos);
            }
        }
    }
    std::deque<FusionSpec> fusionSpecs;  // pointed to by the fused sources
    addFusedSources(report, options, matrices, sources, fusionSpecs);
    if (options.genres && !project.items.empty()) {
        matrices.push_back(genreFeatures(readItems(project.items)));
        sources.push_back({"genre", &matrices.back()});
    }

    std::vector<SplitResult> folds;
    if (splits.size() == 1) {
        report.results = evaluateSplit(data, splits.front(), sources, settings, ctx);
        report.aggregated = singleSplitRows(report.results.rows);
        folds.push_back(report.results);
    } else {
        for (const auto& split : splits)
            folds.push_back(evaluateSplit(data, split, sources, settings, ctx));
        report.results = folds.front();
        report.results.rows.clear();
        report.aggregated = aggregate(folds);
        for (const auto& row : report.aggregated)
            report.results.rows.push_back({row.method, row.k, row.mean});
    }
    report.table = tunedTable(data, splits, sources, settings, folds, report.results.rows, options.validateK,
                              report.tuning, ctx);
    if (options.coldStartRatio > 0) {
        ctx.report("cold start", 0, 1);
        const Split coldSplit = coldStartHoldout(data, options.coldStartRatio, project.seed);
        const SplitResult cold = evaluateSplit(data, coldSplit, sources, settings, ctx);
        report.coldStartTable = tunedTable(data, {coldSplit}, sources, settings, {cold}, cold.rows, options.validateK,
                                           report.coldStartTuning, ctx);
        report.coldStartRatio = options.coldStartRatio;
        report.coldStartTestRatings = cold.testRatings;
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

std::string rmseChartSvg(const std::vector<ResultRow>& rows, const std::string& title)
{
    std::map<std::string, std::vector<std::pair<int, double>>> curves;
    std::vector<std::string> order;
    std::vector<std::pair<std::string, double>> baselines;
    double lo = 1e9, hi = -1e9;
    int kMin = 1 << 30, kMax = 0;
    for (const auto& r : rows) {
        lo = std::min(lo, r.metrics.rmse);
        hi = std::max(hi, r.metrics.rmse);
        if (r.k == 0) {
            baselines.push_back({r.method, r.metrics.rmse});
            continue;
        }
        if (!curves.count(r.method))
            order.push_back(r.method);
        curves[r.method].push_back({r.k, r.metrics.rmse});
        kMin = std::min(kMin, r.k);
        kMax = std::max(kMax, r.k);
    }
    if (kMax <= kMin)
        kMax = kMin + 1;
    if (hi <= lo)
        hi = lo + 0.01;
    const double pad = (hi - lo) * 0.08;
    lo -= pad;
    hi += pad;
    const double W = 820, H = 480, left = 70, right = 230, top = 40, bottom = 55;
    const double pw = W - left - right, ph = H - top - bottom;
    auto X = [&](double k) { return left + (k - kMin) / (kMax - kMin) * pw; };
    auto Y = [&](double v) { return top + (hi - v) / (hi - lo) * ph; };
    static const char* colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
                                    "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#7f7f7f"};
    std::ostringstream svg;
    svg.setf(std::ios::fixed);
    svg.precision(1);
    svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
        << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
        << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        << "<text x=\"" << left << "\" y=\"24\" font-size=\"15\">" << title << "</text>\n"
        << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << pw << "\" height=\"" << ph
        << "\" fill=\"none\" stroke=\"#444\"/>\n";
    for (int t = 0; t <= 5; ++t) {
        const double v = lo + (hi - lo) * t / 5.0, y = Y(v);
        svg << "<line x1=\"" << left << "\" x2=\"" << left + pw << "\" y1=\"" << y << "\" y2=\"" << y
            << "\" stroke=\"#ddd\"/><text x=\"" << left - 8 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\">";
        svg.precision(3);
        svg << v;
        svg.precision(1);
        svg << "</text>\n";
    }
    std::vector<int> kTicks;
    for (const auto& [method, points] : curves)
        for (const auto& [k, v] : points)
            if (std::find(kTicks.begin(), kTicks.end(), k) == kTicks.end())
                kTicks.push_back(k);
    std::sort(kTicks.begin(), kTicks.end());
    for (int k : kTicks)
        svg << "<text x=\"" << X(k) << "\" y=\"" << top + ph + 18 << "\" text-anchor=\"middle\">" << k << "</text>\n";
    svg << "<text x=\"" << left + pw / 2 << "\" y=\"" << H - 12 << "\" text-anchor=\"middle\">K (neighbours)</text>\n"
        << "<text transform=\"translate(18," << top + ph / 2 << ") rotate(-90)\" text-anchor=\"middle\">RMSE</text>\n";
    double legendY = top + 10;
    std::size_t colour = 0;
    for (const auto& method : order) {
        const char* c = colours[colour++ % 10];
        svg << "<polyline fill=\"none\" stroke=\"" << c << "\" stroke-width=\"2\" points=\"";
        for (const auto& [k, v] : curves[method])
            svg << X(k) << "," << Y(v) << " ";
        svg << "\"/>\n";
        for (const auto& [k, v] : curves[method])
            svg << "<circle cx=\"" << X(k) << "\" cy=\"" << Y(v) << "\" r=\"2.5\" fill=\"" << c << "\"/>\n";
        svg << "<line x1=\"" << W - right + 12 << "\" x2=\"" << W - right + 36 << "\" y1=\"" << legendY << "\" y2=\""
            << legendY << "\" stroke=\"" << c << "\" stroke-width=\"2\"/><text x=\"" << W - right + 42 << "\" y=\""
            << legendY + 4 << "\">" << method << "</text>\n";
        legendY += 18;
    }
    for (const auto& [method, v] : baselines) {
        const char* c = colours[colour++ % 10];
        svg << "<line x1=\"" << left << "\" x2=\"" << left + pw << "\" y1=\"" << Y(v) << "\" y2=\"" << Y(v)
            << "\" stroke=\"" << c << "\" stroke-dasharray=\"6,4\"/>\n"
            << "<line x1=\"" << W - right + 12 << "\" x2=\"" << W - right + 36 << "\" y1=\"" << legendY << "\" y2=\""
            << legendY << "\" stroke=\"" << c << "\" stroke-dasharray=\"6,4\"/><text x=\"" << W - right + 42
            << "\" y=\"" << legendY + 4 << "\">" << method << " (baseline)</text>\n";
        legendY += 18;
    }
    svg << "</svg>\n";
    return svg.str();
}

std::vector<std::filesystem::path> writeExperimentReport(const ExperimentReport& report,
                                                         const std::filesystem::path& dir)
{
    std::vector<std::filesystem::path> written;  // writeFileAtomically creates the folder
    auto write = [&](const std::string& name, const std::string& text) {
        const auto path = dir / name;
        writeFileAtomically(path, text);
        written.push_back(path);
    };
    // Every table ends with the tuning column: how each row's hyper-parameters were chosen.
    auto withTuning = [](std::vector<MetricColumn> columns) {
        columns.push_back(MetricColumn::Tuning);
        return columns;
    };
    auto tableOf = [&](const std::vector<TableRow>& table) {
        std::vector<AggregateRow> rows;
        std::vector<std::string> tuning;
        for (const auto& r : table) {
            rows.push_back(singleSplitRow({r.method, r.bestK, r.metrics}));
            tuning.push_back(r.tuning);
        }
        return MetricsTable(withTuning(bestKColumns()), std::move(rows), std::move(tuning));
    };
    const MetricsTable bestTable = tableOf(report.table);
    const MetricsTable coldTable = tableOf(report.coldStartTable);
    // A report assembled by hand (not by runExperiment) has no aggregated rows.
    std::vector<AggregateRow> all =
        report.aggregated.empty() ? singleSplitRows(report.results.rows) : report.aggregated;
    std::vector<std::string> allTuning;
    for (const auto& r : all)
        allTuning.push_back(sweepRowTuning(r.method, r.k, report.tuning));
    const MetricsTable resultTable(withTuning(resultColumns()), std::move(all), std::move(allTuning));
    nlohmann::json doc;
    doc["project"] = report.project;
    doc["seconds"] = report.seconds;
    doc["configurations"] = nlohmann::json::array();
    for (const auto& c : report.configurations)
        doc["configurations"].push_back({{"name", c.name},
                                         {"model", c.model},
                                         {"fps", c.fps},
                                         {"provenance", c.provenance},
                                         {"videos", c.videos},
                                         {"failed_videos", c.failedVideos},
                                         {"cached_videos", c.cachedVideos},
                                         {"frames", c.frames},
                                         {"extract_seconds", c.extractSeconds},
                                         {"failures", c.failures}});
    doc["coverage"] = nlohmann::json::array();
    for (const auto& c : report.results.coverage)
        doc["coverage"].push_back(
            {{"source", c.source}, {"with_profile", c.withProfile}, {"without_profile", c.withoutProfile}});
    doc["rows"] = resultTable.json();
    if (!report.coldStartTable.empty())
        doc["cold_start"] = {{"item_ratio", report.coldStartRatio},
                             {"test_ratings", report.coldStartTestRatings},
                             {"table", coldTable.json()}};
    // Crowding of each k-NN method's similarities (a file and a key of their own, so the
    // files above keep their columns).
    char line[512];
    std::ostringstream crowding;
    crowding << "method,k,median_spread,near_tie_share,spread_users,gap_users,severe\n";
    doc["crowding"] = nlohmann::json::array();
    for (const auto& c : report.results.crowding) {
        std::snprintf(line, sizeof line, "%s,%d,%.6e,%.6f,%zu,%zu,%d\n", c.method.c_str(), c.stats.k,
                      c.stats.medianSpread, c.stats.nearTieShare, c.stats.spreadUsers, c.stats.gapUsers,
                      c.stats.severe() ? 1 : 0);
        crowding << line;
        doc["crowding"].push_back({{"method", c.method},
                                   {"k", c.stats.k},
                                   {"median_spread", c.stats.medianSpread},
                                   {"near_tie_share", c.stats.nearTieShare},
                                   {"severe", c.stats.severe()}});
    }
    write("table.csv", bestTable.text(MetricsFormat::Csv));
    write("table.md", bestTable.text(MetricsFormat::Markdown));
    write("results.csv", resultTable.text(MetricsFormat::Csv));
    write("results.json", doc.dump(2) + "\n");
    write("rmse_vs_k.svg", rmseChartSvg(report.results.rows, "RMSE vs K: " + report.project));
    write("crowding.csv", crowding.str());
    write("crowding.txt", crowdingTable(report.results.crowding));
    if (!report.coldStartTable.empty()) {
        write("coldstart_table.csv", coldTable.text(MetricsFormat::Csv));
        write("coldstart_table.md", coldTable.text(MetricsFormat::Markdown));
    }
    return written;
}

}  // namespace tl
