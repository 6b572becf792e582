// The workbench on a laptop screen and a projector: the main window's minimum
// size and default geometry fit the screen (run twice by CTest: 1366 x 768 at
// scale 1 and 1920 x 1080 at QT_SCALE_FACTOR=1.5, on the offscreen platform
// configured with that screen), the trailer opens beside the explorer, chart
// colours and ticks, the recommendation grid, natural sorting, the library
// count, the status bar, the K box, the welcome screen and a truncated project.
#include <QAbstractItemModel>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScreen>
#include <QSet>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

#include "UiTestSupport.h"
#include "ui/AutoExtractor.h"
#include "ui/ChartAdapter.h"
#include "ui/ChartStyle.h"
#include "ui/ExperimentsView.h"
#include "ui/ExtractionView.h"
#include "ui/JobRunner.h"
#include "ui/LibraryView.h"
#include "ui/MainWindow.h"
#include "ui/TrailerView.h"
#include "ui/UserExplorerView.h"
#include "ui/Workbench.h"

using namespace tl::ui;

namespace {

// A step of 1, 2, 2.5 or 5 x 10^n.
bool isNiceStep(double step)
{
    const double magnitude = std::pow(10.0, std::floor(std::log10(step) + 1e-9));
    const double m = step / magnitude;
    for (double nice : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (std::abs(m - nice) < 1e-6)
            return true;
    return false;
}

bool isMultiple(double value, double step)
{
    const double q = value / step;
    return std::abs(q - std::round(q)) < 1e-6;
}

// Shown and not hidden behind another tab of its dock group.
bool onScreen(QWidget* w)
{
    return w->isVisible() && !w->visibleRegion().isEmpty();
}

}  // namespace

class TestLayout : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void minimumSizeFitsTheScreen();
    void defaultGeometryFitsTheScreen();
    void trailerOpensBesideTheExplorer();
    void niceTicks_data();
    void niceTicks();
    void niceTicksOnRandomRanges();
    void coloursStayWhenConfigurationsAreAdded();
    void baselinesAreDistinguishable();
    void recommendationsAreAGridOfWholeTiles();
    void profileBarsKeepTheirLabels();
    void listsSortNaturally();
    void libraryCountsWhatTheSearchShows();
    void statusBarDropsAFailureAfterASuccess();
    void kBoxRejectsJunk();
    void welcomeOffersTheDemoFirst();
    void truncatedProjectShowsTheLoadersMessage();
    void outsideCacheIsNotUsedWithoutConsent();
    void cleanupTestCase();

private:
    QTemporaryDir dir_;
    QString project_;
    std::unique_ptr<MainWindow> window_;
};

void TestLayout::initTestCase()
{
    test::initTestApplication();
    QSettings().clear();
    QSettings().setValue(AutoExtractor::settingKey(), false);
    QVERIFY(dir_.isValid());
    // The screen CTest configured (TRAILERLAB_TEST_SCREEN=WxH in device pixels).
    const QString expected = qEnvironmentVariable("TRAILERLAB_TEST_SCREEN");
    if (!expected.isEmpty()) {
        QScreen* screen = QGuiApplication::primaryScreen();
        const QSize device = (QSizeF(screen->geometry().size()) * screen->devicePixelRatio()).toSize();
        QCOMPARE(QStringLiteral("%1x%2").arg(device.width()).arg(device.height()), expected);
    }
    // Eleven trailers (ids 1..11: text order would put 10 and 11 before 2), with long titles.
    const QStringList clips = test::makeClips(dir_.path(), 11, 0.4);
    project_ = test::makeProject(dir_.filePath("demo"), clips);
    QFile movies(dir_.filePath("demo/movies.csv"));
    QVERIFY(movies.open(QIODevice::ReadOnly));
    QByteArray text = movies.readAll();
    movies.close();
    text.replace("Synthetic movie", "The Extraordinarily Long Title of a Synthetic Movie That Never Fits a Tile, Part");
    QVERIFY(movies.open(QIODevice::WriteOnly | QIODevice::Truncate));
    movies.write(text);
    movies.close();

    window_ = std::make_unique<MainWindow>(tl::ui::test::noDialogs());
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
    QVERIFY(test::openAndWait(*window_, project_));
    QTest::qWait(100);  // coalesced chart rebuilds
}

void TestLayout::cleanupTestCase()
{
    window_.reset();
}

void TestLayout::minimumSizeFitsTheScreen()
{
    // With the project open and every default dock shown, the window can shrink
    // inside the screen with room for a window frame and a taskbar.
    QScreen* screen = window_->screen();
    const QSize available = screen->availableGeometry().size();
    const QSize room = available - QSize(60, 90);  // logical pixels
    for (const QSize min : {window_->minimumSizeHint(), window_->minimumSize()}) {
        const QString what = QStringLiteral("minimum %1 x %2, screen %3 x %4 at scale %5")
                                 .arg(min.width())
                                 .arg(min.height())
                                 .arg(available.width())
                                 .arg(available.height())
                                 .arg(screen->devicePixelRatio());
        qInfo("%s", qPrintable(what));
        QVERIFY2(min.width() <= room.width() && min.height() <= room.height(), qPrintable(what));
    }
    // Every dock shown at the default size gets at least its own minimum (nothing squeezed off).
    // Docks scroll a view that does not fit: at the default size none has to.
    for (QDockWidget* dock : window_->findChildren<QDockWidget*>()) {
        QWidget* view = MainWindow::viewIn(dock);
        qInfo("%s: minimum %d x %d", qPrintable(dock->objectName()), view->minimumSizeHint().width(),
              view->minimumSizeHint().height());
        // A tab behind another gets the size of the tab in front when raised.
        QDockWidget* front = dock;
        for (QDockWidget* other : window_->tabifiedDockWidgets(dock))
            if (onScreen(other->widget()))
                front = other;
        if (!onScreen(front->widget()))
            continue;
        const QSize need = view->minimumSizeHint(), got = front->widget()->size();
        QVERIFY2(got.width() >= need.width() && got.height() >= need.height(),
                 qPrintable(QStringLiteral("%1: %2 x %3 < %4 x %5")
                                .arg(dock->objectName())
                                .arg(got.width())
                                .arg(got.height())
                                .arg(need.width())
                                .arg(need.height())));
    }
}

void TestLayout::defaultGeometryFitsTheScreen()
{
    // A fresh window (no saved geometry) opens inside the available area.
    QSettings().remove(QStringLiteral("window/geometry"));
    QSettings().remove(QStringLiteral("window/state"));
    MainWindow window(tl::ui::test::noDialogs());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QRect available = window.screen()->availableGeometry();
    const QRect frame = window.frameGeometry();
    QVERIFY2(frame.width() <= available.width() && frame.height() <= available.height(),
             qPrintable(QStringLiteral("window %1 x %2 in %3 x %4")
                            .arg(frame.width())
                            .arg(frame.height())
                            .arg(available.width())
                            .arg(available.height())));
    // The default docks: both columns are on screen at once.
    QVERIFY(onScreen(window.experimentsView()));
    QVERIFY(onScreen(window.userView()));
}

void TestLayout::trailerOpensBesideTheExplorer()
{
    window_->raiseView(window_->userView());
    QVERIFY(onScreen(window_->userView()));
    QListWidget* recommendations = window_->userView()->recommendationsList();
    QVERIFY(recommendations->count() > 0);
    const QString id = recommendations->item(0)->data(Qt::UserRole).toString();
    window_->playItem(id);
    QCoreApplication::processEvents();
    QVERIFY(onScreen(window_->trailerView()));
    QVERIFY2(onScreen(window_->userView()), "the trailer replaced the user explorer");

    // From the library too: the library stays.
    window_->raiseView(window_->libraryView());
    QVERIFY(onScreen(window_->libraryView()));
    window_->playItem(id);
    QCoreApplication::processEvents();
    QVERIFY(onScreen(window_->trailerView()));
    QVERIFY(onScreen(window_->libraryView()));
    window_->raiseView(window_->experimentsView());
    window_->raiseView(window_->userView());
}

void TestLayout::niceTicks_data()
{
    QTest::addColumn<double>("min");
    QTest::addColumn<double>("max");
    QTest::addColumn<int>("maxTicks");
    QTest::addColumn<double>("low");
    QTest::addColumn<double>("high");
    QTest::addColumn<double>("step");
    QTest::addColumn<int>("decimals");
    // RMSE curves: 0.9123 .. 1.0871 -> 0.90, 0.95, ... 1.10.
    QTest::newRow("rmse") << 0.9123 << 1.0871 << 7 << 0.9 << 1.1 << 0.05 << 2;
    QTest::newRow("k sweep") << 10.0 << 100.0 << 8 << 0.0 << 100.0 << 20.0 << 0;
    QTest::newRow("2.5 steps") << 0.0 << 9.0 << 5 << 0.0 << 10.0 << 2.5 << 1;
    QTest::newRow("tiny span") << 0.8815 << 0.8829 << 6 << 0.8815 << 0.883 << 0.0005 << 4;
    QTest::newRow("negative") << -3.2 << 4.1 << 6 << -4.0 << 6.0 << 2.0 << 0;
    QTest::newRow("swapped") << 1.0 << 0.0 << 6 << 0.0 << 1.0 << 0.2 << 1;
}

void TestLayout::niceTicks()
{
    QFETCH(double, min);
    QFETCH(double, max);
    QFETCH(int, maxTicks);
    const NiceScale s = niceScale(min, max, maxTicks);
    QFETCH(double, low);
    QFETCH(double, high);
    QFETCH(double, step);
    QFETCH(int, decimals);
    QVERIFY2(std::abs(s.low - low) < 1e-9 && std::abs(s.high - high) < 1e-9 && std::abs(s.step - step) < 1e-12,
             qPrintable(QStringLiteral("%1 .. %2 step %3").arg(s.low).arg(s.high).arg(s.step)));
    QCOMPARE(s.decimals, decimals);
}

void TestLayout::niceTicksOnRandomRanges()
{
    // Every scale: a nice step, bounds on the step around the data, at most maxTicks ticks.
    QRandomGenerator rng(11);
    for (int i = 0; i < 2000; ++i) {
        const double scale = std::pow(10.0, rng.bounded(12) - 6);
        const double a = (rng.generateDouble() * 2 - 1) * scale, b = a + rng.generateDouble() * scale;
        const int maxTicks = 3 + rng.bounded(8);
        const NiceScale s = niceScale(a, b, maxTicks);
        const QString what = QStringLiteral("%1 .. %2 (%3 ticks): %4 .. %5 step %6")
                                 .arg(a).arg(b).arg(maxTicks).arg(s.low).arg(s.high).arg(s.step);
        QVERIFY2(isNiceStep(s.step), qPrintable(what));
        QVERIFY2(isMultiple(s.low, s.step) && isMultiple(s.high, s.step), qPrintable(what));
        QVERIFY2(s.low <= a + 1e-12 * scale && s.high >= b - 1e-12 * scale, qPrintable(what));
        QVERIFY2(s.tickCount() <= maxTicks && s.tickCount() >= 2, qPrintable(what));
        // Printing every tick with s.decimals is exact.
        QVERIFY2(isMultiple(s.step * std::pow(10.0, s.decimals), 1.0), qPrintable(what));
    }
    // The chart of the Experiments view uses such a scale.
    const NiceScale y = window_->experimentsView()->chart()->yScale();
    QVERIFY(isNiceStep(y.step));
    QVERIFY(isMultiple(y.low, y.step));
}

void TestLayout::coloursStayWhenConfigurationsAreAdded()
{
    ChartAdapter chart;
    chart.addCurve("mobilenetv2-fps2", {{10, 1.0}, {20, 0.95}});
    chart.addCurve("genre", {{10, 1.1}, {20, 1.05}});
    const QColor a = chart.seriesColour("mobilenetv2-fps2"), b = chart.seriesColour("genre");
    QVERIFY(a.isValid() && b.isValid() && a != b);
    // A configuration appears, listed first: the others keep their colours.
    chart.clear();
    chart.addCurve("mobilenetv2-fps1", {{10, 0.99}, {20, 0.94}});
    chart.addCurve("mobilenetv2-fps2", {{10, 1.0}, {20, 0.95}});
    chart.addCurve("genre", {{10, 1.1}, {20, 1.05}});
    QCOMPARE(chart.seriesColour("mobilenetv2-fps2"), a);
    QCOMPARE(chart.seriesColour("genre"), b);
    const QColor c = chart.seriesColour("mobilenetv2-fps1");
    QVERIFY(c != a && c != b);
    // The project's configurations get the palette's first colours in their listed
    // order, whichever model finished first: the same colours at every opening.
    SeriesPalette fresh;
    ChartAdapter* experiments = window_->experimentsView()->chart();
    for (const auto& source : window_->workbench()->sources())
        QCOMPARE(experiments->seriesColour(QString::fromStdString(source.name)),
                 fresh.colourOf(QString::fromStdString(source.name)));

    // Many configurations: no two share a colour.
    SeriesPalette palette;
    QSet<QRgb> seen;
    for (int i = 0; i < 40; ++i)
        seen.insert(palette.colourOf(QStringLiteral("config-%1").arg(i)).rgb());
    QCOMPARE(seen.size(), 40);
    QCOMPARE(palette.colourOf("config-3"), palette.colourOf("config-3"));
}

void TestLayout::baselinesAreDistinguishable()
{
    ChartAdapter* chart = window_->experimentsView()->chart();
    const auto& baselines = window_->workbench()->baselines();
    QStringList names;
    for (const auto& row : baselines)
        if (row.k == 0)
            names << QString::fromStdString(row.method);
    QVERIFY(names.size() >= 4);
    QSet<int> styles;
    for (const auto& name : names) {
        const Qt::PenStyle style = chart->seriesStyle(name);
        QVERIFY2(style != Qt::NoPen && style != Qt::SolidLine, qPrintable(name));
        styles.insert(static_cast<int>(style));
    }
    QCOMPARE(styles.size(), static_cast<int>(std::min<qsizetype>(names.size(), 4)));
    // Each named at its line's end.
    for (const auto& name : names)
        QVERIFY2(chart->endLabels().contains(name), qPrintable(name));
}

void TestLayout::recommendationsAreAGridOfWholeTiles()
{
    QListWidget* list = window_->userView()->recommendationsList();
    QVERIFY(list->count() >= 5);
    const QSize grid = list->gridSize();
    const QFontMetrics fm = list->fontMetrics();
    for (int i = 0; i < list->count(); ++i) {
        QListWidgetItem* item = list->item(i);
        const QStringList lines = item->text().split('\n');
        QVERIFY2(lines.size() <= 2, qPrintable(item->text()));
        for (const auto& line : lines)
            QVERIFY2(fm.horizontalAdvance(line) <= grid.width() - 4, qPrintable(line));
        // The title is elided in the tile and whole in the tooltip.
        const QString title = window_->workbench()->titleOf(item->data(Qt::UserRole).toString());
        QVERIFY(item->toolTip().contains(title));
        QVERIFY(lines.front() != title);
        // Tiles do not overlap.
        const QRect r = list->visualItemRect(item);
        QVERIFY(r.width() <= grid.width() && r.height() <= grid.height());
        for (int j = 0; j < i; ++j)
            QVERIFY2(!r.intersects(list->visualItemRect(list->item(j))), qPrintable(QStringLiteral("%1 / %2").arg(i).arg(j)));
    }
}

void TestLayout::profileBarsKeepTheirLabels()
{
    // A short chart draws only the bars whose labels have room (the axis would skip every other label).
    ChartAdapter chart;
    chart.resize(320, 170);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    QStringList labels;
    std::vector<double> values;
    for (int i = 0; i < 12; ++i) {
        labels << QStringLiteral("feature %1").arg(i);
        values.push_back(12.0 - i);
    }
    chart.setBars(QStringLiteral("Features by utility"), labels, values);
    const int shortCount = chart.shownBarCount();
    QVERIFY2(shortCount >= 3 && shortCount < 12, qPrintable(QString::number(shortCount)));
    const int line = chart.fontMetrics().height();
    QVERIFY2(shortCount * line <= 170, qPrintable(QString::number(shortCount)));
    chart.resize(320, 700);
    QTRY_COMPARE(chart.shownBarCount(), 12);
    QCOMPARE(chart.barLabels(), labels);
}

void TestLayout::listsSortNaturally()
{
    // The extraction list: trailers of items 1..11 in the order 1, 2, ... 10, 11.
    auto* items = window_->extractionView()->findChild<QTableWidget*>();
    QVERIFY(items);
    QCOMPARE(items->rowCount(), 11);
    for (int row = 0; row < 11; ++row)
        QCOMPARE(items->item(row, 0)->text(), QString::number(row + 1));

    // The library sorted by title: "... Part 2" before "... Part 10".
    QTableView* table = window_->libraryView()->tableView();
    table->sortByColumn(LibraryView::Title, Qt::AscendingOrder);
    const QAbstractItemModel* model = table->model();
    for (int row = 0; row < 12; ++row)
        QVERIFY2(model->index(row, LibraryView::Title).data().toString().endsWith(QStringLiteral("Part %1").arg(row + 1)),
                 qPrintable(model->index(row, LibraryView::Title).data().toString()));
    table->sortByColumn(LibraryView::Id, Qt::DescendingOrder);
    QCOMPARE(model->index(0, LibraryView::Id).data().toString(), QStringLiteral("120"));
    QCOMPARE(model->index(1, LibraryView::Id).data().toString(), QStringLiteral("119"));
    table->sortByColumn(LibraryView::Id, Qt::AscendingOrder);

    // The user box: every id, in natural order.
    QComboBox* users = window_->userView()->userBox();
    for (int row = 1; row < users->count(); ++row)
        QVERIFY(users->itemText(row - 1).toLongLong() < users->itemText(row).toLongLong());
}

void TestLayout::libraryCountsWhatTheSearchShows()
{
    LibraryView* library = window_->libraryView();
    QVERIFY(library->summaryText().startsWith(QStringLiteral("120 items")));
    library->searchField()->setText(QStringLiteral("Part 1"));  // 1, 10..19, 100..120
    const int shown = library->visibleRows();
    QVERIFY(shown > 0 && shown < 120);
    QVERIFY2(library->summaryText().startsWith(QStringLiteral("%1 of 120 items").arg(shown)), qPrintable(library->summaryText()));
    library->searchField()->clear();
    QVERIFY(library->summaryText().startsWith(QStringLiteral("120 items")));
}

void TestLayout::statusBarDropsAFailureAfterASuccess()
{
    MainWindow window(tl::ui::test::noDialogs());
    QSignalSpy failed(window.workbench(), &Workbench::projectFailed);
    window.openProject(dir_.filePath("missing.json"));
    QTRY_COMPARE(failed.count(), 1);
    QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("Cannot open")));
    QVERIFY(test::openAndWait(window, project_));
    QVERIFY2(!window.statusBar()->currentMessage().contains(QStringLiteral("Cannot open")),
             qPrintable(window.statusBar()->currentMessage()));

    // A background extraction that failed, then one that worked.
    AutoExtractor* autoExtractor = window.autoExtractor();
    Q_EMIT autoExtractor->configurationFinished(QStringLiteral("vgg11-fps1"), false, QStringLiteral("no weights"));
    Q_EMIT autoExtractor->statusChanged(QStringLiteral("Background extraction of vgg11-fps1 failed: no weights"), QString());
    QVERIFY(!window.backgroundStatusLabel()->isHidden());
    QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("failed")));
    Q_EMIT autoExtractor->configurationFinished(QStringLiteral("mobilenetv2-fps1"), true, QString());
    QVERIFY(window.backgroundStatusLabel()->isHidden());
    QVERIFY(!window.statusBar()->currentMessage().contains(QStringLiteral("failed")));
}

void TestLayout::kBoxRejectsJunk()
{
    ExperimentsView* experiments = window_->experimentsView();
    QSpinBox* spin = experiments->kSpin();
    spin->setValue(30);
    spin->setFocus();
    QTest::keyClick(spin, Qt::Key_End);
    QTest::keyClicks(spin, QStringLiteral("+"));
    QVERIFY2(!spin->text().contains('+'), qPrintable(spin->text()));
    QCOMPARE(spin->value(), 31);  // "+" steps K up, as the window's shortcut does
    QTest::keyClicks(spin, QStringLiteral("-"));
    QCOMPARE(spin->value(), 30);
    QTest::keyClicks(spin, QStringLiteral("abc"));
    QCOMPARE(spin->text(), QStringLiteral("K = 30"));
    QTest::keyClick(spin, Qt::Key_End);  // a step selects the number
    QTest::keyClick(spin, Qt::Key_Backspace);
    QTest::keyClicks(spin, QStringLiteral("5"));
    QCOMPARE(spin->text(), QStringLiteral("K = 35"));

    // The K range of the Run fields takes digits, ':' and ',' only.
    QLineEdit* range = experiments->kField();
    range->setEnabled(true);
    range->clear();
    QTest::keyClicks(range, QStringLiteral("+10:1x00:10"));
    QCOMPARE(range->text(), QStringLiteral("10:100:10"));
}

void TestLayout::welcomeOffersTheDemoFirst()
{
    MainWindow window(tl::ui::test::noDialogs());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QWidget* welcome = window.welcomeWidget();
    QVERIFY(onScreen(welcome));
    const QList<QPushButton*> buttons = welcome->findChildren<QPushButton*>();
    QVERIFY(buttons.size() >= 2);
    QCOMPARE(window.demoButton()->text(), QStringLiteral("Open the demo (150 trailers)"));
    // The first button: above every other.
    const int demoY = window.demoButton()->mapTo(welcome, QPoint()).y();
    for (QPushButton* b : buttons)
        QVERIFY(b == window.demoButton() || b->mapTo(welcome, QPoint()).y() > demoY);
    for (QLabel* label : welcome->findChildren<QLabel*>())
        QVERIFY2(!label->text().contains(QStringLiteral("Synthetic"), Qt::CaseInsensitive), qPrintable(label->text()));
}

void TestLayout::truncatedProjectShowsTheLoadersMessage()
{
    const QString file = dir_.filePath("truncated.json");
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(R"({"format": "trailerlab-project", "version": 1, "name": "t", "ratings": "rat)");
    out.close();
    MainWindow window(tl::ui::test::noDialogs());
    QSignalSpy failed(window.workbench(), &Workbench::projectFailed);
    window.openProject(file);
    QTRY_COMPARE(failed.count(), 1);
    const QString message = failed.at(0).at(0).toString();
    QVERIFY2(message.contains(QStringLiteral("truncated.json")), qPrintable(message));
    QVERIFY2(!message.contains(QStringLiteral("ratings file")), qPrintable(message));
}

// A shared project file asking for its cache outside its folder: without the user's
// Yes (no dialogs here), nothing opens and nothing is written there.
void TestLayout::outsideCacheIsNotUsedWithoutConsent()
{
    QTemporaryDir elsewhere;
    QVERIFY(elsewhere.isValid());
    const QString cache = elsewhere.filePath(QStringLiteral("cache"));
    QFile ratings(dir_.filePath("outside-ratings.csv"));
    QVERIFY(ratings.open(QIODevice::WriteOnly));
    ratings.write("1,1,4\n1,2,3\n2,1,5\n2,2,2\n");
    ratings.close();
    const QString file = dir_.filePath("outside.json");
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(QStringLiteral(R"({"format": "trailerlab-project", "version": 1, "name": "o", )"
                             R"("ratings": "outside-ratings.csv", "cache": "%1"})").arg(cache).toUtf8());
    out.close();
    MainWindow window(tl::ui::test::noDialogs());
    QSignalSpy opened(window.workbench(), &Workbench::projectOpened);
    window.openProject(file);
    QTest::qWait(200);
    QCOMPARE(opened.count(), 0);
    QVERIFY(!window.workbench()->hasProject());
    const QString message = window.statusBar()->currentMessage();
    QVERIFY2(message.contains(QStringLiteral("not opened")) && message.contains(cache), qPrintable(message));
    QVERIFY(!QFileInfo::exists(cache));
}

QTEST_MAIN(TestLayout)
#include "tst_layout.moc"
