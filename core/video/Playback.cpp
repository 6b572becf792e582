#include "core/video/Playback.h"

#include <algorithm>
#include <cmath>
#include <limits>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/pixdesc.h>
#include <libswresample/swresample.h>
}

#include "core/common/Error.h"
#include "core/video/PacketScan.h"
#include "core/video/VideoDecoder.h"
#include "core/video/VideoGeometry.h"
#include "core/video/VideoInput.h"
#include "core/video/VideoProbe.h"

namespace tl::video {

// ---------------------------------------------------------------- video

struct PlaybackVideo::Impl {
    Impl(const std::filesystem::path& f, const CancelToken* c, VideoGeometry g) : file(f), cancel(c), geometry(g) {}

    std::filesystem::path file;
    const CancelToken* cancel;
    VideoGeometry geometry;
    std::unique_ptr<VideoDecoder> decoder;
    AVRational timeBase{1, 1};
    std::int64_t origin = 0;           // stream pts of 0 s
    std::int64_t frameStep = 1;        // one frame in the time base (estimates for missing timestamps)
    std::vector<std::int64_t> entries; // clean keyframes (stream pts), sorted
    int outWidth = 0, outHeight = 0, codedWidth = 0, codedHeight = 0;
    SwsPtr sws;
    int swsWidth = -1, swsHeight = -1, swsFormat = -1;
    std::vector<std::uint8_t> scaled;
    FramePtr work = makeFrame();
    FramePtr held = makeFrame();       // a frame read ahead by a seek, returned next
    bool hasHeld = false;
    bool heldDamaged = false;
    std::int64_t heldPtsRel = 0;
    std::int64_t lastPts = AV_NOPTS_VALUE;
    double target = -1;                // pending frame-accurate seek (seconds), -1: none
    bool targetFromStart = false;      // the pending seek decodes from the first frame
    std::int64_t decodedBefore = 0;    // frames decoded by earlier decoder instances
    int errorsBefore = 0;              // read/packet errors and damaged frames of earlier instances

    double seconds(std::int64_t relPts) const { return static_cast<double>(relPts) * av_q2d(timeBase); }

    void reopen()
    {
        if (decoder) {
            decodedBefore += decoder->counters().framesOut;
            const DecodeCounters& c = decoder->counters();
            errorsBefore += c.readErrors + c.packetErrors + c.damagedFrames;
        }
        decoder = std::make_unique<VideoDecoder>(file, 0, cancel);
        lastPts = AV_NOPTS_VALUE;
        hasHeld = false;
    }

    // Next decoded frame with an increasing timestamp; relPts from the origin.
    bool pull(AVFrame* frame, std::int64_t& relPts, bool& damaged)
    {
        for (;;) {
            if (!decoder->next(frame, &damaged))
                return false;
            std::int64_t ts = frame->best_effort_timestamp;
            if (ts == AV_NOPTS_VALUE)
                ts = lastPts != AV_NOPTS_VALUE ? lastPts + (frame->pkt_duration > 0 ? frame->pkt_duration : frameStep)
                                               : origin;
            if (lastPts != AV_NOPTS_VALUE && ts <= lastPts)
                continue;  // the sampler skips these too
            lastPts = ts;
            relPts = ts - origin;
            return true;
        }
    }

    void convert(const AVFrame& frame, std::int64_t relPts, bool damaged, PlaybackFrame& out)
    {
        if (!sws || frame.width != swsWidth || frame.height != swsHeight || frame.format != swsFormat) {
            sws.reset(sws_getContext(frame.width, frame.height, static_cast<AVPixelFormat>(frame.format), codedWidth,
                                     codedHeight, AV_PIX_FMT_RGB24, SWS_BILINEAR, nullptr, nullptr, nullptr));
            if (!sws) {
                const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame.format));
                throw DecodeError(file.string(),
                                  std::string("cannot convert frames of pixel format ") + (name ? name : "?") + " to RGB");
            }
            swsWidth = frame.width;
            swsHeight = frame.height;
            swsFormat = frame.format;
        }
        const int stride = codedWidth * 3;
        scaled.resize(static_cast<std::size_t>(stride) * static_cast<std::size_t>(codedHeight));
        std::uint8_t* dst[4] = {scaled.data(), nullptr, nullptr, nullptr};
        int dstStride[4] = {stride, 0, 0, 0};
        sws_scale(sws.get(), frame.data, frame.linesize, 0, frame.height, dst, dstStride);
        out.width = outWidth;
        out.height = outHeight;
        out.pts = relPts;
        out.time = seconds(relPts);
        out.damaged = damaged;
        if (geometry.rotation() == 0) {
            out.rgb.swap(scaled);  // no copy; `scaled` is resized again for the next frame
            return;
        }
        out.rgb.resize(static_cast<std::size_t>(outWidth) * static_cast<std::size_t>(outHeight) * 3);
        for (int y = 0; y < outHeight; ++y)
            for (int x = 0; x < outWidth; ++x) {
                int sx = 0, sy = 0;
                geometry.sourcePixel(x, y, codedWidth, codedHeight, sx, sy);
                const std::uint8_t* s = scaled.data() + static_cast<std::size_t>(sy) * stride + sx * 3;
                std::uint8_t* d = out.rgb.data() + (static_cast<std::size_t>(y) * outWidth + x) * 3;
                d[0] = s[0];
                d[1] = s[1];
                d[2] = s[2];
            }
    }
};

PlaybackVideo::PlaybackVideo(const std::filesystem::path& file, int maxWidth, int maxHeight, const CancelToken* cancel)
{
    VideoInput input = openVideoInput(file, cancel);
    const VideoInfo described = describeStream(file, input);
    const AVStream* stream = input.stream();
    const JobContext ctx = cancel ? JobContext({}, *cancel) : JobContext();
    const PacketScan scan = scanPackets(input, ctx);
    if (scan.packets == 0)
        throw DecodeError(file.string(), "the video stream has no frames (zero-length video)");
    VideoInfo info = described;
    applyScan(info, scan, stream);

    impl_ = std::make_unique<Impl>(file, cancel,
                                   VideoGeometry(info.width, info.height, info.sarNum, info.sarDen, info.rotation));
    Impl& d = *impl_;
    d.timeBase = stream->time_base;
    d.origin = scan.firstPts != AV_NOPTS_VALUE ? scan.firstPts
               : stream->start_time != AV_NOPTS_VALUE ? stream->start_time
                                                      : 0;
    if (info.frameRate > 0)
        d.frameStep = std::max<std::int64_t>(1, std::llround(1.0 / info.frameRate / av_q2d(d.timeBase)));
    for (const KeyframeEntry& k : scan.keyframes)
        if (k.clean)
            d.entries.push_back(k.pts);
    std::sort(d.entries.begin(), d.entries.end());

    const double dw = d.geometry.displayWidth(), dh = d.geometry.displayHeight();
    double scale = 1.0;
    if (maxWidth > 0)
        scale = std::min(scale, maxWidth / dw);
    if (maxHeight > 0)
        scale = std::min(scale, maxHeight / dh);
    d.outWidth = std::max(2, static_cast<int>(std::lround(dw * scale)));
    d.outHeight = std::max(2, static_cast<int>(std::lround(dh * scale)));
    d.geometry.codedSizeFor(d.outWidth, d.outHeight, d.codedWidth, d.codedHeight);
    d.reopen();

    info_.duration = scan.endPts != AV_NOPTS_VALUE ? d.seconds(scan.endPts - d.origin) : info.duration;
    info_.frameRate = info.frameRate;
    info_.frameCount = scan.packets;
    info_.displayWidth = d.outWidth;
    info_.displayHeight = d.outHeight;
    info_.codec = info.codec;
    info_.hasAudio = info.hasAudio;
    info_.originSeconds = static_cast<double>(d.origin) * av_q2d(d.timeBase);
}

PlaybackVideo::~PlaybackVideo() = default;

std::int64_t PlaybackVideo::framesDecoded() const
{
    return impl_->decodedBefore + impl_->decoder->counters().framesOut;
}

int PlaybackVideo::errorCount() const
{
    const DecodeCounters& c = impl_->decoder->counters();
    return impl_->errorsBefore + c.readErrors + c.packetErrors + c.damagedFrames;
}

void PlaybackVideo::seek(double seconds)
{
    Impl& d = *impl_;
    seconds = std::max(0.0, seconds);
    const std::int64_t want = d.origin + static_cast<std::int64_t>(std::floor(seconds / av_q2d(d.timeBase)));
    // The last clean entry point at or before the target; none: decode from the start.
    const auto it = std::upper_bound(d.entries.begin(), d.entries.end(), want);
    d.hasHeld = false;
    if (it == d.entries.begin() || !d.decoder->seek(*std::prev(it))) {
        d.reopen();
        d.targetFromStart = true;
    } else {
        d.lastPts = AV_NOPTS_VALUE;
        d.targetFromStart = false;
    }
    d.target = seconds;
}

bool PlaybackVideo::next(PlaybackFrame& out)
{
    Impl& d = *impl_;
    if (d.target < 0) {
        std::int64_t rel = 0;
        bool damaged = false;
        if (d.hasHeld) {
            d.hasHeld = false;
            av_frame_move_ref(d.work.get(), d.held.get());
            rel = d.heldPtsRel;
            damaged = d.heldDamaged;
        } else if (!d.pull(d.work.get(), rel, damaged)) {
            return false;
        }
        d.convert(*d.work, rel, damaged, out);
        return true;
    }
    // Frame-accurate seek: the last frame at or before the target.
    const double target = d.target;
    FramePtr candidate = makeFrame();
    bool haveCandidate = false;
    std::int64_t candidateRel = 0;
    bool candidateDamaged = false;
    bool first = true;
    for (;;) {
        std::int64_t rel = 0;
        bool damaged = false;
        if (!d.pull(d.work.get(), rel, damaged))
            break;
        const double t = d.seconds(rel);
        if (first && t > target + 1e-9 && !d.targetFromStart) {
            // The entry point decoded to a later frame than asked: decode from the start instead.
            d.reopen();
            d.targetFromStart = true;
            continue;
        }
        first = false;
        if (t <= target + 1e-9) {
            av_frame_unref(candidate.get());
            av_frame_move_ref(candidate.get(), d.work.get());
            candidateRel = rel;
            candidateDamaged = damaged;
            haveCandidate = true;
            continue;
        }
        av_frame_unref(d.held.get());
        av_frame_move_ref(d.held.get(), d.work.get());
        d.heldPtsRel = rel;
        d.heldDamaged = damaged;
        d.hasHeld = true;
        break;
    }
    d.target = -1;
    if (haveCandidate) {
        d.convert(*candidate, candidateRel, candidateDamaged, out);
        return true;
    }
    if (d.hasHeld) {  // the target lies before the first frame
        d.hasHeld = false;
        d.convert(*d.held, d.heldPtsRel, d.heldDamaged, out);
        return true;
    }
    return false;
}

// ---------------------------------------------------------------- audio

struct PlaybackAudio::Impl {
    std::filesystem::path file;
    const CancelToken* cancel = nullptr;
    VideoInput input;  // the container, opened with the same guards as the video
    int stream = -1;
    CodecContextPtr codec;
    PacketPtr packet = makePacket();
    FramePtr frame = makeFrame();
    SwrPtr swr;
    int swrRate = -1, swrFormat = -1;
    AVChannelLayout swrLayout{};
    double origin = 0;
    double dropBefore = -std::numeric_limits<double>::infinity();
    double nextTime = 0;
    bool inputDone = false;
    bool drained = false;
    int readErrors = 0;

    ~Impl() { av_channel_layout_uninit(&swrLayout); }

    void open()
    {
        const std::string name = file.string();
        input = openMediaInput(file, cancel);
        AVFormatContext* raw = input.format.get();
        const AVCodec* decoder = nullptr;
        stream = av_find_best_stream(raw, AVMEDIA_TYPE_AUDIO, -1, -1, &decoder, 0);
        if (stream < 0 || !decoder)
            throw DecodeError(name, stream == AVERROR_DECODER_NOT_FOUND ? "no decoder for the audio codec"
                                                                        : "no audio stream");
        codec = openAudioDecoder(name, raw, stream, decoder);
        inputDone = drained = false;
        swr.reset();
    }

    void feed()
    {
        int errors = 0;
        while (!inputDone) {
            const int rc = av_read_frame(input.format.get(), packet.get());
            if (rc < 0) {
                if (rc != AVERROR_EOF && ++errors <= 32 && !avio_feof(input.format->pb)) {
                    ++readErrors;
                    continue;
                }
                inputDone = true;
                break;
            }
            if (packet->stream_index != stream) {
                av_packet_unref(packet.get());
                continue;
            }
            avcodec_send_packet(codec.get(), packet.get());  // a rejected packet is a gap in the sound
            av_packet_unref(packet.get());
            return;
        }
        if (!drained) {
            avcodec_send_packet(codec.get(), nullptr);
            drained = true;
        }
    }
};

PlaybackAudio::PlaybackAudio(const std::filesystem::path& file, int sampleRate, int channels, double originSeconds,
                             const CancelToken* cancel)
    : impl_(std::make_unique<Impl>()), rate_(sampleRate), channels_(std::clamp(channels, 1, 8))
{
    impl_->file = file;
    impl_->cancel = cancel;
    impl_->origin = originSeconds;
    impl_->open();
}

PlaybackAudio::~PlaybackAudio() = default;

std::string PlaybackAudio::codec() const
{
    return impl_->codec->codec ? impl_->codec->codec->name : "?";
}

bool PlaybackAudio::next(AudioChunk& out)
{
    Impl& d = *impl_;
    const AVRational tb = d.input.format->streams[d.stream]->time_base;
    for (;;) {
        if (d.cancel && d.cancel->cancelled())
            return false;
        const int rc = avcodec_receive_frame(d.codec.get(), d.frame.get());
        if (rc == AVERROR(EAGAIN)) {
            if (d.drained)
                return false;
            d.feed();
            continue;
        }
        if (rc == AVERROR_EOF)
            return false;
        if (rc < 0) {
            if (d.drained)
                return false;
            continue;  // a damaged frame: skipped
        }
        AVFrame& f = *d.frame;
        if (f.nb_samples <= 0)
            continue;
        if (f.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC && f.ch_layout.nb_channels > 0) {
            const int n = f.ch_layout.nb_channels;
            av_channel_layout_uninit(&f.ch_layout);
            av_channel_layout_default(&f.ch_layout, n);
        }
        if (!d.swr || f.sample_rate != d.swrRate || f.format != d.swrFormat ||
            av_channel_layout_compare(&f.ch_layout, &d.swrLayout) != 0) {
            AVChannelLayout outLayout{};
            av_channel_layout_default(&outLayout, channels_);
            SwrContext* raw = nullptr;
            const int set = swr_alloc_set_opts2(&raw, &outLayout, AV_SAMPLE_FMT_S16, rate_, &f.ch_layout,
                                                static_cast<AVSampleFormat>(f.format), f.sample_rate, 0, nullptr);
            av_channel_layout_uninit(&outLayout);
            d.swr.reset(raw);
            if (set < 0 || swr_init(raw) < 0)
                throw DecodeError(d.file.string(), "cannot resample the audio (" + std::to_string(f.sample_rate) +
                                                       " Hz, " + std::to_string(f.ch_layout.nb_channels) + " channels)");
            d.swrRate = f.sample_rate;
            d.swrFormat = f.format;
            av_channel_layout_uninit(&d.swrLayout);
            av_channel_layout_copy(&d.swrLayout, &f.ch_layout);
        }
        // Samples the resampler still holds come out first: they start earlier than this frame.
        const double held = static_cast<double>(swr_get_delay(d.swr.get(), rate_)) / rate_;
        double time = f.best_effort_timestamp != AV_NOPTS_VALUE
                          ? static_cast<double>(f.best_effort_timestamp) * av_q2d(tb) - d.origin - held
                          : d.nextTime;
        const int capacity = swr_get_out_samples(d.swr.get(), f.nb_samples);
        out.channels = channels_;
        out.samples.resize(static_cast<std::size_t>(std::max(capacity, 0)) * static_cast<std::size_t>(channels_));
        std::uint8_t* dst[1] = {reinterpret_cast<std::uint8_t*>(out.samples.data())};
        const int got = swr_convert(d.swr.get(), dst, capacity, const_cast<const std::uint8_t**>(f.extended_data),
                                    f.nb_samples);
        if (got <= 0)
            continue;
        out.samples.resize(static_cast<std::size_t>(got) * static_cast<std::size_t>(channels_));
        d.nextTime = time + static_cast<double>(got) / rate_;
        if (d.nextTime <= d.dropBefore)
            continue;
        if (time < d.dropBefore) {
            const auto skip = static_cast<std::size_t>(std::lround((d.dropBefore - time) * rate_)) *
                              static_cast<std::size_t>(channels_);
            out.samples.erase(out.samples.begin(),
                              out.samples.begin() + static_cast<std::ptrdiff_t>(std::min(skip, out.samples.size())));
            time = d.dropBefore;
        }
        out.time = time;
        if (!out.samples.empty())
            return true;
    }
}

void PlaybackAudio::seek(double seconds)
{
    Impl& d = *impl_;
    seconds = std::max(0.0, seconds);
    const AVStream* st = d.input.format->streams[d.stream];
    const auto ts = static_cast<std::int64_t>(std::floor((seconds + d.origin) / av_q2d(st->time_base)));
    if (av_seek_frame(d.input.format.get(), d.stream, ts, AVSEEK_FLAG_BACKWARD) < 0)
        d.open();  // cannot seek: decode from the start, dropping what comes before
    avcodec_flush_buffers(d.codec.get());
    d.swr.reset();
    d.inputDone = d.drained = false;
    d.dropBefore = seconds;
    d.nextTime = 0;
}

}  // namespace tl::video
