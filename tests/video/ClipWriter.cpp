#include "tests/video/ClipWriter.h"

#include <algorithm>

namespace tl::video::test {

void paintIndex(int index, int width, int height, std::vector<std::uint8_t>& rgb)
{
    static const std::uint8_t fixed[4][3] = {{250, 250, 250}, {5, 5, 5}, {220, 30, 30}, {30, 30, 220}};
    for (int y = 0; y < height; ++y) {
        const int row = std::min(3, y * 4 / height);
        for (int x = 0; x < width; ++x) {
            const int cell = row * 4 + std::min(3, x * 4 / width);
            std::uint8_t* p = rgb.data() + (static_cast<std::size_t>(y) * width + x) * 3;
            if (cell < 12) {
                const std::uint8_t v = ((index >> cell) & 1) ? 215 : 40;
                p[0] = p[1] = p[2] = v;
            } else {
                p[0] = fixed[cell - 12][0];
                p[1] = fixed[cell - 12][1];
                p[2] = fixed[cell - 12][2];
            }
        }
    }
}

int readIndex(const std::uint8_t* rgb, int width, int height)
{
    int index = 0;
    for (int cell = 0; cell < 12; ++cell) {
        const int cx = cell % 4, cy = cell / 4;
        const int x0 = cx * width / 4 + width / 16, x1 = (cx + 1) * width / 4 - width / 16;
        const int y0 = cy * height / 4 + height / 16, y1 = (cy + 1) * height / 4 - height / 16;
        double sum = 0;
        int count = 0;
        for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x) {
                sum += rgb[(static_cast<std::size_t>(y) * width + x) * 3 + 1];
                ++count;
            }
        if (count == 0)
            return -1;
        const double mean = sum / count;
        if (mean > 90 && mean < 165)
            return -1;  // neither dark nor light: not our pattern
        if (mean >= 165)
            index |= 1 << cell;
    }
    return index;
}

}  // namespace tl::video::test
