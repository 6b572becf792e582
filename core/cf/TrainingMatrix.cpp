#include "core/cf/TrainingMatrix.h"

#include "core/cf/TrainingMatrixPatch.h"

#include <algorithm>

namespace tl {

std::optional<float> TrainingMatrix::rating(std::uint32_t u, std::uint32_t i) const
{
    const auto begin = userItems.begin() + static_cast<std::ptrdiff_t>(userOffsets[u]);
    const auto end = userItems.begin() + static_cast<std::ptrdiff_t>(userOffsets[u + 1]);
    const auto it = std::lower_bound(begin, end, i);
    if (it == end || *it != i)
        return std::nullopt;
    return userValues[static_cast<std::size_t>(it - userItems.begin())];
}

TrainingMatrix TrainingMatrix::build(const Dataset& data, const std::vector<std::size_t>& indices)
{
    TrainingMatrix m;
    m.users = data.users.size();
    m.items = data.items.size();
    m.userOffsets.assign(m.users + 1, 0);
    for (std::size_t r : indices)
        ++m.userOffsets[data.ratings[r].user + 1];
    for (std::size_t u = 0; u < m.users; ++u)
        m.userOffsets[u + 1] += m.userOffsets[u];

    // Fill CSR in (user, item) order; the columns follow from it.
    std::vector<std::size_t> byUser(indices);
    std::sort(byUser.begin(), byUser.end(), [&](std::size_t a, std::size_t b) {
        const Rating &x = data.ratings[a], &y = data.ratings[b];
        return x.user != y.user ? x.user < y.user : x.item < y.item;
    });
    m.userItems.resize(indices.size());
    m.userValues.resize(indices.size());
    for (std::size_t k = 0; k < byUser.size(); ++k) {
        m.userItems[k] = data.ratings[byUser[k]].item;
        m.userValues[k] = data.ratings[byUser[k]].value;
    }
    return trainingFromUserRows(std::move(m));
}

TrainingMatrix trainingFromUserRows(TrainingMatrix m)
{
    const std::size_t count = m.userItems.size();
    m.itemOffsets.assign(m.items + 1, 0);
    for (std::uint32_t item : m.userItems)
        ++m.itemOffsets[item + 1];
    for (std::size_t i = 0; i < m.items; ++i)
        m.itemOffsets[i + 1] += m.itemOffsets[i];
    m.itemUsers.resize(count);
    m.itemValues.resize(count);
    std::vector<std::size_t> fill(m.itemOffsets.begin(), m.itemOffsets.end() - 1);
    for (std::size_t u = 0; u < m.users; ++u)  // users ascend, so each item's users ascend
        for (std::size_t k = m.userOffsets[u]; k < m.userOffsets[u + 1]; ++k) {
            const std::uint32_t item = m.userItems[k];
            m.itemUsers[fill[item]] = static_cast<std::uint32_t>(u);
            m.itemValues[fill[item]++] = m.userValues[k];
        }

    m.userMean.assign(m.users, 0.0);
    m.itemMean.assign(m.items, 0.0);
    double total = 0;
    for (std::size_t u = 0; u < m.users; ++u) {
        double sum = 0;
        for (std::size_t k = m.userOffsets[u]; k < m.userOffsets[u + 1]; ++k)
            sum += m.userValues[k];
        total += sum;
        if (const auto n = m.userOffsets[u + 1] - m.userOffsets[u])
            m.userMean[u] = sum / static_cast<double>(n);
    }
    for (std::size_t i = 0; i < m.items; ++i) {
        double sum = 0;
        for (std::size_t k = m.itemOffsets[i]; k < m.itemOffsets[i + 1]; ++k)
            sum += m.itemValues[k];
        if (const auto n = m.itemOffsets[i + 1] - m.itemOffsets[i])
            m.itemMean[i] = sum / static_cast<double>(n);
    }
    m.globalMean = count == 0 ? 0.0 : total / static_cast<double>(count);
    return m;
}

std::vector<std::uint32_t> changedTrainingUsers(const TrainingMatrix& before, const TrainingMatrix& after)
{
    std::vector<std::uint32_t> changed;
    for (std::size_t u = 0; u < after.users; ++u) {
        const auto user = static_cast<std::uint32_t>(u);
        const std::size_t n = after.userCount(user);
        const auto from = static_cast<std::ptrdiff_t>(after.userOffsets[u]), to = static_cast<std::ptrdiff_t>(after.userOffsets[u + 1]);
        const bool same = u < before.users && before.userCount(user) == n &&
                          std::equal(after.userItems.begin() + from, after.userItems.begin() + to,
                                     before.userItems.begin() + static_cast<std::ptrdiff_t>(before.userOffsets[u])) &&
                          std::equal(after.userValues.begin() + from, after.userValues.begin() + to,
                                     before.userValues.begin() + static_cast<std::ptrdiff_t>(before.userOffsets[u]));
        if (!same && (u < before.users || n > 0))
            changed.push_back(user);
    }
    return changed;
}

TrainingMatrix patchTrainingMatrix(const TrainingMatrix& base, const Dataset& data,
                                   const std::vector<std::size_t>& indices, std::vector<std::uint32_t>& changed)
{
    const std::size_t users = data.users.size();
    // The selected ratings grouped by user in their order (a counting pass, no sort),
    // so that each user's ratings meet its base row while it is in cache.
    std::vector<std::size_t> count(users, 0), start(users + 1, 0);
    for (std::size_t r : indices)
        ++count[data.ratings[r].user];
    for (std::size_t u = 0; u < users; ++u)
        start[u + 1] = start[u] + count[u];
    std::vector<std::pair<std::uint32_t, float>> grouped(indices.size());
    {
        std::vector<std::size_t> fill(start.begin(), start.end() - 1);
        for (std::size_t r : indices) {
            const Rating& x = data.ratings[r];
            grouped[fill[x.user]++] = {x.item, x.value};
        }
    }
    // Which users differ: their number of ratings, or a rating that is not in their base
    // row with the same value. The base row is spread over a per-item slot table (no
    // binary search per rating); a matched entry is consumed, so equal counts and no
    // mismatch mean the same row.
    constexpr std::size_t none = ~std::size_t{0};
    std::vector<std::size_t> slot(std::max(base.items, data.items.size()), none);
    std::vector<char> differs(users, 0);
    changed.clear();
    for (std::size_t u = 0; u < users; ++u) {
        if (u >= base.users) {
            differs[u] = count[u] > 0;
        } else if (count[u] != base.userCount(static_cast<std::uint32_t>(u))) {
            differs[u] = 1;
        } else {
            for (std::size_t e = base.userOffsets[u]; e < base.userOffsets[u + 1]; ++e)
                slot[base.userItems[e]] = e;
            for (std::size_t g = start[u]; g < start[u + 1]; ++g) {
                std::size_t& p = slot[grouped[g].first];
                if (p == none || base.userValues[p] != grouped[g].second) {
                    differs[u] = 1;
                    break;
                }
                p = none;
            }
            for (std::size_t e = base.userOffsets[u]; e < base.userOffsets[u + 1]; ++e)
                slot[base.userItems[e]] = none;
        }
        if (differs[u]) {
            changed.push_back(static_cast<std::uint32_t>(u));
            // Its row in build()'s order: by item (a pair rated twice is left to build()).
            const auto from = grouped.begin() + static_cast<std::ptrdiff_t>(start[u]);
            const auto to = grouped.begin() + static_cast<std::ptrdiff_t>(start[u + 1]);
            std::sort(from, to, [](const auto& x, const auto& y) { return x.first < y.first; });
            if (std::adjacent_find(from, to, [](const auto& x, const auto& y) { return x.first == y.first; }) != to) {
                TrainingMatrix built = TrainingMatrix::build(data, indices);
                changed = changedTrainingUsers(base, built);
                return built;
            }
        }
    }
    TrainingMatrix m;
    m.users = users;
    m.items = data.items.size();
    m.userOffsets = start;
    m.userItems.resize(indices.size());
    m.userValues.resize(indices.size());
    for (std::size_t u = 0; u < users; ++u) {
        const auto at = static_cast<std::ptrdiff_t>(m.userOffsets[u]);
        if (differs[u]) {
            for (std::size_t g = start[u]; g < start[u + 1]; ++g) {
                m.userItems[static_cast<std::size_t>(at) + g - start[u]] = grouped[g].first;
                m.userValues[static_cast<std::size_t>(at) + g - start[u]] = grouped[g].second;
            }
        } else if (u < base.users) {
            const auto from = static_cast<std::ptrdiff_t>(base.userOffsets[u]), to = static_cast<std::ptrdiff_t>(base.userOffsets[u + 1]);
            std::copy(base.userItems.begin() + from, base.userItems.begin() + to, m.userItems.begin() + at);
            std::copy(base.userValues.begin() + from, base.userValues.begin() + to, m.userValues.begin() + at);
        }
    }
    return trainingFromUserRows(std::move(m));
}

}  // namespace tl
