// CF engine benchmark (not a test): synthetic data at MovieLens scale, timing
// profile building, similarity + top-K and the full K sweep, with the
// similarity step's GFLOP/s next to a plain single-precision matrix product of
// the same shape measured right after each run. On the CPU every repetition
// runs the exact (float64) engine and the float32 one (the reference) and
// prints both side by side with their median ratio. Prints medians.
//
//   bench_cf [--scale 1m|20m|small] [--reps N] [--features F] [--device cpu|cuda|cuda:N|auto]
//
// With a device other than cpu, profiles, similarity and top-K run through the
// LibTorch route (core/cf/DeviceNeighbours) and the reference product runs on
// that device; the K sweep stays on the CPU.
//
// 1m:  6,040 users, 3,706 items, 1,000,209 ratings, F = 25,088 (targets: sweep < 15 s,
//      similarity >= 70 % of the plain product's rate)
// 20m: 138,493 users, 26,744 items, 20,000,263 ratings, F = 512 (target: peak memory < 8 GB)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "core/cf/DeviceNeighbours.h"
#include "core/cf/Neighbours.h"
#include "core/cf/Prediction.h"
#include "core/cf/Profiles.h"
#include "core/data/SyntheticData.h"
#include "core/eval/Metrics.h"
#include "tests/bench/BenchSupport.h"

namespace {

using tl::bench::Clock;
using tl::bench::median;
using tl::bench::seconds;

double peakMemoryGb()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0 / 1024.0;
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    std::string scale = "1m";
    int reps = 3;
    long features = -1;
    tl::ComputeDevice device = tl::ComputeDevice::cpu();
    for (int a = 1; a < argc; ++a) {
        if (!std::strcmp(argv[a], "--scale") && a + 1 < argc)
            scale = argv[++a];
        else if (!std::strcmp(argv[a], "--reps") && a + 1 < argc)
            reps = std::max(1, std::atoi(argv[++a]));
        else if (!std::strcmp(argv[a], "--features") && a + 1 < argc)
            features = std::atol(argv[++a]);
        else if (!std::strcmp(argv[a], "--device") && a + 1 < argc) {
            try {
                device = tl::ComputeDevice::parse(argv[++a]);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "--device: %s\n", e.what());
                return 2;
            }
        } else {
            std::fprintf(stderr, "usage: bench_cf [--scale 1m|20m|small] [--reps N] [--features F] [--device cpu|cuda|cuda:N|auto]\n");
            return 2;
        }
    }
    tl::SyntheticSpec spec;
    if (scale == "1m") {
        spec.users = 6040, spec.items = 3706, spec.ratings = 1000209, spec.features = 25088;
    } else if (scale == "20m") {
        spec.users = 138493, spec.items = 26744, spec.ratings = 20000263, spec.features = 512;
    } else if (scale == "small") {
        spec.users = 943, spec.items = 1682, spec.ratings = 100000, spec.features = 4096;
    } else {
        std::fprintf(stderr, "unknown scale %s\n", scale.c_str());
        return 2;
    }
    if (features > 0)
        spec.features = static_cast<std::size_t>(features);

    auto t0 = Clock::now();
    const tl::SyntheticData data = tl::generateSynthetic(spec);
    const tl::Split split = tl::randomHoldout(data.dataset, 0.2, 1);
    const tl::TrainingMatrix train = tl::TrainingMatrix::build(data.dataset, split.train);
    const tl::TestSet test = tl::TestSet::build(data.dataset, split.test);
    std::printf("scale %s: %zu users, %zu items, %zu ratings (%.1f %% missing), F = %zu; generated in %.1f s\n",
                scale.c_str(), spec.users, spec.items, data.dataset.ratings.size(),
                100.0 * (1.0 - static_cast<double>(data.dataset.ratings.size()) /
                                   (static_cast<double>(spec.users) * static_cast<double>(spec.items))),
                spec.features, seconds(t0));
    std::vector<int> ks;
    for (int k = 10; k <= 100; k += 10)
        ks.push_back(k);

    // Each repetition runs the whole pipeline twice on the CPU: with the float32 engine
    // (the reference: what the engine computed before neighbour choice was made exact)
    // and with the exact float64 engine, alternating which goes first. Device runs
    // have only the exact route.
    struct Pipeline {
        std::vector<double> profileT, simT, sweepT, totalT, simFlops, plainT, ratios;
        double rmse50 = 0;
        tl::NeighbourLists lists;
    };
    Pipeline f32, f64;
    std::vector<double> totalRatios, simRatios;
    double plainFlops = 0, pipelinePeakGb = 0;
    const char* route = "";
    std::string deviceName = "cpu";
    // The reference product: a plain single-precision product of the step's dominant shape
    // (the items x items Gram for the item-Gram route, a 4096-user slab of the users x users
    // product otherwise), timed right after each run, so that each ratio compares two
    // measurements taken moments apart on this shared, noisy machine.
    Eigen::MatrixXf refA, refB, refC;
    Eigen::Index refM = 0, refN = 0, refK = 0;
    auto timeReference = [&] {
        if (refM == 0) {
            const bool gram = std::string(route) == "item Gram";
            refM = static_cast<Eigen::Index>(gram ? spec.items : std::min<std::size_t>(spec.users, 4096));
            refN = gram ? refM : static_cast<Eigen::Index>(spec.users);
            refK = static_cast<Eigen::Index>(spec.features);
            plainFlops = 2.0 * static_cast<double>(refM) * static_cast<double>(refN) * static_cast<double>(refK);
            if (device.isCpu()) {
                refA = Eigen::MatrixXf::Random(refM, refK);
                refB = Eigen::MatrixXf::Random(refN, refK);
                refC.resize(refM, refN);
                refC.noalias() = refA * refB.transpose();  // warm-up, untimed
            }
        }
        if (!device.isCpu())
            return tl::timeDeviceProduct(refM, refK, refN, device, 3);
        const auto t = Clock::now();
        refC.noalias() = refA * refB.transpose();
        return seconds(t);
    };
    auto run = [&](bool exact, int rep) {
        Pipeline& p = exact ? f64 : f32;
        const auto start = Clock::now();
        auto t = Clock::now();
        const tl::ItemProfiles items = tl::alignItemProfiles(data.features, data.dataset.items, tl::Normalization::MinMax100);
        const tl::RelevanceMatrix w = tl::buildRelevance(train, items, tl::RelevantRule{});
        p.profileT.push_back(seconds(t));

        t = Clock::now();
        if (!device.isCpu()) {
            tl::DeviceNeighbourStats stats;
            p.lists = tl::computeNeighboursOnDevice(w, items, 100, device, tl::JobContext::none(), &stats);
            route = "LibTorch device";
            deviceName = stats.device;
            p.simFlops.push_back(stats.flops);
        } else if (exact) {
            const auto engine = tl::SimilarityEngine::fromItemProfiles(w, items);
            p.lists = tl::computeNeighbours(engine, 100);
            route = engine.route() == tl::SimilarityRoute::ItemGram ? "item Gram" : "direct";
            p.simFlops.push_back(engine.buildFlops() + engine.passFlops());
        } else {
            const auto engine = tl::Float32SimilarityEngine::fromItemProfiles(w, items);
            p.lists = tl::computeNeighbours(engine, 100);
            route = engine.route() == tl::SimilarityRoute::ItemGram ? "item Gram" : "direct";
            p.simFlops.push_back(engine.buildFlops() + engine.passFlops());
        }
        p.simT.push_back(seconds(t));

        t = Clock::now();
        const auto sweep = tl::predictOffline(train, p.lists, test, ks, {});
        for (std::size_t k = 0; k < ks.size(); ++k) {
            const auto m = tl::computeMetrics(test, sweep.perK[k]);
            if (ks[k] == 50)
                p.rmse50 = m.rmse;
        }
        p.sweepT.push_back(seconds(t));
        p.totalT.push_back(seconds(start));

        if (rep == 0 && exact)  // before the reference matrices exist
            pipelinePeakGb = peakMemoryGb();
        p.plainT.push_back(timeReference());
        p.ratios.push_back((p.simFlops.back() / p.simT.back()) / (plainFlops / p.plainT.back()));
        std::printf("  rep %d %-7s: profiles %.2f s, similarity + top-100 %.2f s (%s), K sweep 10..100 %.2f s, total"
                    " %.2f s; plain sgemm %.3f s, ratio %.2f\n",
                    rep + 1, exact ? "exact" : "float32", p.profileT.back(), p.simT.back(), route, p.sweepT.back(),
                    p.totalT.back(), p.plainT.back(), p.ratios.back());
        std::fflush(stdout);
    };
    const bool both = device.isCpu();
    for (int rep = 0; rep < reps; ++rep) {
        const bool exactFirst = rep % 2 == 1;
        if (both && !exactFirst)
            run(false, rep);
        run(true, rep);
        if (both && exactFirst)
            run(false, rep);
        if (both) {
            totalRatios.push_back(f64.totalT.back() / f32.totalT.back());
            simRatios.push_back(f64.simT.back() / f32.simT.back());
        }
    }
    std::printf("plain sgemm on %s [%ld x %ld] x [%ld x %ld], after each run\n", deviceName.c_str(),
                static_cast<long>(refM), static_cast<long>(refK), static_cast<long>(refK), static_cast<long>(refN));

    std::printf("\nmedians over %d runs (%s route, %s):%s\n", reps, route, deviceName.c_str(),
                both ? "                      float32       exact" : "");
    auto line = [&](const char* name, double Pipeline::*, std::vector<double> Pipeline::*field, const char* unit) {
        if (both)
            std::printf("  %-28s %10.3f %s %10.3f %s\n", name, median(f32.*field), unit, median(f64.*field), unit);
        else
            std::printf("  %-28s %10.3f %s\n", name, median(f64.*field), unit);
    };
    line("profile building", nullptr, &Pipeline::profileT, "s");
    line("similarity + top-100", nullptr, &Pipeline::simT, "s");
    line("K sweep 10..100 + metrics", nullptr, &Pipeline::sweepT, "s");
    line("full sweep (all of the above)", nullptr, &Pipeline::totalT, "s");
    const double rate32 = both ? median(f32.simFlops) / median(f32.simT) / 1e9 : 0;
    const double rate64 = median(f64.simFlops) / median(f64.simT) / 1e9;
    if (both)
        std::printf("  %-28s %10.1f GFLOP/s %6.1f GFLOP/s\n", "similarity rate", rate32, rate64);
    else
        std::printf("  %-28s %10.1f GFLOP/s\n", "similarity rate", rate64);
    std::printf("  %-28s %10.1f GFLOP/s\n", "plain sgemm, same shape", plainFlops / median(f64.plainT) / 1e9);
    std::printf("  %-28s %10.2f   (median of the per-run ratios; exact run)\n", "similarity / plain rate",
                median(f64.ratios));
    if (both) {
        std::printf("  %-28s %10.4f   %10.4f   (difference %.2e)\n", "RMSE at K = 50", f32.rmse50, f64.rmse50,
                    f64.rmse50 - f32.rmse50);
        std::size_t differ = 0, users = 0;
        for (std::size_t u = 0; u < f64.lists.users(); ++u) {
            const auto a = f32.lists.of(u), b = f64.lists.of(u);
            users += !b.empty();
            bool same = a.size() == b.size();
            for (std::size_t p = 0; same && p < a.size(); ++p)
                same = a[p].user == b[p].user;
            differ += !same;
        }
        std::printf("  users whose top-100 differs (order or members) between float32 and exact: %zu of %zu\n",
                    differ, users);
        std::printf("  exact / float32, full sweep   %8.2f x   (median of the per-repetition ratios; target <= 1.3)\n",
                    median(totalRatios));
        std::printf("  exact / float32, similarity   %8.2f x\n", median(simRatios));
    } else {
        std::printf("  %-28s %10.4f\n", "RMSE at K = 50", f64.rmse50);
    }
    std::printf("  peak memory (VmHWM)         %8.2f GB   (data + one exact repetition, before the reference's matrices)\n",
                pipelinePeakGb);
    return 0;
}
