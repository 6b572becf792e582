// The import wizard: the dialog only accepts usable folders, and an import run
// from the main window writes the project, reports coverage and opens it.
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "UiTestSupport.h"
#include "core/video/ClipWriter.h"
#include "ui/ImportDialog.h"
#include "ui/JobRunner.h"
#include "ui/MainWindow.h"
#include "ui/Workbench.h"

using namespace tl;

class TestImport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void dialogValidatesFolders();
    void importOpensTheProject();
};

void TestImport::dialogValidatesFolders()
{
    QTemporaryDir dir;
    ui::ImportDialog dialog;
    auto* ok = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    QVERIFY(!ok->isEnabled());
    auto* movielens = dialog.findChild<QLineEdit*>("movielens");
    auto* trailers = dialog.findChild<QLineEdit*>("trailers");
    QVERIFY(movielens && trailers);
    movielens->setText(dir.path() + "/missing");
    QVERIFY(!ok->isEnabled());
    movielens->setText(dir.path());
    QVERIFY(dialog.projectFile().endsWith(".trailerlab.json"));  // proposed from the folder name
    QVERIFY(ok->isEnabled());
    trailers->setText(dir.path() + "/no-trailers-here");
    QVERIFY(!ok->isEnabled());
}

void TestImport::importOpensTheProject()
{
    QTemporaryDir dir;
    const std::filesystem::path root = dir.path().toStdString();
    std::filesystem::create_directories(root / "ml");
    std::filesystem::create_directories(root / "trailers");
    std::ofstream(root / "ml" / "ratings.csv") << "userId,movieId,rating,timestamp\n1,1,4,0\n1,2,3,0\n2,1,5,0\n2,2,2,0\n"
                                                  "3,1,1,0\n3,2,4,0\n";
    std::ofstream(root / "ml" / "movies.csv") << "movieId,title,genres\n1,One,Drama\n2,Two,Comedy\n";
    video::ClipSpec clip;
    clip.width = 64;
    clip.height = 48;
    clip.frames = 6;
    clip.fps = 6;
    video::writeClip(root / "trailers" / "1.mp4", clip, [](int i, int w, int h, std::vector<std::uint8_t>& rgb) {
        rgb.assign(static_cast<std::size_t>(w * h * 3), static_cast<std::uint8_t>(40 * i));
    });
    std::ofstream(root / "trailers" / "2.mp4") << "not a video";

    ui::MainWindow window(tl::ui::test::noDialogs());
    ImportOptions options;
    options.movielensDir = root / "ml";
    options.trailersDir = root / "trailers";
    options.projectFile = root / "ml.trailerlab.json";
    window.runImport(options);
    QTRY_VERIFY_WITH_TIMEOUT(window.workbench()->hasProject(), 20000);
    window.jobs()->waitForAll();
    QVERIFY(std::filesystem::exists(options.projectFile));
    QVERIFY2(window.lastImportReport().contains("1 items with a readable trailer, 1 without"),
             qPrintable(window.lastImportReport()));
    QVERIFY(window.lastImportReport().contains("unreadable"));
    // The report is also told to the person (a dialog in the application; recorded here).
    const auto* prompter = dynamic_cast<const ui::HeadlessPrompter*>(window.prompter());
    QVERIFY(prompter);
    QVERIFY2(prompter->log().contains("inform: Import done"), qPrintable(prompter->log().join(" | ")));
}

QTEST_MAIN(TestImport)
#include "tst_import.moc"
