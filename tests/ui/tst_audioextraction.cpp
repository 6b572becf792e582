// Audio extraction in the workbench: the Extraction view's "Audio descriptors" model
// runs as a background job over the project's trailers, marks the ones without
// sound, writes <cache>/profiles/audio.csv exactly as `extract --model audio` does,
// and the result becomes a configuration whose user profiles are shown by
// descriptor name in the user explorer. A cancel writes nothing.
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QPushButton>
#include <QLabel>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

#include <cmath>

#include "UiTestSupport.h"
#include "core/audio/AudioDescriptors.h"
#include "core/data/FeatureMatrix.h"
#include "core/project/ProjectData.h"
#include "tests/audio/WavWriter.h"
#include "ui/AutoExtractor.h"
#include "ui/ChartAdapter.h"
#include "ui/ExtractionView.h"
#include "ui/JobRunner.h"
#include "ui/MainWindow.h"
#include "ui/UserExplorerView.h"
#include "ui/Workbench.h"

using namespace tl::ui;

class TestAudioExtraction : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void audioModelNeedsNoWeights();
    void extractsListsTheSilentAndNamesTheProfile();
    void cleanupTestCase();

private:
    QTemporaryDir dir_;
    std::unique_ptr<MainWindow> window_;
};

void TestAudioExtraction::initTestCase()
{
    test::initTestApplication();
    QSettings().clear();
    QSettings().setValue(AutoExtractor::settingKey(), false);  // only the run this test starts
    // Two clips without sound and three "trailers" with sound (tones of different pitch).
    QStringList trailers = test::makeClips(dir_.path(), 2, 2.0);
    for (int i = 0; i < 3; ++i) {
        const QString wav = dir_.filePath(QStringLiteral("tone%1.wav").arg(i));
        tl::audio::wav::writeWav(wav.toStdString(), 22050, 1,
                                 tl::audio::wav::toneS16(220.0 * (i + 1) * (i + 1), 22050, 1.0 + i, 0.3 + 0.2 * i));
        trailers << wav;
    }
    const QString project = test::makeProject(dir_.filePath(QStringLiteral("demo")), trailers);
    window_ = std::make_unique<MainWindow>(test::noDialogs());
    window_->resize(1366, 768);
    window_->show();
    QVERIFY(test::openAndWait(*window_, project));
    QCOMPARE(window_->workbench()->project()->videoOf.size(), std::size_t(5));
}

void TestAudioExtraction::cleanupTestCase()
{
    window_.reset();
}

void TestAudioExtraction::audioModelNeedsNoWeights()
{
    ExtractionView* view = window_->extractionView();
    const int audio = view->modelBox()->findData(QStringLiteral("audio"));
    QVERIFY(audio >= 0);
    view->modelBox()->setCurrentIndex(audio);
    QVERIFY(view->audioChosen());
    QVERIFY(!view->randomBox()->isEnabled());
    QVERIFY(!view->importButton()->isEnabled());
    QVERIFY(!view->fpsBox()->isEnabled());
    QVERIFY(view->weightsLabel()->text().contains(QStringLiteral("not used")));
    // Back to a frame model: its choices come back.
    view->modelBox()->setCurrentIndex(view->modelBox()->findData(QStringLiteral("mobilenetv2")));
    QVERIFY(view->randomBox()->isEnabled());
    QVERIFY(view->fpsBox()->isEnabled());
}

void TestAudioExtraction::extractsListsTheSilentAndNamesTheProfile()
{
    ExtractionView* view = window_->extractionView();
    Workbench* wb = window_->workbench();
    view->modelBox()->setCurrentIndex(view->modelBox()->findData(QStringLiteral("audio")));
    const auto& pd = *wb->project();
    const std::filesystem::path csv = tl::profilesDir(pd.project) / "audio.csv";

    // A cancel at the first finished trailer writes nothing.
    {
        QSignalSpy finished(view, &ExtractionView::finished);
        connect(view, &ExtractionView::itemFinished, view, &ExtractionView::cancel, Qt::SingleShotConnection);
        view->start();
        QVERIFY(view->running());
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY(!std::filesystem::exists(csv));
        QVERIFY(view->statusLabel()->text().startsWith(QStringLiteral("Cancelled")));
    }

    QSignalSpy finished(view, &ExtractionView::finished);
    QSignalSpy sources(wb, &Workbench::sourcesChanged);
    view->start();
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    QCOMPARE(finished.at(0).at(1).toInt(), 5);
    // Each row says what happened to its trailer: the clips have no sound.
    QTableWidget* table = view->itemsTable();
    QStringList silent;
    int done = 0;
    for (int row = 0; row < table->rowCount(); ++row) {
        const QString status = table->item(row, 2)->text();
        const QString file = table->item(row, 4)->text();
        if (status == QStringLiteral("no sound")) {
            QVERIFY2(file.contains(QStringLiteral("no audio stream")), qPrintable(file));
            silent << table->item(row, 0)->text();
        } else {
            QCOMPARE(status, QStringLiteral("done"));
            QVERIFY(table->item(row, 3)->text().endsWith(QStringLiteral(" s")));
            ++done;
        }
    }
    QCOMPARE(done, 3);
    QCOMPARE(silent.size(), 2);
    const QString status = view->statusLabel()->text();
    QVERIFY2(status.contains(QStringLiteral("2 without sound")) && status.contains(silent[0]) && status.contains(silent[1]),
             qPrintable(status));
    // The file is the CLI's: header of descriptor names, a row per trailer with sound.
    const tl::FeatureMatrix m = tl::readFeatureMatrix(csv);
    QCOMPARE(m.rows(), std::size_t(3));
    QCOMPARE(m.dims(), tl::audio::audioDescriptorNames().size());
    QVERIFY(std::filesystem::exists(std::filesystem::path(csv).replace_extension(".meta.json")));
    QVERIFY(std::filesystem::exists(std::filesystem::path(csv).replace_extension(".no-audio.txt")));
    if (qEnvironmentVariableIsSet("AUDIOEXTRACTION_DUMP"))  // for looking at the view
        view->grab().save(qEnvironmentVariable("AUDIOEXTRACTION_DUMP") + QStringLiteral("/extraction.png"));

    // The workbench lists it as a configuration; its user profiles read as descriptor names.
    QVERIFY(sources.count() > 0 || sources.wait(10000));
    QVERIFY(wb->source(QStringLiteral("audio")) != nullptr);
    wb->setActiveSource(QStringLiteral("audio"));
    QTRY_VERIFY_WITH_TIMEOUT(wb->model(QStringLiteral("audio")) != nullptr, 30000);
    const auto model = wb->model(QStringLiteral("audio"));
    std::uint32_t withProfile = 0;
    bool found = false;
    for (std::uint32_t u = 0; u < pd.data.users.size() && !found; ++u) {
        const auto top = model->topFeatures(u, 12);
        found = !top.empty() && top.front().value > 0;
        withProfile = u;
    }
    QVERIFY(found);
    wb->setUser(withProfile);
    const auto& names = tl::audio::audioDescriptorNames();
    QTRY_VERIFY_WITH_TIMEOUT(!window_->userView()->profileChart()->barLabels().isEmpty(), 10000);
    for (const QString& label : window_->userView()->profileChart()->barLabels())
        QVERIFY2(std::find(names.begin(), names.end(), label.toStdString()) != names.end(), qPrintable(label));
    if (qEnvironmentVariableIsSet("AUDIOEXTRACTION_DUMP"))
        window_->userView()->grab().save(qEnvironmentVariable("AUDIOEXTRACTION_DUMP") + QStringLiteral("/user.png"));
}

QTEST_MAIN(TestAudioExtraction)
#include "tst_audioextraction.moc"
