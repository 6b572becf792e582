// trailerlab: the desktop workbench. Only wiring: the window lives in ui/.
//   trailerlab [PROJECT.json]
//   trailerlab --screenshot DIR [--project FILE]   render every view to DIR/*.png and quit
//                                                  (without --project: a synthetic demo in a temporary folder;
//                                                  no background extraction, so the pictures show a settled workbench;
//                                                  the window at its default size, which fits the screen)
//   trailerlab --screenshot DIR --project FILE --run-experiment
//                                                  the same after the Experiments view's Run (the paper's experiment)
//   trailerlab --version                           print the version (needs no display)
#include <cstdio>
#include <cstring>

#include <QApplication>
#include <QCommandLineParser>
#include <QMediaPlayer>
#include <QTemporaryDir>
#include <QTimer>

#include "ui/AutoExtractor.h"
#include "ui/ExperimentsView.h"
#include "ui/JobRunner.h"
#include "ui/MainWindow.h"
#include "ui/TrailerView.h"
#include "ui/UserExplorerView.h"
#include "ui/Workbench.h"

#ifndef TRAILERLAB_VERSION
#define TRAILERLAB_VERSION "0.0.0"
#endif

int main(int argc, char** argv)
{
    // Answered before QApplication exists, so it works without a display.
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--version") == 0 || std::strcmp(argv[i], "-v") == 0) {
            std::printf("trailerlab %s\n", TRAILERLAB_VERSION);
            return 0;
        }
    // Qt Multimedia's GStreamer backend proved unreliable here; ffmpeg did not fail.
    if (qEnvironmentVariableIsEmpty("QT_MEDIA_BACKEND"))
        qputenv("QT_MEDIA_BACKEND", "ffmpeg");
    QApplication app(argc, argv);
    // Settings in $XDG_CONFIG_HOME/trailerlab/trailerlab.conf (QSettings: <organisation>/<application>.conf).
    QApplication::setOrganizationName("trailerlab");
    QApplication::setApplicationName("trailerlab");
    QApplication::setApplicationDisplayName("TrailerLab");
    QApplication::setApplicationVersion(TRAILERLAB_VERSION);
    QGuiApplication::setDesktopFileName("org.trailerlab.TrailerLab");

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "TrailerLab desktop workbench"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption screenshot("screenshot", QApplication::translate("main", "Render each view to DIR/*.png and quit."),
                                  "DIR");
    QCommandLineOption project("project", QApplication::translate("main", "Open this project file."), "FILE");
    QCommandLineOption runExperiment(
        "run-experiment", QApplication::translate("main", "With --screenshot: run the paper's experiment first (Experiments > Run)."));
    parser.addOption(screenshot);
    parser.addOption(project);
    parser.addOption(runExperiment);
    parser.addPositionalArgument("project", QApplication::translate("main", "Project file to open."), "[PROJECT]");
    parser.process(app);

    QString projectFile = parser.value(project);
    if (projectFile.isEmpty() && !parser.positionalArguments().isEmpty())
        projectFile = parser.positionalArguments().front();

    tl::ui::MainWindow window;
    if (!parser.isSet(screenshot)) {
        window.show();
        if (!projectFile.isEmpty())
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
            window.experimentsView()->runExperiment();  // the next idle comes after it and its models
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
