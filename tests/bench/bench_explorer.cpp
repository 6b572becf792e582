// User explorer K-change benchmark (not a test): the explorer's whole refresh
// at a new K (profile item shares, neighbours, similarity histogram, test
// predictions, recommendations and the "why this prediction" waterfall),
// then the explorer painted, on the offscreen platform; next to a full model
// rebuild of the same configuration measured in the same run (what a K change
// would cost without the precomputed model). Prints medians.
//
//   bench_explorer [--reps N] [--ml100k DIR]
//
// Projects: a generated one of the demo's size (600 users, 150 items, ~19,800
// ratings, 1,280 features as MobileNetV2's pool) and MovieLens 100K with genres
// (DIR/u.data, DIR/u.item; default: the shared reference data; skipped with a
// message when absent). Target: a K change under 100 ms.
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QPixmap>
#include <QTemporaryDir>
#include <QTableWidget>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "tests/bench/BenchTiming.h"
#include "core/project/ProjectData.h"
#include "core/session/ProjectSession.h"
#include "core/session/SyntheticDemo.h"
#include "ui/JobRunner.h"
#include "ui/PredictionWaterfall.h"
#include "ui/UserExplorerView.h"
#include "ui/Workbench.h"

namespace {

using tl::bench::Clock;
using tl::bench::median;

double ms(Clock::time_point since)
{
    return 1000 * tl::bench::seconds(since);
}

bool waitForModels(tl::ui::Workbench& wb, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        if (!wb.hasProject())
            continue;
        bool all = !wb.sources().empty();
        for (const auto& s : wb.sources())
            all = all && wb.model(QString::fromStdString(s.name));
        if (all)
            return true;
    }
    return false;
}

void bench(const char* name, const QString& projectFile, int reps)
{
    tl::ui::JobRunner jobs;
    tl::ui::Workbench wb(&jobs);
    tl::ui::UserExplorerView view(&wb);
    view.resize(680, 640);  // the explorer's dock on a 1366 x 768 screen
    view.show();
    wb.openProject(projectFile);
    if (!waitForModels(wb, 600000)) {
        std::printf("%s: the project did not open or its models did not build\n", name);
        return;
    }
    const auto& pd = *wb.project();
    for (const auto& source : wb.sources()) {
        const QString s = QString::fromStdString(source.name);
        wb.setActiveSource(s);
        const auto model = wb.model(s);
        // The user with the most test ratings (the largest predictions table).
        std::uint32_t user = 0;
        std::size_t most = 0;
        for (std::uint32_t u = 0; u < model->train().users; ++u)
            if (const auto n = model->testPredictions(u, 10).size(); n > most)
                most = n, user = u;
        wb.setUser(user);
        QCoreApplication::processEvents();

        // K steps as the slider makes them: each lands on a new K.
        std::vector<int> ks;
        for (int r = 0; r < reps; ++r)
            for (int k : {10, 30, 50, 100, 20, 70})
                ks.push_back(std::min(k, wb.kMax()));
        std::vector<double> refresh, painted;
        int waterfallRows = 0;
        for (int k : ks) {
            if (k == wb.k())
                wb.setK(k + 1);
            const auto t0 = Clock::now();
            wb.setK(k);  // the explorer refreshes synchronously on kChanged
            refresh.push_back(ms(t0));
            const QPixmap shot = view.grab();  // layout and paint of the whole explorer
            painted.push_back(ms(t0));
            waterfallRows = std::max(waterfallRows, static_cast<int>(view.waterfall()->rows().size()));
            static_cast<void>(shot);
        }
        // Reference: rebuilding the model of this configuration (profiles, similarities, lists, sweep).
        const tl::FeatureMatrix features = tl::loadContent(pd, source);
        std::vector<double> rebuild;
        for (int r = 0; r < reps; ++r) {
            const auto t0 = Clock::now();
            const auto m = tl::session::buildModel(pd, features);
            rebuild.push_back(ms(t0));
        }
        const double refreshMs = median(refresh), paintedMs = median(painted), rebuildMs = median(rebuild);
        std::printf("%-8s %-22s %4zu users %5zu items F=%-5zu user %s (%zu tests, waterfall up to %d rows)\n", name,
                    source.name.c_str(), pd.data.users.size(), pd.data.items.size(), features.dims(),
                    pd.data.users.id(user).c_str(), most, waterfallRows);
        std::printf("         K change: refresh %7.2f ms, refresh + paint %7.2f ms (median of %zu; target < 100 ms)\n",
                    refreshMs, paintedMs, ks.size());
        std::printf("         full model rebuild %9.1f ms (median of %zu): a K change costs %.4f of a rebuild\n",
                    rebuildMs, rebuild.size(), paintedMs / rebuildMs);
        std::fflush(stdout);
    }
}

}  // namespace

int main(int argc, char** argv)
{
    int reps = 5;
    QString ml100k = QStringLiteral(TRAILERLAB_SHARED_DIR) + QStringLiteral("/data/ml-100k");
    for (int a = 1; a < argc; ++a) {
        if (!std::strcmp(argv[a], "--reps") && a + 1 < argc)
            reps = std::max(1, std::atoi(argv[++a]));
        else if (!std::strcmp(argv[a], "--ml100k") && a + 1 < argc)
            ml100k = QString::fromLocal8Bit(argv[++a]);
        else {
            std::fprintf(stderr, "usage: bench_explorer [--reps N] [--ml100k DIR]\n");
            return 2;
        }
    }
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QTemporaryDir dir;

    // The demo's size: 600 users, 150 items, 22 % dense, MobileNetV2's 1,280 features.
    tl::SyntheticSpec spec = tl::session::demoSpec();
    spec.users = 600, spec.items = 150, spec.ratings = 19800, spec.features = 1280;
    const tl::Project demo = tl::session::writeSyntheticDemo((QDir(dir.path()).filePath("demo")).toStdString(), spec);
    bench("demo", QString::fromStdString(demo.file.string()), reps);

    if (!QFile::exists(ml100k + "/u.data") || !QFile::exists(ml100k + "/u.item")) {
        std::printf("ml-100k: skipped (no u.data and u.item in %s; pass --ml100k DIR)\n", qPrintable(ml100k));
        return 0;
    }
    const QString file = QDir(dir.path()).filePath("ml100k.trailerlab.json");
    QFile out(file);
    if (!out.open(QIODevice::WriteOnly)) {
        std::printf("ml-100k: cannot write %s\n", qPrintable(file));
        return 1;
    }
    out.write(QStringLiteral("{\"format\": \"trailerlab-project\", \"version\": 1, \"name\": \"ML-100K\", "
                             "\"ratings\": \"%1/u.data\", \"items\": \"%1/u.item\", \"k\": \"10:100:10\", "
                             "\"split\": \"holdout:0.2\", \"seed\": 42, \"cache\": \"cache\"}\n")
                  .arg(QDir(ml100k).absolutePath())
                  .toUtf8());
    out.close();
    bench("ml-100k", file, reps);
    return 0;
}
