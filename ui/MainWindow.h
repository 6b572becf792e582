#pragma once
// The workbench's main window. It owns the job runner, the shared Workbench
// state and the views (each in a dock; the layout is remembered with
// QSettings), and wires the views' intent signals to the state and the player.
// Questions, messages and file choosers go through the Prompter it is given
// (modal dialogs unless told otherwise); the status bar carries failures as well.

#include <QMainWindow>

#include "core/project/Import.h"

#include <cstdint>
#include <memory>

QT_BEGIN_NAMESPACE
class QDockWidget;
class QLabel;
class QPushButton;
class QStackedWidget;
QT_END_NAMESPACE

namespace tl::ui {

class AutoExtractor;
class ExperimentsController;
class ExperimentsView;
class ExtractionView;
class JobGroup;
class JobRunner;
class JobsView;
class LibraryView;
class Prompter;
class TrailerView;
class UserExplorerView;
class MapView;
class NewTrailerDialog;
class Workbench;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // With modal dialogs (DialogPrompter).
    explicit MainWindow(QWidget* parent = nullptr);
    // With the given prompter (a HeadlessPrompter where nobody answers).
    explicit MainWindow(std::unique_ptr<Prompter> prompter, QWidget* parent = nullptr);
    ~MainWindow() override;

    Prompter* prompter() const { return prompter_.get(); }

    JobRunner* jobs() const { return jobs_; }
    Workbench* workbench() const { return workbench_; }
    ExperimentsView* experimentsView() const { return experiments_; }
    ExperimentsController* experimentsController() const { return experimentsController_; }
    UserExplorerView* userView() const { return users_; }
    MapView* mapView() const { return map_; }
    LibraryView* libraryView() const { return library_; }
    TrailerView* trailerView() const { return trailer_; }
    ExtractionView* extractionView() const { return extraction_; }
    JobsView* jobsView() const { return jobsView_; }
    // Extracts the open project's missing configurations in the background (see AutoExtractor).
    AutoExtractor* autoExtractor() const { return auto_; }
    QLabel* backgroundStatusLabel() const { return backgroundLabel_; }
    // Trailers nobody has rated and the users they suit (File > Add Trailer…).
    NewTrailerDialog* newTrailerDialog() const { return newTrailer_; }
    // Adds a video as a new trailer and shows the dialog (a drop on the library does the same).
    void addTrailer(const QString& video);
    // Adds several at once (every one is placed; the ones that cannot be added are named).
    void addTrailers(const QStringList& videos);

    void openProject(const QString& file);
    void openSyntheticDemo(const QString& dir);
    // Creates (first time) or finds the embedded demo project in the user's data folder, then opens it.
    void openDemoProject();
    // Asks for a MovieLens folder and a trailers folder, imports them in the background, opens the project.
    void importMovieLensProject();
    // The import itself, in a background job; opens the project when done. Returns the job id.
    int runImport(const ImportOptions& options);
    // The coverage report of the last import (also in a dialog, and in the status bar).
    const QString& lastImportReport() const { return lastImportReport_; }
    // Reopens the project of the last session, if any.
    void restoreLastProject();
    // Renders the window and each view to DIR/*.png; returns the files written.
    QStringList saveScreenshots(const QString& dir);
    // Shows and raises the dock that holds `view`.
    void raiseView(QWidget* view);
    QDockWidget* dockOf(QWidget* view) const;
    // The view a dock holds (inside the dock's scroll area).
    static QWidget* viewIn(const QDockWidget* dock);
    // The welcome screen's first button: Open the demo (150 trailers).
    QPushButton* demoButton() const { return demoButton_; }
    QWidget* welcomeWidget() const { return empty_; }
    void askOpenProject();

public Q_SLOTS:
    void playItem(const QString& itemId);
    // Plays a video file that belongs to no project in the trailer view (trailerlab VIDEO).
    void playFile(const QString& video);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    QDockWidget* addView(const QString& title, const QString& objectName, QWidget* view, Qt::DockWidgetArea area);
    void createMenus();
    void updateStatus();
    void showError(const QString& title, const QString& message);
    // After a success: drops a failure message still shown in the status bar.
    void clearFailure();

    std::unique_ptr<Prompter> prompter_;
    JobRunner* jobs_;
    std::unique_ptr<JobGroup> windowJobs_;  // the demo's creation and imports
    QString lastImportReport_;
    Workbench* workbench_;
    ExperimentsView* experiments_;
    ExperimentsController* experimentsController_;
    UserExplorerView* users_;
    MapView* map_ = nullptr;
    LibraryView* library_;
    TrailerView* trailer_;
    ExtractionView* extraction_;
    JobsView* jobsView_;
    QWidget* empty_;
    QPushButton* demoButton_;
    bool failureShown_ = false;
    bool backgroundFailed_ = false;
    QLabel* projectLabel_;
    QLabel* configLabel_;
    QLabel* deviceLabel_;
    QLabel* backgroundLabel_;
    AutoExtractor* auto_;
    QByteArray defaultState_;
    QList<QDockWidget*> docks_;
    NewTrailerDialog* newTrailer_ = nullptr;
};

}  // namespace tl::ui
