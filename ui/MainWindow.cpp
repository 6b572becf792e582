#include "ui/MainWindow.h"

#include <QLabel>

namespace tl::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("TrailerLab"));
    auto* empty = new QLabel(tr("No project open.\n\nRun the pipeline headless with trailerlab-cli "
                                "(trailerlab-cli --help)."),
                             this);
    empty->setAlignment(Qt::AlignCenter);
    setCentralWidget(empty);
    resize(1200, 800);
}

}  // namespace tl::ui
