// What-if benchmark (not a test): one rating edit with every derived number updated
// (WhatIfModel::apply: training matrix, rel(u), |MUP(u)|, u's similarity row, u's
// list and every list u enters or leaves, rescans included) against a full rebuild
// of the same model (profiles, similarity pass, all K-lists) measured in the same
// run. Prints medians, the slowest edit and the ratio rebuild / edit.
//
//   bench_whatif [--data ml100k|1m] [--ml100k DIR] [--features F] [--k K]
//                [--neighbors offline|raters] [--edits N] [--reps N] [--what whatif|workbench|all]
//                [--late AUDIO_DIMS]
//
// ml100k: MovieLens 100K (u.data, all ratings) with its genres, or with synthetic
//         item features of F dims when --features is given (item ids 1..1682 match);
//         goal: an edit under 100 ms.
// 1m:     the synthetic MovieLens-1M shape (6,040 users, 3,706 items, 1,000,209 ratings),
//         F = 25,088; goal: an edit under 1 s.
// Edits cycle through: change a random user's rating, add a rating to a random user,
// remove a random user's rating, and a new user's ratings (the first makes it active).
// In raters mode an edit is timed with the edited user's similarity row, which its
// next prediction needs.
//
// Then the workbench's path, "one edit to all views updated": the project's overlay
// with one more edit applied (withOverlay: the edited ratings and split), the
// configuration's CfModel brought to them (CfModel::update: lists at kMax = 100, the
// test predictions and metrics of the sweep K = 10..100), and the explorer's reads for
// the edited user at K = 30 (neighbours, test predictions, recommendations, top
// features), against CfModel::build on the same data in the same run. The split is
// per user 80/20. Edits cycle through: change a training rating, add one, remove one,
// rate a test pair (it becomes a training rating), a new user's ratings.
//   --what whatif|workbench|all   which of the two to measure (default all)
//   --late AUDIO_DIMS   the workbench path on a late-fused configuration: the item
//                       features beside a synthetic soundtrack block of AUDIO_DIMS
//                       columns that every third item lacks (stackBlocks, weights 0.5 /
//                       0.5), against the same edits on the features alone in the same run
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/cf/FeatureFusion.h"
#include "core/data/Items.h"
#include "core/data/SyntheticData.h"
#include "core/eval/CfModel.h"
#include "core/eval/WhatIf.h"
#include "core/project/RatingOverlay.h"
#include "tests/bench/BenchTiming.h"

namespace {

using tl::bench::Clock;
using tl::bench::median;
using tl::bench::seconds;

// The workbench's path on `data` (see the header); returns the exit code.
int benchWorkbench(const tl::Dataset& data, const tl::FeatureMatrix& features, int edits, int reps,
                   const tl::CfModelSettings& settings = {})
{
    tl::ProjectData project;
    project.data = data;
    project.split = tl::perUserHoldout(data, 0.2, 1);
    project.ks = settings.ks;
    std::vector<double> rebuild;
    std::shared_ptr<const tl::CfModel> model;
    for (int r = 0; r < reps; ++r) {
        const auto t0 = Clock::now();
        model = tl::CfModel::build(project.data, project.split, features, settings);
        rebuild.push_back(seconds(t0));
        std::printf("  CfModel::build %d: %.3f s\n", r + 1, rebuild.back());
        std::fflush(stdout);
    }
    std::mt19937 rng(11);
    const auto& ids = data.users;
    const auto items = static_cast<std::uint32_t>(data.items.size());
    std::vector<double> overlay, update, views, total;
    // The update's phases, timed by its progress reports: each report with a new detail
    // ends the phase named by the previous one.
    std::map<std::string, std::vector<double>> phases;
    std::vector<std::string> phaseOrder;
    std::string phase;
    Clock::time_point phaseStart;
    const auto endPhase = [&] {
        if (phase.empty())
            return;
        if (!phases.count(phase))
            phaseOrder.push_back(phase);
        phases[phase].push_back(seconds(phaseStart));
        phase.clear();
    };
    const tl::JobContext timed([&](const tl::Progress& p) {
        if (p.detail == phase)
            return;
        endPhase();
        phase = p.detail;
        phaseStart = Clock::now();
    });
    std::size_t rescans = 0;
    for (int e = 0; e < edits; ++e) {
        const int kind = e % 5;
        const auto users = static_cast<std::uint32_t>(data.users.size());
        const auto& current = *model;
        std::uint32_t u = static_cast<std::uint32_t>(rng() % users);
        while (current.train().userCount(u) < 2)
            u = static_cast<std::uint32_t>(rng() % users);
        const auto& t = current.train();
        const std::uint32_t rated = t.userItems[t.userOffsets[u] + rng() % t.userCount(u)];
        const float star = static_cast<float>(1 + rng() % 5);
        std::string user = ids.id(u), item = data.items.id(rated);
        std::optional<float> rating = star;
        if (kind == 1) {
            std::uint32_t i = static_cast<std::uint32_t>(rng() % items);
            while (t.rating(u, i))
                i = static_cast<std::uint32_t>(rng() % items);
            item = data.items.id(i);
        } else if (kind == 2) {
            rating.reset();
        } else if (kind == 3 && !current.testPredictions(u, 30).empty()) {
            item = data.items.id(current.testPredictions(u, 30).front().item);
        } else if (kind == 4) {
            user = "playground-" + std::to_string(e);
            project.project.newUsers.push_back(user);
            item = data.items.id(static_cast<std::uint32_t>(rng() % items));
        }
        project.project.ratingEdits.push_back({user, item, rating});
        auto t0 = Clock::now();
        const auto edited = tl::withOverlay(project);  // as Workbench::setOverlay applies it
        overlay.push_back(seconds(t0));
        t0 = Clock::now();
        const tl::CfModelUpdate next = tl::CfModel::update(*model, edited->data, edited->split, timed);
        update.push_back(seconds(t0));
        endPhase();
        rescans += next.changes.rescannedLists;
        model = next.model;
        t0 = Clock::now();
        const auto shown = *edited->data.users.find(user);
        static_cast<void>(model->neighbours(shown, 30));
        static_cast<void>(model->testPredictions(shown, 30));
        static_cast<void>(model->recommend(shown, 30, 10));
        static_cast<void>(model->topFeatures(shown, 10));
        views.push_back(seconds(t0));
        total.push_back(overlay.back() + update.back() + views.back());
    }
    const double rebuildMedian = median(rebuild), totalMedian = median(total);
    std::printf("workbench edit: overlay applied median %.2f ms, CfModel::update median %.2f ms, explorer reads "
                "median %.2f ms (%d edits, %zu lists rescanned in all)\n",
                1e3 * median(overlay), 1e3 * median(update), 1e3 * median(views), edits, rescans);
    std::printf("CfModel::update phases (medians, each phase ends at the next progress report):");
    for (const auto& name : phaseOrder)
        std::printf(" %s %.2f ms;", name.c_str(), 1e3 * median(phases[name]));
    std::printf("\n");
    std::printf("one edit to all views updated: median %.2f ms, slowest %.2f ms; CfModel::build median %.3f s "
                "(%d reps); build / edit = %.0fx\n",
                1e3 * totalMedian, 1e3 * *std::max_element(total.begin(), total.end()), rebuildMedian, reps,
                rebuildMedian / totalMedian);
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    std::string which = "ml100k", ml100k = std::string(TRAILERLAB_SHARED_DIR) + "/data/ml-100k";
    long features = 0;
    int edits = 40, reps = 0;
    std::string what = "all";
    long lateDims = 0;
    tl::WhatIfSettings settings;
    settings.k = 30;
    for (int a = 1; a < argc; ++a) {
        if (!std::strcmp(argv[a], "--data") && a + 1 < argc)
            which = argv[++a];
        else if (!std::strcmp(argv[a], "--ml100k") && a + 1 < argc)
            ml100k = argv[++a];
        else if (!std::strcmp(argv[a], "--features") && a + 1 < argc)
            features = std::atol(argv[++a]);
        else if (!std::strcmp(argv[a], "--k") && a + 1 < argc)
            settings.k = std::max(1, std::atoi(argv[++a]));
        else if (!std::strcmp(argv[a], "--neighbors") && a + 1 < argc)
            settings.mode = tl::parseNeighbourMode(argv[++a]);
        else if (!std::strcmp(argv[a], "--edits") && a + 1 < argc)
            edits = std::max(1, std::atoi(argv[++a]));
        else if (!std::strcmp(argv[a], "--reps") && a + 1 < argc)
            reps = std::max(1, std::atoi(argv[++a]));
        else if (!std::strcmp(argv[a], "--late") && a + 1 < argc)
            lateDims = std::max(1L, std::atol(argv[++a]));
        else if (!std::strcmp(argv[a], "--what") && a + 1 < argc &&
                 (!std::strcmp(argv[a + 1], "whatif") || !std::strcmp(argv[a + 1], "workbench") ||
                  !std::strcmp(argv[a + 1], "all")))
            what = argv[++a];
        else {
            std::fprintf(stderr, "usage: bench_whatif [--data ml100k|1m] [--ml100k DIR] [--features F] [--k K] "
                                 "[--neighbors offline|raters] [--edits N] [--reps N] [--what whatif|workbench|all] "
                                 "[--late AUDIO_DIMS]\n");
            return 2;
        }
    }

    auto t0 = Clock::now();
    tl::Dataset data;
    tl::FeatureMatrix itemFeatures;
    if (which == "ml100k") {
        try {
            tl::readRatings(ml100k + "/u.data", data);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "MovieLens 100K not readable (%s); give --ml100k DIR\n", e.what());
            return 1;
        }
        if (features > 0) {
            tl::SyntheticSpec spec;
            spec.features = static_cast<std::size_t>(features);
            itemFeatures = tl::generateSynthetic(spec).features;
        } else {
            itemFeatures = tl::genreFeatures(tl::readItems(ml100k + "/u.item"));
        }
        reps = reps ? reps : 5;
    } else if (which == "1m") {
        tl::SyntheticSpec spec;
        spec.users = 6040, spec.items = 3706, spec.ratings = 1000209, spec.features = 25088;
        if (features > 0)
            spec.features = static_cast<std::size_t>(features);
        tl::SyntheticData s = tl::generateSynthetic(spec);
        data = std::move(s.dataset);
        itemFeatures = std::move(s.features);
        reps = reps ? reps : 2;
    } else {
        std::fprintf(stderr, "unknown --data %s\n", which.c_str());
        return 2;
    }
    std::vector<std::size_t> all(data.ratings.size());
    for (std::size_t r = 0; r < all.size(); ++r)
        all[r] = r;
    std::printf("%s: %zu users, %zu items, %zu ratings, F = %zu, K = %d, neighbours %s; loaded in %.1f s\n",
                which.c_str(), data.users.size(), data.items.size(), data.ratings.size(), itemFeatures.dims(),
                settings.k, tl::toString(settings.mode).c_str(), seconds(t0));

    if (lateDims > 0) {
        // The reference first (the features alone), then the late-fused configuration.
        std::printf("reference: the item features alone\n");
        benchWorkbench(data, itemFeatures, edits, reps);
        tl::SyntheticSpec spec;
        spec.users = 10, spec.ratings = 10, spec.items = data.items.size();
        spec.features = static_cast<std::size_t>(lateDims), spec.seed = 99;
        tl::FeatureMatrix sound = tl::generateSynthetic(spec).features;
        tl::FeatureMatrix heard;
        heard.values.resize(sound.values.rows(), sound.values.cols());
        Eigen::Index rows = 0;
        for (std::size_t r = 0; r < sound.rows(); ++r) {
            const auto item = data.items.find(sound.ids[r]);
            if (item && *item % 3 == 2)
                continue;  // a trailer without sound
            heard.ids.push_back(sound.ids[r]);
            heard.values.row(rows++) = sound.values.row(static_cast<Eigen::Index>(r));
        }
        heard.values.conservativeResize(rows, Eigen::NoChange);
        const tl::FusedFeatures stacked = tl::stackBlocks(
            {tl::FusionBlock{"visual", &itemFeatures, {}, 1.0}, tl::FusionBlock{"audio", &heard, {}, 1.0}},
            tl::Normalization::MinMax100);
        tl::CfModelSettings late;
        late.normalization = tl::Normalization::None;
        late.late.dims = {itemFeatures.dims(), heard.dims()};
        late.late.weights = {0.5, 0.5};
        std::printf("late fusion: F = %zu + %zu (%zu of %zu items with sound), weights 0.5 / 0.5\n",
                    itemFeatures.dims(), heard.dims(), heard.rows(), data.items.size());
        return benchWorkbench(data, stacked.matrix, edits, reps, late);
    }
    if (what == "workbench")
        return benchWorkbench(data, itemFeatures, edits, reps);

    // The reference: full rebuilds.
    std::vector<double> rebuild;
    std::unique_ptr<tl::WhatIfModel> model;
    for (int r = 0; r < reps; ++r) {
        t0 = Clock::now();
        model = std::make_unique<tl::WhatIfModel>(data, all, itemFeatures, settings);
        rebuild.push_back(seconds(t0));
        std::printf("  full rebuild %d: %.3f s\n", r + 1, rebuild.back());
        std::fflush(stdout);
    }

    std::mt19937 rng(7);
    const auto users = static_cast<std::uint32_t>(model->users()), items = static_cast<std::uint32_t>(model->items());
    std::vector<double> times[4];
    const char* kinds[4] = {"change", "add", "remove", "new user"};
    std::size_t rescans = 0, worstRescans = 0;
    std::uint32_t newUser = 0;
    for (int e = 0; e < edits; ++e) {
        const int kind = e % 4;
        tl::RatingEdit edit;
        std::uint32_t u = static_cast<std::uint32_t>(rng() % users);
        while (model->train().userCount(u) < 2)
            u = static_cast<std::uint32_t>(rng() % users);
        const auto& t = model->train();
        const std::uint32_t rated = t.userItems[t.userOffsets[u] + rng() % t.userCount(u)];
        const float star = static_cast<float>(1 + rng() % 5);
        if (kind == 0) {
            edit = {u, rated, star == *t.rating(u, rated) ? (star > 1 ? star - 1 : 5.0f) : star};
        } else if (kind == 1) {
            std::uint32_t i = static_cast<std::uint32_t>(rng() % items);
            while (t.rating(u, i))
                i = static_cast<std::uint32_t>(rng() % items);
            edit = {u, i, star};
        } else if (kind == 2) {
            edit = {u, rated, std::nullopt};
        } else {
            if (e % 8 == 3)
                newUser = model->addUser();  // (not timed: growing the per-user arrays)
            edit = {newUser, static_cast<std::uint32_t>(rng() % items), star};
        }
        t0 = Clock::now();
        const tl::EditReport report = model->apply(edit);
        if (settings.mode == tl::NeighbourMode::Raters)
            static_cast<void>(model->similarityRow(edit.user));
        times[kind].push_back(seconds(t0));
        rescans += report.rescannedLists;
        worstRescans = std::max(worstRescans, report.rescannedLists);
    }
    std::vector<double> every;
    for (int kind = 0; kind < 4; ++kind) {
        every.insert(every.end(), times[kind].begin(), times[kind].end());
        std::printf("  edit (%s): median %.2f ms over %zu\n", kinds[kind], 1e3 * median(times[kind]),
                    times[kind].size());
    }
    const double editMedian = median(every), rebuildMedian = median(rebuild);
    std::printf("one edit, all state updated: median %.2f ms, slowest %.2f ms (%d edits; %zu lists rescanned in "
                "all, at most %zu in one edit)\n",
                1e3 * editMedian, 1e3 * *std::max_element(every.begin(), every.end()), edits, rescans, worstRescans);
    std::printf("full rebuild: median %.3f s (%d reps); rebuild / edit = %.0fx\n", rebuildMedian, reps,
                rebuildMedian / editMedian);
    return what == "all" ? benchWorkbench(data, itemFeatures, edits, reps) : 0;
}
