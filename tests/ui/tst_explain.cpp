// The user explorer's explanations on a small generated project, checked against
// brute-force sums over the model's training ratings and profiles:
// - the waterfall (why this prediction): the user's mean, each neighbour's
//   contribution sim (r - mean) / D, non-raters at 0, the total = the
//   predictions table = what the evaluation predicts for that test rating; the
//   fallback named; the clip box; a K change redraws it;
// - the neighbour panel (why this neighbour): the top item pair of the cosine and
//   the shares adding up to 1; titles only in a project without trailers;
// - the profile's item shares (the explorer's first profile tab).
#include <QCheckBox>
#include <QListWidget>
#include <QSettings>
#include <QTableWidget>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <optional>

#include <Eigen/Core>

#include "UiTestSupport.h"
#include "core/cf/Prediction.h"
#include "core/eval/CfModel.h"
#include "ui/MainWindow.h"
#include "ui/NeighbourPanel.h"
#include "ui/PredictionWaterfall.h"
#include "ui/UserExplorerView.h"
#include "ui/Workbench.h"

using namespace tl::ui;
using Kind = PredictionWaterfall::RowKind;

class TestExplain : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void waterfallAddsUpToThePrediction();
    void kChangeRedrawsTheWaterfall();
    void fallbackIsNamed();
    void clipBoxClipsAsTheCliDoes();
    void beyondScaleIsFlagged();
    void neighbourPanelTopPairAndShares();
    void profileItemSharesComeFirst();
    void cleanupTestCase();

private:
    std::shared_ptr<const tl::CfModel> model() const;
    // Makes (user, K) current and selects the test rating of `item` in the predictions table.
    void selectTest(std::uint32_t user, int k, std::uint32_t item);
    // What the evaluation predicts for (user, item) at K: the full test set's walk.
    float evaluated(std::uint32_t user, std::uint32_t item, int k, bool clip) const;
    QTemporaryDir dir_;
    std::unique_ptr<MainWindow> window_;
    std::uint32_t user_ = 0, item_ = 0;
};

void TestExplain::initTestCase()
{
    test::initTestApplication();
    QSettings().clear();
    QVERIFY(dir_.isValid());
    const QString project = test::makeProject(dir_.filePath("demo"));
    window_ = std::make_unique<MainWindow>(tl::ui::test::noDialogs());
    window_->resize(1366, 768);
    window_->show();
    QVERIFY(test::openAndWait(*window_, project));
    window_->raiseView(window_->userView());
    QVERIFY(model());
}

void TestExplain::cleanupTestCase()
{
    window_.reset();
}

std::shared_ptr<const tl::CfModel> TestExplain::model() const
{
    Workbench* wb = window_->workbench();
    return wb->model(wb->activeSource());
}

void TestExplain::selectTest(std::uint32_t user, int k, std::uint32_t item)
{
    Workbench* wb = window_->workbench();
    wb->setUser(user);
    wb->setK(k);
    QCOMPARE(wb->k(), k);
    QTableWidget* table = window_->userView()->predictionsTable();
    for (int r = 0; r < table->rowCount(); ++r)
        if (table->item(r, 0)->data(Qt::UserRole).toUInt() == item) {
            table->selectRow(r);
            return;
        }
    QFAIL("the test item is not in the predictions table");
}

float TestExplain::evaluated(std::uint32_t user, std::uint32_t item, int k, bool clip) const
{
    const auto m = model();
    tl::PredictOptions options = m->predictOptions();
    options.clip = clip;
    const auto sweep = tl::predictOffline(m->train(), m->neighbourLists(), m->test(), {k}, options);
    for (std::size_t t = 0; t < m->test().size(); ++t)
        if (m->test().users[t] == user && m->test().items[t] == item)
            return sweep.perK[0].values[t];
    return std::nanf("");
}

void TestExplain::waterfallAddsUpToThePrediction()
{
    const auto m = model();
    const auto& train = m->train();
    const int k = 20;
    // A test rating predicted from neighbours at K = 20 with some neighbours who did not rate it.
    bool found = false;
    for (std::uint32_t u = 0; u < train.users && !found; ++u)
        for (const auto& t : m->testPredictions(u, k)) {
            int raters = 0;
            for (const auto& [n, common] : m->neighbours(u, k))
                raters += train.rating(n.user, t.item).has_value();
            if (t.source == tl::PredictionSource::Neighbours && raters >= 2 && raters < k) {
                user_ = u, item_ = t.item, found = true;
                break;
            }
        }
    QVERIFY(found);
    selectTest(user_, k, item_);
    PredictionWaterfall* w = window_->userView()->waterfall();
    QVERIFY(w->hasExplanation());
    QCOMPARE(w->explanation().item, item_);
    QCOMPARE(w->explanation().k, k);

    // Brute force: D over the raters among the first K, each rater's term.
    const auto neighbours = m->neighbours(user_, k);
    double d = 0;
    for (const auto& [n, common] : neighbours)
        if (train.rating(n.user, item_))
            d += std::fabs(n.similarity);
    const auto& rows = w->rows();
    QCOMPARE(rows.front().kind, Kind::Mean);
    QVERIFY(std::fabs(rows.front().end - train.userMean[user_]) < 1e-12);
    const auto& users = window_->workbench()->project()->data.users;
    double total = train.userMean[user_];
    int raterRows = 0, nonRaterRows = 0;
    for (const auto& [n, common] : neighbours) {
        const QString id = QString::fromStdString(users.id(n.user));
        const auto row = std::find_if(rows.begin(), rows.end(), [&](const PredictionWaterfall::Row& r) {
            return (r.kind == Kind::Neighbour || r.kind == Kind::NonRater) && r.name == id;
        });
        QVERIFY2(row != rows.end(), qPrintable(id));
        if (const auto r = train.rating(n.user, item_)) {
            const double c = n.similarity * (*r - train.userMean[n.user]) / d;
            QCOMPARE(row->kind, Kind::Neighbour);
            QVERIFY2(std::fabs((row->end - row->start) - c) < 1e-9, qPrintable(id));
            QCOMPARE(row->value, QString::asprintf("%+.3f", c));
            total += c;
            ++raterRows;
        } else {
            QCOMPARE(row->kind, Kind::NonRater);
            QCOMPARE(row->end, row->start);
            QCOMPARE(row->value, QStringLiteral("0"));
            ++nonRaterRows;
        }
    }
    QCOMPARE(raterRows + nonRaterRows, k);
    QVERIFY(nonRaterRows > 0);
    // The running total ends at the prediction: the table's, the evaluation's.
    const auto* last = w->totalRow();
    QVERIFY(last);
    QVERIFY(std::fabs(last->end - total) < 1e-5);
    const auto& prev = *(last - 1);
    QCOMPARE(prev.kind, Kind::Neighbour);
    QVERIFY(std::fabs(prev.end - total) < 1e-9);
    // Those who did not rate it are listed after the total.
    QCOMPARE((last + 1)->kind, Kind::Section);
    QCOMPARE(static_cast<int>((rows.data() + rows.size()) - (last + 2)), nonRaterRows);
    const float eval = evaluated(user_, item_, k, m->predictOptions().clip);
    QCOMPARE(w->explanation().prediction, eval);
    QTableWidget* table = window_->userView()->predictionsTable();
    const int row = table->selectionModel()->selectedRows().front().row();
    QCOMPARE(table->item(row, 2)->text(), QString::number(eval, 'f', 2));
    QVERIFY(w->headline().startsWith(QStringLiteral("<b>%1</b>").arg(QString::number(eval, 'f', 2))));
    QVERIFY(w->fallbackText().isEmpty());
}

void TestExplain::kChangeRedrawsTheWaterfall()
{
    const auto m = model();
    selectTest(user_, 20, item_);
    PredictionWaterfall* w = window_->userView()->waterfall();
    const float at20 = w->explanation().prediction;
    Workbench* wb = window_->workbench();
    // Moving K keeps the same item and redraws it at the new K.
    for (int k : {40, 3, 20}) {
        wb->setK(k);
        QCOMPARE(w->explanation().k, k);
        QCOMPARE(w->explanation().item, item_);
        const int neighbourRows = static_cast<int>(std::count_if(w->rows().begin(), w->rows().end(), [](const auto& r) {
            return r.kind == Kind::Neighbour || r.kind == Kind::NonRater;
        }));
        QCOMPARE(neighbourRows, static_cast<int>(m->neighbours(user_, k).size()));
        QCOMPARE(w->explanation().prediction, evaluated(user_, item_, k, m->predictOptions().clip));
        QTableWidget* table = window_->userView()->predictionsTable();
        QCOMPARE(table->selectionModel()->selectedRows().size(), 1);
        const int row = table->selectionModel()->selectedRows().front().row();
        QCOMPARE(table->item(row, 0)->data(Qt::UserRole).toUInt(), item_);
        QCOMPARE(table->item(row, 2)->text(), QString::number(w->explanation().prediction, 'f', 2));
    }
    QCOMPARE(w->explanation().prediction, at20);
}

void TestExplain::fallbackIsNamed()
{
    const auto m = model();
    const auto& train = m->train();
    // A test rating none of the first K neighbours rated: the user's mean.
    std::optional<std::pair<std::uint32_t, std::uint32_t>> pick;
    int k = 1;
    for (; k <= 3 && !pick; ++k)
        for (std::uint32_t u = 0; u < train.users && !pick; ++u)
            for (const auto& t : m->testPredictions(u, k))
                if (t.source == tl::PredictionSource::UserMean && !m->neighbours(u, k).empty()) {
                    pick = {u, t.item};
                    break;
                }
    QVERIFY(pick);
    --k;
    selectTest(pick->first, k, pick->second);
    PredictionWaterfall* w = window_->userView()->waterfall();
    QCOMPARE(w->explanation().source, tl::PredictionSource::UserMean);
    QVERIFY2(w->fallbackText().contains(QStringLiteral("user's mean")), qPrintable(w->fallbackText()));
    QVERIFY(w->headline().contains(QStringLiteral("fallback")));
    for (const auto& r : w->rows())
        if (r.kind == Kind::Neighbour || r.kind == Kind::NonRater)
            QCOMPARE(r.value, QStringLiteral("0"));
    QVERIFY(std::fabs(w->totalRow()->end - train.userMean[pick->first]) < 1e-5);
    QCOMPARE(w->explanation().prediction, evaluated(pick->first, pick->second, k, m->predictOptions().clip));
}

void TestExplain::clipBoxClipsAsTheCliDoes()
{
    const auto m = model();
    const auto& train = m->train();
    const tl::RatingScale scale = m->predictOptions().scale;
    QVERIFY(!m->predictOptions().clip);  // the model predicts unclipped, as evaluate without --clip
    // A test rating whose unclipped prediction leaves the scale at some small K.
    std::optional<std::pair<std::uint32_t, std::uint32_t>> pick;
    int k = 1;
    for (; k <= 5 && !pick; ++k)
        for (std::uint32_t u = 0; u < train.users && !pick; ++u)
            for (const auto& t : m->testPredictions(u, k))
                if (!scale.contains(t.prediction)) {
                    pick = {u, t.item};
                    break;
                }
    if (!pick)
        QSKIP("no out-of-scale prediction in this generated project");
    --k;
    selectTest(pick->first, k, pick->second);
    PredictionWaterfall* w = window_->userView()->waterfall();
    QVERIFY(!w->clipBox()->isChecked());
    const float unclipped = evaluated(pick->first, pick->second, k, false);
    QCOMPARE(w->explanation().prediction, unclipped);
    QVERIFY(w->beyondScale());
    QVERIFY(w->headline().contains(QStringLiteral("Beyond")));

    w->clipBox()->click();
    QVERIFY(w->clipBox()->isChecked());
    const float clipped = evaluated(pick->first, pick->second, k, true);
    QCOMPARE(clipped, std::clamp(unclipped, scale.min, scale.max));
    QCOMPARE(w->explanation().prediction, clipped);
    QCOMPARE(w->explanation().unclipped, unclipped);
    QVERIFY(!w->beyondScale());
    QCOMPARE(w->totalRow()->name, QStringLiteral("prediction, clipped from %1").arg(unclipped, 0, 'f', 2));
    QCOMPARE(w->totalRow()->value, QString::number(clipped, 'f', 2));
    // The choice holds across a K change; unticking restores the unclipped value.
    window_->workbench()->setK(k + 1);
    QVERIFY(w->clipBox()->isChecked());
    QVERIFY(scale.contains(w->explanation().prediction));
    window_->workbench()->setK(k);
    w->clipBox()->click();
    QCOMPARE(w->explanation().prediction, unclipped);
}

void TestExplain::beyondScaleIsFlagged()
{
    // The widget alone, on a hand-made decomposition: 3.5 + 1.25 + 0.75 = 5.5 on 1..5.
    PredictionWaterfall w;
    tl::PredictionExplanation ex;
    ex.user = 0, ex.item = 7, ex.k = 3, ex.userMean = 3.5, ex.sumAbsSimilarity = 1.6;
    ex.source = tl::PredictionSource::Neighbours;
    ex.neighbours = {{1, 0.9, 5.0f, 2.8, 1.25}, {2, 0.8, std::nullopt, 3.0, 0}, {3, 0.7, 4.5f, 2.8, 0.75}};
    ex.unclipped = ex.prediction = 5.5f;
    w.setExplanation(ex, {1.0f, 5.0f}, "Item", [](std::uint32_t v) { return QString::number(v); });
    QVERIFY(w.beyondScale());
    const auto& rows = w.rows();
    // Mean, the two raters, the total, the non-raters' heading, the non-rater.
    QCOMPARE(static_cast<int>(rows.size()), 6);
    QCOMPARE(rows[1].end, 4.75);
    QCOMPARE(rows[2].end, 5.5);
    QCOMPARE(rows[3].kind, Kind::Total);
    QCOMPARE(rows[3].end, 5.5);
    QCOMPARE(rows[3].name, QStringLiteral("prediction, beyond the scale"));
    QCOMPARE(rows[3].value, QStringLiteral("5.50"));
    QCOMPARE(rows[4].kind, Kind::Section);
    QCOMPARE(rows[5].kind, Kind::NonRater);
    QCOMPARE(rows[5].name, QStringLiteral("2"));
    QCOMPARE(rows[5].value, QStringLiteral("0"));
    ex.prediction = 5.0f;  // as clipping leaves it
    w.setExplanation(ex, {1.0f, 5.0f}, "Item", [](std::uint32_t v) { return QString::number(v); });
    QVERIFY(!w.beyondScale());
    QCOMPARE(w.totalRow()->name, QStringLiteral("prediction, clipped from 5.50"));
    QCOMPARE(w.totalRow()->value, QStringLiteral("5.00"));
    QVERIFY(!w.grab().isNull());
}

namespace {

// MUP(u) in float64, brute force.
Eigen::VectorXd profileOf(const tl::CfModel& m, std::uint32_t u)
{
    const auto& w = m.relevance();
    Eigen::VectorXd mup = Eigen::VectorXd::Zero(m.items().values.cols());
    for (std::size_t e = w.offsets[u]; e < w.offsets[u + 1]; ++e)
        mup += w.weights[e] * m.items().values.row(w.rows[e]).transpose().cast<double>();
    return mup;
}

}  // namespace

void TestExplain::neighbourPanelTopPairAndShares()
{
    const auto m = model();
    Workbench* wb = window_->workbench();
    wb->setUser(user_);
    wb->setK(20);
    UserExplorerView* view = window_->userView();
    QTableWidget* neighbours = view->neighboursTable();
    QVERIFY(neighbours->rowCount() > 0);
    // A double-click on the first neighbour opens the panel.
    const QRect cell = neighbours->visualItemRect(neighbours->item(0, 1));
    QVERIFY(neighbours->isVisible());
    QTest::mouseClick(neighbours->viewport(), Qt::LeftButton, {}, cell.center());
    QTest::mouseDClick(neighbours->viewport(), Qt::LeftButton, {}, cell.center());
    NeighbourPanel* panel = view->neighbourPanel();
    QVERIFY(panel);
    QVERIFY(panel->isVisible());
    const std::uint32_t v = m->neighbours(user_, 20).front().first.user;
    QCOMPARE(panel->user(), user_);
    QCOMPARE(panel->neighbour(), v);

    // Brute force: every pair term r(u,i) r(v,j) MIP(i).MIP(j) / (|MUP(u)| |MUP(v)|).
    const auto& w = m->relevance();
    const double norms = profileOf(*m, user_).norm() * profileOf(*m, v).norm();
    double cosine = 0, best = 0;
    std::uint32_t bestI = 0, bestJ = 0;
    for (std::size_t a = w.offsets[user_]; a < w.offsets[user_ + 1]; ++a)
        for (std::size_t b = w.offsets[v]; b < w.offsets[v + 1]; ++b) {
            const double t = static_cast<double>(w.weights[a]) * w.weights[b] *
                             m->items().values.row(w.rows[a]).cast<double>().dot(m->items().values.row(w.rows[b]).cast<double>()) /
                             norms;
            cosine += t;
            if (std::fabs(t) > std::fabs(best))
                best = t, bestI = w.rows[a], bestJ = w.rows[b];
        }
    QVERIFY(std::fabs(panel->cosine().cosine - cosine) < 1e-9);
    QVERIFY(std::fabs(panel->cosine().cosine - m->neighbours(user_, 20).front().first.similarity) < 1e-5);
    auto itemOfRow = [&](std::uint32_t row) {
        const auto& rowOf = m->items().rowOf;
        return static_cast<std::uint32_t>(std::find(rowOf.begin(), rowOf.end(), static_cast<std::int32_t>(row)) - rowOf.begin());
    };
    const auto& pd = *wb->project();
    QTableWidget* pairs = panel->pairsTable();
    QVERIFY(pairs->item(0, 0)->text().startsWith(QString::fromStdString(pd.titleOf(pd.data.items.id(itemOfRow(bestI))))));
    QVERIFY(pairs->item(0, 1)->text().startsWith(QString::fromStdString(pd.titleOf(pd.data.items.id(itemOfRow(bestJ))))));
    QVERIFY(std::fabs(pairs->item(0, 2)->data(Qt::UserRole).toDouble() - best / cosine) < 1e-9);
    // The shares (top pairs, then the rest) add up to 1.
    double sum = 0;
    for (int r = 0; r < pairs->rowCount(); ++r)
        sum += pairs->item(r, 2)->data(Qt::UserRole).toDouble();
    QVERIFY2(std::fabs(sum - 1.0) < 1e-9, qPrintable(QString::number(sum, 'g', 17)));
    // Items both rated, brute force.
    int both = 0;
    for (std::size_t e = m->train().userOffsets[user_]; e < m->train().userOffsets[user_ + 1]; ++e)
        both += m->train().rating(v, m->train().userItems[e]).has_value();
    QCOMPARE(panel->bothRatedTable()->rowCount(), both);
    QVERIFY(panel->userProfileTable()->rowCount() > 0);
    QVERIFY(panel->neighbourProfileTable()->rowCount() > 0);
    // No trailers in this project: titles only, no thumbnails.
    QVERIFY(pairs->item(0, 0)->icon().isNull());
    panel->close();
}

void TestExplain::profileItemSharesComeFirst()
{
    const auto m = model();
    window_->workbench()->setUser(user_);
    QTableWidget* table = window_->userView()->profileItemsTable();
    QVERIFY(table->isVisible());  // the first tab, before the feature chart
    QVERIFY(table->rowCount() > 0);
    // Brute force: the largest |r(u,i) MIP(i).MUP(u)| / |MUP(u)|^2 is the first row.
    const Eigen::VectorXd mup = profileOf(*m, user_);
    const auto& w = m->relevance();
    double best = 0, sum = 0;
    std::uint32_t bestRow = 0;
    for (std::size_t e = w.offsets[user_]; e < w.offsets[user_ + 1]; ++e) {
        const double s = w.weights[e] * m->items().values.row(w.rows[e]).cast<double>().dot(mup.transpose()) / mup.squaredNorm();
        sum += s;
        if (std::fabs(s) > std::fabs(best))
            best = s, bestRow = w.rows[e];
    }
    QVERIFY(std::fabs(sum - 1.0) < 1e-9);
    const auto& rowOf = m->items().rowOf;
    const auto item = static_cast<std::uint32_t>(std::find(rowOf.begin(), rowOf.end(), static_cast<std::int32_t>(bestRow)) - rowOf.begin());
    const auto& pd = *window_->workbench()->project();
    QCOMPARE(table->item(0, 0)->text(), QString::fromStdString(pd.titleOf(pd.data.items.id(item))));
    QVERIFY(std::fabs(table->item(0, 2)->data(Qt::UserRole).toDouble() - best) < 1e-9);
}

QTEST_MAIN(TestExplain)
#include "tst_explain.moc"
