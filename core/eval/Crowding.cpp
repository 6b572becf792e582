#include "core/eval/Crowding.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace tl {

bool CrowdingStats::severe() const
{
    return (gapUsers > 0 && nearTieShare >= kSevereNearTieShare) ||
           (spreadUsers > 0 && medianSpread < kSevereMedianSpread);
}

std::vector<CrowdingStats> crowdingStats(const NeighbourLists& lists, const std::vector<int>& ks)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<CrowdingStats> out;
    std::vector<double> spreads;
    for (int k : ks) {
        CrowdingStats s;
        s.k = k;
        spreads.clear();
        std::size_t nearTies = 0;
        for (std::size_t u = 0; u < lists.users() && k >= 1; ++u) {
            const auto n = lists.of(u, k + 1);
            if (n.size() < static_cast<std::size_t>(k))
                continue;
            const double sk = n[static_cast<std::size_t>(k) - 1].similarity;
            spreads.push_back(1.0 - sk);
            if (n.size() > static_cast<std::size_t>(k)) {
                ++s.gapUsers;
                nearTies += sk - n[static_cast<std::size_t>(k)].similarity < kNearTieGap;
            }
        }
        s.spreadUsers = spreads.size();
        if (spreads.empty()) {
            s.medianSpread = nan;
        } else {
            // The median of an even count is the mean of the two middle values.
            const std::size_t mid = spreads.size() / 2;
            std::nth_element(spreads.begin(), spreads.begin() + static_cast<std::ptrdiff_t>(mid), spreads.end());
            s.medianSpread = spreads[mid];
            if (spreads.size() % 2 == 0)
                s.medianSpread =
                    (s.medianSpread + *std::max_element(spreads.begin(), spreads.begin() + static_cast<std::ptrdiff_t>(mid))) / 2;
        }
        s.nearTieShare = s.gapUsers > 0 ? static_cast<double>(nearTies) / static_cast<double>(s.gapUsers) : nan;
        out.push_back(s);
    }
    return out;
}

std::string crowdingHint()
{
    return "similarities crowd near 1: z-score scaling (--normalize zscore) centres the features and spreads them";
}

Histogram histogram(const std::vector<double>& values, int bins)
{
    Histogram h;
    bool any = false;
    for (double v : values)
        if (std::isfinite(v)) {
            h.low = any ? std::min(h.low, v) : v;
            h.high = any ? std::max(h.high, v) : v;
            any = true;
        }
    if (!any || bins < 1)
        return h;
    h.counts.assign(h.high > h.low ? static_cast<std::size_t>(bins) : 1, 0);
    const double width = h.binWidth();
    for (double v : values)
        if (std::isfinite(v)) {
            const auto b = width > 0 ? static_cast<std::size_t>((v - h.low) / width) : 0;
            ++h.counts[std::min(b, h.counts.size() - 1)];
        }
    return h;
}

std::string crowdingTable(const std::vector<CrowdingRow>& rows)
{
    std::string out = "crowding of the neighbour similarities (spread = 1 - s_K; near ties: s_K - s_(K+1) < 1e-6):\n";
    char line[160];
    std::snprintf(line, sizeof line, "%-18s %5s %15s %12s\n", "method", "k", "median spread", "near ties");
    out += line;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const CrowdingStats& s = rows[r].stats;
        char spread[32], share[32];
        if (std::isnan(s.medianSpread))
            std::snprintf(spread, sizeof spread, "-");
        else
            std::snprintf(spread, sizeof spread, "%.3e", s.medianSpread);
        if (std::isnan(s.nearTieShare))
            std::snprintf(share, sizeof share, "-");
        else
            std::snprintf(share, sizeof share, "%.1f %%", 100.0 * s.nearTieShare);
        std::snprintf(line, sizeof line, "%-18s %5d %15s %12s%s\n", rows[r].method.c_str(), s.k, spread, share,
                      s.severe() ? "  severe" : "");
        out += line;
        const bool lastOfMethod = r + 1 == rows.size() || rows[r + 1].method != rows[r].method;
        if (lastOfMethod) {
            bool severe = false;
            for (std::size_t q = 0; q <= r; ++q)
                severe = severe || (rows[q].method == rows[r].method && rows[q].stats.severe());
            if (severe)
                out += "  hint (" + rows[r].method + "): " + crowdingHint() + "\n";
        }
    }
    return out;
}

}  // namespace tl
