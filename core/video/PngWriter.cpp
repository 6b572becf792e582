#include "core/video/PngWriter.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/video/FfmpegPtr.h"

namespace tl::video {

void writePng(const std::filesystem::path& file, int width, int height, const std::vector<std::uint8_t>& rgb)
{
    const std::string name = file.string();
    if (width <= 0 || height <= 0 || rgb.size() < static_cast<std::size_t>(width) * height * 3)
        throw Error(name + ": cannot write PNG: empty or inconsistent image");
    const AVCodec* encoder = avcodec_find_encoder(AV_CODEC_ID_PNG);
    if (!encoder)
        throw Error(name + ": cannot write PNG: FFmpeg has no png encoder");
    CodecContextPtr codec(avcodec_alloc_context3(encoder));
    if (!codec)
        throw std::bad_alloc();
    codec->width = width;
    codec->height = height;
    codec->pix_fmt = AV_PIX_FMT_RGB24;
    codec->time_base = AVRational{1, 25};
    if (const int rc = avcodec_open2(codec.get(), encoder, nullptr); rc < 0)
        throw Error(name + ": cannot open the png encoder (" + ffmpegError(rc) + ")");

    FramePtr frame = makeFrame();
    frame->width = width;
    frame->height = height;
    frame->format = AV_PIX_FMT_RGB24;
    if (const int rc = av_frame_get_buffer(frame.get(), 0); rc < 0)
        throw Error(name + ": cannot allocate a frame (" + ffmpegError(rc) + ")");
    for (int y = 0; y < height; ++y)
        std::copy_n(rgb.data() + static_cast<std::size_t>(y) * width * 3, width * 3,
                    frame->data[0] + static_cast<std::ptrdiff_t>(y) * frame->linesize[0]);

    PacketPtr packet = makePacket();
    int rc = avcodec_send_frame(codec.get(), frame.get());
    if (rc >= 0)
        rc = avcodec_receive_packet(codec.get(), packet.get());
    if (rc < 0)
        throw Error(name + ": PNG encoding failed (" + ffmpegError(rc) + ")");
    writeFileAtomically(file, std::string_view(reinterpret_cast<const char*>(packet->data),
                                               static_cast<std::size_t>(packet->size)));
}

}  // namespace tl::video
