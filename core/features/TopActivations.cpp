#include "core/features/TopActivations.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tl::features {

namespace {

// a ranks below b: smaller value, or equal value added later.
bool ranksBelow(float va, std::uint64_t oa, float vb, std::uint64_t ob)
{
    return va < vb || (va == vb && oa > ob);
}

}  // namespace

TopActivationIndex::TopActivationIndex(std::size_t dims, std::size_t top)
    : dims_(dims), top_(top), heap_(dims * top), order_(dims * top), size_(dims, 0)
{
}

void TopActivationIndex::add(std::uint32_t item, double time, const float* values)
{
    const std::uint64_t order = frames_++;
    if (top_ == 0)
        return;
    for (std::size_t f = 0; f < dims_; ++f) {
        const float v = values[f];
        if (std::isnan(v))
            continue;
        Activation* h = heap_.data() + f * top_;
        std::uint64_t* o = order_.data() + f * top_;
        std::uint32_t& n = size_[f];
        // Slot 0 holds the lowest-ranked entry (a min-heap by ranksBelow).
        auto below = [&](std::size_t a, std::size_t b) { return ranksBelow(h[a].value, o[a], h[b].value, o[b]); };
        auto swapSlots = [&](std::size_t a, std::size_t b) {
            std::swap(h[a], h[b]);
            std::swap(o[a], o[b]);
        };
        if (n < top_) {
            std::size_t i = n++;
            h[i] = {item, static_cast<float>(time), v};
            o[i] = order;
            while (i > 0 && below(i, (i - 1) / 2)) {
                swapSlots(i, (i - 1) / 2);
                i = (i - 1) / 2;
            }
            continue;
        }
        // A later frame with an equal value ranks below every entry: only larger values enter.
        if (!(v > h[0].value))
            continue;
        h[0] = {item, static_cast<float>(time), v};
        o[0] = order;
        for (std::size_t i = 0;;) {
            const std::size_t l = 2 * i + 1, r = l + 1;
            std::size_t m = i;
            if (l < n && below(l, m))
                m = l;
            if (r < n && below(r, m))
                m = r;
            if (m == i)
                break;
            swapSlots(i, m);
            i = m;
        }
    }
}

std::vector<Activation> TopActivationIndex::entries(std::size_t f) const
{
    if (f >= dims_)
        return {};
    const std::size_t n = size_[f];
    std::vector<std::size_t> slots(n);
    std::iota(slots.begin(), slots.end(), std::size_t{0});
    const Activation* h = heap_.data() + f * top_;
    const std::uint64_t* o = order_.data() + f * top_;
    std::sort(slots.begin(), slots.end(),
              [&](std::size_t a, std::size_t b) { return ranksBelow(h[b].value, o[b], h[a].value, o[a]); });
    std::vector<Activation> out;
    out.reserve(n);
    for (std::size_t s : slots)
        out.push_back(h[s]);
    return out;
}

void TopActivationIndex::restore(std::size_t f, const std::vector<Activation>& sorted)
{
    if (f >= dims_)
        return;
    const std::size_t n = std::min(sorted.size(), top_);
    // Ascending rank order is a valid min-heap (every parent ranks below its children);
    // the orders 0, 1, ... by rank (best first) keep the saved tie order.
    for (std::size_t i = 0; i < n; ++i) {
        heap_[f * top_ + i] = sorted[n - 1 - i];
        order_[f * top_ + i] = n - 1 - i;
    }
    size_[f] = static_cast<std::uint32_t>(n);
}

}  // namespace tl::features
