#include "core/audio/AudioDecoder.h"

#include <algorithm>
#include <vector>

#include "core/common/Error.h"
#include "core/video/FfmpegPtr.h"
#include "core/video/VideoInput.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

namespace tl::audio {

namespace {

using namespace tl::video;

struct LayoutHolder {
    AVChannelLayout layout{};
    ~LayoutHolder() { av_channel_layout_uninit(&layout); }
};

class Resampler {
public:
    explicit Resampler(std::string file) : file_(std::move(file)) {}

    // Converts one decoded frame (any format, rate, layout) to mono float and hands it on.
    void convert(AVFrame& f, const AudioSink& sink, long long& total)
    {
        if (f.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC && f.ch_layout.nb_channels > 0) {
            const int n = f.ch_layout.nb_channels;
            av_channel_layout_uninit(&f.ch_layout);
            av_channel_layout_default(&f.ch_layout, n);
        }
        if (!swr_ || f.sample_rate != rate_ || f.format != format_ ||
            av_channel_layout_compare(&f.ch_layout, &layout_.layout) != 0) {
            if (swr_)
                flush(sink, total);  // the old converter's tail first
            AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
            SwrContext* raw = nullptr;
            const int set = swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_FLT, kAudioSampleRate, &f.ch_layout,
                                                static_cast<AVSampleFormat>(f.format), f.sample_rate, 0, nullptr);
            swr_.reset(raw);
            if (set < 0 || !raw || swr_init(raw) < 0)
                throw DecodeError(file_, "cannot resample the audio (" + std::to_string(f.sample_rate) + " Hz, " +
                                             std::to_string(f.ch_layout.nb_channels) + " channels)");
            rate_ = f.sample_rate;
            format_ = f.format;
            av_channel_layout_uninit(&layout_.layout);
            av_channel_layout_copy(&layout_.layout, &f.ch_layout);
        }
        run(const_cast<const std::uint8_t**>(f.extended_data), f.nb_samples, sink, total);
    }

    void flush(const AudioSink& sink, long long& total)
    {
        if (swr_)
            run(nullptr, 0, sink, total);
    }

private:
    void run(const std::uint8_t** in, int count, const AudioSink& sink, long long& total)
    {
        for (;;) {
            const int capacity = std::max(swr_get_out_samples(swr_.get(), count), 0);
            if (capacity == 0)
                return;
            buffer_.resize(static_cast<std::size_t>(capacity));
            std::uint8_t* dst[1] = {reinterpret_cast<std::uint8_t*>(buffer_.data())};
            const int got = swr_convert(swr_.get(), dst, capacity, in, count);
            if (got < 0)
                throw DecodeError(file_, "resampling failed (" + ffmpegError(got) + ")");
            for (int at = 0; at < got; at += static_cast<int>(kAudioBlockSamples)) {
                const int n = std::min(got - at, static_cast<int>(kAudioBlockSamples));
                sink(buffer_.data() + at, static_cast<std::size_t>(n));
                total += n;
            }
            if (in != nullptr || got < capacity || got == 0)
                return;  // input consumed, or the flush is complete
        }
    }

    std::string file_;
    SwrPtr swr_;
    int rate_ = 0;
    int format_ = -1;
    LayoutHolder layout_;
    std::vector<float> buffer_;
};

}  // namespace

AudioDecodeResult decodeAudio(const std::filesystem::path& file, const AudioSink& sink, const CancelToken* cancel)
{
    const std::string name = file.string();
    VideoInput input;
    try {
        input = openMediaInput(file, cancel);
    } catch (const DecodeError&) {
        if (cancel && cancel->cancelled())
            throw Cancelled();  // the interrupted open, not a broken file
        throw;
    }
    AVFormatContext* raw = input.format.get();
    AudioDecodeResult result;
    for (unsigned i = 0; i < raw->nb_streams; ++i)
        if (raw->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO)
            ++result.audioStreams;
    const AVCodec* decoder = nullptr;
    const int stream = av_find_best_stream(raw, AVMEDIA_TYPE_AUDIO, -1, -1, &decoder, 0);
    if (stream == AVERROR_STREAM_NOT_FOUND || result.audioStreams == 0) {
        result.noAudioReason = "no audio stream";
        return result;
    }
    if (stream < 0 || !decoder) {
        const AVCodecParameters* par = stream >= 0 ? raw->streams[stream]->codecpar : nullptr;
        throw DecodeError(name, std::string("no decoder for the audio codec") +
                                    (par ? std::string(" ") + avcodec_get_name(par->codec_id) : std::string()));
    }
    result.streamIndex = stream;
    CodecContextPtr codec = openAudioDecoder(name, raw, stream, decoder);
    result.status = AudioStatus::Decoded;
    result.codec = decoder->name;
    result.sourceRate = codec->sample_rate;
    result.sourceChannels = codec->ch_layout.nb_channels;

    Resampler resampler(name);
    PacketPtr packet = makePacket();
    FramePtr frame = makeFrame();
    int consecutiveErrors = 0;
    bool inputDone = false;
    auto receiveAll = [&] {
        for (;;) {
            const int rc = avcodec_receive_frame(codec.get(), frame.get());
            if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
                return;
            if (rc < 0) {
                ++result.packetErrors;
                continue;
            }
            if (frame->decode_error_flags != 0 || (frame->flags & AV_FRAME_FLAG_CORRUPT) != 0)
                ++result.packetErrors;
            if (frame->nb_samples > 0)
                resampler.convert(*frame, sink, result.samples);
            av_frame_unref(frame.get());
        }
    };
    while (!inputDone) {
        if (cancel && cancel->cancelled())
            throw Cancelled();
        const int rc = av_read_frame(raw, packet.get());
        if (rc == AVERROR_EOF)
            break;
        if (rc < 0) {
            ++result.readErrors;
            if (rc == AVERROR_EXIT || ++consecutiveErrors > 32 || avio_feof(raw->pb))
                inputDone = true;
            continue;
        }
        consecutiveErrors = 0;
        if (packet->stream_index != stream) {
            av_packet_unref(packet.get());
            continue;
        }
        if ((packet->flags & AV_PKT_FLAG_CORRUPT) != 0)
            ++result.packetErrors;  // decoded all the same; counted as damage
        const int sent = avcodec_send_packet(codec.get(), packet.get());
        av_packet_unref(packet.get());
        if (sent < 0 && sent != AVERROR(EAGAIN))
            ++result.packetErrors;
        receiveAll();
    }
    if (cancel && cancel->cancelled())
        throw Cancelled();
    avcodec_send_packet(codec.get(), nullptr);
    receiveAll();
    resampler.flush(sink, result.samples);
    if (result.samples == 0)
        throw DecodeError(name, "the audio stream (" + result.codec + ") decodes to no samples" +
                                    (result.damaged() ? " (" + describeDamage(result) + ")" : std::string()));
    return result;
}

std::string describeDamage(const AudioDecodeResult& result)
{
    if (!result.damaged())
        return {};
    return "damaged audio: " + std::to_string(result.readErrors) + " read errors, " +
           std::to_string(result.packetErrors) + " packets rejected (skipped)";
}

}  // namespace tl::audio
