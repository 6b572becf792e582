// trailerlab: the desktop workbench. Only wiring: the window lives in ui/.
//   trailerlab [PROJECT.json]
//   trailerlab VIDEO                               play a video file in the trailer view, without a project
//   trailerlab --screenshot DIR [--project FILE]   render every view to DIR/*.png and quit
//                                                  (without --project: a synthetic demo in a temporary folder;
//                                                  no background extraction, so the pictures show a settled workbench;
//                                                  the window at its default size, which fits the screen)
//   trailerlab --screenshot DIR --project FILE --run-experiment
//                                                  the same after the Experiments view's Run (the paper's experiment)
//   trailerlab --help | --version                  print the options or the version (need no display)
#include <cstring>
#include <memory>

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTimer>

#include "ui/AutoExtractor.h"
#include "ui/ExperimentsController.h"
#include "ui/ExperimentsView.h"
#include "ui/JobRunner.h"
#include "ui/MainWindow.h"
#include "ui/Prompter.h"
#include "ui/TrailerView.h"
#include "ui/UserExplorerView.h"
#include "ui/Workbench.h"

#ifndef TRAILERLAB_VERSION
#define TRAILERLAB_VERSION "0.0.0"
#endif

namespace {

struct Options {
    QCommandLineOption screenshot{"screenshot", QCoreApplication::translate("main", "Render each view to DIR/*.png and quit."),
                                  "DIR"};
    QCommandLineOption project{"project", QCoreApplication::translate("main", "Open this project file."), "FILE"};
    QCommandLineOption configuration{
        "configuration",
        QCoreApplication::translate("main", "Once the project is open, make this configuration the active one "
                                            "(e.g. mobilenetv2-fps1+audio-late)."),
        "NAME"};
    QCommandLineOption runExperiment{
        "run-experiment",
        QCoreApplication::translate("main", "With --screenshot: run the paper's experiment first (Experiments > Run).")};
};

void describe(QCommandLineParser& parser, const Options& options)
{
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "TrailerLab desktop workbench.\nWith a video file instead of a project, plays that video in the "
                "trailer view (no project needed)."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(options.screenshot);
    parser.addOption(options.project);
    parser.addOption(options.runExperiment);
    parser.addOption(options.configuration);
    parser.addPositionalArgument(
        "file", QCoreApplication::translate("main", "Project file (.json) to open, or a video file to play."),
        "[PROJECT | VIDEO]");
}

void setIdentity()
{
    // Settings in $XDG_CONFIG_HOME/trailerlab/trailerlab.conf (QSettings: <organisation>/<application>.conf).
    QCoreApplication::setOrganizationName("trailerlab");
    QCoreApplication::setApplicationName("trailerlab");
    QCoreApplication::setApplicationVersion(TRAILERLAB_VERSION);
}

bool wantsHelpOrVersion(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--") == 0)
            return false;
        for (const char* flag : {"-h", "--help", "-?", "--help-all", "-v", "--version"})
            if (std::strcmp(argv[i], flag) == 0)
                return true;
    }
    return false;
}

}  // namespace

int main(int argc, char** argv)
{
    // --help and --version are answered by a QCoreApplication, before any
    // display connection, so they work on a console without X or Wayland.
    if (wantsHelpOrVersion(argc, argv)) {
        QCoreApplication core(argc, argv);
        setIdentity();
        QCommandLineParser parser;
        const Options options;
        describe(parser, options);
        parser.process(core);  // prints and exits
        return 0;
    }
    // Qt Multimedia's GStreamer backend proved unreliable here; ffmpeg did not fail.
    // (Only its audio output is used: trailers are decoded by TrailerLab itself.)
    if (qEnvironmentVariableIsEmpty("QT_MEDIA_BACKEND"))
        qputenv("QT_MEDIA_BACKEND", "ffmpeg");
    QApplication app(argc, argv);
    setIdentity();
    QApplication::setApplicationDisplayName("TrailerLab");
    QGuiApplication::setDesktopFileName("org.trailerlab.TrailerLab");

    QCommandLineParser parser;
    const Options options;
    describe(parser, options);
    parser.process(app);
    const QCommandLineOption& screenshot = options.screenshot;
    const QCommandLineOption& project = options.project;
    const QCommandLineOption& runExperiment = options.runExperiment;

    QString projectFile = parser.value(project);
    QString videoFile;
    if (projectFile.isEmpty() && !parser.positionalArguments().isEmpty()) {
        const QString file = parser.positionalArguments().front();
        // A project is a .json file; anything else is taken for a video (the player says if it is not one).
        if (QFileInfo(file).suffix().compare(QLatin1String("json"), Qt::CaseInsensitive) == 0)
            projectFile = file;
        else
            videoFile = file;
    }

    // The screenshot mode runs unattended: no modal dialog waits for an answer.
    std::unique_ptr<tl::ui::Prompter> prompter;
    if (parser.isSet(screenshot))
        prompter = std::make_unique<tl::ui::HeadlessPrompter>();
    else
        prompter = std::make_unique<tl::ui::DialogPrompter>();
    tl::ui::MainWindow window(std::move(prompter));
    if (const QString name = parser.value(options.configuration); !name.isEmpty()) {
        auto* workbench = window.workbench();
        QObject::connect(workbench, &tl::ui::Workbench::projectOpened, workbench,
                         [workbench, name] { workbench->setActiveSource(name); });
    }
    if (!parser.isSet(screenshot)) {
        window.show();
        if (!videoFile.isEmpty())
            window.playFile(QFileInfo(videoFile).absoluteFilePath());
        else if (!projectFile.isEmpty())
            window.openProject(projectFile);
        else
            window.restoreLastProject();
        return app.exec();
    }

    // Screenshot mode: a fixed layout, a project, wait for the background work, render, quit.
    window.restoreState(QByteArray());
    window.autoExtractor()->overrideEnabled(false);
    // On a display the window keeps its default size (it fits the screen: pictures as a user
    // sees them); the offscreen platform's 800 x 600 screen is too small for useful pictures.
    if (QGuiApplication::platformName() == QLatin1String("offscreen"))
        window.resize(1600, 1000);
    window.show();
    QTemporaryDir demoDir;
    if (!projectFile.isEmpty())
        window.openProject(projectFile);
    else
        window.openSyntheticDemo(demoDir.path());
    const QString out = parser.value(screenshot);
    int rc = 1;
    auto* workbench = window.workbench();
    auto* jobs = window.jobs();
    bool trailerShown = false;
    bool experimentStarted = !parser.isSet(runExperiment);
    QObject::connect(jobs, &tl::ui::JobRunner::idle, &window, [&] {
        if (!workbench->hasProject() || workbench->modelPending(workbench->activeSource()))
            return;
        if (!trailerShown) {
            trailerShown = true;
            for (const auto& [id, path] : workbench->project()->videoOf) {
                window.playItem(QString::fromStdString(id));
                window.trailerView()->player()->pause();
                return;  // keyframes sample in the background; the next idle renders
            }
        }
        if (!experimentStarted) {
            experimentStarted = true;
            window.experimentsController()->runExperiment();  // the next idle comes after it and its models
            return;
        }
        window.raiseView(window.experimentsView());
        window.raiseView(window.userView());
        QTimer::singleShot(300, &window, [&] {
            const QStringList files = window.saveScreenshots(out);
            for (const auto& f : files)
                qInfo("%s", qPrintable(f));
            rc = files.isEmpty() ? 1 : 0;
            app.quit();
        });
    });
    QTimer::singleShot(parser.isSet(runExperiment) ? 1800000 : 120000, &app, [&] {
        qWarning("screenshot: timed out waiting for the background jobs");
        app.quit();
    });
    app.exec();
    return rc;
}
