// Renders the main window and every view of a populated project to PNG (the
// same path as `trailerlab --screenshot DIR`) and checks each picture has
// content. Set TRAILERLAB_SCREENSHOT_DIR to keep the pictures for a look.
#include <QDir>
#include <QImage>
#include <QDockWidget>
#include <QSignalSpy>
#include <QTest>

#include "UiTestSupport.h"
#include "ui/AutoExtractor.h"
#include "ui/JobRunner.h"
#include "ui/MainWindow.h"
#include "ui/MapView.h"
#include "ui/TrailerView.h"
#include "ui/Workbench.h"

using namespace tl::ui;

class TestScreenshots : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        test::initTestApplication();
        QSettings().clear();
        QSettings().setValue(AutoExtractor::settingKey(), false);  // pictures of a settled workbench
    }
    void everyViewRenders();
};

void TestScreenshots::everyViewRenders()
{
    QTemporaryDir dir;
    const QStringList clips = test::makeClips(dir.path(), 2, 3.0);
    const QString project = test::makeProject(dir.filePath("demo"), clips);
    MainWindow window(tl::ui::test::noDialogs());
    window.resize(1600, 1000);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(test::openAndWait(window, project));
    QSignalSpy ready(window.trailerView(), &TrailerView::keyframesReady);
    window.playItem(QString::fromStdString(window.workbench()->project()->videoOf.begin()->first));
    QVERIFY(ready.wait(10000));
    QTRY_COMPARE(window.jobs()->runningCount(), 0);
    // The map is computed when first seen: show it once.
    window.findChild<QDockWidget*>(QStringLiteral("MapDock"))->raise();
    QTRY_VERIFY_WITH_TIMEOUT(window.mapView()->ready(), 30000);
    QTest::qWait(100);  // coalesced chart rebuilds

    const QString out = qEnvironmentVariableIsSet("TRAILERLAB_SCREENSHOT_DIR")
                            ? qEnvironmentVariable("TRAILERLAB_SCREENSHOT_DIR")
                            : dir.filePath("shots");
    const QStringList files = window.saveScreenshots(out);
    QCOMPARE(files.size(), 8);  // main window + 7 views
    for (const auto& file : files) {
        const QImage image(file);
        QVERIFY2(!image.isNull(), qPrintable(file));
        QVERIFY2(image.width() >= 300 && image.height() >= 100, qPrintable(file));
        // Not a blank picture: many distinct colours.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 20, qPrintable(QString("%1: %2 colours").arg(file).arg(colours.size())));
    }
}

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
