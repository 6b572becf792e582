#include "core/video/FrameSampler.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include "core/video/FramePreprocessor.h"
#include "core/video/PacketScan.h"
#include "core/video/ShotDetector.h"
#include "core/video/UniformSchedule.h"
#include "core/video/VideoDecoder.h"
#include "core/video/VideoGeometry.h"
#include "core/video/VideoProbe.h"

namespace tl::video {

namespace {
// A RIFF file (AVI) records its length in its first chunk header; fewer bytes on disk
// mean it was cut off. FFmpeg's AVI demuxer reads such a file to its end without any
// error (the index at the end is simply missing), so this is the only sign.
bool riffCutShort(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    unsigned char header[12];
    if (!in.read(reinterpret_cast<char*>(header), sizeof header) || std::memcmp(header, "RIFF", 4) != 0)
        return false;
    const std::uint64_t declared = 8 + (std::uint64_t(header[4]) | std::uint64_t(header[5]) << 8 |
                                        std::uint64_t(header[6]) << 16 | std::uint64_t(header[7]) << 24);
    std::error_code ec;
    const std::uint64_t size = std::filesystem::file_size(file, ec);
    return !ec && size < declared;
}
}  // namespace

FrameSampler::FrameSampler(SamplerOptions options) : options_(std::move(options))
{
    const auto bad = [](const std::string& what) { throw ConfigError("sampler: " + what); };
    if (options_.mode == SamplingMode::Uniform && !(options_.fps > 0 && std::isfinite(options_.fps)))
        bad("fps must be a positive number");
    if (options_.mode == SamplingMode::Uniform && options_.fps > 1000)
        bad("fps must be at most 1000");
    if (!(options_.skipStart >= 0) || !(options_.skipEnd >= 0))
        bad("skipStart and skipEnd must be >= 0 seconds");
    if (options_.inputSize < 8 || options_.inputSize > 4096)
        bad("inputSize must be in 8..4096");
    if (options_.resizeShorterSide < options_.inputSize && options_.resize == ResizeMode::ShorterSide256CentreCrop224)
        bad("resizeShorterSide must be >= inputSize");
    if (options_.thumbWidth < 0 || options_.thumbWidth > 4096)
        bad("thumbWidth must be in 0..4096");
    if (options_.shots.thumbSize < 8 || options_.shots.thumbSize > 512)
        bad("shots.thumbSize must be in 8..512");
    for (int c = 0; c < 3; ++c)
        if (!(options_.stdDev[static_cast<std::size_t>(c)] > 0))
            bad("stdDev must be positive");
    if (options_.decodeThreads < 0)
        bad("decodeThreads must be >= 0");
}

namespace {

constexpr std::size_t kMaxShotCandidates = 16;

// One decoded frame with its repaired, stream-relative timestamp.
struct Decoded {
    FramePtr frame = makeFrame();
    std::int64_t pts = 0;  // relative to the stream start, stream time base
    double time = 0;
    bool damaged = false;
    bool valid = false;
};

// Where uniform sampling stands in the stream between two targets.
struct UniformCursor {
    Decoded prev;               // the last frame at or before the current target
    Decoded pending;            // the frame after it (read ahead)
    bool eof = false;
    bool atStreamStart = true;  // no seek since the decoder opened at the start
    bool seeking = false;       // the strategy, until an entry point fails
    double minSkip = 0;         // minSeekSkip() of this video
    int trustedEntry = -1;      // clean keyframe last entered successfully (-1: the stream start)
    int verifyingEntry = -1;    // keyframe entered by the last seek, until its first target is served
    std::set<std::size_t> badEntries;

    double position() const { return pending.valid ? pending.time : prev.valid ? prev.time : kBeforeStream; }
};

// Everything one run() call needs; lives on the caller's stack.
class SamplingRun {
public:
    SamplingRun(const SamplerOptions& options, const std::filesystem::path& file, const FrameSampler::Sink& sink,
                const JobContext& ctx)
        : options_(options), file_(file), name_(file.string()), sink_(sink), ctx_(ctx)
    {
    }

    SamplingResult run();

private:
    void scan();
    void openDecoder();
    // Next frame from the decoder with a repaired timestamp; false at the end.
    bool pull(Decoded& into);
    void harvestCounters();
    void warn(const std::string& message);
    void emit(const AVFrame& frame, std::int64_t pts, double time, int targetIndex, double targetTime);
    void reportProgress(double time);

    SamplingStrategy chooseStrategy(const std::vector<double>& targets, double minSkip) const;
    void runUniform();
    // Uniform mode, one target at a time:
    void seekAheadOf(UniformCursor& c, double t);  // when a usable entry point skips enough
    void seekTo(UniformCursor& c, int entry);
    void advanceTo(UniformCursor& c, double t);    // until the next frame is after t
    bool readUpTo(UniformCursor& c, double t);     // false: the entry being verified is not clean
    void abandonEntry(UniformCursor& c);           // count it, decode from the last trusted entry
    const Decoded* shownAt(UniformCursor& c, double t);
    void runShots();

    const SamplerOptions& options_;
    std::filesystem::path file_;
    std::string name_;
    const FrameSampler::Sink& sink_;
    const JobContext& ctx_;

    SamplingResult result_;
    std::vector<EntryPoint> keyframes_;
    bool hasIndex_ = false;
    bool scanReadErrors_ = false;
    std::int64_t origin_ = 0;
    AVRational timeBase_{1, 1};
    double endTime_ = 0;
    double frameDuration_ = 0.04;
    std::int64_t lastFramePts_ = -1;  // relative pts of the stream's last frame (from the scan)

    std::unique_ptr<VideoDecoder> decoder_;
    DecodeCounters harvested_;  // counters of decoders already closed
    std::unique_ptr<FramePreprocessor> preprocessor_;
    std::int64_t lastPts_ = AV_NOPTS_VALUE;  // for timestamp repair, reset on seek
    std::int64_t discardBefore_ = std::numeric_limits<std::int64_t>::min();  // leading pictures after a seek

    // Cache of the last emitted frame (reused when several targets fall on one frame).
    std::int64_t lastEmittedPts_ = AV_NOPTS_VALUE;
    FramePreprocessor::Verdict lastVerdict_ = FramePreprocessor::Verdict::Keep;
    SampledFrame lastEmitted_;
    int nextProgressFrame_ = 0;
};

void SamplingRun::warn(const std::string& message)
{
    auto& messages = result_.warnings.messages;
    if (std::find(messages.begin(), messages.end(), message) == messages.end() && messages.size() < 64)
        messages.push_back(message);
}

void SamplingRun::scan()
{
    VideoInput input = openVideoInput(file_, &ctx_.token());
    result_.info = describeStream(file_, input);
    const PacketScan packets = scanPackets(input, ctx_);
    ctx_.checkCancelled();
    if (packets.packets == 0)
        throw DecodeError(name_, "the video stream has no frames (zero-length video)");
    const AVStream* stream = input.stream();
    applyScan(result_.info, packets, stream);
    timeBase_ = stream->time_base;
    hasIndex_ = packets.hasIndex;
    scanReadErrors_ = packets.readErrors > 0;
    origin_ = packets.firstPts != AV_NOPTS_VALUE ? packets.firstPts
              : stream->start_time != AV_NOPTS_VALUE ? stream->start_time
                                                     : 0;
    lastFramePts_ = packets.lastPts != AV_NOPTS_VALUE ? packets.lastPts - origin_ : -1;
    endTime_ = packets.endPts != AV_NOPTS_VALUE
                   ? static_cast<double>(packets.endPts - origin_) * av_q2d(timeBase_)
                   : result_.info.duration;
    if (result_.info.frameRate > 0)
        frameDuration_ = 1.0 / result_.info.frameRate;
    for (const KeyframeEntry& k : packets.keyframes)
        if (k.clean)
            keyframes_.push_back({static_cast<double>(k.pts - origin_) * av_q2d(timeBase_), k.pts, k.dts, k.pos});
    std::sort(keyframes_.begin(), keyframes_.end(),
              [](const EntryPoint& a, const EntryPoint& b) { return a.pts < b.pts; });
    if (keyframes_.size() >= 2) {
        std::vector<double> gaps;
        for (std::size_t i = 1; i < keyframes_.size(); ++i)
            gaps.push_back(keyframes_[i].time - keyframes_[i - 1].time);
        std::sort(gaps.begin(), gaps.end());
        result_.keyframeGapMedian = gaps[gaps.size() / 2];
        result_.keyframeGapMax = gaps.back();
    }
}

void SamplingRun::openDecoder()
{
    if (decoder_)
        harvestCounters();
    decoder_ = std::make_unique<VideoDecoder>(file_, options_.decodeThreads, &ctx_.token());
    lastPts_ = AV_NOPTS_VALUE;
    discardBefore_ = std::numeric_limits<std::int64_t>::min();
}

void SamplingRun::harvestCounters()
{
    if (!decoder_)
        return;
    const DecodeCounters& c = decoder_->counters();
    harvested_.readErrors += c.readErrors;
    harvested_.packetErrors += c.packetErrors;
    harvested_.damagedFrames += c.damagedFrames;
    harvested_.framesOut += c.framesOut;
    if (decoder_->endedWithErrors())
        result_.warnings.truncated = true;
}

bool SamplingRun::pull(Decoded& into)
{
    for (;;) {
        if (!decoder_->next(into.frame.get(), &into.damaged))
            return false;
        ++result_.framesDecoded;
        ctx_.checkCancelled();
        std::int64_t ts = into.frame->best_effort_timestamp;
        if (ts == AV_NOPTS_VALUE) {
            ++result_.warnings.timestampFixes;
            warn("frames without timestamps (times estimated from the previous frame)");
            const std::int64_t step = into.frame->pkt_duration > 0
                                          ? into.frame->pkt_duration
                                          : std::max<std::int64_t>(1, static_cast<std::int64_t>(std::llround(
                                                                          frameDuration_ / av_q2d(timeBase_))));
            ts = lastPts_ != AV_NOPTS_VALUE ? lastPts_ + step : origin_;
        }
        if (ts < discardBefore_)
            continue;  // leading picture of an entry point: not part of a clean decode
        if (lastPts_ != AV_NOPTS_VALUE && ts <= lastPts_) {
            ++result_.warnings.timestampFixes;
            warn("frames with non-increasing timestamps (skipped)");
            continue;
        }
        lastPts_ = ts;
        into.pts = ts - origin_;
        into.time = static_cast<double>(into.pts) * av_q2d(timeBase_);
        into.valid = true;
        if (result_.framesDecoded >= nextProgressFrame_) {
            reportProgress(into.time);
            nextProgressFrame_ = result_.framesDecoded + 25;
        }
        return true;
    }
}

void SamplingRun::reportProgress(double time)
{
    ctx_.report("sample", std::clamp(time, 0.0, endTime_), endTime_, name_);
}

void SamplingRun::emit(const AVFrame& frame, std::int64_t pts, double time, int targetIndex, double targetTime)
{
    SampledFrame out;
    if (pts == lastEmittedPts_) {
        if (lastVerdict_ != FramePreprocessor::Verdict::Keep) {
            ++(lastVerdict_ == FramePreprocessor::Verdict::Black ? result_.warnings.droppedBlack
                                                                  : result_.warnings.droppedUniform);
            return;
        }
        out = lastEmitted_;
    } else {
        lastEmittedPts_ = pts;
        lastVerdict_ = options_.dropUniform ? preprocessor_->classify(frame) : FramePreprocessor::Verdict::Keep;
        if (lastVerdict_ != FramePreprocessor::Verdict::Keep) {
            ++(lastVerdict_ == FramePreprocessor::Verdict::Black ? result_.warnings.droppedBlack
                                                                  : result_.warnings.droppedUniform);
            return;
        }
        preprocessor_->process(frame, out);
        out.pts = pts;
        out.timestamp = time;
        lastEmitted_ = out;
    }
    out.index = result_.framesEmitted++;
    out.targetIndex = targetIndex;
    out.targetTime = targetTime;
    sink_(std::move(out));
}

SamplingStrategy SamplingRun::chooseStrategy(const std::vector<double>& targets, double minSkip) const
{
    if (options_.strategy == SamplingStrategy::Sequential || keyframes_.size() < 2)
        return SamplingStrategy::Sequential;
    if (options_.strategy == SamplingStrategy::Seek)
        return SamplingStrategy::Seek;
    if (!hasIndex_)
        return SamplingStrategy::Sequential;  // no index: seeks would be imprecise bisections
    // Simulate the seek plan: how much of the video would seeks skip?
    return seekSkippedFraction(keyframes_, targets, minSkip, endTime_) >= kSeekWorthFraction ? SamplingStrategy::Seek
                                                                                             : SamplingStrategy::Sequential;
}

void SamplingRun::runUniform()
{
    const std::vector<double> targets = uniformTargets(options_.skipStart, options_.skipEnd, options_.fps, endTime_);
    result_.targets = static_cast<int>(targets.size());
    if (targets.empty()) {
        std::ostringstream message;
        message << "no target time: the temporal crop (skip " << options_.skipStart << " s + " << options_.skipEnd
                << " s) leaves nothing of the " << endTime_ << " s video";
        warn(message.str());
        return;
    }
    UniformCursor c;
    c.minSkip = minSeekSkip(frameDuration_);
    result_.strategyUsed = chooseStrategy(targets, c.minSkip);
    c.seeking = result_.strategyUsed == SamplingStrategy::Seek;
    for (std::size_t k = 0; k < targets.size(); ++k) {
        const double t = targets[k];
        if (c.seeking)
            seekAheadOf(c, t);
        advanceTo(c, t);
        const Decoded* shown = shownAt(c, t);
        if (!shown) {
            ++result_.warnings.missedTargets;
            warn("targets without a decodable frame (damaged or truncated stream)");
            continue;
        }
        emit(*shown->frame, shown->pts, shown->time, static_cast<int>(k), t);
    }
}

void SamplingRun::seekTo(UniformCursor& c, int entry)
{
    const EntryPoint& kf = keyframes_[static_cast<std::size_t>(entry)];
    decoder_->seek(kf.pts);  // indexes are by presentation time (mov: dts shifted by the edit list)
    ++result_.seeks;
    lastPts_ = AV_NOPTS_VALUE;
    discardBefore_ = kf.pts;
    c.prev.valid = c.pending.valid = false;
    c.eof = false;
    c.atStreamStart = false;
}

void SamplingRun::seekAheadOf(UniformCursor& c, double t)
{
    const int entry = lastUsableEntry(keyframes_, c.badEntries, t);
    if (entry < 0 || c.eof || !(keyframes_[static_cast<std::size_t>(entry)].time > c.position() + c.minSkip))
        return;
    // Prime a fresh decoder with the stream's first frame: some decoders learn
    // stream-wide facts there (H.264: the x264 build in an SEI, which selects bug
    // workarounds; cockatoo.mp4 decodes to garbage from 3.8 s without it).
    if (result_.framesDecoded == 0 && pull(c.pending))
        c.pending.valid = false;
    seekTo(c, entry);
    c.verifyingEntry = entry;
}

bool SamplingRun::readUpTo(UniformCursor& c, double t)
{
    bool firstAfterSeek = c.verifyingEntry >= 0 && !c.prev.valid && !c.pending.valid;
    while (!c.eof) {
        if (!c.pending.valid) {
            if (!pull(c.pending)) {
                c.eof = true;
                break;
            }
            if (c.verifyingEntry >= 0) {
                if (firstAfterSeek) {
                    firstAfterSeek = false;
                    const auto& landing = decoder_->landing();
                    const std::optional<Landing> landed =
                        landing ? std::optional<Landing>(Landing{landing->dts, landing->pos}) : std::nullopt;
                    if (!landedOnEntry(keyframes_, c.badEntries, static_cast<std::size_t>(c.verifyingEntry), landed,
                                       c.pending.pts + origin_, c.pending.frame->key_frame != 0))
                        return false;
                }
                if (c.pending.damaged)
                    return false;
            }
        }
        if (!shownBy(c.pending.time, t))
            break;
        std::swap(c.prev, c.pending);
        c.pending.valid = false;
    }
    return !(c.verifyingEntry >= 0 && c.eof && !c.prev.valid);  // an entry that gave nothing failed
}

void SamplingRun::advanceTo(UniformCursor& c, double t)
{
    while (!readUpTo(c, t))
        abandonEntry(c);
    if (c.verifyingEntry >= 0)
        c.trustedEntry = c.verifyingEntry;
    c.verifyingEntry = -1;
}

void SamplingRun::abandonEntry(UniformCursor& c)
{
    c.badEntries.insert(static_cast<std::size_t>(c.verifyingEntry));
    ++result_.warnings.badEntryPoints;
    std::ostringstream message;
    message << "keyframe at " << keyframes_[static_cast<std::size_t>(c.verifyingEntry)].time
            << " s is not a clean entry point (decoded sequentially instead)";
    warn(message.str());
    c.verifyingEntry = -1;
    c.seeking = false;
    openDecoder();
    c.prev.valid = c.pending.valid = false;
    c.eof = false;
    c.atStreamStart = true;
    if (c.trustedEntry >= 0) {
        seekTo(c, c.trustedEntry);
        c.verifyingEntry = c.trustedEntry;  // verified again: it must land the same way
        c.trustedEntry = -1;
    }
}

const Decoded* SamplingRun::shownAt(UniformCursor& c, double t)
{
    if (!c.prev.valid)
        return c.pending.valid && c.atStreamStart ? &c.pending : nullptr;  // targets before the first frame show it
    if (c.eof) {
        // The stream's last frame lasts until the end the scan measured.
        const double ownDuration = c.prev.frame->pkt_duration > 0
                                       ? static_cast<double>(c.prev.frame->pkt_duration) * av_q2d(timeBase_)
                                       : 0.0;
        const double frameEnd = displayEnd(c.prev.pts, lastFramePts_, endTime_, c.prev.time, ownDuration, frameDuration_);
        if (t > frameEnd + kTimeTolerance) {
            result_.warnings.truncated = true;  // decoding ended before the end the container announced
            return nullptr;
        }
    }
    return &c.prev;
}

void SamplingRun::runShots()
{
    result_.strategyUsed = SamplingStrategy::Sequential;
    ShotDetector detector(options_.shots);
    const double limit = endTime_ - options_.skipEnd;
    const int size = options_.shots.thumbSize;

    struct Candidate {
        int position;
        SampledFrame frame;
    };
    std::vector<Candidate> candidates;
    int stride = 1;
    int shotFrames = 0;
    int uniformVotes = 0, blackVotes = 0;
    ShotInfo shot;
    bool inShot = false;

    const auto finishShot = [&](double end) {
        shot.end = end;
        shot.frames = shotFrames;
        const double middle = (shotFrames - 1) / 2.0;
        const Candidate* best = nullptr;
        for (const Candidate& c : candidates)
            if (!best || std::fabs(c.position - middle) < std::fabs(best->position - middle))
                best = &c;
        if (best) {
            SampledFrame out = best->frame;
            out.index = result_.framesEmitted++;
            out.targetIndex = shot.id;
            out.targetTime = 0.5 * (shot.start + shot.end);
            out.shotId = shot.id;
            out.shotStart = shot.start;
            out.shotEnd = shot.end;
            shot.emitted = true;
            sink_(std::move(out));
        } else {
            ++(blackVotes >= uniformVotes ? result_.warnings.droppedBlack : result_.warnings.droppedUniform);
        }
        result_.shots.push_back(shot);
        candidates.clear();
        stride = 1;
        shotFrames = 0;
        uniformVotes = blackVotes = 0;
    };

    Decoded current;
    while (pull(current)) {
        if (current.time < options_.skipStart - kTimeTolerance)
            continue;
        if (current.time >= limit - kTimeTolerance)
            break;
        const auto& rgb = preprocessor_->analysisRgb(*current.frame, size);
        const bool cut = detector.push(rgb.data(), size * size, current.time);
        if (cut && inShot) {
            finishShot(current.time);
            shot = ShotInfo{};
            shot.id = static_cast<int>(result_.shots.size());
            inShot = false;
        }
        if (!inShot) {
            inShot = true;
            shot.start = current.time;
        }
        const int position = shotFrames++;
        if (position % stride != 0)
            continue;
        auto verdict = FramePreprocessor::Verdict::Keep;
        if (options_.dropUniform)
            verdict = FramePreprocessor::classifyRgb(rgb.data(), size * size, options_.uniformStdDev,
                                                     options_.blackLevel);
        if (verdict != FramePreprocessor::Verdict::Keep) {
            ++(verdict == FramePreprocessor::Verdict::Black ? blackVotes : uniformVotes);
            continue;
        }
        Candidate candidate{position, {}};
        preprocessor_->process(*current.frame, candidate.frame);
        candidate.frame.pts = current.pts;
        candidate.frame.timestamp = current.time;
        candidates.push_back(std::move(candidate));
        if (candidates.size() > kMaxShotCandidates) {
            stride *= 2;
            std::erase_if(candidates, [&](const Candidate& c) { return c.position % stride != 0; });
        }
    }
    if (inShot)
        finishShot(std::min(limit, std::max(endTime_, current.valid ? current.time : 0.0)));
    result_.targets = static_cast<int>(result_.shots.size());
}

SamplingResult SamplingRun::run()
{
    ctx_.report("sample", 0, 0, name_);
    scan();
    openDecoder();
    const AVStream* stream = decoder_->stream();
    const VideoGeometry geometry(result_.info.width, result_.info.height, result_.info.sarNum, result_.info.sarDen,
                                 streamRotation(stream));
    preprocessor_ = std::make_unique<FramePreprocessor>(options_, geometry, name_);
    if (options_.mode == SamplingMode::Shots)
        runShots();
    else
        runUniform();
    harvestCounters();
    decoder_.reset();

    SamplingWarnings& w = result_.warnings;
    w.readErrors = harvested_.readErrors;
    w.decodeErrors = harvested_.packetErrors + harvested_.damagedFrames;
    if (scanReadErrors_ || riffCutShort(file_))
        w.truncated = true;
    if (w.readErrors > 0)
        warn("read errors in the container (corrupt or truncated file)");
    if (w.decodeErrors > 0)
        warn("the decoder reported damaged data");
    if (w.truncated)
        warn("the stream ends early (truncated or damaged file)");
    if (w.droppedBlack + w.droppedUniform > 0)
        warn("black or near-uniform frames dropped");
    if (result_.framesDecoded == 0 && !(options_.mode == SamplingMode::Uniform && result_.targets == 0))
        throw DecodeError(name_, "no frame could be decoded (" + std::to_string(w.decodeErrors) +
                                     " decoder errors, " + std::to_string(w.readErrors) + " read errors)");
    reportProgress(endTime_);
    return result_;
}

}  // namespace

SamplingResult FrameSampler::run(const std::filesystem::path& video, const Sink& sink, const JobContext& ctx) const
{
    SamplingRun run(options_, video, sink, ctx);
    return run.run();
}

std::vector<SampledFrame> FrameSampler::sampleAll(const std::filesystem::path& video, SamplingResult* result,
                                                  const JobContext& ctx) const
{
    std::vector<SampledFrame> frames;
    SamplingResult r = run(video, [&](SampledFrame&& f) { frames.push_back(std::move(f)); }, ctx);
    if (result)
        *result = std::move(r);
    return frames;
}

}  // namespace tl::video
