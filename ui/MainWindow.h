#pragma once
// The workbench's main window. It owns the views and wires their intent
// signals to the core through worker threads.

#include <QMainWindow>

namespace tl::ui {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};

}  // namespace tl::ui
