#include "core/common/XdgPaths.h"
#include "core/demo/DemoProject.h"
#include "core/project/Import.h"
#include "core/project/Project.h"
#include "ui/ImportDialog.h"
#include "ui/MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QGridLayout>
#include <QMenuBar>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QVBoxLayout>
#include <QMessageBox>
#include <QSettings>
#include <QShortcut>
#include <QStatusBar>

#include "core/session/DeviceInfo.h"
#include "ui/AutoExtractor.h"
#include "ui/ElidedLabel.h"
#include "ui/ExperimentsController.h"
#include "ui/ExperimentsView.h"
#include "ui/ExtractionView.h"
#include "ui/FeatureGalleryDialog.h"
#include "ui/JobRunner.h"
#include "ui/JobsView.h"
#include "ui/LibraryView.h"
#include "ui/Prompter.h"
#include "ui/TrailerView.h"
#include "ui/UserExplorerView.h"
#include "ui/MapView.h"
#include "ui/NewTrailerDialog.h"
#include "ui/Workbench.h"

namespace tl::ui {

namespace {

namespace fs = std::filesystem;

// Saved dock layouts of an older arrangement are not restored (2: the two-column layout).
constexpr int layoutVersion = 2;

// Holds a view in a dock's scroll area. A scroll area asks a height-for-width
// layout (any word-wrapped label) for its preferred height and scrolls below it;
// this layout reports none, so the view scrolls only below its minimum size.
class MinimumOnlyLayout : public QVBoxLayout {
public:
    explicit MinimumOnlyLayout(QWidget* parent) : QVBoxLayout(parent) { setContentsMargins(0, 0, 0, 0); }
    bool hasHeightForWidth() const override { return false; }
};

// Trailers for the synthetic demo when the shared reference videos are at hand:
// $TRAILERLAB_SHARED/videos, else the shared reference data's videos folder beside the checkout.
QStringList demoVideos()
{
    QStringList roots;
    if (!qEnvironmentVariableIsEmpty("TRAILERLAB_SHARED"))
        roots << qEnvironmentVariable("TRAILERLAB_SHARED") + QStringLiteral("/videos");
    QDir dir(QCoreApplication::applicationDirPath());
    for (int up = 0; up < 6 && !dir.isRoot(); ++up, dir.cdUp())
        roots << dir.filePath(QStringLiteral("../shared/videos"));
    for (const auto& root : roots) {
        const QDir videos(root);
        if (!videos.exists())
            continue;
        QStringList files;
        for (const auto& f : videos.entryInfoList({"*.mp4", "*.avi", "*.ogv", "*.mkv", "*.webm"}, QDir::Files, QDir::Name))
            files << f.absoluteFilePath();
        if (!files.isEmpty())
            return files;
    }
    return {};
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : MainWindow(std::make_unique<DialogPrompter>(), parent) {}

MainWindow::MainWindow(std::unique_ptr<Prompter> prompter, QWidget* parent)
    : QMainWindow(parent), prompter_(std::move(prompter))
{
    setWindowTitle(tr("TrailerLab"));
    setObjectName(QStringLiteral("MainWindow"));
    jobs_ = new JobRunner(this);
    windowJobs_ = std::make_unique<JobGroup>(jobs_, this);
    workbench_ = new Workbench(jobs_, this);

    // Welcome: what to do first, the demo with trailers on top.
    empty_ = new QWidget(this);
    empty_->setObjectName(QStringLiteral("Welcome"));
    {
        auto* title = new QLabel(tr("<h2>No project open</h2>"), empty_);
        auto* text = new QLabel(tr("The demo has %1 generated trailers, %2 users and their ratings: open it to see "
                                   "trailer features predict ratings, then run the paper's experiment from the "
                                   "Experiments view.")
                                    .arg(DemoSpec{}.items)
                                    .arg(DemoSpec{}.users),
                                empty_);
        text->setWordWrap(true);
        demoButton_ = new QPushButton(tr("Open the demo (%1 trailers)").arg(DemoSpec{}.items), empty_);
        demoButton_->setObjectName(QStringLiteral("OpenDemoButton"));
        demoButton_->setDefault(true);
        auto* openButton = new QPushButton(tr("Open a project file…"), empty_);
        auto* importButton = new QPushButton(tr("Import MovieLens with trailers…"), empty_);
        auto* cli = new QLabel(tr("Headless runs: <tt>trailerlab-cli --help</tt>"), empty_);
        cli->setStyleSheet(QStringLiteral("color: gray"));
        connect(demoButton_, &QPushButton::clicked, this, &MainWindow::openDemoProject);
        connect(openButton, &QPushButton::clicked, this, &MainWindow::askOpenProject);
        connect(importButton, &QPushButton::clicked, this, &MainWindow::importMovieLensProject);
        auto* column = new QVBoxLayout;
        column->addWidget(title);
        column->addWidget(text);
        column->addSpacing(8);
        column->addWidget(demoButton_);
        column->addWidget(openButton);
        column->addWidget(importButton);
        column->addSpacing(8);
        column->addWidget(cli);
        auto* box = new QWidget(empty_);
        box->setLayout(column);
        box->setMaximumWidth(420);
        auto* outer = new QGridLayout(empty_);
        outer->addWidget(box, 0, 0, Qt::AlignCenter);
    }
    setCentralWidget(empty_);

    experiments_ = new ExperimentsView(this);
    experimentsController_ = new ExperimentsController(workbench_, experiments_, prompter_.get(), this);
    users_ = new UserExplorerView(workbench_, this);
    library_ = new LibraryView(workbench_, this);
    trailer_ = new TrailerView(jobs_, this);
    trailer_->setWorkbench(workbench_);
    extraction_ = new ExtractionView(workbench_, jobs_, this);
    jobsView_ = new JobsView(jobs_, this);
    auto_ = new AutoExtractor(workbench_, jobs_, this);
    map_ = new MapView(workbench_, this);

    // Two columns that fit a 1366 x 768 screen (and 1920 x 1080 at 150 %): the
    // Experiments view with the Trailer, Extraction and Jobs tabs at the left, the
    // User explorer with the Library tab at the right. A trailer asked for from the
    // explorer or the library opens at the left, beside them, never in their place.
    setDockNestingEnabled(true);
    setTabPosition(Qt::AllDockWidgetAreas, QTabWidget::North);  // tabs where the eye looks first
    auto* expDock = addView(tr("Experiments"), QStringLiteral("ExperimentsDock"), experiments_, Qt::LeftDockWidgetArea);
    auto* trailerDock = addView(tr("Trailer"), QStringLiteral("TrailerDock"), trailer_, Qt::LeftDockWidgetArea);
    auto* extractionDock = addView(tr("Extraction"), QStringLiteral("ExtractionDock"), extraction_, Qt::LeftDockWidgetArea);
    auto* jobsDock = addView(tr("Jobs"), QStringLiteral("JobsDock"), jobsView_, Qt::LeftDockWidgetArea);
    auto* userDock = addView(tr("User explorer"), QStringLiteral("UserDock"), users_, Qt::RightDockWidgetArea);
    auto* libraryDock = addView(tr("Library"), QStringLiteral("LibraryDock"), library_, Qt::RightDockWidgetArea);
    tabifyDockWidget(expDock, trailerDock);
    tabifyDockWidget(trailerDock, extractionDock);
    tabifyDockWidget(extractionDock, jobsDock);
    tabifyDockWidget(userDock, libraryDock);
    tabifyDockWidget(libraryDock, addView(tr("Map"), QStringLiteral("MapDock"), map_, Qt::RightDockWidgetArea));
    expDock->raise();
    userDock->raise();

    // Wiring: views emit intents; the state and the player act on them.
    connect(experiments_, &ExperimentsView::kRequested, workbench_, &Workbench::setK);
    connect(experiments_, &ExperimentsView::sourceRequested, workbench_, &Workbench::setActiveSource);
    connect(users_, &UserExplorerView::userRequested, workbench_, &Workbench::setUser);
    connect(users_, &UserExplorerView::sourceRequested, workbench_, &Workbench::setActiveSource);
    connect(users_, &UserExplorerView::fusionWeightsRequested, workbench_,
            [this](const QString& source, const std::vector<double>& weights) {
                workbench_->setFusionWeights(source, weights);
            });
    connect(users_, &UserExplorerView::fusionChoiceRequested, workbench_, &Workbench::chooseFusionWeight);
    connect(users_, &UserExplorerView::playRequested, this, &MainWindow::playItem);
    connect(users_, &UserExplorerView::thumbnailsWanted, workbench_, &Workbench::requestThumbnails);
    connect(library_, &LibraryView::playRequested, this, &MainWindow::playItem);
    connect(map_, &MapView::userRequested, workbench_, &Workbench::setUser);
    connect(map_, &MapView::playRequested, this, &MainWindow::playItem);
    connect(map_, &MapView::thumbnailsWanted, workbench_, &Workbench::requestThumbnails);
    // A profile bar opens the feature gallery; a frame there plays its trailer at that time.
    auto* gallery = new FeatureGalleryDialog(workbench_, jobs_, this);
    connect(users_, &UserExplorerView::featureRequested, gallery, &FeatureGalleryDialog::showFeature);
    connect(gallery, &FeatureGalleryDialog::frameRequested, this, [this](const QString& itemId, qint64 ms) {
        playItem(itemId);
        trailer_->seek(ms);
    });
    // A trailer nobody has rated (File > Add Trailer…, or dropped on the library): the users it suits.
    newTrailer_ = new NewTrailerDialog(workbench_, jobs_, this);
    connect(library_, &LibraryView::videosDropped, this, [this](const QStringList& files) {
        addTrailers(files);
    });
    // The experiment extracts every configuration itself: the background queue waits for it.
    connect(experimentsController_, &ExperimentsController::experimentStarted, auto_, &AutoExtractor::suspend);
    connect(experimentsController_, &ExperimentsController::experimentFinished, auto_, &AutoExtractor::resume);
    // The Extraction view's audio run writes audio.csv: the queue leaves the soundtracks to it meanwhile.
    connect(extraction_, &ExtractionView::audioRunChanged, auto_, &AutoExtractor::setAudioRunElsewhere);

    connect(workbench_, &Workbench::projectOpened, this, [this] {
        clearFailure();
        empty_->hide();
        QSettings().setValue(QStringLiteral("project/last"), workbench_->projectFile());
        trailer_->setItem({}, {}, {});
        if (!workbench_->project()->warnings.empty()) {
            QStringList w;
            for (const auto& s : workbench_->project()->warnings)
                w << QString::fromStdString(s);
            showError(tr("Project opened with warnings"), w.join(QStringLiteral("\n")));
        }
        updateStatus();
        // A shared project may point at data elsewhere: say what it reads from outside its folder.
        if (!workbench_->project()->readsOutside.empty()) {
            QStringList r;
            for (const auto& s : workbench_->project()->readsOutside)
                r << QString::fromStdString(s);
            statusBar()->showMessage(tr("Reads outside the project folder: %1").arg(r.join(QStringLiteral("; "))), 20000);
        }
    });
    connect(workbench_, &Workbench::projectClosed, this, [this] {
        empty_->show();
        updateStatus();
    });
    connect(workbench_, &Workbench::projectFailed, this,
            [this](const QString& message) { showError(tr("Cannot open the project"), message); });
    connect(workbench_, &Workbench::kChanged, this, &MainWindow::updateStatus);
    connect(workbench_, &Workbench::activeSourceChanged, this, &MainWindow::updateStatus);
    connect(workbench_, &Workbench::userChanged, this, &MainWindow::updateStatus);
    connect(workbench_, &Workbench::modelReady, this, &MainWindow::updateStatus);
    connect(workbench_, &Workbench::modelFailed, this, &MainWindow::updateStatus);
    connect(workbench_, &Workbench::fusionWeightsChanged, this, &MainWindow::updateStatus);  // "(building)"

    // Long paths and configuration names are elided, never allowed to widen the
    // window past the screen.
    projectLabel_ = new ElidedLabel(this, Qt::ElideMiddle);
    configLabel_ = new ElidedLabel(this);
    deviceLabel_ = new ElidedLabel(this);
    deviceLabel_->setText(tr("Device: %1").arg(QString::fromStdString(session::computeDevice().description)));
    // "Extracting mobilenetv2 @ 2 fps in the background: 37/150 clips — Cancel"
    backgroundLabel_ = new QLabel(this);
    backgroundLabel_->setObjectName(QStringLiteral("BackgroundExtraction"));
    backgroundLabel_->setTextFormat(Qt::RichText);
    backgroundLabel_->setToolTip(tr("Missing configurations of the project (models x frame rates, and the "
                                    "soundtracks' audio descriptors) are extracted in the background, lowest frame "
                                    "rate first. Turn this off in the Extraction menu."));
    backgroundLabel_->hide();
    backgroundLabel_->setMinimumWidth(fontMetrics().averageCharWidth() * 12);  // clipped, not widening the window
    connect(backgroundLabel_, &QLabel::linkActivated, this, [this](const QString& link) {
        if (link == QLatin1String("cancel"))
            auto_->cancel();
        else if (link == QLatin1String("resume"))
            auto_->start();
    });
    connect(auto_, &AutoExtractor::statusChanged, this, [this](const QString& text, const QString& action) {
        QString html = text.toHtmlEscaped();
        if (action == QLatin1String("cancel"))
            html += tr(" — <a href=\"cancel\">Cancel</a>");
        else if (action == QLatin1String("resume"))
            html += tr(" — <a href=\"resume\">Resume</a>");
        backgroundLabel_->setText(html);
        backgroundLabel_->setToolTip(text);
        backgroundLabel_->setVisible(!text.isEmpty());
        if (action == QLatin1String("cancel"))
            backgroundFailed_ = false;  // running again
    });
    connect(auto_, &AutoExtractor::configurationFinished, this, [this](const QString& name, bool ok, const QString& message) {
        if (ok) {
            clearFailure();
            statusBar()->showMessage(message.isEmpty()
                                         ? tr("%1 extracted and evaluated: it is in the Experiments view").arg(name)
                                         : tr("%1 extracted and evaluated: it is in the Experiments view (%2)")
                                               .arg(name, message),
                                     10000);
        } else if (message == AutoExtractor::noSoundMessage()) {
            // Not a failure: the trailers are silent (not tried again until they change).
            statusBar()->showMessage(tr("No audio configuration: %1").arg(message), 10000);
        } else if (message != tr("cancelled") && message != AutoExtractor::leftToViewMessage()) {
            statusBar()->showMessage(tr("Background extraction of %1 failed: %2").arg(name, message.section(QLatin1Char('\n'), 0, 0)), 15000);
            failureShown_ = backgroundFailed_ = true;
        }
    });
    // A failure message stays only until something succeeds after it.
    connect(experimentsController_, &ExperimentsController::experimentFinished, this, [this](bool ok) {
        if (ok)
            clearFailure();
    });
    connect(extraction_, &ExtractionView::finished, this, [this](bool ok, int) {
        if (ok)
            clearFailure();
    });
    connect(statusBar(), &QStatusBar::messageChanged, this, [this](const QString& message) {
        if (message.isEmpty())
            failureShown_ = false;
    });
    statusBar()->addWidget(projectLabel_, 1);
    statusBar()->addPermanentWidget(backgroundLabel_);
    statusBar()->addPermanentWidget(configLabel_);
    statusBar()->addPermanentWidget(deviceLabel_);

    createMenus();
    // The default size: roomy on a large screen, inside the available area
    // (less a window frame) on a small one.
    QSize size(1560, 960);
    if (const QScreen* s = screen()) {
        const QSize available = s->availableGeometry().size() - QSize(16, 48);
        size = size.boundedTo(available).expandedTo(minimumSizeHint());
    }
    resize(size);
    const int left = size.width() * 52 / 100;
    resizeDocks({expDock, userDock}, {left, size.width() - left}, Qt::Horizontal);
    defaultState_ = saveState(layoutVersion);
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    // A size saved on a larger screen (or at a smaller scale) is shrunk to this one.
    if (const QScreen* s = screen()) {
        const QSize available = s->availableGeometry().size() - QSize(16, 48);
        if (width() > available.width() || height() > available.height())
            resize(this->size().boundedTo(available).expandedTo(minimumSizeHint()));
    }
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray(), layoutVersion);
    workbench_->setK(settings.value(QStringLiteral("experiments/k"), 50).toInt());
    updateStatus();
}

MainWindow::~MainWindow()
{
    jobs_->cancelAll();
    jobs_->waitForAll();
}

QDockWidget* MainWindow::addView(const QString& title, const QString& objectName, QWidget* view, Qt::DockWidgetArea area)
{
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(objectName);
    // A view larger than its share of a small screen scrolls instead of pushing
    // the window past the screen; at the default size none needs to.
    auto* scroll = new QScrollArea(dock);
    scroll->setObjectName(objectName + QStringLiteral("Scroll"));
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    auto* holder = new QWidget(scroll);
    (new MinimumOnlyLayout(holder))->addWidget(view);
    scroll->setWidget(holder);
    dock->setWidget(scroll);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable | QDockWidget::DockWidgetClosable);
    addDockWidget(area, dock);
    docks_ << dock;
    return dock;
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("Open &Demo Project (%1 trailers)").arg(DemoSpec{}.items), this, &MainWindow::openDemoProject);
    QAction* open = file->addAction(tr("&Open Project…"), this, &MainWindow::askOpenProject);
    open->setShortcut(QKeySequence::Open);
    file->addAction(tr("&Import MovieLens with Trailers…"), this, &MainWindow::importMovieLensProject);
    file->addAction(tr("New &Synthetic Demo (no trailers)"), this, [this] {
        // Next to the demo project, in $XDG_DATA_HOME/trailerlab (Qt's AppLocalDataLocation
        // would add the organisation folder: ~/.local/share/trailerlab/trailerlab).
        openSyntheticDemo(QString::fromStdString((tl::xdg::appDataDir() / "synthetic-demo").string()));
    });
    file->addAction(tr("&Close Project"), workbench_, &Workbench::closeProject);
    file->addAction(tr("Add &Trailer…"), this, [this] {
        const QStringList videos = prompter_->openFileNames(
            this, tr("Add trailers nobody has rated"),
            tr("Videos (*.mp4 *.mkv *.webm *.avi *.mov *.m4v *.mpg *.ogv);;All files (*)"));
        if (!videos.isEmpty())
            addTrailers(videos);
    });
    file->addAction(tr("Added T&railers…"), this, [this] {
        newTrailer_->show();
        newTrailer_->raise();
    });
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    // What-if edits (Workbench's overlay): undo/redo, a playground user, reset, export.
    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = workbench_->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    edit->addAction(undo);
    QAction* redo = workbench_->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(redo);
    edit->addSeparator();
    edit->addAction(tr("&New Playground User"), workbench_, &Workbench::addPlaygroundUser);
    edit->addAction(tr("Re&set What-if Edits"), workbench_, &Workbench::resetEdits);
    edit->addAction(tr("&Export Edited Ratings as CSV…"), this, [this] {
        if (!workbench_->hasProject())
            return;
        const QString target = prompter_->saveFileName(this, tr("Export edited ratings"),
                                                       QStringLiteral("edited-ratings.csv"), tr("CSV files (*.csv)"));
        if (target.isEmpty())
            return;
        try {
            workbench_->exportEditedRatings(target);
            statusBar()->showMessage(tr("Edited ratings written to %1").arg(target), 10000);
        } catch (const std::exception& e) {
            prompter_->warn(this, tr("Export edited ratings"), QString::fromUtf8(e.what()));
        }
    });
    // Every rating control (explorer, trailer view, library) rates as the selected user.
    const auto rate = [this](std::uint32_t item, int stars) {
        workbench_->editRating(workbench_->user(), item,
                               stars > 0 ? std::optional<float>(static_cast<float>(stars)) : std::nullopt);
    };
    connect(users_, &UserExplorerView::rateRequested, workbench_, rate);
    connect(trailer_, &TrailerView::rateRequested, workbench_, rate);
    connect(library_, &LibraryView::rateRequested, workbench_, rate);

    QMenu* playback = menuBar()->addMenu(tr("&Playback"));
    QAction* play = playback->addAction(tr("Play / Pause"), trailer_, &TrailerView::togglePlay);
    play->setShortcut(Qt::Key_Space);
    play->setShortcutContext(Qt::WindowShortcut);
    QAction* nextFrame = playback->addAction(tr("Next Frame"), trailer_->player(), &VideoPlayer::stepForward);
    nextFrame->setShortcut(Qt::Key_Period);
    QAction* previousFrame = playback->addAction(tr("Previous Frame"), trailer_->player(), &VideoPlayer::stepBackward);
    previousFrame->setShortcut(Qt::Key_Comma);
    QAction* kUp = playback->addAction(tr("More neighbours (K up)"), this, [this] { workbench_->stepK(+1); });
    kUp->setShortcuts({QKeySequence(Qt::Key_Plus), QKeySequence(Qt::CTRL | Qt::Key_Up), QKeySequence(Qt::Key_Equal)});
    QAction* kDown = playback->addAction(tr("Fewer neighbours (K down)"), this, [this] { workbench_->stepK(-1); });
    kDown->setShortcuts({QKeySequence(Qt::Key_Minus), QKeySequence(Qt::CTRL | Qt::Key_Down)});

    QMenu* extraction = menuBar()->addMenu(tr("E&xtraction"));
    QAction* importWeights = extraction->addAction(tr("&Import Weights…"), extraction_, &ExtractionView::importWeights);
    importWeights->setObjectName(QStringLiteral("ImportWeightsAction"));
    extraction->addSeparator();
    QAction* automatic = extraction->addAction(tr("Extract Missing Configurations &Automatically"));
    automatic->setObjectName(QStringLiteral("AutoExtractAction"));
    automatic->setCheckable(true);
    automatic->setChecked(auto_->enabled());
    automatic->setToolTip(tr("When a project opens, extract its models x frame rates that have no profiles yet, "
                             "lowest frame rate first, and its trailers' audio descriptors, in the background"));
    connect(automatic, &QAction::toggled, auto_, &AutoExtractor::setEnabled);
    extraction->addAction(tr("Extract Missing Configurations &Now"), auto_, &AutoExtractor::start);
    extraction->addAction(tr("&Cancel Background Extraction"), auto_, &AutoExtractor::cancel);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget* dock : docks_)
        view->addAction(dock->toggleViewAction());
    view->addSeparator();
    view->addAction(tr("Reset layout"), this, [this] {
        restoreState(defaultState_, layoutVersion);
        for (QDockWidget* dock : docks_)
            dock->show();
    });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About TrailerLab"), this, [this] {
        QMessageBox::about(this, tr("About TrailerLab"),
                           tr("<b>TrailerLab</b><br>Collaborative filtering whose user profiles come from deep "
                              "features of movie trailers (Ben Hassen et al., WEBIST 2025).<br><br>"
                              "Space: play/pause · , / .: previous / next frame · + / − or Ctrl+Up / Ctrl+Down: change K"));
    });
}

void MainWindow::askOpenProject()
{
    const QString path = prompter_->openFileName(this, tr("Open project"), tr("TrailerLab project (*.json);;All files (*)"));
    if (!path.isEmpty())
        openProject(path);
}

void MainWindow::clearFailure()
{
    if (failureShown_)
        statusBar()->clearMessage();
    failureShown_ = false;
    if (backgroundFailed_)
        backgroundLabel_->hide();
    backgroundFailed_ = false;
}

QDockWidget* MainWindow::dockOf(QWidget* view) const
{
    for (QDockWidget* dock : docks_)
        if (viewIn(dock) == view)
            return dock;
    return nullptr;
}

QWidget* MainWindow::viewIn(const QDockWidget* dock)
{
    auto* scroll = qobject_cast<QScrollArea*>(dock->widget());
    if (!scroll || !scroll->widget() || !scroll->widget()->layout() || !scroll->widget()->layout()->itemAt(0))
        return dock->widget();
    return scroll->widget()->layout()->itemAt(0)->widget();
}

void MainWindow::openProject(const QString& file)
{
    // A shared project file may ask for its cache elsewhere: TrailerLab writes there
    // only when the user agrees (a HeadlessPrompter answers no).
    const fs::path outside = requestedCacheOutsideFolder(file.toStdString());
    if (outside.empty()) {
        workbench_->openProject(file);
        return;
    }
    const QString cache = QString::fromStdString(outside.string());
    const QString question =
        tr("%1 keeps its feature cache outside its folder, in\n%2\n\nTrailerLab will write features there. "
           "Use that folder?").arg(QFileInfo(file).fileName(), cache);
    if (prompter_->confirm(this, tr("Cache outside the project folder"), question)) {
        workbench_->openProject(file, cache);
        return;
    }
    showError(tr("Project not opened"),
              tr("%1 was not opened: its cache (%2) lies outside the project folder and was not confirmed. "
                 "Edit \"cache\" in the project file to a folder inside it, or open it again and choose Yes.")
                  .arg(file, cache));
}

void MainWindow::openDemoProject()
{
    windowJobs_->run<QString>(
        tr("Create demo project"),
        [](const JobContext& ctx) {
            return QString::fromStdString(createDemoProject(defaultDemoDir(), DemoSpec{}, ctx).string());
        },
        [this](QString file) { openProject(file); });
}

void MainWindow::importMovieLensProject()
{
    ImportDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    ImportOptions options;
    options.movielensDir = dialog.movielensDir().toStdString();
    options.trailersDir = dialog.trailersDir().toStdString();
    options.projectFile = dialog.projectFile().toStdString();
    options.name = dialog.projectName().toStdString();
    options.probeVideos = dialog.probeTrailers();
    runImport(options);
}

int MainWindow::runImport(const ImportOptions& options)
{
    return windowJobs_->run<ImportReport>(
        tr("Import %1").arg(QString::fromStdString(options.movielensDir.string())),
        [options](const JobContext& ctx) { return importMovieLens(options, ctx); },
        [this](ImportReport report) {
            const QString text = QString::fromStdString(describeImport(report));
            lastImportReport_ = text;
            statusBar()->showMessage(text.section(QLatin1Char('\n'), 2, 2), 15000);
            prompter_->inform(this, tr("Import done"), text);
            openProject(QString::fromStdString(report.project.file.string()));
        },
        [this](const QString& message, bool cancelled) {
            if (!cancelled)
                showError(tr("Import failed"), message + tr("\n\nCheck the folders and try again; nothing was written."));
        });
}

void MainWindow::openSyntheticDemo(const QString& dir)
{
    workbench_->openSyntheticDemo(dir, demoVideos());
}

void MainWindow::restoreLastProject()
{
    const QString last = QSettings().value(QStringLiteral("project/last")).toString();
    if (!last.isEmpty() && QFileInfo::exists(last))
        openProject(last);
}

void MainWindow::playItem(const QString& itemId)
{
    trailer_->setItem(itemId, workbench_->titleOf(itemId), workbench_->videoOf(itemId));
    raiseView(trailer_);
    if (!workbench_->videoOf(itemId).isEmpty())
        trailer_->player()->play();
}

void MainWindow::playFile(const QString& video)
{
    trailer_->openFile(video);
    raiseView(trailer_);
    trailer_->player()->play();
}

void MainWindow::raiseView(QWidget* view)
{
    if (QDockWidget* dock = dockOf(view)) {
        dock->show();
        dock->raise();
    }
}

void MainWindow::updateStatus()
{
    if (!workbench_->hasProject()) {
        projectLabel_->setText(tr("No project"));
        configLabel_->clear();
        return;
    }
    const auto& pd = *workbench_->project();
    projectLabel_->setText(tr("Project: %1 (%2)")
                               .arg(QString::fromStdString(pd.project.name),
                                    QString::fromStdString(pd.project.file.string())));
    const QString source = workbench_->activeSource();
    QString state;
    if (!workbench_->model(source))
        state = workbench_->modelError(source).isEmpty() ? tr(" (building)") : tr(" (failed)");
    configLabel_->setText(tr("Configuration: %1%2 · K = %3 · user %4 · split %5")
                              .arg(source.isEmpty() ? tr("none") : source, state)
                              .arg(workbench_->k())
                              .arg(QString::fromStdString(pd.data.users.size() > workbench_->user()
                                                              ? pd.data.users.id(workbench_->user())
                                                              : std::string("-")),
                                   QString::fromStdString(pd.project.split)));
}

void MainWindow::showError(const QString& title, const QString& message)
{
    statusBar()->showMessage(title + QStringLiteral(": ") + message.section(QLatin1Char('\n'), 0, 0), 15000);
    failureShown_ = true;
    prompter_->warn(this, title, message);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState(layoutVersion));
    settings.setValue(QStringLiteral("experiments/k"), workbench_->k());
    jobs_->cancelAll();
    QMainWindow::closeEvent(event);
}

QStringList MainWindow::saveScreenshots(const QString& dir)
{
    QDir().mkpath(dir);
    QStringList written;
    auto save = [&](QWidget* w, const QString& name) {
        const QString file = QDir(dir).filePath(name + QStringLiteral(".png"));
        if (w->grab().save(file))
            written << file;
    };
    save(this, QStringLiteral("main-window"));
    for (QDockWidget* dock : docks_) {
        QWidget* w = viewIn(dock);
        QWidget* holder = dock->widget();  // the scroll area sizes the view
        const QSize old = holder->size();
        const bool hidden = !w->isVisible() || w->visibleRegion().isEmpty();
        if (hidden) {
            // Tabified docks are not laid out: give the view a real size to render.
            holder->resize(std::max(old.width(), 900), std::max(old.height(), 700));
            if (w->size().width() < 900)
                w->resize(holder->size());
        }
        save(w, dock->objectName().remove(QStringLiteral("Dock")).toLower());
        if (hidden)
            holder->resize(old);
    }
    return written;
}

void MainWindow::addTrailer(const QString& video)
{
    addTrailers({video});
}

void MainWindow::addTrailers(const QStringList& videos)
{
    newTrailer_->addVideos(videos);
    newTrailer_->show();
    newTrailer_->raise();
}

}  // namespace tl::ui
