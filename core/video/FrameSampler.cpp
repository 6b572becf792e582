#include "core/video/FrameSampler.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <set>
#include <sstream>

#include "core/video/FramePreprocessor.h"
#include "core/video/PacketScan.h"
#include "core/video/ShotDetector.h"
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

constexpr double kTimeTolerance = 1e-7;  // seconds: a frame at t_k is the frame shown at t_k
constexpr std::size_t kMaxShotCandidates = 16;

struct CleanKeyframe {
    double time = 0;  // seconds from the stream start
    std::int64_t pts = 0;
    std::int64_t dts = 0;
    std::int64_t pos = -1;
};

// One decoded frame with its repaired, stream-relative timestamp.
struct Decoded {
    FramePtr frame = makeFrame();
    std::int64_t pts = 0;  // relative to the stream start, stream time base
    double time = 0;
    bool damaged = false;
    bool valid = false;
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
    void runShots();

    const SamplerOptions& options_;
    std::filesystem::path file_;
    std::string name_;
    const FrameSampler::Sink& sink_;
    const JobContext& ctx_;

    SamplingResult result_;
    std::vector<CleanKeyframe> keyframes_;
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
              [](const CleanKeyframe& a, const CleanKeyframe& b) { return a.pts < b.pts; });
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
    double position = -1e300, skipped = 0;
    std::size_t kf = 0;
    for (double t : targets) {
        while (kf + 1 < keyframes_.size() && keyframes_[kf + 1].time <= t + kTimeTolerance)
            ++kf;
        const double entry = keyframes_[kf].time;
        if (entry <= t + kTimeTolerance && entry > position + minSkip)
            skipped += entry - std::max(position, 0.0);
        position = t;
    }
    return endTime_ > 0 && skipped / endTime_ >= 0.15 ? SamplingStrategy::Seek : SamplingStrategy::Sequential;
}

void SamplingRun::runUniform()
{
    std::vector<double> targets;
    const double limit = endTime_ - options_.skipEnd;
    for (long k = 0;; ++k) {
        const double t = options_.skipStart + static_cast<double>(k) / options_.fps;
        if (t >= limit - kTimeTolerance)
            break;
        targets.push_back(t);
    }
    result_.targets = static_cast<int>(targets.size());
    if (targets.empty()) {
        std::ostringstream message;
        message << "no target time: the temporal crop (skip " << options_.skipStart << " s + " << options_.skipEnd
                << " s) leaves nothing of the " << endTime_ << " s video";
        warn(message.str());
        return;
    }
    const double minSkip = std::max(0.3, 10.0 * frameDuration_);
    result_.strategyUsed = chooseStrategy(targets, minSkip);
    bool seeking = result_.strategyUsed == SamplingStrategy::Seek;

    Decoded prev, pending;
    bool eof = false;
    bool atStreamStart = true;  // no seek since the decoder opened at the start
    int trustedEntry = -1;      // clean keyframe last entered successfully (-1: the stream start)
    int verifyingEntry = -1;    // keyframe entered by the last seek, until its first target is served
    std::set<std::size_t> badEntries;

    const auto seekTo = [&](int entry) {
        decoder_->seek(keyframes_[static_cast<std::size_t>(entry)].pts);  // indexes are by presentation time (mov: dts shifted by the edit list)
        ++result_.seeks;
        lastPts_ = AV_NOPTS_VALUE;
        discardBefore_ = keyframes_[static_cast<std::size_t>(entry)].pts;
        prev.valid = pending.valid = false;
        eof = false;
        atStreamStart = false;
    };

    for (std::size_t k = 0; k < targets.size(); ++k) {
        const double t = targets[k];
        if (seeking) {
            int entry = -1;
            for (std::size_t i = 0; i < keyframes_.size() && keyframes_[i].time <= t + kTimeTolerance; ++i)
                if (!badEntries.count(i))
                    entry = static_cast<int>(i);
            const double position = pending.valid ? pending.time : prev.valid ? prev.time : -1e300;
            if (entry >= 0 && !eof && keyframes_[static_cast<std::size_t>(entry)].time > position + minSkip) {
                // Prime a fresh decoder with the stream's first frame: some decoders learn
                // stream-wide facts there (H.264: the x264 build in an SEI, which selects bug
                // workarounds; cockatoo.mp4 decodes to garbage from 3.8 s without it).
                if (result_.framesDecoded == 0 && pull(pending))
                    pending.valid = false;
                seekTo(entry);
                verifyingEntry = entry;
            }
        }
        // Advance until the next frame is after t; verify a fresh entry point on the way.
        for (;;) {
            bool failed = false;
            bool firstAfterSeek = verifyingEntry >= 0 && !prev.valid && !pending.valid;
            while (!eof) {
                if (!pending.valid) {
                    if (!pull(pending)) {
                        eof = true;
                        break;
                    }
                    if (verifyingEntry >= 0) {
                        const CleanKeyframe& entry = keyframes_[static_cast<std::size_t>(verifyingEntry)];
                        const auto& landing = decoder_->landing();
                        if (firstAfterSeek) {
                            // The demuxer must land on a clean keyframe no later than the one asked
                            // for (an earlier one is fine: its frames before the entry are discarded),
                            // and the first frame shown must be the entry's own, flagged key.
                            firstAfterSeek = false;
                            bool landedClean = false;
                            for (std::size_t i = 0; landing && i < keyframes_.size() && !landedClean; ++i) {
                                const CleanKeyframe& kf = keyframes_[i];
                                landedClean = !badEntries.count(i) && kf.pts <= entry.pts &&
                                              (landing->dts == kf.dts || (kf.pos >= 0 && landing->pos == kf.pos));
                            }
                            if (!landedClean || pending.pts + origin_ != entry.pts || !pending.frame->key_frame)
                                failed = true;
                        }
                        if (pending.damaged)
                            failed = true;
                        if (failed)
                            break;
                    }
                }
                if (pending.time <= t + kTimeTolerance) {
                    std::swap(prev, pending);
                    pending.valid = false;
                    continue;
                }
                break;
            }
            if (verifyingEntry >= 0 && !failed && eof && !prev.valid)
                failed = true;  // the entry gave nothing
            if (!failed) {
                if (verifyingEntry >= 0)
                    trustedEntry = verifyingEntry;
                verifyingEntry = -1;
                break;
            }
            // Not a clean entry point: count it, stop seeking, decode from the last trusted entry.
            badEntries.insert(static_cast<std::size_t>(verifyingEntry));
            ++result_.warnings.badEntryPoints;
            std::ostringstream message;
            message << "keyframe at " << keyframes_[static_cast<std::size_t>(verifyingEntry)].time
                    << " s is not a clean entry point (decoded sequentially instead)";
            warn(message.str());
            verifyingEntry = -1;
            seeking = false;
            openDecoder();
            prev.valid = pending.valid = false;
            eof = false;
            atStreamStart = true;
            if (trustedEntry >= 0) {
                seekTo(trustedEntry);
                verifyingEntry = trustedEntry;  // verified again: it must land the same way
                trustedEntry = -1;
            }
        }
        // The frame shown at t.
        const Decoded* shown = nullptr;
        if (prev.valid) {
            shown = &prev;
            if (eof) {
                // The stream's last frame lasts until the end the scan measured.
                const double frameEnd = prev.pts >= lastFramePts_ ? endTime_ : prev.time + (prev.frame->pkt_duration > 0
                                                         ? static_cast<double>(prev.frame->pkt_duration) *
                                                               av_q2d(timeBase_)
                                                         : frameDuration_);
                if (t > frameEnd + kTimeTolerance) {
                    shown = nullptr;  // decoding ended before the end the container announced
                    result_.warnings.truncated = true;
                }
            }
        } else if (pending.valid && atStreamStart) {
            shown = &pending;  // targets before the first frame show the first frame
        }
        if (!shown) {
            ++result_.warnings.missedTargets;
            warn("targets without a decodable frame (damaged or truncated stream)");
            continue;
        }
        emit(*shown->frame, shown->pts, shown->time, static_cast<int>(k), t);
    }
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
