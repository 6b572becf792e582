#include "core/video/VideoProbe.h"

#include <cmath>

extern "C" {
#include <libavutil/display.h>
#include <libavutil/pixdesc.h>
}

#include "core/video/PacketScan.h"
#include "core/video/VideoGeometry.h"

namespace tl::video {

VideoInfo describeStream(const std::filesystem::path& file, const VideoInput& input)
{
    const AVFormatContext* format = input.format.get();
    const AVStream* stream = input.stream();
    const AVCodecParameters* par = stream->codecpar;
    VideoInfo info;
    info.path = file.string();
    info.container = format->iformat->name;
    info.codec = avcodec_get_name(par->codec_id);
    const auto pixFmt = static_cast<AVPixelFormat>(par->format);
    if (const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(pixFmt)) {
        info.pixelFormat = desc->name;
        info.bitDepth = desc->comp[0].depth;
    }
    info.streamIndex = input.streamIndex;
    info.width = par->width;
    info.height = par->height;
    AVRational sar = av_guess_sample_aspect_ratio(const_cast<AVFormatContext*>(format),
                                                  const_cast<AVStream*>(stream), nullptr);
    if (sar.num > 0 && sar.den > 0) {
        av_reduce(&info.sarNum, &info.sarDen, sar.num, sar.den, 1 << 20);
    }
    info.rotation = streamRotation(stream);
    const VideoGeometry geometry(info.width, info.height, info.sarNum, info.sarDen, info.rotation);
    info.displayWidth = geometry.displayWidth();
    info.displayHeight = geometry.displayHeight();

    if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0)
        info.duration = static_cast<double>(stream->duration) * av_q2d(stream->time_base);
    else if (format->duration != AV_NOPTS_VALUE && format->duration > 0)
        info.duration = static_cast<double>(format->duration) / AV_TIME_BASE;
    const AVRational rate = stream->avg_frame_rate.num > 0 ? stream->avg_frame_rate : stream->r_frame_rate;
    if (rate.num > 0 && rate.den > 0)
        info.frameRate = av_q2d(rate);
    info.frameCount = stream->nb_frames;
    info.timeBaseNum = stream->time_base.num;
    info.timeBaseDen = stream->time_base.den;
    for (unsigned i = 0; i < format->nb_streams; ++i)
        info.hasAudio = info.hasAudio || format->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO;
    return info;
}

void applyScan(VideoInfo& info, const PacketScan& scan, const AVStream* stream)
{
    info.frameCount = scan.packets;
    info.variableFrameRate = scan.variableFrameRate;
    if (scan.firstPts != AV_NOPTS_VALUE && scan.endPts != AV_NOPTS_VALUE) {
        const double measured = static_cast<double>(scan.endPts - scan.firstPts) * av_q2d(stream->time_base);
        if (measured > 0) {
            info.duration = measured;
            if (info.frameRate <= 0 && scan.packets > 0)
                info.frameRate = static_cast<double>(scan.packets) / measured;
        }
    }
}

VideoInfo probeVideo(const std::filesystem::path& file, bool scanPackets_)
{
    VideoInput input = openVideoInput(file);
    VideoInfo info = describeStream(file, input);
    if (scanPackets_) {
        const PacketScan scan = scanPackets(input, JobContext::none());
        if (scan.packets == 0)
            throw DecodeError(file.string(), "the video stream has no frames");
        applyScan(info, scan, input.stream());
    }
    return info;
}

}  // namespace tl::video
