#include "core/common/NaturalOrder.h"

namespace tl {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

int naturalCompare(std::string_view a, std::string_view b)
{
    std::size_t i = 0, j = 0;
    int zeros = 0;  // first difference in leading zeros ("01" vs "1"), a tie-break
    while (i < a.size() && j < b.size()) {
        if (isDigit(a[i]) && isDigit(b[j])) {
            // Compare the two digit runs as numbers of any length: skip leading
            // zeros, then the longer run is larger, else the first differing digit.
            std::size_t za = i, zb = j;
            while (za < a.size() && a[za] == '0')
                ++za;
            while (zb < b.size() && b[zb] == '0')
                ++zb;
            std::size_t ea = za, eb = zb;
            while (ea < a.size() && isDigit(a[ea]))
                ++ea;
            while (eb < b.size() && isDigit(b[eb]))
                ++eb;
            if (ea - za != eb - zb)
                return ea - za < eb - zb ? -1 : 1;
            for (std::size_t k = 0; k < ea - za; ++k)
                if (a[za + k] != b[zb + k])
                    return a[za + k] < b[zb + k] ? -1 : 1;
            if (zeros == 0 && za - i != zb - j)
                zeros = za - i < zb - j ? -1 : 1;
            i = ea;
            j = eb;
            continue;
        }
        const char ca = lower(a[i]), cb = lower(b[j]);
        if (ca != cb)
            return ca < cb ? -1 : 1;
        ++i;
        ++j;
    }
    if (i < a.size() || j < b.size())
        return i < a.size() ? 1 : -1;  // a prefix sorts first
    if (zeros != 0)
        return zeros;
    return a.compare(b) < 0 ? -1 : (a.compare(b) > 0 ? 1 : 0);  // case differences last
}

}  // namespace tl
