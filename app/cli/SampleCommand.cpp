// trailerlab-cli sample: samples a video's frames (N per second or one per
// shot), writes them as PNG plus a JSON index, prints a summary.

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <ostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/ArgParser.h"
#include "app/cli/Cli.h"
#include "app/cli/ConsoleProgress.h"
#include "core/common/AtomicFile.h"
#include "core/video/FrameSampler.h"
#include "core/video/PngWriter.h"

namespace tl::cli {

int sampleCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    ArgParser parser("trailerlab-cli sample VIDEO --fps N [--shots] [--out DIR] [options]",
                     "Sample a video's frames at N frames per second (or one keyframe per shot), preprocess them "
                     "as the CNN stage does, and write PNG images plus a JSON index.");
    parser.addPositional("VIDEO", "video file (anything FFmpeg reads)");
    parser.addOption("fps", "N", "frames per second to sample, any N > 0 (0.5, 1, 2, 3, 10 ...)", "1");
    parser.addFlag("shots", "one keyframe per detected shot instead of N per second (--fps is ignored)");
    parser.addOption("out", "DIR", "output folder for the PNG files and index.json (created); none: summary only");
    parser.addOption("skip-start", "SEC", "seconds skipped at the start (temporal crop)", "0");
    parser.addOption("skip-end", "SEC", "seconds skipped at the end (temporal crop)", "0");
    parser.addOption("strategy", "auto|sequential|seek",
                     "how frames are reached: auto measures the keyframe spacing; every strategy gives the same "
                     "frames",
                     "auto");
    parser.addOption("resize", "crop|direct",
                     "network input: crop = shorter side 256 then centre crop 224; direct = squash to 224x224",
                     "crop");
    parser.addFlag("keep-uniform", "keep black and near-uniform frames (dropped and counted by default)");
    parser.addOption("png", "thumb|input|both",
                     "what to write: thumb = the frame at --width pixels wide (rotation and aspect applied); "
                     "input = the 224x224 network input (de-normalised)",
                     "thumb");
    parser.addOption("width", "PX", "width of the thumbnail PNGs", "320");
    parser.addFlag("quiet", "no progress on stderr");
    parser.addEpilog(
        "\nOutput (with --out): frame_00000.png ... (input_00000.png with --png input) and index.json with the\n"
        "video's description, every frame's index, target time, exact timestamp and shot id, the shots, and the\n"
        "counted warnings. Times are seconds from the video stream's start.\n\n"
        "examples:\n  trailerlab-cli sample trailer.mp4 --fps 2 --out frames/\n"
        "  trailerlab-cli sample trailer.mp4 --shots --out shots/ --png both\n");
    if (!parser.parse(args)) {
        out << parser.help();
        return 0;
    }

    video::SamplerOptions options;
    options.mode = parser.flag("shots") ? video::SamplingMode::Shots : video::SamplingMode::Uniform;
    options.fps = parser.number("fps");
    if (!(options.fps > 0))
        throw UsageError("option --fps must be > 0, got " + parser.required("fps"));
    options.skipStart = parser.number("skip-start");
    options.skipEnd = parser.number("skip-end");
    const std::string strategy = parser.required("strategy");
    if (strategy == "auto")
        options.strategy = video::SamplingStrategy::Auto;
    else if (strategy == "sequential")
        options.strategy = video::SamplingStrategy::Sequential;
    else if (strategy == "seek")
        options.strategy = video::SamplingStrategy::Seek;
    else
        throw UsageError("option --strategy must be auto, sequential or seek, got '" + strategy + "'");
    const std::string resize = parser.required("resize");
    if (resize == "crop")
        options.resize = video::ResizeMode::ShorterSide256CentreCrop224;
    else if (resize == "direct")
        options.resize = video::ResizeMode::Direct224;
    else
        throw UsageError("option --resize must be crop or direct, got '" + resize + "'");
    options.dropUniform = !parser.flag("keep-uniform");
    const std::string png = parser.required("png");
    if (png != "thumb" && png != "input" && png != "both")
        throw UsageError("option --png must be thumb, input or both, got '" + png + "'");
    const long width = parser.integer("width");
    if (width < 16 || width > 4096)
        throw UsageError("option --width must be in 16..4096");
    options.thumbWidth = static_cast<int>(width);
    options.makeTensor = png != "thumb";

    const std::filesystem::path video = *parser.positional("VIDEO");
    std::optional<std::filesystem::path> outDir;
    if (auto dir = parser.value("out")) {
        outDir = *dir;
        std::filesystem::create_directories(*outDir);
    }

    ConsoleProgress progress(err, parser.flag("quiet"));
    nlohmann::json frames = nlohmann::json::array();
    const video::FrameSampler sampler(options);
    const video::SamplingResult result = sampler.run(
        video,
        [&](video::SampledFrame&& frame) {
            char name[32];
            nlohmann::json entry = {{"index", frame.index},
                                    {"target_index", frame.targetIndex},
                                    {"target_time", frame.targetTime},
                                    {"timestamp", frame.timestamp},
                                    {"pts", frame.pts},
                                    {"shot", frame.shotId}};
            if (frame.shotId >= 0) {
                entry["shot_start"] = frame.shotStart;
                entry["shot_end"] = frame.shotEnd;
            }
            if (outDir && png != "input") {
                std::snprintf(name, sizeof name, "frame_%05d.png", frame.index);
                video::writePng(*outDir / name, frame.thumbWidth, frame.thumbHeight, frame.thumbRgb);
                entry["png"] = name;
            }
            if (outDir && png != "thumb") {
                std::snprintf(name, sizeof name, "input_%05d.png", frame.index);
                const auto rgb = video::chwToRgb(frame.chw, frame.width, frame.height, options.mean.data(),
                                                 options.stdDev.data());
                video::writePng(*outDir / name, frame.width, frame.height, rgb);
                entry["input_png"] = name;
            }
            frames.push_back(std::move(entry));
        },
        progress.context());

    const video::VideoInfo& info = result.info;
    const video::SamplingWarnings& w = result.warnings;
    nlohmann::json shots = nlohmann::json::array();
    for (const auto& shot : result.shots)
        shots.push_back({{"id", shot.id}, {"start", shot.start}, {"end", shot.end}, {"frames", shot.frames},
                         {"emitted", shot.emitted}});
    const nlohmann::json index = {
        {"video",
         {{"path", info.path}, {"container", info.container}, {"codec", info.codec},
          {"pixel_format", info.pixelFormat}, {"width", info.width}, {"height", info.height},
          {"display_width", info.displayWidth}, {"display_height", info.displayHeight},
          {"rotation", info.rotation}, {"sar", std::to_string(info.sarNum) + ":" + std::to_string(info.sarDen)},
          {"duration", info.duration}, {"frame_rate", info.frameRate},
          {"variable_frame_rate", info.variableFrameRate}, {"frames", info.frameCount}}},
        {"options",
         {{"mode", options.mode == video::SamplingMode::Shots ? "shots" : "uniform"}, {"fps", options.fps},
          {"skip_start", options.skipStart}, {"skip_end", options.skipEnd},
          {"resize", video::toString(options.resize)}, {"drop_uniform", options.dropUniform}}},
        {"strategy", video::toString(result.strategyUsed)},
        {"targets", result.targets},
        {"frames_decoded", result.framesDecoded},
        {"seeks", result.seeks},
        {"frames", frames},
        {"shots", shots},
        {"warnings",
         {{"dropped_uniform", w.droppedUniform}, {"dropped_black", w.droppedBlack},
          {"decode_errors", w.decodeErrors}, {"read_errors", w.readErrors}, {"missed_targets", w.missedTargets},
          {"bad_entry_points", w.badEntryPoints}, {"timestamp_fixes", w.timestampFixes},
          {"truncated", w.truncated}, {"messages", w.messages}}},
    };
    if (outDir) {
        writeFileAtomically(*outDir / "index.json", index.dump(2) + "\n");
    }

    out << video.string() << ": " << info.codec << " " << info.width << "x" << info.height;
    if (info.displayWidth != info.width || info.displayHeight != info.height)
        out << " (shown " << info.displayWidth << "x" << info.displayHeight << ")";
    out << ", " << std::fixed << std::setprecision(2) << info.duration << " s, " << info.frameRate << " fps"
        << (info.variableFrameRate ? " (variable)" : "") << "\n";
    if (options.mode == video::SamplingMode::Shots)
        out << "shots: " << result.shots.size() << ", keyframes written: " << result.framesEmitted << "\n";
    else
        out << "sampled " << result.framesEmitted << " of " << result.targets << " targets at " << options.fps
            << " fps (" << video::toString(result.strategyUsed) << ", " << result.framesDecoded
            << " frames decoded, " << result.seeks << " seeks)\n";
    out << "warnings: " << w.total();
    for (const auto& message : w.messages)
        out << "\n  - " << message;
    out << "\n";
    if (outDir)
        out << "wrote " << (*outDir / "index.json").string() << "\n";
    return 0;
}

}  // namespace tl::cli
