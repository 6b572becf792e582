// trailerlab-cli experiment: the paper's experiment end to end on a project.
#include <cstdio>
#include <iomanip>
#include <ostream>

#include "app/cli/ArgParser.h"
#include "app/cli/Cli.h"
#include "app/cli/ConsoleProgress.h"
#include "app/cli/RatingsOptions.h"
#include "core/common/Lists.h"
#include "core/data/Text.h"
#include "core/experiment/Experiment.h"

namespace tl::cli {

int experimentCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    ArgParser p("trailerlab-cli experiment PROJECT [options]",
                "Runs the paper's experiment on a project (PROJECT.trailerlab.json): for every model x fps,\n"
                "samples the trailers, extracts CNN features (cached in the project's feature store), builds\n"
                "item and user profiles, and evaluates user k-NN over the K sweep, plus genre-profile CF and\n"
                "the rating-only baselines. Writes a Table-1-like summary (best RMSE and its K per\n"
                "configuration), every row as CSV/JSON, and the RMSE-vs-K chart (SVG).");
    p.addPositional("PROJECT", "the project file (see trailerlab-cli demo, trailerlab-cli import)");
    p.addOption("models", "LIST", "comma-separated models: mobilenetv2, vgg11, vgg16, vgg19 [default: the project's]");
    p.addOption("fps", "LIST", "comma-separated frames per second, e.g. 1,2,3 [default: the project's]");
    p.addOption("k", "LIST", "neighbourhood sizes, e.g. 10:100:10 [default: the project's]");
    p.addOption("out", "DIR", "report folder [default: <project folder>/reports/experiment]");
    p.addOption("device", "NAME", deviceOptionHelp("where inference and content CF's similarity + top-K run"),
                "auto");
    p.addOption("weights-dir", "DIR",
                "folder with weights: <model>.safetensors for VGG (models/export_weights.py), mobilenetv2-12-int8.onnx "
                "[searched first; then the project's models folder, the data folder (`trailerlab-cli models "
                "import`), the installed models folder]");
    p.addOption("random-weights", "SEED",
                "use seeded random weights for models without weights (stamped on every output)");
    addModelOptions(p);
    p.addFlag("no-genres", "skip genre-profile CF");
    p.addOption("cold-start", "RATIO",
                "also evaluate item cold start: RATIO of the films move to test with all their ratings (seeded by the "
                "project's seed); the report gets coldstart_table.csv/.md next to table.csv/.md");
    addMethodsOption(p);
    p.addOption("split", "SPEC",
                "the split of Table 1: holdout:RATIO, kfold:K, peruser:RATIO, coldstart:RATIO (a share of the films "
                "moves to test with all their ratings), coldstart-kfold:K [default: the project's]");
    p.addFlag("no-rating-models",
              "skip the rating-only models (global/user/item mean, bias, svd, user k-NN on ratings, knn-baseline, "
              "knn-means)");
    addValidateOption(p, "the project's seed");
    addValidateKOption(p, "the project's seed");
    p.addOption("fuse-with", "FILES",
                "comma-separated item feature files of another modality (e.g. audio.csv from `extract --model audio`): "
                "each evaluated alone (rows named after the file) and, with --fuse, fused with every configuration");
    addFusionOptions(p, "every configuration and the --fuse-with files (weights: the configuration first; w chosen "
                        "on a 0.1 validation share of the training ratings unless given)");
    p.addOption("decode-workers", "N", "videos decoded in parallel", "1");
    p.addOption("cache", "DIR",
                "feature cache folder, replacing the project's \"cache\" (which must lie inside the project "
                "folder; this one may lie anywhere)");
    p.addMaxFailedOption();
    p.addFlag("quiet", "no progress messages (FFmpeg's log included)");
    if (!p.parse(args)) {
        out << p.help();
        return 0;
    }
    ExperimentOptions options;
    auto wrap = [](auto fn) {
        try {
            return fn();
        } catch (const ConfigError& e) {
            throw UsageError(e.what());
        }
    };
    if (auto v = p.value("models")) {
        std::string list = *v, item;
        for (std::size_t start = 0, comma; start <= list.size(); start = comma + 1) {
            comma = list.find(',', start);
            if (comma == std::string::npos)
                comma = list.size();
            item = list.substr(start, comma - start);
            if (!item.empty())
                options.models.push_back(item);
        }
    }
    if (auto v = p.value("fps"))
        options.fps = wrap([&] { return parseDoubleList(*v, "option --fps"); });
    if (auto v = p.value("k"))
        options.ks = wrap([&] { return parseIntList(*v, "option --k"); });
    options.device = parseDeviceOption(*p.value("device"), "device");
    if (auto v = p.value("weights-dir"))
        options.weightsDir = *v;
    options.missingWeightsAdvice = missingWeightsAdvice();
    if (p.given("random-weights"))
        options.randomWeightsSeed = static_cast<std::uint64_t>(p.integer("random-weights"));
    const ModelOptions model = wrap([&] { return readModelOptions(p); });
    options.eval.normalization = model.normalization;
    options.eval.relevant = model.relevant;
    options.eval.mode = model.mode;
    options.eval.methods = readMethodsOption(p);
    options.eval.validateRatio = readValidateOption(p);
    options.validateK = p.flag("validate-k");
    options.ratingModels = !p.flag("no-rating-models");
    if (auto v = p.value("split")) {
        wrap([&] { return parseSplitSpec(*v); });  // a bad spec is a usage error, before any extraction
        options.split = *v;
    }
    options.genres = !p.flag("no-genres");
    if (p.given("cold-start")) {
        options.coldStartRatio = p.number("cold-start");
        if (!(options.coldStartRatio > 0 && options.coldStartRatio < 1))
            throw UsageError("option --cold-start: the ratio must be between 0 and 1 (exclusive), got " +
                             *p.value("cold-start"));
    }
    options.decodeWorkers = static_cast<int>(p.integer("decode-workers"));
    if (auto files = p.value("fuse-with"))
        for (const auto& file : text::split(*files, ","))
            if (!text::trim(file).empty())
                options.fuseWith.emplace_back(std::string(text::trim(file)));
    const FusionOptions fusion = readFusionOptions(p);
    if (!fusion.kinds.empty() && options.fuseWith.empty())
        throw UsageError("--fuse needs --fuse-with FILE (the other modality, e.g. audio.csv)");
    options.fusions = fusion.kinds;
    options.fusionWeights = fusion.weights;

    ProjectLoadOptions load;
    if (auto v = p.value("cache"))
        load.cache = *v;
    const Project project = loadProject(*p.positional("PROJECT"), load);
    for (const auto& read : readsOutsideFolder(project))
        err << "reads outside the project folder: " << read << "\n";
    ConsoleProgress progress(err, p.flag("quiet"));
    const ExperimentReport report = runExperiment(project, options, progress.context());
    const std::filesystem::path outDir =
        p.value("out") ? std::filesystem::path(*p.value("out")) : project.folder() / "reports" / "experiment";
    const auto files = writeExperimentReport(report, outDir);

    out << "project: " << project.name << " (" << project.file.string() << ")\n";
    for (const auto& c : report.configurations) {
        out << "  " << c.name << ": " << c.videos - c.failedVideos << "/" << c.videos << " trailers, " << c.frames
            << " frames extracted (" << c.cachedVideos << " cached) in " << std::fixed << std::setprecision(1)
            << c.extractSeconds << " s; weights " << c.provenance << "\n";
        for (const auto& f : c.failures)
            out << "    failed: " << f << "\n";
    }
    for (const auto& note : report.results.notes)
        out << "  " << note << "\n";
    for (const auto& c : report.results.coverage)
        out << "  profiles '" << c.source << "': " << c.withProfile << " items with a profile, " << c.withoutProfile
            << " without (they still count as neighbours' ratings and test targets)\n";
    out << "\n" << std::left << std::setw(28) << "method" << std::right << std::setw(7) << "best K" << std::setw(9)
        << "RMSE" << std::setw(9) << "MAE" << std::setw(16) << "from_neighbours" << std::setw(8) << "P@10" << std::setw(8)
        << "R@10" << std::setw(9) << "NDCG@10" << "  hyper-parameters" << "\n";
    for (const auto& r : report.table)
        out << std::left << std::setw(28) << r.method << std::right << std::setw(7)
            << (r.bestK ? std::to_string(r.bestK) : "-") << std::setw(9) << std::setprecision(4) << r.metrics.rmse
            << std::setw(9) << r.metrics.mae << std::setw(16) << std::setprecision(3) << r.metrics.fromNeighbours
            << std::setw(8) << std::setprecision(4) << r.metrics.precision << std::setw(8) << r.metrics.recall
            << std::setw(9) << r.metrics.ndcg << "  " << r.tuning << "\n";
    if (!report.coldStartTable.empty()) {
        out << "\nitem cold start (" << report.coldStartTestRatings << " test ratings of films without a training "
            << "rating; rating-only models fall back):\n";
        for (const auto& r : report.coldStartTable)
            out << "  " << std::left << std::setw(28) << r.method << std::right << std::setw(7)
                << (r.bestK ? std::to_string(r.bestK) : "-") << std::setw(9) << std::setprecision(4)
                << r.metrics.rmse << "  " << r.tuning << "\n";
    }
    if (!report.results.crowding.empty())
        out << "\n" << crowdingTable(report.results.crowding);
    out << "\nexperiment took " << std::setprecision(1) << report.seconds << " s; report written to "
        << outDir.string() << ":\n";
    for (const auto& f : files)
        out << "  " << f.filename().string() << "\n";
    std::size_t failed = 0, total = 0;
    for (const auto& c : report.configurations) {
        failed += c.failedVideos;
        total += c.videos;
    }
    return p.exitStatusFor(failed, total, "trailer extractions (videos x configurations)", err);
}

}  // namespace tl::cli
