// Frames tied to features and users: the keyframe strip's colour follows each
// frame's cosine to the selected user's profile (the scores equal the core's
// frame scores of the same frames), the best frames are listed and seek, and the
// feature gallery opens on a profile feature with its name and its top frames.
#include <QListWidget>
#include <QSignalSpy>
#include <QTest>

#include <cmath>

#include "UiTestSupport.h"
#include "core/eval/CfModel.h"
#include "core/eval/FrameScores.h"
#include "core/experiment/ConfigurationFrames.h"
#include "core/experiment/ProjectExtraction.h"
#include "core/features/FrameFeatures.h"
#include "core/project/Project.h"
#include "ui/AutoExtractor.h"
#include "ui/ChartAdapter.h"
#include "ui/FeatureGalleryDialog.h"
#include "ui/JobRunner.h"
#include "ui/KeyframeStrip.h"
#include "ui/MainWindow.h"
#include "ui/TrailerView.h"
#include "ui/UserExplorerView.h"
#include "ui/Workbench.h"

using namespace tl::ui;

namespace {

const QString kConfiguration = QStringLiteral("mobilenetv2-fps1-random");

// Relative luminance (Rec. 709): how light a colour looks, also in grey.
double luma(const QColor& c)
{
    return 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF();
}

QImage solid(QColor colour)
{
    QImage image(112, 63, QImage::Format_RGB888);
    image.fill(colour);
    return image;
}

}  // namespace

class TestFrames : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void stripColourFollowsTheScore();
    void keyframesAreColouredByTheUsersProfile();
    void galleryOpensOnAFeature();
    void cleanupTestCase();

private:
    QTemporaryDir dir_;
    std::unique_ptr<MainWindow> window_;
    std::uint32_t user_ = 0;
};

void TestFrames::initTestCase()
{
    test::initTestApplication();
    QSettings().clear();
    QSettings().setValue(AutoExtractor::settingKey(), false);
    const QStringList clips = test::makeClips(dir_.path(), 3, 3.0);
    const QString projectFile = test::makeProject(dir_.filePath("demo"), clips);
    // A configuration extracted by the workbench's own code, with random weights (no file needed).
    const tl::Project project = tl::loadProject(projectFile.toStdString());
    const auto data = tl::loadProjectData(project);
    tl::ExtractionSettings settings;
    settings.model.model = "mobilenetv2";
    settings.model.randomSeed = 5;
    settings.model.device = tl::ComputeDevice::cpu();
    const tl::ExtractionSummary summary = tl::runExtraction(*data, settings);
    QCOMPARE(QString::fromStdString(summary.configuration), kConfiguration);
    QVERIFY(!summary.profileFile.empty());

    window_ = std::make_unique<MainWindow>(tl::ui::test::noDialogs());
    window_->resize(1366, 768);
    window_->show();
    QVERIFY(test::openAndWait(*window_, projectFile));
    Workbench* wb = window_->workbench();
    wb->setActiveSource(kConfiguration);
    QVERIFY(QTest::qWaitFor([&] { return wb->model(kConfiguration) != nullptr; }, 30000));
    // A user whose profile in this configuration is not empty.
    const auto model = wb->model(kConfiguration);
    bool found = false;
    for (std::uint32_t u = 0; u < wb->project()->data.users.size() && !found; ++u)
        if (tl::userProfileExact(*model, u).norm() > 0) {
            user_ = u;
            found = true;
        }
    QVERIFY(found);
    wb->setUser(user_);
}

void TestFrames::cleanupTestCase()
{
    window_.reset();
}

void TestFrames::stripColourFollowsTheScore()
{
    KeyframeStrip strip;
    std::vector<Keyframe> keyframes;
    for (int i = 0; i < 4; ++i)
        keyframes.push_back({1000 * i, -1, solid(Qt::white)});
    strip.setKeyframes(keyframes);
    QVERIFY(!strip.frameColour(0).isValid());
    strip.setScores({0.2, 0.9, 0.5, std::nan("")});
    QCOMPARE(strip.scores().size(), std::size_t(4));
    QCOMPARE(strip.scoreRange().first, 0.2);
    QCOMPARE(strip.scoreRange().second, 0.9);
    // Lowest and highest score take the ends of the map; the colour's lightness follows the score.
    QCOMPARE(strip.frameColour(0), KeyframeStrip::scoreColour(0.0));
    QCOMPARE(strip.frameColour(1), KeyframeStrip::scoreColour(1.0));
    QVERIFY(luma(strip.frameColour(0)) < luma(strip.frameColour(2)));
    QVERIFY(luma(strip.frameColour(2)) < luma(strip.frameColour(1)));
    QVERIFY(!strip.frameColour(3).isValid());  // no score, no colour
    for (int step = 0; step < 20; ++step)
        QVERIFY(luma(KeyframeStrip::scoreColour(step / 20.0)) < luma(KeyframeStrip::scoreColour((step + 1) / 20.0)));
    // The drawn thumbnail carries the colour in its frame, and the label the score.
    const QImage drawn = strip.item(1)->icon().pixmap(strip.iconSize()).toImage();
    QCOMPARE(drawn.pixelColor(3, drawn.height() / 2).rgb(), strip.frameColour(1).rgb());
    QVERIFY(strip.item(1)->text().contains(QStringLiteral("0.900")));
    QVERIFY(!strip.item(3)->text().contains(QStringLiteral("0.")));
    // Clearing the scores clears the colours; new keyframes drop old scores.
    strip.setScores({});
    QVERIFY(!strip.frameColour(1).isValid());
    strip.setScores({0.1, 0.2, 0.3, 0.4});
    strip.setKeyframes(keyframes);
    QVERIFY(strip.scores().empty());
}

void TestFrames::keyframesAreColouredByTheUsersProfile()
{
    Workbench* wb = window_->workbench();
    TrailerView* trailer = window_->trailerView();
    QSignalSpy scored(trailer, &TrailerView::frameScoresReady);
    const QString item = QString::fromStdString(wb->project()->videoOf.begin()->first);
    window_->playItem(item);
    trailer->player()->pause();
    QVERIFY(QTest::qWaitFor([&] { return !trailer->strip()->scores().empty(); }, 60000));
    QVERIFY2(trailer->scoreStatus().contains(QString::fromStdString(wb->project()->data.users.id(user_))),
             qPrintable(trailer->scoreStatus()));
    const auto& keyframes = trailer->strip()->keyframes();
    const std::vector<double> scores = trailer->strip()->scores();
    QCOMPARE(scores.size(), keyframes.size());

    // The same frames through the core directly: the configuration's model, the strip's rate.
    const auto model = wb->model(kConfiguration);
    const tl::ContentSourceInfo* info = wb->source(kConfiguration);
    const tl::FrameExtractionSetup setup = tl::frameExtractionSetup(*wb->project(), *info);
    auto extractor = tl::createFrameExtractor(setup);
    tl::video::SamplerOptions sampler = setup.sampler;
    sampler.dropUniform = false;
    const auto frames = tl::features::extractFrameFeatures(*extractor, wb->videoOf(item).toStdString(), sampler);
    const auto scaling = tl::ColumnScaling::fit(tl::loadContent(*wb->project(), *info).values,
                                                model->settings().normalization);
    const std::vector<double> direct = tl::frameScores(frames.values, scaling, tl::userProfileExact(*model, user_));
    QCOMPARE(direct.size(), scores.size());
    std::size_t best = 0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
        QVERIFY2(std::abs(scores[i] - direct[i]) < 1e-9, qPrintable(QString::number(i)));
        if (scores[i] > scores[best])
            best = i;
    }
    QCOMPARE(trailer->strip()->frameColour(static_cast<int>(best)), KeyframeStrip::scoreColour(1.0));

    // The best frames list starts with the best keyframe, and a click seeks there.
    QListWidget* list = trailer->bestFramesList();
    QVERIFY(list->count() > 0);
    QCOMPARE(list->item(0)->data(Qt::UserRole).toLongLong(), keyframes[best].ms);
    list->itemClicked(list->item(list->count() - 1));
    QCOMPARE(trailer->lastSeekRequest(), list->item(list->count() - 1)->data(Qt::UserRole).toLongLong());

    // Another user: the cached features are rescored at once, without a job.
    std::uint32_t other = user_;
    for (std::uint32_t u = user_ + 1; u < wb->project()->data.users.size(); ++u)
        if (tl::userProfileExact(*model, u).norm() > 0) {
            other = u;
            break;
        }
    if (other != user_) {
        wb->setUser(other);
        QVERIFY(!trailer->scoringPending());
        const std::vector<double> again = tl::frameScores(frames.values, scaling, tl::userProfileExact(*model, other));
        for (std::size_t i = 0; i < again.size(); ++i)
            QVERIFY(std::abs(trailer->strip()->scores()[i] - again[i]) < 1e-9);
        wb->setUser(user_);
    }

    // A genre configuration cannot score frames, and says why.
    wb->setActiveSource(QStringLiteral("genre"));
    QVERIFY(QTest::qWaitFor([&] { return trailer->strip()->scores().empty() && !trailer->scoringPending(); }, 20000));
    QVERIFY2(trailer->scoreStatus().contains(QStringLiteral("genre")), qPrintable(trailer->scoreStatus()));
    wb->setActiveSource(kConfiguration);
}

void TestFrames::galleryOpensOnAFeature()
{
    Workbench* wb = window_->workbench();
    auto* gallery = window_->findChild<FeatureGalleryDialog*>();
    QVERIFY(gallery);
    QVERIFY(!gallery->isVisible());
    const auto model = wb->model(kConfiguration);
    const std::size_t feature = model->topFeatures(user_, 1).front().feature;
    // The explorer's profile bar click: the first bar is the strongest feature.
    window_->findChild<UserExplorerView*>()->profileChart()->barClicked(0);
    QVERIFY(gallery->isVisible());
    QCOMPARE(gallery->feature(), static_cast<int>(feature));
    char name[64];
    std::snprintf(name, sizeof name, "mobilenetv2.pool.c%03zu", feature);
    QVERIFY2(gallery->featureTitle().contains(QString::fromLatin1(name)), qPrintable(gallery->featureTitle()));
    QVERIFY(QTest::qWaitFor([&] { return !gallery->busy() && gallery->framesList()->count() > 0; }, 90000));
    // 3 trailers of 3 s at 1 frame/s: 9 frames, the top 8 listed, largest activation first.
    QCOMPARE(gallery->framesList()->count(), FeatureGalleryDialog::kTopFrames);
    QVERIFY2(gallery->statusText().contains(QStringLiteral("9 frames")), qPrintable(gallery->statusText()));
    QVERIFY(!gallery->framesList()->item(0)->icon().isNull());
    // The strongest features of the user are listed by name; picking another shows its frames.
    QVERIFY(gallery->featureList()->count() > 1);
    QVERIFY(gallery->featureList()->item(0)->text().startsWith(QString::fromLatin1(name)));
    gallery->featureList()->setCurrentRow(1);
    QCOMPARE(gallery->feature(), gallery->featureList()->item(1)->data(Qt::UserRole).toInt());
    QVERIFY(QTest::qWaitFor([&] { return !gallery->busy() && gallery->framesList()->count() > 0; }, 30000));
    // A frame click asks to play its trailer at its time.
    QSignalSpy requested(gallery, &FeatureGalleryDialog::frameRequested);
    gallery->framesList()->itemClicked(gallery->framesList()->item(0));
    QCOMPARE(requested.count(), 1);
    QCOMPARE(requested.at(0).at(0).toString(), gallery->framesList()->item(0)->data(Qt::UserRole).toString());
    gallery->hide();
}

QTEST_MAIN(TestFrames)
#include "tst_frames.moc"
