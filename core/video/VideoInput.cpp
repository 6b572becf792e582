#include "core/video/VideoInput.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <system_error>

namespace tl::video {

struct InterruptState {
    const CancelToken* cancel = nullptr;
    std::atomic<bool> bounded{false};
    std::chrono::steady_clock::time_point deadline;
    std::atomic<bool> timedOut{false};
};

namespace {
int interruptCallback(void* opaque)
{
    auto* state = static_cast<InterruptState*>(opaque);
    if (state->cancel && state->cancel->cancelled())
        return 1;
    if (state->bounded.load(std::memory_order_relaxed) && std::chrono::steady_clock::now() > state->deadline) {
        state->timedOut = true;
        return 1;
    }
    return 0;
}
}  // namespace

double openTimeoutSeconds()
{
    if (const char* text = std::getenv("TRAILERLAB_OPEN_TIMEOUT")) {
        char* end = nullptr;
        const double v = std::strtod(text, &end);
        if (end != text && *end == '\0' && v > 0)
            return v;
    }
    return 30.0;
}

VideoInput openMediaInput(const std::filesystem::path& file, const CancelToken* cancel)
{
    const std::string name = file.string();
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
        throw DecodeError(name, "file not found");
    if (std::filesystem::is_directory(file, ec))
        throw DecodeError(name, "is a directory, not a video file");
    if (!std::filesystem::is_regular_file(file, ec))  // a FIFO would block avformat_open_input forever
        throw DecodeError(name, "not a regular file (a FIFO, socket or device): refused as a video");
    if (std::filesystem::file_size(file, ec) == 0 && !ec)
        throw DecodeError(name, "empty file (0 bytes)");

    VideoInput input;
    input.interrupt = std::make_shared<InterruptState>();
    input.interrupt->cancel = cancel;
    const double timeout = openTimeoutSeconds();
    input.interrupt->deadline = std::chrono::steady_clock::now() +
                                std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                    std::chrono::duration<double>(timeout));
    input.interrupt->bounded = true;
    auto timeoutMessage = [&](const std::string& step) {
        return step + " took longer than " + std::to_string(static_cast<long>(timeout)) +
               " s (a stalled or pathological file; TRAILERLAB_OPEN_TIMEOUT sets the limit)";
    };

    AVFormatContext* raw = avformat_alloc_context();
    if (!raw)
        throw std::bad_alloc();
    raw->interrupt_callback.callback = interruptCallback;
    raw->interrupt_callback.opaque = input.interrupt.get();
    // avformat_open_input frees the context itself on failure.
    if (const int rc = avformat_open_input(&raw, name.c_str(), nullptr, nullptr); rc < 0)
        throw DecodeError(name, input.interrupt->timedOut ? timeoutMessage("opening")
                                                          : "not a media file FFmpeg can read (" + ffmpegError(rc) + ")");
    input.format.reset(raw);
    if (const int rc = avformat_find_stream_info(raw, nullptr); rc < 0 || input.interrupt->timedOut)
        throw DecodeError(name, input.interrupt->timedOut ? timeoutMessage("probing the streams")
                                                          : "cannot read stream information (" + ffmpegError(rc) + ")");
    input.interrupt->bounded = false;  // decoding takes as long as the video needs; cancel still applies
    return input;
}

CodecContextPtr openAudioDecoder(const std::string& file, AVFormatContext* input, int stream, const AVCodec* decoder)
{
    for (unsigned i = 0; i < input->nb_streams; ++i)
        input->streams[i]->discard = static_cast<int>(i) == stream ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
    CodecContextPtr codec(avcodec_alloc_context3(decoder));
    if (!codec)
        throw std::bad_alloc();
    if (const int rc = avcodec_parameters_to_context(codec.get(), input->streams[stream]->codecpar); rc < 0)
        throw DecodeError(file, "bad audio codec parameters (" + ffmpegError(rc) + ")");
    codec->pkt_timebase = input->streams[stream]->time_base;
    if (const int rc = avcodec_open2(codec.get(), decoder, nullptr); rc < 0)
        throw DecodeError(file, std::string("cannot open the ") + decoder->name + " decoder (" + ffmpegError(rc) + ")");
    return codec;
}

VideoInput openVideoInput(const std::filesystem::path& file, const CancelToken* cancel)
{
    const std::string name = file.string();
    VideoInput input = openMediaInput(file, cancel);
    AVFormatContext* raw = input.format.get();

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
