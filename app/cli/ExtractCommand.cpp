// trailerlab-cli extract: videos -> per-frame CNN features -> item profiles (MIP),
// written as .npy + ids or CSV for `trailerlab-cli evaluate --item-features`.
#include <algorithm>
#include <fstream>
#include <iomanip>
#include <map>
#include <numeric>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/ArgParser.h"
#include "app/cli/AudioExtract.h"
#include "app/cli/AudioModelExtract.h"
#include "app/cli/Cli.h"
#include "app/cli/ConsoleProgress.h"
#include "app/cli/ProfileReduction.h"
#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/data/FeatureMatrix.h"
#include "core/features/ExtractionPipeline.h"
#include "core/features/FeatureExtractor.h"
#include "core/features/ModelRegistry.h"
#include "core/features/StoreMerge.h"
#include "core/project/Project.h"

namespace tl::cli {

namespace {

namespace fs = std::filesystem;
using namespace tl::features;

ArgParser makeParser()
{
    ArgParser p("trailerlab-cli extract (--videos DIR | --manifest FILE) --out FILE [--model NAME] [options]",
                "Samples frames of each video, runs them through an ImageNet CNN's convolutional part and\n"
                "averages the frame features into one item profile per video (paper formula 2).\n"
                "Items are named by file name without extension, or by the manifest's item_id.");
    p.addOption("videos", "DIR", "folder of videos (mp4, avi, mkv, mov, webm, ogv, m4v, mpg, mpeg, wmv, flv)");
    p.addOption("manifest", "FILE", "CSV item_id,video_path (header optional; relative paths from the manifest's folder)");
    p.addOption("model", "NAME",
                "mobilenetv2, vgg11, vgg16, vgg19, torchscript:FILE, or from the soundtrack: audio (named "
                "descriptors) or audio-torchscript:FILE (a TorchScript model over log-mel patches); see below",
                "mobilenetv2");
    p.addOption("weights", "FILE",
                "VGG: safetensors from models/export_weights.py; mobilenetv2: mobilenetv2-12-int8.onnx "
                "[default: the model's file in the data folder ($XDG_DATA_HOME/trailerlab/models, where "
                "`trailerlab-cli models import` puts it), then the installed models folder]");
    p.addOption("random-weights", "SEED", "run with seeded random weights (stamped on every output; for tests and timing)");
    p.addOption("fps", "N", "frames sampled per second of video", "1");
    p.addFlag("shots", "one keyframe per detected shot instead of N frames per second");
    p.addOption("skip-start", "SECONDS", "seconds skipped at the start of each video", "0");
    p.addOption("skip-end", "SECONDS", "seconds skipped at the end of each video", "0");
    p.addFlag("keep-uniform", "keep black / near-uniform frames (dropped by default)");
    p.addOption("device", "NAME", deviceOptionHelp("where the model runs"), "auto");
    p.addFlag("half", "half precision on CUDA");
    p.addOption("batch", "N", "frames per forward pass [default: 64 on CUDA, 16 on CPU; audio-torchscript: 64 patches]");
    p.addOption("workers", "N", "videos decoded in parallel", "1");
    p.addOption("pooling", "MODE", "frame (or log-mel patch) features -> video: mean (formula 2), max, std", "mean");
    p.addOption("patch-frames", "N", "audio-torchscript: spectrogram frames (23.2 ms apart) per log-mel patch", "64");
    p.addOption("patch-hop", "N", "audio-torchscript: spectrogram frames between the starts of successive patches", "32");
    p.addOption("mobilenet-output", "MODE", "mobilenetv2 features: pooled (1280) or map (1280x7x7)", "pooled");
    p.addOption("reduce", "SPEC", "none, topk:K (variance), pca:K, ae:K (autoencoder)", "none");
    p.addOption("seed", "N", "seed of the autoencoder", "1");
    p.addOption("out", "FILE", "item profiles: .npy (+ .ids.txt) or .csv; a .meta.json with provenance is written next to it");
    p.addOption("cache", "DIR", "feature store: finished videos are kept and reused, so an interrupted run resumes");
    p.addOption("shard", "I/N",
                "extract only shard I of N (numbered 1..N, e.g. 3/8): the items sorted by id, every N-th "
                "starting with the I-th. --out FILE becomes FILE.shard-I-of-N.EXT and --cache DIR becomes "
                "DIR/shard-I-of-N, so shards may run at the same time on a shared filesystem; combine them "
                "with `trailerlab-cli merge`. Not with --reduce (give it to merge)");
    p.addMaxFailedOption();
    p.addFlag("quiet", "no progress messages (FFmpeg's log included)");
    p.addEpilog("examples:\n"
                "  trailerlab-cli extract --videos trailers/ --fps 1 --out mip.npy --cache cache/\n"
                "  trailerlab-cli extract --manifest items.csv --model vgg19 --weights vgg19.safetensors --device cuda --out vgg19.npy\n"
                "  trailerlab-cli evaluate --ratings ratings.csv --item-features mip.npy\n"
                "  # four machines, then one merge:\n"
                "  trailerlab-cli extract --manifest items.csv --shard 1/4 --out mip.npy --cache cache/   # ... 4/4\n"
                "  trailerlab-cli merge --out mip.npy mip.shard-*-of-4.npy\n"
                "  trailerlab-cli extract --videos trailers/ --model audio --out audio.csv\n"
                "\n--model audio: one row per video with sound of 294 named descriptors (the CSV header names them:\n"
                "log-mel bands logmel00..39, MFCCs mfcc00..12, centroid_hz, flux, rolloff_hz, flatness, zcr, each as\n"
                "_mean, _std, _p10, _p50, _p90 over 93 ms frames; onset_rate_hz, tempo_bpm, loudness_lufs (EBU R 128),\n"
                "loudness_range_lu). Videos without an audio stream get no row: they are listed on stderr, in\n"
                "FILE.no-audio.txt and in FILE.meta.json. Takes --videos or --manifest, --out FILE.csv, --max-failed\n"
                "and --quiet; the frame options are refused.\n"
                "\n--model audio-torchscript:FILE.pt: a user's TorchScript model (never downloaded) over log-mel patches\n"
                "of the soundtrack: mono 22050 Hz, 2048-sample Hann frames every 512 samples, 40 HTK-mel bands\n"
                "(0 .. 11025 Hz) of the power spectrum in dB (10 log10(E + 1e-10)), cut into patches of --patch-frames\n"
                "frames every --patch-hop frames: float32 [N, 1, 40, patch-frames] in, [N, D] out. The patches' outputs\n"
                "are pooled per video (--pooling) into one row per video with sound, columns audio-ts.d00...;\n"
                "FILE.meta.json records the model's SHA-256 and the input contract; videos without sound are listed as\n"
                "for --model audio. Takes --device, --batch (patches per forward pass), --pooling, --patch-frames,\n"
                "--patch-hop, --out FILE.csv or .npy, --max-failed and --quiet. See docs/audio-models.md.\n"
                "  trailerlab-cli extract --videos trailers/ --model audio-torchscript:my-audio.pt --out audio-ts.csv\n");
    return p;
}

bool isVideoFile(const fs::path& p)
{
    static const std::set<std::string> ext{".mp4", ".avi", ".mkv", ".mov", ".webm", ".ogv", ".ogg", ".m4v",
                                           ".mpg", ".mpeg", ".wmv", ".flv", ".ts"};
    std::string e = p.extension().string();
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext.count(e) > 0;
}

std::vector<VideoItem> listFolder(const fs::path& dir)
{
    if (!fs::is_directory(dir))
        throw UsageError("--videos " + dir.string() + ": not a folder");
    std::vector<VideoItem> items;
    // Anything with a video extension that is not a folder is listed, so a FIFO or a
    // device named like a video is refused by name later, never skipped in silence.
    for (const auto& entry : fs::directory_iterator(dir))
        if (!entry.is_directory() && isVideoFile(entry.path()))
            items.push_back({entry.path().stem().string(), entry.path()});
    std::sort(items.begin(), items.end(), [](const VideoItem& a, const VideoItem& b) { return a.path < b.path; });
    std::map<std::string, fs::path> seen;
    for (const auto& item : items)
        if (auto [it, fresh] = seen.emplace(item.id, item.path); !fresh)
            throw DataError(item.path.string(), 0, "same item id '" + item.id + "' as " + it->second.string() +
                                                       ": use --manifest to name the items");
    if (items.empty())
        throw DataError(dir.string(), 0, "no video files in the folder");
    return items;
}

// The manifest's videos, checked in one pass: every missing or unusable file is reported
// (with its manifest line) into `problems` and left out; an error only when none is left.
std::vector<VideoItem> readManifest(const fs::path& file, std::vector<ManifestProblem>& problems, std::ostream& err,
                                    bool check)
{
    std::vector<ManifestEntry> entries = tl::readManifest(file);
    if (entries.empty())
        throw DataError(file.string(), 0, "the manifest lists no video");
    const std::size_t listed = entries.size();
    if (check)
        problems = checkManifestVideos(entries);
    for (const auto& problem : problems)
        err << "failed: " << problem.entry.item << " (" << problem.entry.video.string() << ", " << file.string() << ":"
            << problem.entry.line << "): " << problem.reason << "\n";
    if (entries.empty())
        throw DataError(file.string(), 0, "none of its " + std::to_string(listed) + " videos can be used (listed above)");
    std::vector<VideoItem> items;
    items.reserve(entries.size());
    for (auto& entry : entries)
        items.push_back({std::move(entry.item), std::move(entry.video)});
    return items;
}

}  // namespace

int extractCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    ArgParser p = makeParser();
    if (!p.parse(args)) {
        out << p.help();
        return 0;
    }
    if (p.given("videos") == p.given("manifest"))
        throw UsageError("give exactly one of --videos DIR and --manifest FILE");
    fs::path outPath = p.required("out");
    const ComputeDevice device = parseDeviceOption(*p.value("device"), "device");  // before any file is read
    const std::string reduction = *p.value("reduce");
    std::optional<ShardSpec> shard;
    if (p.given("shard")) {
        try {
            shard = parseShardSpec(*p.value("shard"));
        } catch (const ConfigError& e) {
            throw UsageError(e.what());
        }
        if (outPath.extension() != ".npy" && outPath.extension() != ".csv")
            throw UsageError("--out " + outPath.string() + " with --shard: give a .npy or .csv file (the shard's "
                             "name is made by inserting .shard-I-of-N before that extension)");
        if (reduction != "none")
            throw UsageError("--reduce " + reduction + " with --shard: a reduction is fitted on all items; extract the "
                             "shards without it and give --reduce to `trailerlab-cli merge`");
    }
    std::vector<ManifestProblem> unusable;  // manifest rows whose video cannot be used: failed items
    // A shard's items are picked from the whole list, so a shard checks only its own videos (in the pipeline).
    std::vector<VideoItem> videos = p.given("videos") ? listFolder(*p.value("videos"))
                                                      : readManifest(*p.value("manifest"), unusable, err, !shard);
    if (p.value("model")->rfind(kAudioTorchScriptPrefix, 0) == 0)
        return extractAudioModel(p, videos, unusable.size(), outPath, out, err);
    for (const auto& name : audioModelOnlyOptions())
        if (p.given(name))
            throw UsageError("--" + name + " applies only to --model " + kAudioTorchScriptPrefix + "FILE");
    if (*p.value("model") == "audio")
        return extractAudio(p, videos, unusable.size(), outPath, out, err);

    // Sharding: keep this shard's items (input order) and their positions in the full list.
    const std::size_t itemsTotal = videos.size();
    std::string itemsDigest;
    std::map<std::string, std::size_t> positionOf;
    if (shard) {
        std::vector<std::string> ids;
        for (const auto& v : videos)
            ids.push_back(v.id);
        itemsDigest = itemListDigest(ids);
        std::vector<VideoItem> mine;
        for (std::size_t position : shardPositions(ids, *shard)) {
            positionOf.emplace(videos[position].id, position);
            mine.push_back(videos[position]);
        }
        videos = std::move(mine);
        outPath = shardPath(outPath, *shard, false);
        err << "shard " << shard->index << "/" << shard->count << ": " << videos.size() << " of " << itemsTotal
            << " items -> " << outPath.string() << "\n";
    }

    ModelSpec spec;
    spec.model = *p.value("model");
    if (p.given("random-weights"))
        spec.randomSeed = static_cast<std::uint64_t>(p.integer("random-weights"));
    const fs::path weights = p.value("weights") ? fs::path(*p.value("weights")) : fs::path();
    // Random weights only where no file is given: an explicit --weights still wins.
    if (spec.model.rfind("torchscript:", 0) != 0 && (!spec.randomSeed || !weights.empty()))
        spec.weights = ModelRegistry::standard().require(spec.model, weights, missingWeightsAdvice());
    spec.device = device;
    spec.half = p.flag("half");
    const std::string mobilenetOutput = *p.value("mobilenet-output");
    if (mobilenetOutput != "pooled" && mobilenetOutput != "map")
        throw UsageError("--mobilenet-output " + mobilenetOutput + ": expected pooled or map");
    spec.mobilenetOutput = mobilenetOutput == "map" ? MobileNetOutput::Map : MobileNetOutput::Pooled;
    const Pooling pooling = parsePooling(*p.value("pooling"));

    PipelineOptions options;
    options.sampler.fps = p.number("fps");
    if (p.flag("shots"))
        options.sampler.mode = video::SamplingMode::Shots;
    options.sampler.skipStart = p.number("skip-start");
    options.sampler.skipEnd = p.number("skip-end");
    options.sampler.dropUniform = !p.flag("keep-uniform");
    if (p.given("batch"))
        options.batchSize = static_cast<std::size_t>(std::max(1L, p.integer("batch")));
    options.decodeWorkers = static_cast<int>(std::max(1L, p.integer("workers")));
    if (auto c = p.value("cache"))
        options.cacheDir = shard ? shardPath(*c, *shard, true) : fs::path(*c);
    const auto seed = static_cast<std::uint64_t>(p.integer("seed"));

    auto extractor = createExtractor(spec);
    err << "model: " << extractor->name() << " (" << extractor->featureDim() << " features per frame) on "
        << extractor->deviceName() << "\nweights: " << extractor->provenance() << "\n";
    if (extractor->randomWeights())
        err << "WARNING: RANDOM WEIGHTS: these features carry no ImageNet knowledge\n";

    ConsoleProgress progress(err, p.flag("quiet"));
    const JobContext ctx = progress.context();
    const ExtractionResult result = extractFeatures(*extractor, videos, options, ctx);

    for (const auto& v : result.videos) {
        if (!v.storeProblem.empty())
            err << "cache: " << v.storeProblem << " (moved aside; " << v.id << " recomputed)\n";
        if (!v.ok)
            err << "failed: " << v.id << " (" << v.path.string() << "): " << v.error << "\n";
    }
    if (result.profiles.empty() && !shard)  // a shard writes its failures for merge even then
        throw DataError(p.given("videos") ? *p.value("videos") : *p.value("manifest"), 0,
                        "no video gave features (" + std::to_string(result.failedVideos + unusable.size()) +
                            " failed, each listed above)");

    FeatureMatrix mip = reduceProfiles(itemProfileMatrix(result, pooling), reduction, seed, ctx);
    if (mip.rows() == 0)
        mip.values.resize(0, static_cast<Eigen::Index>(extractor->featureDim()));
    writeFeatureMatrix(mip, outPath);

    nlohmann::json meta = {{"model", result.model},
                           {"provenance", result.provenance},
                           {"weights_id", extractor->weightsId()},
                           {"random_weights", extractor->randomWeights()},
                           {"device", result.device},
                           {"precision", extractor->halfPrecision() ? "half" : "float32"},
                           {"sampling", describeSampling(options.sampler)},
                           {"preprocessing", describePreprocessing(options.sampler)},
                           {"pooling", toString(pooling)},
                           {"reduction", reduction},
                           {"items", mip.rows()},
                           {"features", mip.dims()},
                           {"frames_computed", result.framesComputed},
                           {"videos_from_cache", result.cachedVideos}};
    if (!options.cacheDir.empty())
        meta["cache"] = fs::absolute(options.cacheDir).lexically_normal().string();
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& problem : unusable)
        failures.push_back({{"item", problem.entry.item}, {"video", problem.entry.video.string()},
                            {"error", problem.reason}, {"manifest_line", problem.entry.line}});
    for (const auto& v : result.videos)
        if (!v.ok) {
            failures.push_back({{"item", v.id}, {"video", v.path.string()}, {"error", v.error}});
            if (shard)
                failures.back()["position"] = positionOf.at(v.id);
        }
    meta["failures"] = failures;
    if (shard) {
        nlohmann::json positions = nlohmann::json::array();
        for (const auto& id : mip.ids)
            positions.push_back(positionOf.at(id));
        meta["shard"] = {{"index", shard->index},
                         {"count", shard->count},
                         {"assignment", "items sorted by id (byte order); the k-th goes to shard k mod N + 1"},
                         {"items_total", itemsTotal},
                         {"items_digest", itemsDigest},
                         {"assigned", videos.size()},
                         {"positions", positions}};
    }
    fs::path metaPath = outPath;
    metaPath.replace_extension(".meta.json");
    writeFileAtomically(metaPath, meta.dump(2) + "\n");  // `merge` never reads half a file

    out << std::fixed << std::setprecision(1) << "wrote " << outPath.string() << ": " << mip.rows() << " items x "
        << mip.dims() << " features (" << toString(pooling) << " pooling" << (reduction != "none" ? ", " + reduction : "")
        << "); " << result.framesComputed << " frames in " << result.seconds << " s ("
        << result.framesPerSecond() << " frames/s), " << result.cachedVideos << " videos from cache, "
        << result.failedVideos + unusable.size() << " failed\n"
        << "weights: " << result.provenance << "\n";
    return p.exitStatusFor(result.failedVideos + unusable.size(), result.videos.size() + unusable.size(), "videos", err);
}

}  // namespace tl::cli
