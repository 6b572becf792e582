#pragma once
// VideoGeometry: how coded frames map to what a viewer sees. The sample
// aspect ratio stretches the width, then the display-matrix rotation turns
// the picture by a multiple of 90 degrees clockwise. Used to size scaled
// images in the coded orientation and to read them back in the display
// orientation. Immutable value type; thread-safe.

struct AVStream;

namespace tl::video {

// Clockwise rotation (0, 90, 180, 270) a viewer applies, from the stream's
// display matrix side data (0 when absent; flips are ignored).
int streamRotation(const AVStream* stream);

class VideoGeometry {
public:
    VideoGeometry(int width, int height, int sarNum, int sarDen, int rotation);

    int rotation() const { return rotation_; }
    int sarNum() const { return sarNum_; }
    int sarDen() const { return sarDen_; }
    int displayWidth() const { return displayWidth_; }
    int displayHeight() const { return displayHeight_; }
    bool swapsAxes() const { return rotation_ == 90 || rotation_ == 270; }

    // For an output of outWidth x outHeight in display orientation: the size to
    // scale the coded frame to before rotating it.
    void codedSizeFor(int outWidth, int outHeight, int& codedWidth, int& codedHeight) const;

    // Display pixel (x, y) of an image of codedWidth x codedHeight scaled in coded
    // orientation: the coded-orientation pixel it comes from.
    void sourcePixel(int x, int y, int codedWidth, int codedHeight, int& sx, int& sy) const
    {
        switch (rotation_) {
        case 90: sx = y; sy = codedHeight - 1 - x; break;
        case 180: sx = codedWidth - 1 - x; sy = codedHeight - 1 - y; break;
        case 270: sx = codedWidth - 1 - y; sy = x; break;
        default: sx = x; sy = y; break;
        }
    }

private:
    int rotation_;
    int sarNum_;
    int sarDen_;
    int displayWidth_;
    int displayHeight_;
};

}  // namespace tl::video
