#include "core/video/VideoInput.h"

#include <system_error>

namespace tl::video {

namespace {
int interruptCallback(void* opaque)
{
    const auto* token = static_cast<const CancelToken*>(opaque);
    return token && token->cancelled() ? 1 : 0;
}
}  // namespace

VideoInput openVideoInput(const std::filesystem::path& file, const CancelToken* cancel)
{
    const std::string name = file.string();
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
        throw DecodeError(name, "file not found");
    if (std::filesystem::is_directory(file, ec))
        throw DecodeError(name, "is a directory, not a video file");
    if (std::filesystem::file_size(file, ec) == 0 && !ec)
        throw DecodeError(name, "empty file (0 bytes)");

    AVFormatContext* raw = avformat_alloc_context();
    if (!raw)
        throw std::bad_alloc();
    if (cancel) {
        raw->interrupt_callback.callback = interruptCallback;
        raw->interrupt_callback.opaque = const_cast<CancelToken*>(cancel);
    }
    // avformat_open_input frees the context itself on failure.
    if (const int rc = avformat_open_input(&raw, name.c_str(), nullptr, nullptr); rc < 0)
        throw DecodeError(name, "not a media file FFmpeg can read (" + ffmpegError(rc) + ")");
    VideoInput input;
    input.format.reset(raw);
    if (const int rc = avformat_find_stream_info(raw, nullptr); rc < 0)
        throw DecodeError(name, "cannot read stream information (" + ffmpegError(rc) + ")");

    // Best video stream, ignoring attached pictures (cover art of audio files).
    int best = -1;
    for (unsigned i = 0; i < raw->nb_streams; ++i) {
        const AVStream* st = raw->streams[i];
        if (st->codecpar->codec_type != AVMEDIA_TYPE_VIDEO || (st->disposition & AV_DISPOSITION_ATTACHED_PIC))
            continue;
        best = -2;  // at least one candidate
        break;
    }
    if (best == -1) {
        bool audio = false;
        for (unsigned i = 0; i < raw->nb_streams; ++i)
            audio = audio || raw->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO;
        if (raw->nb_streams == 0)
            throw DecodeError(name, "no media streams (zero-length or empty container)");
        throw DecodeError(name, audio ? "no video stream (audio only)" : "no video stream");
    }
    best = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (best < 0 || (raw->streams[best]->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
        best = -1;
        for (unsigned i = 0; i < raw->nb_streams && best < 0; ++i) {
            const AVStream* st = raw->streams[i];
            if (st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO && !(st->disposition & AV_DISPOSITION_ATTACHED_PIC))
                best = static_cast<int>(i);
        }
    }
    const AVCodecParameters* par = raw->streams[best]->codecpar;
    if (par->width <= 0 || par->height <= 0)
        throw DecodeError(name, "video stream has no frame size (damaged header?)");
    if (!avcodec_find_decoder(par->codec_id))
        throw DecodeError(name, std::string("no decoder for codec ") + avcodec_get_name(par->codec_id));
    input.streamIndex = best;
    return input;
}

}  // namespace tl::video
