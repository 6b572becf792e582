// The map view on a small generated project: the map of the active configuration
// is computed in the background; the workbench's user and exactly its K nearest
// neighbours (the model's list) are highlighted and follow K and the user; a click
// on a user selects it everywhere, a click on a trailer asks to open it.
#include <QComboBox>
#include <QDockWidget>
#include <QSignalSpy>
#include <QTest>

#include "UiTestSupport.h"
#include "core/eval/CfModel.h"
#include "ui/MainWindow.h"
#include "ui/MapCanvas.h"
#include "ui/MapView.h"
#include "ui/Workbench.h"

using namespace tl::ui;

class TestMap : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void highlightsTheUserAndItsKNeighbours();
    void clickingAUserSelectsItEverywhere();
    void clickingATrailerAsksToOpenIt();
    void cleanupTestCase();

private:
    int clickablePoint(bool user, std::uint32_t notIndex) const;
    QTemporaryDir dir_;
    std::unique_ptr<MainWindow> window_;
    MapView* view_ = nullptr;
};

void TestMap::initTestCase()
{
    test::initTestApplication();
    QSettings().clear();
    QVERIFY(dir_.isValid());
    const QString project = test::makeProject(dir_.filePath("demo"));
    window_ = std::make_unique<MainWindow>(tl::ui::test::noDialogs());
    window_->resize(1400, 900);
    window_->show();
    QVERIFY(test::openAndWait(*window_, project));
    view_ = window_->mapView();
    QVERIFY(view_);
    view_->methodBox()->setCurrentIndex(view_->methodBox()->findData(QStringLiteral("pca")));
    window_->findChild<QDockWidget*>(QStringLiteral("MapDock"))->raise();
    QTRY_VERIFY_WITH_TIMEOUT(view_->ready(), 30000);
}

void TestMap::cleanupTestCase()
{
    window_.reset();
}

void TestMap::highlightsTheUserAndItsKNeighbours()
{
    Workbench* wb = window_->workbench();
    auto model = wb->model(wb->activeSource());
    QVERIFY(model);
    std::uint32_t user = 0;
    while (model->neighbours(user, 30).size() < 30)
        ++user;
    wb->setUser(user);
    for (int k : {5, 30, 12}) {
        wb->setK(k);
        QCOMPARE(view_->highlightedUser(), std::optional<std::uint32_t>(user));
        std::vector<std::uint32_t> expected;
        for (const auto& [n, corated] : model->neighbours(user, k))
            expected.push_back(n.user);
        QCOMPARE(view_->highlightedNeighbours(), expected);
        // The canvas rings the user's own dot, and the neighbours' dots are users.
        const MapCanvas* canvas = view_->canvas();
        const auto& selected = canvas->points()[static_cast<std::size_t>(canvas->selectedPoint())];
        QVERIFY(selected.user);
        QCOMPARE(selected.index, user);
        QCOMPARE(canvas->neighbourPoints().size(), std::size_t(k));
        for (int p : canvas->neighbourPoints())
            QVERIFY(canvas->points()[static_cast<std::size_t>(p)].user);
    }
    // Another user: the highlight moves with the selection.
    wb->setUser(user + 1);
    QCOMPARE(view_->highlightedUser(), std::optional<std::uint32_t>(user + 1));
    QCOMPARE(view_->highlightedNeighbours().size(), model->neighbours(user + 1, 12).size());
}

int TestMap::clickablePoint(bool user, std::uint32_t notIndex) const
{
    const MapCanvas* canvas = view_->canvas();
    for (std::size_t p = 0; p < canvas->points().size(); ++p) {
        const auto& point = canvas->points()[p];
        if (point.user == user && point.index != notIndex &&
            canvas->pointAt(canvas->widgetPosition(static_cast<int>(p))) == static_cast<int>(p))
            return static_cast<int>(p);
    }
    return -1;
}

void TestMap::clickingAUserSelectsItEverywhere()
{
    Workbench* wb = window_->workbench();
    const int p = clickablePoint(true, wb->user());
    QVERIFY(p >= 0);
    const std::uint32_t user = view_->canvas()->points()[static_cast<std::size_t>(p)].index;
    QSignalSpy requested(view_, &MapView::userRequested);
    QTest::mouseClick(view_->canvas(), Qt::LeftButton, {}, view_->canvas()->widgetPosition(p).toPoint());
    QCOMPARE(requested.count(), 1);
    QCOMPARE(requested.first().first().value<std::uint32_t>(), user);
    QCOMPARE(wb->user(), user);  // the main window wires it to the workbench: every view follows
    QCOMPARE(view_->highlightedUser(), std::optional<std::uint32_t>(user));
    // A click on empty canvas selects nothing.
    QTest::mouseClick(view_->canvas(), Qt::LeftButton, {}, QPoint(2, view_->canvas()->height() - 2));
    QCOMPARE(requested.count(), 1);
}

void TestMap::clickingATrailerAsksToOpenIt()
{
    const int p = clickablePoint(false, UINT32_MAX);
    QVERIFY(p >= 0);
    const std::uint32_t item = view_->canvas()->points()[static_cast<std::size_t>(p)].index;
    QSignalSpy requested(view_, &MapView::playRequested);
    QTest::mouseClick(view_->canvas(), Qt::LeftButton, {}, view_->canvas()->widgetPosition(p).toPoint());
    QCOMPARE(requested.count(), 1);
    QCOMPARE(requested.first().first().toString(),
             QString::fromStdString(window_->workbench()->project()->data.items.id(item)));
}

QTEST_MAIN(TestMap)
#include "tst_map.moc"
