#pragma once
// Presentation rules of the charts, kept apart from Qt Charts so that they can
// be tested and survive a move to Qt Graphs:
//  - round axis ticks: steps of 1, 2, 2.5 or 5 x 10^n and bounds on a step;
//  - one colour per series name for as long as the palette lives: assigned in
//    order of first appearance and never reassigned, so adding configurations
//    does not recolour the ones already drawn; no two names share a colour;
//  - one dash style per reference line (baseline) name, by the same rule.

#include <QColor>
#include <QHash>
#include <QString>

namespace tl::ui {

struct NiceScale {
    double low = 0;   // a multiple of step, <= the data's minimum
    double high = 1;  // a multiple of step, >= the data's maximum
    double step = 1;  // 1, 2, 2.5 or 5 x 10^n
    int decimals = 0; // enough to print every tick exactly
    int tickCount() const;
};

// The round scale over [min, max] with at most maxTicks ticks (taken as >= 3). A zero
// or tiny span is widened around the value; max < min are swapped.
NiceScale niceScale(double min, double max, int maxTicks = 6);
// The smallest step of 1, 2, 2.5 or 5 x 10^n that covers span in at most maxTicks - 1 intervals.
double niceStep(double span, int maxTicks);
// Decimals needed to print multiples of step exactly (0.25 -> 2, 5 -> 0).
int decimalsFor(double step);

class SeriesPalette {
public:
    // The colour of this series name: the next free colour on first sight, the same one afterwards.
    QColor colourOf(const QString& name);
    // The dash style of this reference line name, assigned the same way (never Qt::SolidLine).
    Qt::PenStyle styleOf(const QString& name);
    void reset();
    int size() const { return static_cast<int>(colours_.size()); }

private:
    QHash<QString, QColor> colours_;
    QHash<QString, Qt::PenStyle> styles_;
};

}  // namespace tl::ui
