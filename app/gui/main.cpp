// trailerlab: the desktop workbench. Only wiring: the window lives in ui/.
#include <QApplication>

#include "ui/MainWindow.h"

int main(int argc, char** argv)
{
    // Qt Multimedia's GStreamer backend proved unreliable here; ffmpeg did not fail.
    if (qEnvironmentVariableIsEmpty("QT_MEDIA_BACKEND"))
        qputenv("QT_MEDIA_BACKEND", "ffmpeg");
    QApplication app(argc, argv);
    QApplication::setApplicationName("TrailerLab");
    QApplication::setOrganizationName("TrailerLab");
    tl::ui::MainWindow window;
    window.show();
    return app.exec();
}
