#include "core/video/ClipWriter.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <stdexcept>

#include "core/common/Error.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/display.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
}

#include "core/video/FfmpegPtr.h"

namespace tl::video {

namespace {
void check(int rc, const std::string& what)
{
    if (rc < 0)
        throw Error("ClipWriter: " + what + ": " + ffmpegError(rc));
}

// Sends `input` (nullptr: flush) to an encoder and writes every packet it gives,
// in the stream's time base; `adjust` may fix a packet first (e.g. its duration).
void encodeAndWrite(AVFormatContext* format, AVCodecContext* codec, AVStream* stream, AVPacket* packet,
                    const AVFrame* input, const char* what, const std::function<void(AVPacket*)>& adjust = {})
{
    check(avcodec_send_frame(codec, input), std::string("encode ") + what);
    for (;;) {
        const int rc = avcodec_receive_packet(codec, packet);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
            return;
        check(rc, std::string("receive ") + what + " packet");
        if (adjust)
            adjust(packet);
        av_packet_rescale_ts(packet, codec->time_base, stream->time_base);
        packet->stream_index = stream->index;
        check(av_interleaved_write_frame(format, packet), std::string("write ") + what + " packet");
    }
}

// The sound track's encoder: checked and opened before the header is written,
// fed in whole encoder frames as the picture advances, flushed at the end.
class SoundEncoder {
public:
    SoundEncoder(AVFormatContext* format, const AudioTrack& track, int threads, const std::string& file)
        : track_(track), total_(track.length())
    {
        const std::string what = "the sound of " + file + ": ";
        if (track.channels != 1 && track.channels != 2)
            throw Error("ClipWriter: " + what + "channels must be 1 (mono) or 2 (stereo), not " +
                        std::to_string(track.channels));
        if (track.sampleRate <= 0)
            throw Error("ClipWriter: " + what + "sample rate must be positive, not " + std::to_string(track.sampleRate));
        if (!track.samples.empty() && track.samples.size() % static_cast<std::size_t>(track.channels) != 0)
            throw Error("ClipWriter: " + what + std::to_string(track.samples.size()) + " samples are not a whole number of " +
                        std::to_string(track.channels) + "-channel sample frames");
        if (track.samples.empty() && track.sampleFrames > 0 && !track.source)
            throw Error("ClipWriter: " + what + "a length of " + std::to_string(track.sampleFrames) +
                        " sample frames but neither samples nor a source");
        const AVCodec* encoder = avcodec_find_encoder_by_name(track.codec.c_str());
        if (!encoder || encoder->type != AVMEDIA_TYPE_AUDIO)
            throw Error("ClipWriter: " + what + "this FFmpeg build has no audio encoder \"" + track.codec +
                        "\" (`ffmpeg -encoders` lists the ones it has; \"aac\" is FFmpeg's own)");
        if (avformat_query_codec(format->oformat, encoder->id, FF_COMPLIANCE_NORMAL) == 0)
            throw Error("ClipWriter: " + what + "the " + format->oformat->name + " container cannot carry " + track.codec);
        if (encoder->supported_samplerates) {
            std::string rates;
            bool supported = false;
            for (const int* r = encoder->supported_samplerates; *r != 0; ++r) {
                supported = supported || *r == track.sampleRate;
                rates += (rates.empty() ? "" : ", ") + std::to_string(*r);
            }
            if (!supported)
                throw Error("ClipWriter: " + what + track.codec + " does not take " + std::to_string(track.sampleRate) +
                            " Hz (it takes " + rates + ")");
        }
        format_ = sampleFormat(encoder);
        if (format_ == AV_SAMPLE_FMT_NONE)
            throw Error("ClipWriter: " + what + track.codec + " takes none of the sample formats written here (float, 16-bit)");

        stream_ = avformat_new_stream(format, nullptr);
        codec_.reset(avcodec_alloc_context3(encoder));
        codec_->sample_fmt = format_;
        codec_->sample_rate = track.sampleRate;
        av_channel_layout_default(&codec_->ch_layout, track.channels);
        codec_->bit_rate = track.bitRate;
        codec_->time_base = AVRational{1, track.sampleRate};
        codec_->thread_count = threads;
        codec_->log_level_offset = AV_LOG_VERBOSE - AV_LOG_INFO;  // the encoder's statistics one level down
        if (format->oformat->flags & AVFMT_GLOBALHEADER)
            codec_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
        check(avcodec_open2(codec_.get(), encoder, nullptr), "open audio encoder " + track.codec);
        check(avcodec_parameters_from_context(stream_->codecpar, codec_.get()), "audio codec parameters");
        stream_->time_base = codec_->time_base;
        frameSize_ = codec_->frame_size > 0 ? codec_->frame_size : 1024;

        frame_ = makeFrame();
        frame_->nb_samples = frameSize_;
        frame_->format = format_;
        frame_->sample_rate = track.sampleRate;
        check(av_channel_layout_copy(&frame_->ch_layout, &codec_->ch_layout), "audio channel layout");
        check(av_frame_get_buffer(frame_.get(), 0), "audio frame buffer");
        buffer_.resize(static_cast<std::size_t>(frameSize_) * static_cast<std::size_t>(track.channels));
        packet_ = makePacket();
    }

    // Encodes whole encoder frames up to sample frame `until` (the picture's time so far).
    void advanceTo(AVFormatContext* format, std::int64_t until)
    {
        until = std::min(until, total_);
        while (next_ + frameSize_ <= until)
            send(format, frameSize_);
    }

    // The rest of the track (the last frame may be short), then the encoder's delay.
    void finish(AVFormatContext* format)
    {
        advanceTo(format, total_);
        if (next_ < total_)
            send(format, static_cast<int>(total_ - next_));
        encodeAndWrite(format, codec_.get(), stream_, packet_.get(), nullptr, "audio");
    }

private:
    static AVSampleFormat sampleFormat(const AVCodec* encoder)
    {
        if (!encoder->sample_fmts)
            return AV_SAMPLE_FMT_FLTP;
        for (AVSampleFormat wanted : {AV_SAMPLE_FMT_FLTP, AV_SAMPLE_FMT_FLT, AV_SAMPLE_FMT_S16P, AV_SAMPLE_FMT_S16})
            for (const AVSampleFormat* f = encoder->sample_fmts; *f != AV_SAMPLE_FMT_NONE; ++f)
                if (*f == wanted)
                    return wanted;
        return AV_SAMPLE_FMT_NONE;
    }

    void send(AVFormatContext* format, int count)
    {
        const int channels = track_.channels;
        const auto n = static_cast<std::size_t>(count) * static_cast<std::size_t>(channels);
        if (!track_.samples.empty())
            std::copy_n(track_.samples.begin() + static_cast<std::ptrdiff_t>(next_ * channels), n, buffer_.begin());
        else
            track_.source(next_, count, buffer_.data());
        check(av_frame_make_writable(frame_.get()), "writable audio frame");
        frame_->nb_samples = count;
        for (int i = 0; i < count; ++i)
            for (int c = 0; c < channels; ++c) {
                const float x = buffer_[static_cast<std::size_t>(i * channels + c)];
                const auto s16 = static_cast<std::int16_t>(std::lround(std::clamp(x, -1.0f, 1.0f) * 32767.0f));
                switch (format_) {
                case AV_SAMPLE_FMT_FLTP: reinterpret_cast<float*>(frame_->data[c])[i] = x; break;
                case AV_SAMPLE_FMT_FLT: reinterpret_cast<float*>(frame_->data[0])[i * channels + c] = x; break;
                case AV_SAMPLE_FMT_S16P: reinterpret_cast<std::int16_t*>(frame_->data[c])[i] = s16; break;
                default: reinterpret_cast<std::int16_t*>(frame_->data[0])[i * channels + c] = s16; break;
                }
            }
        frame_->pts = next_;
        next_ += count;
        encodeAndWrite(format, codec_.get(), stream_, packet_.get(), frame_.get(), "audio");
    }

    const AudioTrack& track_;
    std::int64_t total_ = 0;
    std::int64_t next_ = 0;
    AVSampleFormat format_ = AV_SAMPLE_FMT_NONE;
    AVStream* stream_ = nullptr;
    CodecContextPtr codec_;
    FramePtr frame_;
    PacketPtr packet_;
    int frameSize_ = 1024;
    std::vector<float> buffer_;
};
}  // namespace

void writeClip(const std::filesystem::path& file, const ClipSpec& spec, const Painter& painter)
{
    writeClip(file, spec, painter, AudioTrack{});
}

void writeClip(const std::filesystem::path& file, const ClipSpec& spec, const Painter& painter, const AudioTrack& audio)
{
    const std::string name = file.string();
    AVFormatContext* rawFormat = nullptr;
    check(avformat_alloc_output_context2(&rawFormat, nullptr, nullptr, name.c_str()), "output format for " + name);
    OutputFormatPtr format(rawFormat);

    const AVCodec* encoder = avcodec_find_encoder_by_name(spec.codec.c_str());
    if (!encoder)
        throw Error("ClipWriter: no encoder " + spec.codec);
    AVStream* stream = avformat_new_stream(format.get(), nullptr);
    CodecContextPtr codec(avcodec_alloc_context3(encoder));
    const bool vfr = !spec.ptsMs.empty();
    const AVPixelFormat pixFmt = av_get_pix_fmt(spec.pixelFormat.c_str());
    codec->width = spec.width;
    codec->height = spec.height;
    codec->pix_fmt = pixFmt;
    codec->time_base = vfr ? AVRational{1, 1000} : AVRational{1, spec.fps};
    codec->framerate = AVRational{spec.fps, 1};
    codec->sample_aspect_ratio = AVRational{spec.sarNum, spec.sarDen};
    codec->gop_size = spec.gop > 0 ? spec.gop : codec->gop_size;
    codec->max_b_frames = spec.bFrames;
    codec->thread_count = spec.threads;
    // Encoder chatter (x264's per-clip statistics) one level down: info becomes verbose.
    codec->log_level_offset = AV_LOG_VERBOSE - AV_LOG_INFO;
    if (format->oformat->flags & AVFMT_GLOBALHEADER)
        codec->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    AVDictionary* options = nullptr;
    if (spec.codec == "libx264") {
        av_dict_set(&options, "preset", spec.preset.c_str(), 0);
        av_dict_set_int(&options, "crf", spec.crf, 0);
        if (spec.gop > 0)
            av_dict_set(&options, "x264-params", ("scenecut=0:min-keyint=" + std::to_string(spec.gop)).c_str(), 0);
        av_dict_set_int(&options, "bf", spec.bFrames, 0);
    } else if (spec.codec == "mpeg4") {
        codec->bit_rate = 0;
        codec->global_quality = FF_QP2LAMBDA * 4;
        codec->flags |= AV_CODEC_FLAG_QSCALE;
    }
    const int opened = avcodec_open2(codec.get(), encoder, &options);
    av_dict_free(&options);
    check(opened, "open encoder " + spec.codec);
    check(avcodec_parameters_from_context(stream->codecpar, codec.get()), "codec parameters");
    stream->time_base = codec->time_base;
    stream->sample_aspect_ratio = codec->sample_aspect_ratio;
    if (spec.rotation != 0) {
        auto* matrix = reinterpret_cast<std::int32_t*>(
            av_stream_new_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, 9 * sizeof(std::int32_t)));
        // set() takes a clockwise angle (get() returns the counter-clockwise one); the viewer
        // shows the frame turned clockwise by -get() = spec.rotation, as the ffmpeg tool does.
        av_display_rotation_set(matrix, spec.rotation);
    }
    std::unique_ptr<SoundEncoder> sound;
    if (audio.enabled())
        sound = std::make_unique<SoundEncoder>(format.get(), audio, spec.threads, name);
    if (!(format->oformat->flags & AVFMT_NOFILE))
        check(avio_open(&format->pb, name.c_str(), AVIO_FLAG_WRITE), "open " + name);
    check(avformat_write_header(format.get(), nullptr), "write header");

    SwsPtr sws(sws_getContext(spec.width, spec.height, AV_PIX_FMT_RGB24, spec.width, spec.height, pixFmt,
                              SWS_BICUBIC, nullptr, nullptr, nullptr));
    if (!sws)
        throw Error("ClipWriter: no RGB -> " + spec.pixelFormat + " conversion");
    FramePtr frame = makeFrame();
    frame->width = spec.width;
    frame->height = spec.height;
    frame->format = pixFmt;
    check(av_frame_get_buffer(frame.get(), 0), "frame buffer");
    std::vector<std::uint8_t> rgb(static_cast<std::size_t>(spec.width) * spec.height * 3);
    PacketPtr packet = makePacket();

    // Each frame lasts until the next one (the last as long as the one before).
    const auto setDuration = [&](AVPacket* p) {
        if (p->duration > 0)
            return;
        std::int64_t duration = 1;
        if (vfr) {
            const auto& pts = spec.ptsMs;
            const auto it = std::find(pts.begin(), pts.end(), p->pts);
            if (it != pts.end() && it + 1 != pts.end())
                duration = *(it + 1) - *it;
            else if (pts.size() >= 2)
                duration = pts[pts.size() - 1] - pts[pts.size() - 2];
        }
        p->duration = duration;
    };
    const auto drain = [&](const AVFrame* input) {
        encodeAndWrite(format.get(), codec.get(), stream, packet.get(), input, "video", setDuration);
    };
    for (int i = 0; i < spec.frames; ++i) {
        painter(i, spec.width, spec.height, rgb);
        check(av_frame_make_writable(frame.get()), "writable frame");
        const std::uint8_t* src[4] = {rgb.data(), nullptr, nullptr, nullptr};
        const int srcStride[4] = {spec.width * 3, 0, 0, 0};
        sws_scale(sws.get(), src, srcStride, 0, spec.height, frame->data, frame->linesize);
        frame->pts = vfr ? spec.ptsMs[static_cast<std::size_t>(i)] : i;
        drain(frame.get());
        if (sound && i + 1 < spec.frames)
            sound->advanceTo(format.get(), static_cast<std::int64_t>(std::floor(frameTime(spec, i + 1) * audio.sampleRate)));
    }
    drain(nullptr);
    if (sound)
        sound->finish(format.get());
    check(av_write_trailer(format.get()), "write trailer");
}

}  // namespace tl::video
