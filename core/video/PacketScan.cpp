#include "core/video/PacketScan.h"

#include <algorithm>
#include <cmath>

namespace tl::video {

namespace {

// NAL unit types of an H.264 / HEVC access unit, in either the length-prefixed
// (avcC / hvcC extradata) or the Annex B start-code format.
template <typename Visit>
void forEachNal(const AVCodecParameters& codec, const AVPacket& packet, int hevcConfigLengthByte, Visit visit)
{
    const std::uint8_t* data = packet.data;
    const int size = packet.size;
    int lengthSize = 0;
    if (codec.extradata && codec.extradata_size > hevcConfigLengthByte && codec.extradata[0] == 1)
        lengthSize = (codec.extradata[hevcConfigLengthByte] & 3) + 1;
    if (lengthSize > 0) {
        int offset = 0;
        while (offset + lengthSize < size) {
            std::uint32_t length = 0;
            for (int i = 0; i < lengthSize; ++i)
                length = (length << 8) | data[offset + i];
            offset += lengthSize;
            if (length == 0 || offset + static_cast<std::int64_t>(length) > size)
                break;
            visit(data[offset]);
            offset += static_cast<int>(length);
        }
        return;
    }
    for (int i = 0; i + 3 < size; ++i) {
        if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
            visit(data[i + 3]);
            i += 2;
        }
    }
}

}  // namespace

bool isCleanEntryPacket(const AVCodecParameters& codec, const AVPacket& packet)
{
    if (!(packet.flags & AV_PKT_FLAG_KEY) || !packet.data)
        return false;
    bool clean = false;
    switch (codec.codec_id) {
    case AV_CODEC_ID_H264:
        // avcC: lengthSizeMinusOne in byte 4.
        forEachNal(codec, packet, 4, [&](std::uint8_t header) { clean = clean || (header & 0x1f) == 5; });
        return clean;
    case AV_CODEC_ID_HEVC:
        // hvcC: lengthSizeMinusOne in byte 21. IRAP = BLA, IDR, CRA (16..21).
        forEachNal(codec, packet, 21, [&](std::uint8_t header) {
            const int type = (header >> 1) & 0x3f;
            clean = clean || (type >= 16 && type <= 21);
        });
        return clean;
    default:
        return true;
    }
}

PacketScan scanPackets(VideoInput& input, const JobContext& ctx)
{
    PacketScan scan;
    AVStream* stream = input.stream();
    scan.hasIndex = avformat_index_get_entries_count(stream) > 0;
    PacketPtr packet = makePacket();
    std::int64_t minDelta = INT64_MAX;
    std::int64_t maxDelta = 0;
    std::vector<std::int64_t> ptsList;  // only for the frame-rate regularity test (8 bytes per packet)
    int consecutiveErrors = 0;
    for (;;) {
        const int rc = av_read_frame(input.format.get(), packet.get());
        if (rc == AVERROR_EOF)
            break;
        if (rc < 0) {
            ++scan.readErrors;
            if (++consecutiveErrors > 32 || rc == AVERROR_EXIT || ctx.cancelled())
                break;
            continue;
        }
        consecutiveErrors = 0;
        if (packet->stream_index != input.streamIndex) {
            av_packet_unref(packet.get());
            continue;
        }
        ++scan.packets;
        if ((scan.packets & 1023) == 0)
            ctx.checkCancelled();
        std::int64_t pts = packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
        if (pts != AV_NOPTS_VALUE && !(packet->flags & AV_PKT_FLAG_DISCARD)) {
            if (scan.firstPts == AV_NOPTS_VALUE || pts < scan.firstPts)
                scan.firstPts = pts;
            const std::int64_t end = pts + std::max<std::int64_t>(packet->duration, 0);
            if (scan.endPts == AV_NOPTS_VALUE || end > scan.endPts)
                scan.endPts = end;
            ptsList.push_back(pts);
        }
        if (packet->flags & AV_PKT_FLAG_KEY) {
            KeyframeEntry entry;
            entry.pts = pts;
            entry.dts = packet->dts != AV_NOPTS_VALUE ? packet->dts : pts;
            entry.pos = packet->pos;
            entry.clean = pts != AV_NOPTS_VALUE && isCleanEntryPacket(*stream->codecpar, *packet);
            scan.keyframes.push_back(entry);
        }
        av_packet_unref(packet.get());
    }
    // Frame-rate regularity from the sorted presentation times.
    std::sort(ptsList.begin(), ptsList.end());
    for (std::size_t i = 1; i < ptsList.size(); ++i) {
        const std::int64_t delta = ptsList[i] - ptsList[i - 1];
        if (delta <= 0)
            continue;
        minDelta = std::min(minDelta, delta);
        maxDelta = std::max(maxDelta, delta);
    }
    if (minDelta != INT64_MAX)
        scan.variableFrameRate = static_cast<double>(maxDelta) > 1.02 * static_cast<double>(minDelta) + 1.0;
    if (!ptsList.empty())
        scan.lastPts = ptsList.back();
    // Packets without a duration: the last frame lasts as long as the one before it.
    if (scan.endPts != AV_NOPTS_VALUE && ptsList.size() >= 2 && scan.endPts == ptsList.back())
        scan.endPts += std::max<std::int64_t>(1, ptsList.back() - ptsList[ptsList.size() - 2]);
    return scan;
}

}  // namespace tl::video
