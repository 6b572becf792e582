#include "core/video/ClipWriter.h"

#include <algorithm>
#include <stdexcept>

#include "core/common/Error.h"

extern "C" {
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
}  // namespace

void writeClip(const std::filesystem::path& file, const ClipSpec& spec, const Painter& painter)
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

    const auto drain = [&](const AVFrame* input) {
        check(avcodec_send_frame(codec.get(), input), "encode");
        for (;;) {
            const int rc = avcodec_receive_packet(codec.get(), packet.get());
            if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
                return;
            check(rc, "receive packet");
            if (packet->duration <= 0) {
                // Each frame lasts until the next one (the last as long as the one before).
                std::int64_t duration = 1;
                if (vfr) {
                    const auto& pts = spec.ptsMs;
                    const auto it = std::find(pts.begin(), pts.end(), packet->pts);
                    if (it != pts.end() && it + 1 != pts.end())
                        duration = *(it + 1) - *it;
                    else if (pts.size() >= 2)
                        duration = pts[pts.size() - 1] - pts[pts.size() - 2];
                }
                packet->duration = duration;
            }
            av_packet_rescale_ts(packet.get(), codec->time_base, stream->time_base);
            packet->stream_index = stream->index;
            check(av_interleaved_write_frame(format.get(), packet.get()), "write packet");
        }
    };
    for (int i = 0; i < spec.frames; ++i) {
        painter(i, spec.width, spec.height, rgb);
        check(av_frame_make_writable(frame.get()), "writable frame");
        const std::uint8_t* src[4] = {rgb.data(), nullptr, nullptr, nullptr};
        const int srcStride[4] = {spec.width * 3, 0, 0, 0};
        sws_scale(sws.get(), src, srcStride, 0, spec.height, frame->data, frame->linesize);
        frame->pts = vfr ? spec.ptsMs[static_cast<std::size_t>(i)] : i;
        drain(frame.get());
    }
    drain(nullptr);
    check(av_write_trailer(format.get()), "write trailer");
}

}  // namespace tl::video
