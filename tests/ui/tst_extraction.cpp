// Extraction view: a cancelled run leaves the feature store consistent (whole
// entries only, no profile file, the job listed as cancelled), a second run
// resumes from the store, a broken trailer stays listed with its message, and
// the new configuration reaches the experiments.
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

#include "UiTestSupport.h"
#include "ui/AutoExtractor.h"
#include "ui/ExtractionView.h"
#include "ui/JobRunner.h"
#include "ui/MainWindow.h"
#include "ui/Workbench.h"

using namespace tl::ui;

class TestExtraction : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void provenanceIsShown();
    void cancelLeavesTheCacheConsistent();
    void rerunResumesAndKeepsFailuresListed();
    void cleanupTestCase();

private:
    QTemporaryDir dir_;
    QString projectDir_;
    std::unique_ptr<MainWindow> window_;
};

void TestExtraction::initTestCase()
{
    test::initTestApplication();
    QSettings().clear();
    QSettings().setValue(AutoExtractor::settingKey(), false);  // extraction is what this test drives
    const QString weights = test::mobileNetWeights();
    if (weights.isEmpty())
        QSKIP("mobilenetv2-12-int8.onnx not found under TRAILERLAB_SHARED_DIR/models");
    QStringList clips = test::makeClips(dir_.path(), 5, 4.0);
    QFile broken(dir_.filePath("broken.mp4"));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("this is not a video");
    broken.close();
    clips << broken.fileName();
    projectDir_ = dir_.filePath("demo");
    const QString project = test::makeProject(projectDir_, clips);
    window_ = std::make_unique<MainWindow>(tl::ui::test::noDialogs());
    window_->show();
    QVERIFY(test::openAndWait(*window_, project));
    QCOMPARE(window_->extractionView()->itemsTable()->rowCount(), 6);
}

void TestExtraction::cleanupTestCase()
{
    window_.reset();
}

void TestExtraction::provenanceIsShown()
{
    ExtractionView* view = window_->extractionView();
    QVERIFY2(view->provenanceLabel()->text().contains("pretrained"), qPrintable(view->provenanceLabel()->text()));
    view->randomBox()->setChecked(true);
    QVERIFY(view->provenanceLabel()->text().contains("RANDOM"));
    view->randomBox()->setChecked(false);
    view->modelBox()->setCurrentIndex(view->modelBox()->findData("vgg16"));
    QVERIFY(view->provenanceLabel()->text().contains("safetensors"));  // says what to do
    view->modelBox()->setCurrentIndex(view->modelBox()->findData("mobilenetv2"));
}

void TestExtraction::cancelLeavesTheCacheConsistent()
{
    ExtractionView* view = window_->extractionView();
    view->fpsBox()->setValue(4.0);
    QSignalSpy finished(view, &ExtractionView::finished);
    QSignalSpy items(view, &ExtractionView::itemFinished);
    connect(view, &ExtractionView::itemFinished, view, &ExtractionView::cancel, Qt::SingleShotConnection);
    view->start();
    QVERIFY(view->running());
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    const int done = finished.at(0).at(1).toInt();
    QVERIFY2(done >= 1 && done < 6, qPrintable(QString::number(done)));
    QVERIFY(view->statusLabel()->text().contains("Cancelled"));
    // Listed as cancelled.
    const auto& records = window_->jobs()->model()->records();
    auto it = std::find_if(records.rbegin(), records.rend(), [](const JobRecord& r) { return r.title.startsWith("Extract"); });
    QVERIFY(it != records.rend());
    QCOMPARE(it->status, JobStatus::Cancelled);
    // The store holds whole entries only, one per finished video; no profile matrix was written.
    const QString cache = projectDir_ + "/cache";
    QVERIFY(test::filesUnder(cache, {"*.tmp", "*.part"}).isEmpty());
    const int entries = static_cast<int>(test::filesUnder(cache + "/features", {"*.safetensors"}).size());
    int okItems = 0;
    for (int r = 0; r < view->itemsTable()->rowCount(); ++r)
        okItems += view->itemsTable()->item(r, 2)->text() == "done" ? 1 : 0;
    QCOMPARE(entries, okItems);
    QVERIFY(entries >= 1);
    QVERIFY(test::filesUnder(cache + "/profiles", {"mobilenetv2*"}).isEmpty());
    QCOMPARE(window_->workbench()->sources().size(), std::size_t(2));
}

void TestExtraction::rerunResumesAndKeepsFailuresListed()
{
    ExtractionView* view = window_->extractionView();
    const int cachedBefore = static_cast<int>(test::filesUnder(projectDir_ + "/cache/features", {"*.safetensors"}).size());
    QSignalSpy finished(view, &ExtractionView::finished);
    view->start();
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    int cached = 0, failed = 0;
    QString failure;
    for (int r = 0; r < view->itemsTable()->rowCount(); ++r) {
        const QString status = view->itemsTable()->item(r, 2)->text();
        cached += status == "cached" ? 1 : 0;
        if (status == "FAILED") {
            ++failed;
            failure = view->itemsTable()->item(r, 4)->text();
        }
    }
    QCOMPARE(cached, cachedBefore);
    QCOMPARE(failed, 1);
    QVERIFY2(failure.contains("broken.mp4") || !failure.isEmpty(), qPrintable(failure));
    // The new configuration is listed with its provenance and gets a model.
    Workbench* wb = window_->workbench();
    const auto* source = wb->source("mobilenetv2-fps4");
    QVERIFY(source);
    QVERIFY(QString::fromStdString(source->provenance).contains("pretrained"));
    QTRY_VERIFY_WITH_TIMEOUT(wb->model("mobilenetv2-fps4") != nullptr, 20000);
    QCOMPARE(wb->profiledItems("mobilenetv2-fps4").size(), 5);
}

QTEST_MAIN(TestExtraction)
#include "tst_extraction.moc"
