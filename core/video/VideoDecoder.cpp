#include "core/video/VideoDecoder.h"

namespace tl::video {

VideoDecoder::VideoDecoder(const std::filesystem::path& file, int threads, const CancelToken* cancel)
    : input_(openVideoInput(file, cancel)), packet_(makePacket())
{
    const AVCodecParameters* par = input_.stream()->codecpar;
    const AVCodec* decoder = avcodec_find_decoder(par->codec_id);
    codec_.reset(avcodec_alloc_context3(decoder));
    if (!codec_)
        throw std::bad_alloc();
    if (const int rc = avcodec_parameters_to_context(codec_.get(), par); rc < 0)
        throw DecodeError(file.string(), "bad codec parameters (" + ffmpegError(rc) + ")");
    codec_->thread_count = threads;  // 0 = automatic
    codec_->pkt_timebase = input_.stream()->time_base;
    if (const int rc = avcodec_open2(codec_.get(), decoder, nullptr); rc < 0)
        throw DecodeError(file.string(), std::string("cannot open the ") + decoder->name + " decoder (" +
                                             ffmpegError(rc) + ")");
}

bool VideoDecoder::feedPacket()
{
    int consecutiveErrors = 0;
    while (!inputDone_) {
        const int rc = av_read_frame(input_.format.get(), packet_.get());
        if (rc == AVERROR_EOF) {
            inputDone_ = true;
            break;
        }
        if (rc < 0) {
            ++counters_.readErrors;
            if (rc == AVERROR_EXIT || ++consecutiveErrors > 32 || avio_feof(input_.format->pb)) {
                endedWithErrors_ = true;
                inputDone_ = true;
                break;
            }
            continue;
        }
        consecutiveErrors = 0;
        if (packet_->stream_index != input_.streamIndex) {
            av_packet_unref(packet_.get());
            continue;
        }
        if (awaitingLanding_) {
            landing_ = LandingPacket{packet_->pts, packet_->dts, packet_->pos, (packet_->flags & AV_PKT_FLAG_KEY) != 0};
            awaitingLanding_ = false;
        }
        const int sent = avcodec_send_packet(codec_.get(), packet_.get());
        av_packet_unref(packet_.get());
        if (sent < 0 && sent != AVERROR(EAGAIN)) {
            ++counters_.packetErrors;
            pendingDamage_ = true;
        }
        return true;
    }
    // End of input: enter draining mode once.
    if (!drained_) {
        avcodec_send_packet(codec_.get(), nullptr);
        drained_ = true;
    }
    return false;
}

bool VideoDecoder::next(AVFrame* frame, bool* damaged)
{
    av_frame_unref(frame);
    for (;;) {
        const int rc = avcodec_receive_frame(codec_.get(), frame);
        if (rc == 0) {
            ++counters_.framesOut;
            bool bad = pendingDamage_ || frame->decode_error_flags != 0 || (frame->flags & AV_FRAME_FLAG_CORRUPT);
            if (frame->decode_error_flags != 0 || (frame->flags & AV_FRAME_FLAG_CORRUPT))
                ++counters_.damagedFrames;
            pendingDamage_ = false;
            if (damaged)
                *damaged = bad;
            return true;
        }
        if (rc == AVERROR_EOF)
            return false;
        if (rc != AVERROR(EAGAIN)) {
            // A decoding error for one frame; the decoder keeps going.
            ++counters_.packetErrors;
            pendingDamage_ = true;
            if (drained_)
                return false;
            continue;
        }
        // EAGAIN: the decoder wants input.
        if (drained_)
            return false;
        feedPacket();
    }
}

bool VideoDecoder::seek(std::int64_t timestamp)
{
    const int rc = av_seek_frame(input_.format.get(), input_.streamIndex, timestamp, AVSEEK_FLAG_BACKWARD);
    avcodec_flush_buffers(codec_.get());
    inputDone_ = false;
    drained_ = false;
    pendingDamage_ = false;
    landing_.reset();
    awaitingLanding_ = true;
    return rc >= 0;
}

}  // namespace tl::video
