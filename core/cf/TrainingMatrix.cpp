#include "core/cf/TrainingMatrix.h"

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
    m.itemOffsets.assign(m.items + 1, 0);
    for (std::size_t r : indices) {
        ++m.userOffsets[data.ratings[r].user + 1];
        ++m.itemOffsets[data.ratings[r].item + 1];
    }
    for (std::size_t u = 0; u < m.users; ++u)
        m.userOffsets[u + 1] += m.userOffsets[u];
    for (std::size_t i = 0; i < m.items; ++i)
        m.itemOffsets[i + 1] += m.itemOffsets[i];

    // Fill CSR in (user, item) order and CSC in (item, user) order.
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
    m.itemUsers.resize(indices.size());
    m.itemValues.resize(indices.size());
    std::vector<std::size_t> fill(m.itemOffsets.begin(), m.itemOffsets.end() - 1);
    for (std::size_t k = 0; k < byUser.size(); ++k) {  // users ascend, so each item's users ascend
        const Rating& r = data.ratings[byUser[k]];
        m.itemUsers[fill[r.item]] = r.user;
        m.itemValues[fill[r.item]++] = r.value;
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
    m.globalMean = indices.empty() ? 0.0 : total / static_cast<double>(indices.size());
    return m;
}

}  // namespace tl
