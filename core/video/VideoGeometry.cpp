#include "core/video/VideoGeometry.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/display.h>
}

namespace tl::video {

int streamRotation(const AVStream* stream)
{
    std::size_t size = 0;
    const std::uint8_t* matrix =
        av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (!matrix || size < 9 * sizeof(std::int32_t))
        return 0;
    const double angle = av_display_rotation_get(reinterpret_cast<const std::int32_t*>(matrix));
    if (std::isnan(angle))
        return 0;
    // av_display_rotation_get gives the counter-clockwise angle; viewers turn clockwise by its opposite.
    int clockwise = static_cast<int>(std::lround(-angle / 90.0)) * 90;
    clockwise = ((clockwise % 360) + 360) % 360;
    return clockwise;
}

VideoGeometry::VideoGeometry(int width, int height, int sarNum, int sarDen, int rotation)
    : rotation_(((rotation % 360) + 360) % 360 / 90 * 90),
      sarNum_(sarNum > 0 && sarDen > 0 ? sarNum : 1),
      sarDen_(sarNum > 0 && sarDen > 0 ? sarDen : 1)
{
    sarNum = sarNum_;
    sarDen = sarDen_;
    const int stretched = std::max(1, static_cast<int>(std::lround(static_cast<double>(width) * sarNum / sarDen)));
    displayWidth_ = swapsAxes() ? height : stretched;
    displayHeight_ = swapsAxes() ? stretched : height;
}

void VideoGeometry::codedSizeFor(int outWidth, int outHeight, int& codedWidth, int& codedHeight) const
{
    codedWidth = swapsAxes() ? outHeight : outWidth;
    codedHeight = swapsAxes() ? outWidth : outHeight;
}

}  // namespace tl::video
