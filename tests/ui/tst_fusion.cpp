// Fusion in the workbench: a project with a frame configuration (the demo's
// synthetic-visual profiles) and soundtrack descriptors (an audio.csv written here,
// nothing extracted) lists CONFIG+audio (early) and CONFIG+audio-late (late). Every
// model the workbench shows equals session::buildModel on the same source and weights
// (each user's neighbour list at kMax and the sweep's RMSE), after a weight change, a
// re-extracted part, a what-if edit (applied incrementally) and a weight chosen on
// validation (equal to session::chooseFusionWeight called directly); the weights are
// saved in the project file and applied again when it opens; the neighbour panel's
// headline splits a late similarity into its blocks' parts.
#include <QDoubleSpinBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>
#include <QUndoStack>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "UiTestSupport.h"
#include "core/data/FeatureMatrix.h"
#include "core/common/Error.h"
#include "core/experiment/ConfigurationFrames.h"
#include "core/experiment/FusedConfiguration.h"
#include "core/experiment/NewTrailer.h"
#include "core/project/Project.h"
#include "core/session/ProjectSession.h"
#include "ui/JobRunner.h"
#include "ui/MainWindow.h"
#include "ui/NeighbourPanel.h"
#include "ui/UserExplorerView.h"
#include "ui/Workbench.h"

using namespace tl::ui;
namespace fs = std::filesystem;

namespace {

const QString late = QStringLiteral("synthetic-visual+audio-late");
const QString early = QStringLiteral("synthetic-visual+audio");

// Soundtrack descriptors for two thirds of the items (the others are silent), from `seed`.
void writeAudio(const fs::path& profiles, std::uint64_t seed)
{
    const auto visual = tl::readFeatureMatrix(profiles / "synthetic-visual.csv");
    std::uint64_t state = seed * 2654435761u + 11;
    auto next = [&] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<double>((state >> 33) % 10000) / 100.0;
    };
    std::ofstream out(profiles / "audio.csv", std::ios::trunc);
    out << "item_id,tempo_bpm,loudness_lufs,mfcc01_mean\n";
    for (std::size_t i = 0; i < visual.ids.size(); ++i)
        if (i % 3 != 2)
            out << visual.ids[i] << ',' << next() << ',' << next() << ',' << next() << '\n';
    out.close();
    std::ofstream(profiles / "audio.meta.json", std::ios::trunc) << R"({"model": "audio"})";
}

}  // namespace

class TestFusion : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void bothKindsListedAndModelsEqualTheSession();
    void framesAndNewTrailersRefuseBothKinds();
    void weightRebuildsAndCachedWeightComesBack();
    void spareModelsAreCapped();
    void earlyWeightChangesItsModel();
    void chooseOnValidationEqualsTheSession();
    void whatIfEditOnLateIsIncremental();
    void reExtractedPartRebuilds();
    void neighbourPanelSplitsTheSimilarity();
    void weightsSurviveReopening();
    void cleanupTestCase();

private:
    Workbench* wb() const { return window_->workbench(); }
    bool waitFor(const QString& source) const;
    // The workbench's model of `source` equals session::buildModel on the source as listed now.
    void expectEqualsSession(const QString& source) const;
    std::shared_ptr<const tl::CfModel> sessionModel(const tl::ContentSourceInfo& info) const;
    QTemporaryDir dir_;
    QString project_;
    fs::path profiles_;
    std::unique_ptr<MainWindow> window_;
};

void TestFusion::initTestCase()
{
    test::initTestApplication();
    QSettings().clear();
    QVERIFY(dir_.isValid());
    project_ = test::makeProject(dir_.filePath("demo"));
    profiles_ = tl::profilesDir(tl::loadProject(project_.toStdString()));
    writeAudio(profiles_, 1);
    window_ = std::make_unique<MainWindow>(tl::ui::test::noDialogs());
    window_->resize(1366, 768);
    window_->show();
    QVERIFY(test::openAndWait(*window_, project_, 60000));
    window_->raiseView(window_->userView());
}

void TestFusion::cleanupTestCase()
{
    window_.reset();
}

bool TestFusion::waitFor(const QString& source) const
{
    return QTest::qWaitFor([&] { return wb()->model(source) && !wb()->modelPending(source); }, 60000);
}

std::shared_ptr<const tl::CfModel> TestFusion::sessionModel(const tl::ContentSourceInfo& info) const
{
    const auto& data = *wb()->project();
    return tl::session::buildModel(data, info, tl::session::loadContent(data, info));
}

void TestFusion::expectEqualsSession(const QString& source) const
{
    const auto* info = wb()->source(source);
    QVERIFY(info);
    const auto shown = wb()->model(source);
    QVERIFY(shown);
    const auto fresh = sessionModel(*info);
    QCOMPARE(shown->settings().late.weights, fresh->settings().late.weights);
    const int kMax = fresh->settings().kMax;
    for (std::uint32_t u = 0; u < wb()->project()->data.users.size(); ++u) {
        const auto a = shown->neighbours(u, kMax), b = fresh->neighbours(u, kMax);
        QCOMPARE(a.size(), b.size());
        for (std::size_t n = 0; n < a.size(); ++n) {
            QCOMPARE(a[n].first.user, b[n].first.user);
            QVERIFY(std::fabs(a[n].first.similarity - b[n].first.similarity) < 1e-9);
        }
    }
    QCOMPARE(shown->sweepMetrics().size(), fresh->sweepMetrics().size());
    for (std::size_t i = 0; i < fresh->sweepMetrics().size(); ++i)
        QVERIFY(std::fabs(shown->sweepMetrics()[i].rmse - fresh->sweepMetrics()[i].rmse) < 1e-9);
}

void TestFusion::bothKindsListedAndModelsEqualTheSession()
{
    const auto* l = wb()->source(late);
    const auto* e = wb()->source(early);
    QVERIFY(l && e);
    QCOMPARE(QString::fromStdString(l->fusion), QStringLiteral("late"));
    QCOMPARE(QString::fromStdString(e->fusion), QStringLiteral("early"));
    // Only the late model fuses similarities, with equal weights by default.
    QCOMPARE(wb()->model(late)->settings().late.weights, (std::vector<double>{0.5, 0.5}));
    QVERIFY(!wb()->model(early)->settings().late.enabled());
    expectEqualsSession(late);
    expectEqualsSession(early);

    // The weight row appears for a fused configuration only.
    auto* view = window_->userView();
    wb()->setActiveSource(QStringLiteral("synthetic-visual"));
    QVERIFY(!view->fusionRow()->isVisibleTo(view));
    wb()->setActiveSource(late);
    QVERIFY(view->fusionRow()->isVisibleTo(view));
    QCOMPARE(view->fusionWeightBox()->value(), 0.5);
}

void TestFusion::framesAndNewTrailersRefuseBothKinds()
{
    // Frame scores and new-trailer placement need frames alone: both kinds, with weights set or
    // not, are refused with the reason (the sources as the workbench lists them).
    QVERIFY(wb()->setFusionWeights(late, {0.4, 0.6}));
    QVERIFY(waitFor(late));  // no build left in flight for the next test
    for (const QString& name : {late, early}) {
        const auto* info = wb()->source(name);
        QVERIFY(info);
        const std::string why = tl::whyNoNewTrailers(*wb()->project(), *info);
        QVERIFY2(why.find("fuses frames with sound") != std::string::npos, why.c_str());
        bool refused = false;
        try {
            (void)tl::frameExtractionSetup(*wb()->project(), *info);
        } catch (const tl::ConfigError& e) {
            refused = std::string(e.what()).find("fuses frames with sound") != std::string::npos;
        }
        QVERIFY(refused);
    }
    QVERIFY(wb()->setFusionWeights(late, {0.5, 0.5}));  // cached
    QVERIFY(!wb()->modelPending(late));
}

void TestFusion::weightRebuildsAndCachedWeightComesBack()
{
    wb()->setActiveSource(late);
    const auto before = wb()->model(late);
    QVERIFY(before);
    const int builds = wb()->fullBuilds();
    QVERIFY(wb()->setFusionWeights(late, {0.25, 0.75}));
    QVERIFY(wb()->modelPending(late));
    QVERIFY(!wb()->model(late));
    QVERIFY(waitFor(late));
    const auto quarter = wb()->model(late);
    QVERIFY(quarter != before);
    QCOMPARE(wb()->fullBuilds(), builds + 1);
    QCOMPARE(quarter->settings().late.weights, (std::vector<double>{0.25, 0.75}));
    expectEqualsSession(late);
    // The session's model of withFusionWeights on the listed source is the same model.
    QCOMPARE(wb()->source(late)->fusionWeights, (std::vector<double>{0.25, 0.75}));
    QCOMPARE(window_->userView()->fusionWeightBox()->value(), 0.25);

    // Back to equal weights: that model is still cached, nothing is built.
    QVERIFY(wb()->setFusionWeights(late, {1, 1}));  // normalised to 0.5 / 0.5
    QVERIFY(!wb()->modelPending(late));
    QCOMPARE(wb()->model(late), before);
    QCOMPARE(wb()->fullBuilds(), builds + 1);
    // Bad weights are refused with the reason, the model stays.
    QVERIFY(!wb()->setFusionWeights(late, {-1, 2}));
    QVERIFY(!wb()->fusionError().isEmpty());
    QVERIFY(!wb()->setFusionWeights(late, {0.5}));
    QVERIFY(!wb()->setFusionWeights(QStringLiteral("synthetic-visual"), {0.5, 0.5}));
    QCOMPARE(wb()->model(late), before);

    // The spin box asks for the weights (a moment after the last change).
    QVERIFY(wb()->setFusionWeights(late, {0.5, 0.5}));
    window_->userView()->fusionWeightBox()->setValue(0.25);
    QVERIFY(QTest::qWaitFor([&] { return wb()->source(late)->fusionWeights == std::vector<double>{0.25, 0.75}; }, 5000));
    QVERIFY(waitFor(late));
    QCOMPARE(wb()->model(late), quarter);  // cached too

    // Weights set back and forth before their model comes: one build, and the last weights win.
    QVERIFY(wb()->setFusionWeights(late, {0.5, 0.5}));
    const int b0 = wb()->fullBuilds();
    QVERIFY(wb()->setFusionWeights(late, {0.1, 0.9}));  // a build starts
    QVERIFY(wb()->modelPending(late));
    QVERIFY(wb()->setFusionWeights(late, {0.5, 0.5}));  // cached: shown at once
    QVERIFY(!wb()->modelPending(late));
    QCOMPARE(wb()->model(late), before);
    QVERIFY(wb()->setFusionWeights(late, {0.1, 0.9}));  // on its way already: no second build
    QVERIFY(wb()->modelPending(late));
    QVERIFY(wb()->setFusionWeights(late, {0.3, 0.7}));  // and another one, the last
    QVERIFY(waitFor(late));
    QVERIFY(QTest::qWaitFor([&] { return window_->jobs()->runningCount() == 0; }, 60000));
    QCOMPARE(wb()->fullBuilds(), b0 + 2);
    QVERIFY(!wb()->modelPending(late));
    QCOMPARE(wb()->model(late)->settings().late.weights, (std::vector<double>{0.3, 0.7}));
    expectEqualsSession(late);
    QVERIFY(wb()->setFusionWeights(late, {0.1, 0.9}));  // built meanwhile: cached
    QVERIFY(!wb()->modelPending(late));
    QCOMPARE(wb()->model(late)->settings().late.weights, (std::vector<double>{0.1, 0.9}));
}

// Weights tried and left keep their models for a return, but only the newest
// Workbench::kSpareModels of them: memory does not grow with every weight tried.
void TestFusion::spareModelsAreCapped()
{
    wb()->setActiveSource(late);
    const std::vector<double> tried = {0.05, 0.15, 0.35, 0.45, 0.55, 0.65, 0.85};
    for (double w : tried) {
        QVERIFY(wb()->setFusionWeights(late, {w, 1 - w}));
        QVERIFY(waitFor(late));
        QVERIFY2(wb()->spareModels() <= Workbench::kSpareModels, qPrintable(QString::number(wb()->spareModels())));
    }
    QCOMPARE(wb()->spareModels(), Workbench::kSpareModels);
    // The weight before the last is kept: nothing to build.
    int builds = wb()->fullBuilds();
    QVERIFY(wb()->setFusionWeights(late, {0.65, 0.35}));
    QVERIFY(!wb()->modelPending(late));
    QCOMPARE(wb()->fullBuilds(), builds);
    // The first one tried was dropped: built again, and equal to the session's model.
    QVERIFY(wb()->setFusionWeights(late, {0.05, 0.95}));
    QVERIFY(wb()->modelPending(late));
    QVERIFY(waitFor(late));
    QCOMPARE(wb()->fullBuilds(), builds + 1);
    expectEqualsSession(late);
    QVERIFY(wb()->spareModels() <= Workbench::kSpareModels);
}

void TestFusion::earlyWeightChangesItsModel()
{
    wb()->setActiveSource(early);
    QVERIFY(waitFor(early));
    QVERIFY(wb()->setFusionWeights(early, {0.5, 0.5}));
    QVERIFY(waitFor(early));
    const auto half = wb()->model(early);
    QVERIFY(wb()->setFusionWeights(early, {0.9, 0.1}));
    QVERIFY(waitFor(early));
    const auto heavy = wb()->model(early);
    QVERIFY(heavy != half);
    expectEqualsSession(early);
    // The session's model of the listed source with these weights, and it differs from equal weights.
    tl::ContentSourceInfo listed;
    for (const auto& s : tl::listContentSources(*wb()->project()))
        if (QString::fromStdString(s.name) == early)
            listed = s;
    const auto direct = sessionModel(tl::withFusionWeights(listed, {0.9, 0.1}));
    QVERIFY(std::fabs(direct->sweepMetrics().back().rmse - heavy->sweepMetrics().back().rmse) < 1e-12);
    bool differs = false;
    for (std::size_t i = 0; i < half->sweepMetrics().size(); ++i)
        differs = differs || std::fabs(half->sweepMetrics()[i].rmse - heavy->sweepMetrics()[i].rmse) > 1e-9;
    QVERIFY(differs);
}

void TestFusion::chooseOnValidationEqualsTheSession()
{
    wb()->setActiveSource(late);
    QSignalSpy chosen(wb(), &Workbench::fusionWeightChosen);
    auto* view = window_->userView();
    QVERIFY(view->chooseFusionButton()->isEnabled());
    QTest::mouseClick(view->chooseFusionButton(), Qt::LeftButton);
    QVERIFY(wb()->fusionChoicePending(late));
    QVERIFY(chosen.wait(60000));
    QVERIFY(waitFor(late));
    tl::ContentSourceInfo listed;
    for (const auto& s : tl::listContentSources(*wb()->project()))
        if (QString::fromStdString(s.name) == late)
            listed = s;
    const auto direct = tl::session::chooseFusionWeight(*wb()->project(), listed);
    const auto choice = wb()->fusionChoice(late);
    QVERIFY(choice);
    QCOMPARE(choice->w, direct.w);
    QCOMPARE(choice->k, direct.k);
    QCOMPARE(choice->rmsePerW, direct.rmsePerW);
    const auto& grid = tl::fusionWeightGrid();
    QVERIFY(std::find(grid.begin(), grid.end(), choice->w) != grid.end());
    QCOMPARE(wb()->model(late)->settings().late.weights, (std::vector<double>{direct.w, 1 - direct.w}));
    expectEqualsSession(late);
    // What was chosen and why, and the RMSE per grid value.
    const QString status = view->fusionStatusLabel()->text();
    QVERIFY2(status.contains(QStringLiteral("chosen on validation")) && status.contains(QStringLiteral("never on test")),
             qPrintable(status));
    QVERIFY(status.contains(QStringLiteral("K = %1").arg(direct.k)));
    QVERIFY(view->fusionRow()->toolTip().count(QStringLiteral("<tr>")) == static_cast<int>(grid.size()));
}

void TestFusion::whatIfEditOnLateIsIncremental()
{
    wb()->setActiveSource(late);
    QVERIFY(waitFor(late));
    const int incremental = wb()->incrementalUpdates();
    const auto& data = wb()->project()->data;
    // A user and an item they have not rated in training.
    const std::uint32_t user = 3;
    std::uint32_t item = 0;
    const auto model = wb()->model(late);
    while (model->train().rating(user, item))
        ++item;
    wb()->editRating(user, item, 5.0f);
    QVERIFY(test::waitForActiveModel(*wb()));
    QVERIFY(waitFor(late));
    QVERIFY(wb()->incrementalUpdates() > incremental);
    QVERIFY(wb()->model(late)->train().rating(user, item));
    QVERIFY(data.users.size() > 0);
    expectEqualsSession(late);  // session::buildModel on project(), the project with the overlay
    wb()->undoStack()->undo();
    QVERIFY(waitFor(late));
    expectEqualsSession(late);
}

void TestFusion::reExtractedPartRebuilds()
{
    wb()->setActiveSource(late);
    QVERIFY(waitFor(late));
    const auto before = wb()->model(late);
    // Re-extracted while a model of new weights is being built: that build is of the old
    // file, the new file's model is built and shown.
    QVERIFY(wb()->setFusionWeights(late, {0.6, 0.4}));
    QVERIFY(wb()->modelPending(late));
    const auto stamp = fs::last_write_time(profiles_ / "audio.csv");
    writeAudio(profiles_, 2);  // other values
    fs::last_write_time(profiles_ / "audio.csv", stamp + std::chrono::seconds(2));
    wb()->refreshSources();
    QVERIFY(waitFor(late));
    QVERIFY(QTest::qWaitFor([&] { return window_->jobs()->runningCount() == 0; }, 60000));
    QVERIFY(!wb()->modelPending(late));
    QVERIFY(wb()->model(late) != before);
    expectEqualsSession(late);  // on the new file
    // Its weights were kept.
    QCOMPARE(wb()->model(late)->settings().late.weights, (std::vector<double>{0.6, 0.4}));
}

void TestFusion::neighbourPanelSplitsTheSimilarity()
{
    wb()->setActiveSource(late);
    QVERIFY(waitFor(late));
    auto* view = window_->userView();
    QVERIFY(QTest::qWaitFor([&] { return view->neighboursTable()->rowCount() > 0; }, 10000));
    view->openNeighbour(0);
    NeighbourPanel* panel = view->neighbourPanel();
    QVERIFY(panel);
    const auto& cosine = panel->cosine();
    QCOMPARE(cosine.blocks.size(), std::size_t{2});
    QVERIFY(std::fabs(cosine.blocks[0] + cosine.blocks[1] - cosine.cosine) < 1e-9);
    const auto model = wb()->model(late);
    const auto first = model->neighbours(wb()->user(), 1).front().first;
    QVERIFY(std::fabs(cosine.cosine - first.similarity) < 1e-6);
    // The headline: "similarity S = synthetic-visual A + audio B (late fusion, weights ...)", A + B = S.
    const QString text = panel->summaryLabel()->text();
    static const QRegularExpression headline(
        QStringLiteral("similarity <b>(-?[0-9.]+)</b> = synthetic-visual (-?[0-9.]+) \\+ audio (-?[0-9.]+) \\(late fusion, "
                       "weights ([0-9.]+) / ([0-9.]+)\\)"));
    const auto match = headline.match(text);
    QVERIFY2(match.hasMatch(), qPrintable(text));
    const double s = match.captured(1).toDouble(), a = match.captured(2).toDouble(), b = match.captured(3).toDouble();
    QVERIFY(std::fabs(a + b - s) <= 0.0015);  // three decimals each
    QVERIFY(std::fabs(s - cosine.cosine) <= 0.0005);
    QVERIFY(std::fabs(match.captured(4).toDouble() - model->settings().late.weights[0]) < 0.005);
    panel->close();
}

void TestFusion::weightsSurviveReopening()
{
    QVERIFY(wb()->setFusionWeights(late, {0.75, 0.25}));
    QVERIFY(waitFor(late));
    // In the project file, by name.
    auto read = [this] {
        QFile f(project_);
        return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
    };
    auto weightsIn = [](const QJsonObject& doc, const QString& name) {
        std::vector<double> w;
        for (const auto& v : doc.value(QStringLiteral("fusion_weights")).toObject().value(name).toArray())
            w.push_back(v.toDouble());
        return w;
    };
    QJsonObject doc = read();
    QCOMPARE(weightsIn(doc, late), (std::vector<double>{0.75, 0.25}));
    // A name the project does not list is kept; a list that does not fit is ignored with a warning.
    QJsonObject weights = doc.value(QStringLiteral("fusion_weights")).toObject();
    weights.insert(QStringLiteral("gone+audio-late"), QJsonArray{0.1, 0.9});
    weights.insert(early, QJsonArray{0.0, 0.0});
    doc.insert(QStringLiteral("fusion_weights"), weights);
    {
        QFile f(project_);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(QJsonDocument(doc).toJson());
    }

    wb()->closeProject();
    QVERIFY(test::openAndWait(*window_, project_, 60000));
    QCOMPARE(wb()->source(late)->fusionWeights, (std::vector<double>{0.75, 0.25}));
    QCOMPARE(wb()->model(late)->settings().late.weights, (std::vector<double>{0.75, 0.25}));
    QVERIFY(wb()->source(early)->fusionWeights.empty());  // ignored: equal weights
    const auto& warnings = wb()->project()->warnings;
    QVERIFY(std::any_of(warnings.begin(), warnings.end(),
                        [&](const std::string& w) { return w.find(early.toStdString()) != std::string::npos; }));
    expectEqualsSession(late);
    // A later save keeps the unknown name.
    QVERIFY(wb()->setFusionWeights(late, {0.5, 0.5}));
    const QJsonObject saved = read();
    QVERIFY(saved.value(QStringLiteral("fusion_weights")).toObject().contains(QStringLiteral("gone+audio-late")));
    QCOMPARE(weightsIn(saved, late), (std::vector<double>{0.5, 0.5}));
}

QTEST_MAIN(TestFusion)
#include "tst_fusion.moc"
