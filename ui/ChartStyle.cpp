#include "ui/ChartStyle.h"

#include <QSet>

#include <utility>

#include <algorithm>
#include <cmath>

namespace tl::ui {

int NiceScale::tickCount() const
{
    return static_cast<int>(std::lround((high - low) / step)) + 1;
}

double niceStep(double span, int maxTicks)
{
    const int intervals = std::max(1, maxTicks - 1);
    if (!(span > 0) || !std::isfinite(span))
        return 1.0;
    const double raw = span / intervals;
    double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (;;) {
        for (double m : {1.0, 2.0, 2.5, 5.0}) {
            const double step = m * magnitude;
            // A small tolerance: 0.3 / 3 must give 0.1, not 0.2.
            if (step >= raw * (1 - 1e-9))
                return step;
        }
        magnitude *= 10;
    }
}

int decimalsFor(double step)
{
    for (int d = 0; d < 12; ++d) {
        const double scaled = step * std::pow(10.0, d);
        if (std::abs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, std::abs(scaled)))
            return d;
    }
    return 12;
}

NiceScale niceScale(double min, double max, int maxTicks)
{
    if (!std::isfinite(min) || !std::isfinite(max))
        return {};
    if (max < min)
        std::swap(min, max);
    if (max - min < 1e-12 * std::max(1.0, std::abs(max))) {
        const double half = std::abs(min) > 0 ? std::abs(min) * 0.05 : 0.5;
        min -= half;
        max += half;
    }
    // Two ticks cannot bracket a range that straddles a multiple of every step (0): three at least.
    maxTicks = std::max(3, maxTicks);
    // Rounding the bounds outwards can need one more interval than the span alone: grow the step until it fits.
    double step = niceStep(max - min, maxTicks);
    NiceScale s;
    for (int guard = 0; guard < 8; ++guard) {
        s.step = step;
        s.low = std::floor(min / step + 1e-9) * step;
        s.high = std::ceil(max / step - 1e-9) * step;
        if (s.tickCount() <= maxTicks)
            break;
        step = niceStep(step * 1.0001, 2);  // the next nice step up
    }
    s.decimals = decimalsFor(s.step);
    // -0.0 prints as "-0".
    if (s.low == 0)
        s.low = 0;
    return s;
}

QColor SeriesPalette::colourOf(const QString& name)
{
    const auto it = colours_.constFind(name);
    if (it != colours_.constEnd())
        return *it;
    // Tableau 10 without its grey (grey is for the baselines), then further
    // hues at the golden angle, skipping any colour already taken.
    static const QColor base[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28), QColor(0x2c, 0xa0, 0x2c),
                                  QColor(0x94, 0x67, 0xbd), QColor(0xff, 0x7f, 0x0e), QColor(0x8c, 0x56, 0x4b),
                                  QColor(0xe3, 0x77, 0xc2), QColor(0x17, 0xbe, 0xcf), QColor(0xbc, 0xbd, 0x22)};
    constexpr int baseCount = static_cast<int>(sizeof(base) / sizeof(base[0]));
    QSet<QRgb> taken;
    for (const QColor& c : std::as_const(colours_))
        taken.insert(c.rgb());
    QColor colour;
    for (int i = static_cast<int>(colours_.size());; ++i) {
        if (i < baseCount) {
            colour = base[i];
        } else {
            const int k = i - baseCount;
            colour = QColor::fromHsv(static_cast<int>(std::fmod(20.0 + 137.508 * k, 360.0)), 200 - 40 * (k % 3),
                                     200 - 50 * ((k / 3) % 2));
        }
        if (!taken.contains(colour.rgb()))
            break;
    }
    colours_.insert(name, colour);
    return colour;
}

Qt::PenStyle SeriesPalette::styleOf(const QString& name)
{
    const auto it = styles_.constFind(name);
    if (it != styles_.constEnd())
        return *it;
    static const Qt::PenStyle cycle[] = {Qt::DashLine, Qt::DotLine, Qt::DashDotLine, Qt::DashDotDotLine};
    const Qt::PenStyle style = cycle[styles_.size() % 4];
    styles_.insert(name, style);
    return style;
}

void SeriesPalette::reset()
{
    colours_.clear();
    styles_.clear();
}

}  // namespace tl::ui
