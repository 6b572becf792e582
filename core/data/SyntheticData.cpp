#include "core/data/SyntheticData.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <numeric>
#include <unordered_set>

#include "core/common/AtomicFile.h"
#include "core/common/Error.h"
#include "core/common/Random.h"

namespace tl {

SyntheticData generateSynthetic(const SyntheticSpec& spec)
{
    if (spec.users == 0 || spec.items == 0 || spec.latentDims == 0)
        throw ConfigError("synthetic data needs users, items and latent dimensions > 0");
    if (spec.ratings > spec.users * spec.items / 2)
        throw ConfigError("synthetic data: " + std::to_string(spec.ratings) +
                          " ratings is more than half of all user-item pairs");
    Rng rng(spec.seed);
    const std::size_t L = spec.latentDims;
    SyntheticData out;

    // Items: latent styles, biases, genres, titles.
    Eigen::MatrixXf z(static_cast<Eigen::Index>(spec.items), static_cast<Eigen::Index>(L));
    std::vector<double> itemBias(spec.items);
    const std::size_t genreCount = std::min(L, spec.genres);
    for (std::size_t g = 0; g < genreCount; ++g)
        out.catalog.genreNames.push_back("Style " + std::to_string(g + 1));
    for (std::size_t i = 0; i < spec.items; ++i) {
        for (std::size_t l = 0; l < L; ++l)
            z(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(l)) = static_cast<float>(rng.normal());
        itemBias[i] = 0.3 * rng.normal();
        ItemInfo info{std::to_string(i + 1), "Synthetic movie " + std::to_string(i + 1), {}};
        std::size_t best = 0;
        for (std::size_t g = 0; g < genreCount; ++g) {
            const float v = z(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(g));
            if (v > 0.6f)
                info.genres.push_back(out.catalog.genreNames[g]);
            if (v > z(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(best)))
                best = g;
        }
        if (info.genres.empty() && genreCount > 0)
            info.genres.push_back(out.catalog.genreNames[best]);
        out.catalog.items.push_back(info);
        out.dataset.items.intern(info.id);
    }

    out.catalog.index();

    // Features: ReLU(A z + noise), a non-negative view of the latent style.
    if (spec.withFeatures && spec.features > 0) {
        Eigen::MatrixXf a(static_cast<Eigen::Index>(L), static_cast<Eigen::Index>(spec.features));
        for (Eigen::Index r = 0; r < a.rows(); ++r)
            for (Eigen::Index c = 0; c < a.cols(); ++c)
                a(r, c) = static_cast<float>(rng.normal() / std::sqrt(static_cast<double>(L)));
        out.features.values = (z * a).cast<float>();
        for (Eigen::Index r = 0; r < out.features.values.rows(); ++r) {
            for (Eigen::Index c = 0; c < out.features.values.cols(); ++c)
                out.features.values(r, c) = std::max(0.0f, out.features.values(r, c) + 0.3f * static_cast<float>(rng.normal()));
            out.features.ids.push_back(std::to_string(r + 1));
        }
    }

    // Users: tastes and biases; per-user rating counts from a log-normal law.
    Eigen::MatrixXf t(static_cast<Eigen::Index>(spec.users), static_cast<Eigen::Index>(L));
    std::vector<double> userBias(spec.users), weight(spec.users);
    for (std::size_t u = 0; u < spec.users; ++u) {
        for (std::size_t l = 0; l < L; ++l)
            t(static_cast<Eigen::Index>(u), static_cast<Eigen::Index>(l)) = static_cast<float>(rng.normal());
        userBias[u] = 0.4 * rng.normal();
        weight[u] = std::exp(0.9 * rng.normal());
        out.dataset.users.intern(std::to_string(u + 1));
    }
    const double totalWeight = std::accumulate(weight.begin(), weight.end(), 0.0);
    const std::size_t minPerUser = std::min<std::size_t>(std::max<std::size_t>(spec.ratings / spec.users / 4, 1), spec.items / 2);
    std::vector<std::size_t> count(spec.users);
    std::size_t assigned = 0;
    for (std::size_t u = 0; u < spec.users; ++u) {
        count[u] = std::clamp<std::size_t>(
            static_cast<std::size_t>(weight[u] / totalWeight * static_cast<double>(spec.ratings)), minPerUser,
            spec.items / 2);
        assigned += count[u];
    }
    // Adjust to the exact total, one rating at a time over users in turn.
    for (std::size_t u = 0; assigned != spec.ratings; u = (u + 1) % spec.users) {
        if (assigned < spec.ratings && count[u] < spec.items / 2) {
            ++count[u];
            ++assigned;
        } else if (assigned > spec.ratings && count[u] > 1) {
            --count[u];
            --assigned;
        }
    }

    // Item popularity: Zipf-like weights over a shuffled order, sampled by inverse CDF.
    std::vector<std::size_t> popularityOrder(spec.items);
    std::iota(popularityOrder.begin(), popularityOrder.end(), 0);
    rng.shuffle(popularityOrder);
    std::vector<double> cdf(spec.items);
    double acc = 0;
    for (std::size_t k = 0; k < spec.items; ++k)
        cdf[k] = (acc += 1.0 / std::pow(static_cast<double>(k) + 10.0, 0.9));
    const float scale = static_cast<float>(1.1 / std::sqrt(static_cast<double>(L)));
    out.dataset.ratings.reserve(spec.ratings);
    out.dataset.scale = {1.0f, 5.0f};
    std::unordered_set<std::size_t> chosen;
    for (std::size_t u = 0; u < spec.users; ++u) {
        chosen.clear();
        while (chosen.size() < count[u]) {
            const double x = rng.uniform() * acc;
            const std::size_t k = static_cast<std::size_t>(std::lower_bound(cdf.begin(), cdf.end(), x) - cdf.begin());
            const std::size_t item = popularityOrder[std::min(k, spec.items - 1)];
            if (!chosen.insert(item).second)
                continue;
            const double affinity =
                t.row(static_cast<Eigen::Index>(u)).dot(z.row(static_cast<Eigen::Index>(item))) * scale;
            const double value = 3.4 + userBias[u] + itemBias[item] + affinity + 0.6 * rng.normal();
            out.dataset.ratings.push_back({static_cast<std::uint32_t>(u), static_cast<std::uint32_t>(item),
                                           static_cast<float>(std::clamp(std::round(value), 1.0, 5.0)),
                                           static_cast<std::int64_t>(978300000 + out.dataset.ratings.size())});
        }
    }
    return out;
}

void writeSynthetic(const SyntheticData& data, const SyntheticSpec& spec, const std::filesystem::path& dir)
{
    writeFileAtomically(dir / "ratings.csv", [&](std::ostream& out) {
        out << "userId,movieId,rating,timestamp\n";
        for (const auto& r : data.dataset.ratings)
            out << data.dataset.users.id(r.user) << ',' << data.dataset.items.id(r.item) << ','
                << static_cast<int>(r.value) << ',' << r.timestamp << '\n';
    });
    writeFileAtomically(dir / "movies.csv", [&](std::ostream& out) {
        out << "movieId,title,genres\n";
        for (const auto& item : data.catalog.items) {
            out << item.id << ",\"" << item.title << "\",";
            for (std::size_t g = 0; g < item.genres.size(); ++g)
                out << (g ? "|" : "") << item.genres[g];
            out << '\n';
        }
    });
    if (data.features.rows() > 0)
        writeFeatureMatrix(data.features, dir / "features.csv");
    std::ostringstream readme;
    readme << "Synthetic MovieLens-style data written by trailerlab-cli synth (seed " << spec.seed << ").\n"
           << data.dataset.users.size() << " users, " << data.dataset.items.size() << " items, "
           << data.dataset.ratings.size() << " ratings (1-5), " << data.features.dims() << " item features, "
           << data.catalog.genreNames.size() << " genres.\n\n"
           << "Model: items have a latent style z (" << spec.latentDims
           << " dims); features = max(0, A z + noise) (non-negative, like ReLU CNN features);\n"
           << "genres = style components above 0.6; users have tastes t and a bias;\n"
           << "rating = round(3.4 + user bias + item bias + 1.1 t.z/sqrt(L) + N(0, 0.6^2)) clamped to 1..5.\n"
           << "Ratings depend on the latent style the features show, so content-based CF\n"
           << "should beat the user-mean baseline here.\n";
    writeFileAtomically(dir / "README.txt", readme.str());
}

}  // namespace tl
