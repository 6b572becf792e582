#include "ui/NewTrailerDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

#include "core/common/Error.h"
#include "core/experiment/NewTrailer.h"
#include "core/project/Project.h"
#include "ui/JobRunner.h"
#include "ui/Workbench.h"

namespace tl::ui {

NewTrailerDialog::NewTrailerDialog(Workbench* workbench, JobRunner* jobs, QWidget* parent)
    : QDialog(parent), workbench_(workbench), job_(std::make_unique<JobGroup>(jobs, this))
{
    setWindowTitle(tr("New trailer: the users it suits"));
    setModal(false);
    videos_ = new QComboBox(this);
    videos_->setMinimumContentsLength(24);
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    table_ = new QTableWidget(0, 3, this);
    table_->setHorizontalHeaderLabels({tr("Rank"), tr("User"), tr("cos(MUP, MIP)")});
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setDefaultSectionSize(22);
    table_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    table_->setToolTip(tr("Click a user to select it in the user explorer"));
    notAdded_ = new QLabel(this);
    notAdded_->setWordWrap(true);
    notAdded_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    notAdded_->setStyleSheet(QStringLiteral("color: #b03030;"));
    notAdded_->hide();
    overview_ = new QListWidget(this);
    overview_->setObjectName(QStringLiteral("NewTrailerOverview"));
    overview_->setToolTip(tr("Every trailer added: its state and the users it suits best. Click one to see all its users."));
    overview_->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Trailer:"), this));
    top->addWidget(videos_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(notAdded_);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(overview_);
    auto* chosen = new QWidget(this);
    auto* chosenLayout = new QVBoxLayout(chosen);
    chosenLayout->setContentsMargins(0, 0, 0, 0);
    chosenLayout->addWidget(status_);
    chosenLayout->addWidget(table_, 1);
    split->addWidget(chosen);
    split->setStretchFactor(1, 3);
    split->setSizes({110, 420});
    layout->addWidget(split, 1);
    layout->addWidget(buttons);
    resize(480, 600);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    connect(videos_, &QComboBox::currentIndexChanged, this, &NewTrailerDialog::update);
    connect(overview_, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < videos_->count())
            videos_->setCurrentIndex(row);
    });
    connect(table_, &QTableWidget::cellClicked, this, [this](int row, int) {
        if (row >= 0 && static_cast<std::size_t>(row) < shown_.size())
            workbench_->setUser(shown_[static_cast<std::size_t>(row)].user);
    });
    connect(workbench_, &Workbench::projectOpened, this, &NewTrailerDialog::loadFromProject);
    connect(workbench_, &Workbench::projectClosed, this, &NewTrailerDialog::loadFromProject);
    connect(workbench_, &Workbench::activeSourceChanged, this, &NewTrailerDialog::update);
    connect(workbench_, &Workbench::modelReady, this, &NewTrailerDialog::update);
    connect(workbench_, &Workbench::modelFailed, this, &NewTrailerDialog::update);
    loadFromProject();
}

NewTrailerDialog::~NewTrailerDialog()
{
    job_.reset();
}

QString NewTrailerDialog::statusText() const
{
    return status_->text();
}

bool NewTrailerDialog::busy() const
{
    return job_->busy();
}

void NewTrailerDialog::setStatus(const QString& text)
{
    status_->setText(text);
}

QString NewTrailerDialog::notAddedText() const
{
    return notAdded_->isVisible() ? notAdded_->text() : QString();
}

void NewTrailerDialog::loadFromProject()
{
    job_->cancel();
    runningKey_.clear();
    runningVideo_.clear();
    notAdded_->clear();
    notAdded_->hide();
    placed_.clear();
    failures_.clear();
    const QSignalBlocker block(videos_);
    videos_->clear();
    if (workbench_->hasProject())
        for (const auto& video : workbench_->project()->project.addedVideos) {
            const QString path = QString::fromStdString(video.string());
            videos_->addItem(QFileInfo(path).fileName(), path);
            videos_->setItemData(videos_->count() - 1, path, Qt::ToolTipRole);
        }
    update();
}

bool NewTrailerDialog::addVideo(const QString& video)
{
    return addVideos({video}) == 1;
}

int NewTrailerDialog::addVideos(const QStringList& videos)
{
    QStringList reasons, accepted;
    for (const QString& video : videos) {
        const QString path = QFileInfo(video).absoluteFilePath();
        const QFileInfo info(path);
        if (!workbench_->hasProject())
            reasons << tr("%1: open a project first; a new trailer is placed among its users.").arg(path);
        else if (!info.exists() || !info.isFile())
            reasons << tr("%1: %2").arg(path, info.exists() ? tr("not a regular file") : tr("file not found"));
        else if (!accepted.contains(path))
            accepted << path;
    }
    notAdded_->setText(reasons.isEmpty() ? QString() : tr("Not added: %1").arg(reasons.join(QStringLiteral("; "))));
    notAdded_->setVisible(!reasons.isEmpty());
    if (accepted.isEmpty()) {
        if (!reasons.isEmpty())
            setStatus(reasons.join(QLatin1Char('\n')));
        return 0;
    }
    QStringList fresh;
    for (const QString& path : accepted) {
        if (videos_->findData(path) < 0)
            fresh << path;
        // Added again: a failed placing is tried again.
        for (auto it = failures_.begin(); it != failures_.end();)
            it = it.key().startsWith(path + QLatin1Char('|')) ? failures_.erase(it) : std::next(it);
    }
    if (!fresh.isEmpty()) {
        // Recorded in the project file as it is on disk now (other fields kept), so they
        // come back on reopening.
        const tl::Project& open = workbench_->project()->project;
        try {
            tl::ProjectLoadOptions options;
            options.cache = open.cache;
            tl::Project onDisk = tl::loadProject(open.file, options);
            for (const QString& path : fresh) {
                const std::filesystem::path added = path.toStdString();
                if (std::find(onDisk.addedVideos.begin(), onDisk.addedVideos.end(), added) == onDisk.addedVideos.end())
                    onDisk.addedVideos.push_back(added);
            }
            tl::saveProject(onDisk, open.file);
        } catch (const std::exception& e) {
            notAdded_->setText((notAdded_->text().isEmpty() ? QString() : notAdded_->text() + QLatin1Char('\n')) +
                               tr("Shown but not recorded in the project: %1").arg(QString::fromStdString(e.what())));
            notAdded_->show();
        }
        const QSignalBlocker block(videos_);
        for (const QString& path : fresh) {
            videos_->addItem(QFileInfo(path).fileName(), path);
            videos_->setItemData(videos_->count() - 1, path, Qt::ToolTipRole);
        }
    }
    const int at = videos_->findData(accepted.front());
    if (videos_->currentIndex() == at)
        update();
    else
        videos_->setCurrentIndex(at);
    if (!fresh.isEmpty())
        update();  // the signal was blocked while adding: the overview lists the new ones
    return static_cast<int>(accepted.size());
}

void NewTrailerDialog::showEvent(QShowEvent* event)
{
    QDialog::showEvent(event);
    update();
}

QString NewTrailerDialog::keyOf(const QString& video) const
{
    const QString source = workbench_->activeSource();
    const tl::ContentSourceInfo* info = workbench_->source(source);
    if (!info || !tl::whyNoNewTrailers(*workbench_->project(), *info).empty())
        return {};
    const auto model = workbench_->model(source);
    if (!model)
        return {};
    return video + QLatin1Char('|') + source + QLatin1Char('|') +
           QString::fromStdString(tl::toString(model->settings().normalization));
}

void NewTrailerDialog::update()
{
    refreshOverview();
    if (!isVisible())
        return;
    table_->setRowCount(0);
    shown_.clear();
    if (!workbench_->hasProject())
        return setStatus(tr("No project open."));
    const QString video = videos_->currentData().toString();
    if (video.isEmpty())
        return setStatus(tr("No trailer added yet: File > Add Trailer…, or drop video files on the library."));
    const QString source = workbench_->activeSource();
    const tl::ContentSourceInfo* info = workbench_->source(source);
    if (!info)
        return setStatus(tr("This project has no configuration yet: extract one to place %1.")
                             .arg(QFileInfo(video).fileName()));
    if (const std::string why = tl::whyNoNewTrailers(*workbench_->project(), *info); !why.empty())
        return setStatus(tr("%1 cannot be placed in %2: %3")
                             .arg(QFileInfo(video).fileName(), source, QString::fromStdString(why)));
    const auto model = workbench_->model(source);
    if (!model) {
        const QString error = workbench_->modelError(source);
        return setStatus(error.isEmpty() ? tr("Waiting for the model of %1.").arg(source)
                                         : tr("The model of %1 failed: %2").arg(source, error));
    }
    const QString key = keyOf(video);
    if (const auto failure = failures_.find(key); failure != failures_.end())
        return setStatus(*failure);
    if (const auto placed = placed_.value(key))
        return showRanking(*placed, source);
    placeNext();
    if (runningKey_ == key)
        setStatus(tr("Extracting the %1 features of %2 in the background…").arg(source, QFileInfo(video).fileName()));
    else
        setStatus(tr("%1 is queued: %2 is being placed first.")
                      .arg(QFileInfo(video).fileName(), QFileInfo(runningVideo_).fileName()));
}

void NewTrailerDialog::placeNext()
{
    if (!isVisible() || !workbench_->hasProject())
        return;
    if (job_->busy()) {
        // A job for another configuration (the active one changed) is of no use any more.
        if (runningKey_ == keyOf(runningVideo_))
            return;
        job_->cancel();
    }
    QStringList order;
    if (videos_->currentIndex() >= 0)
        order << videos_->currentData().toString();
    for (int i = 0; i < videos_->count(); ++i)
        if (i != videos_->currentIndex())
            order << videos_->itemData(i).toString();
    for (const QString& video : order) {
        const QString key = keyOf(video);
        if (key.isEmpty())
            return;  // no configuration to place with (the same for every video)
        if (!placed_.contains(key) && !failures_.contains(key))
            return place(video, key);
    }
}

void NewTrailerDialog::place(const QString& video, const QString& key)
{
    const QString source = workbench_->activeSource();
    const tl::ContentSourceInfo* info = workbench_->source(source);
    const auto model = workbench_->model(source);
    runningKey_ = key;
    runningVideo_ = video;
    const tl::Normalization normalization = model->settings().normalization;
    const std::shared_ptr<const tl::ProjectData> project = workbench_->project();
    const tl::ContentSourceInfo sourceInfo = *info;
    const std::filesystem::path path = video.toStdString();
    job_->run<std::shared_ptr<const NewTrailerDialog::Placed>>(
        tr("New trailer: %1 (%2)").arg(QFileInfo(video).fileName(), source),
        [project, sourceInfo, normalization, path, model](const JobContext& ctx) {
            const tl::NewTrailerProfile profile = tl::newTrailerProfile(*project, sourceInfo, normalization, path, ctx);
            auto placed = std::make_shared<NewTrailerDialog::Placed>();
            placed->users = tl::usersForItem(*model, profile.profile);
            placed->frames = profile.frames;
            placed->probe = QStringLiteral("%1×%2, %3 s")
                                .arg(profile.info.displayWidth)
                                .arg(profile.info.displayHeight)
                                .arg(profile.info.duration, 0, 'f', 1);
            return std::shared_ptr<const NewTrailerDialog::Placed>(std::move(placed));
        },
        [this, key](std::shared_ptr<const NewTrailerDialog::Placed> placed) {
            runningKey_.clear();
            runningVideo_.clear();
            placed_.insert(key, placed);
            update();
            placeNext();
            refreshOverview();
        },
        [this, key, video](const QString& message, bool cancelled) {
            runningKey_.clear();
            runningVideo_.clear();
            // A cancel from the jobs list: kept as the outcome until the video is added again.
            failures_.insert(key, cancelled ? tr("Cancelled: %1 was not placed (add it again to retry).").arg(video)
                                            : tr("%1 was not placed: %2").arg(video, message));
            update();
            placeNext();
            refreshOverview();
        });
    refreshOverview();
}

void NewTrailerDialog::refreshOverview()
{
    const QSignalBlocker block(overview_);
    overview_->clear();
    // Why nothing can be placed now (the same for every video), shown where the key is empty.
    QString waiting = tr("no project open");
    if (workbench_->hasProject()) {
        const QString source = workbench_->activeSource();
        const tl::ContentSourceInfo* info = workbench_->source(source);
        if (!info)
            waiting = tr("no configuration to place it in yet");
        else if (!tl::whyNoNewTrailers(*workbench_->project(), *info).empty())
            waiting = tr("%1 cannot place trailers: choose a trailer configuration").arg(source);
        else
            waiting = tr("waiting for the model of %1").arg(source);
    }
    static const tl::IdMap none;
    const tl::IdMap& users = workbench_->hasProject() ? workbench_->project()->data.users : none;
    for (int i = 0; i < videos_->count(); ++i) {
        const QString video = videos_->itemData(i).toString();
        const QString key = workbench_->hasProject() ? keyOf(video) : QString();
        QString state;
        if (key.isEmpty())
            state = waiting;
        else if (const auto placed = placed_.value(key)) {
            QStringList best;
            for (std::size_t r = 0; r < std::min<std::size_t>(3, placed->users.ranked.size()); ++r) {
                const UserMatch& m = placed->users.ranked[r];
                best << tr("%1 (%2)")
                            .arg(m.user < users.size() ? QString::fromStdString(users.id(m.user)) : QString::number(m.user))
                            .arg(m.similarity, 0, 'f', 4);
            }
            state = best.isEmpty() ? tr("placed: no user has a profile") : tr("best: %1").arg(best.join(QStringLiteral(", ")));
        } else if (const auto failure = failures_.find(key); failure != failures_.end())
            state = tr("not placed (see below)");
        else if (key == runningKey_)
            state = tr("extracting features…");
        else
            state = tr("queued");
        auto* row = new QListWidgetItem(tr("%1 — %2").arg(QFileInfo(video).fileName(), state), overview_);
        row->setData(Qt::UserRole, video);
        row->setToolTip(failures_.contains(key) ? failures_.value(key) : video);
        if (failures_.contains(key))
            row->setForeground(QColor(0xb0, 0x30, 0x30));
    }
    overview_->setCurrentRow(videos_->currentIndex());
}

void NewTrailerDialog::showRanking(const Placed& placed, const QString& source)
{
    const UsersForItem& result = placed.users;
    shown_ = result.ranked;
    const QString video = QFileInfo(videos_->currentData().toString()).fileName();
    QString text = tr("%1 (%2; %3 frames sampled) in %4: the users it suits best before anyone rates it, by the "
                      "cosine of their profile to its profile. Click a user to explore it.")
                       .arg(video, placed.probe)
                       .arg(placed.frames)
                       .arg(source);
    if (result.withoutProfile > 0)
        text += QLatin1Char(' ') + tr("%n user(s) without a profile are not ranked.", "", int(result.withoutProfile));
    setStatus(text);
    const auto& users = workbench_->project()->data.users;
    const int rows = static_cast<int>(std::min<std::size_t>(shown_.size(), kShown));
    table_->setRowCount(rows);
    for (int r = 0; r < rows; ++r) {
        const UserMatch& m = shown_[static_cast<std::size_t>(r)];
        auto* rank = new QTableWidgetItem(QString::number(r + 1));
        auto* user = new QTableWidgetItem(m.user < users.size() ? QString::fromStdString(users.id(m.user))
                                                                : QString::number(m.user));
        auto* similarity = new QTableWidgetItem(QString::number(m.similarity, 'f', 4));
        rank->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        similarity->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        table_->setItem(r, 0, rank);
        table_->setItem(r, 1, user);
        table_->setItem(r, 2, similarity);
    }
    table_->resizeColumnsToContents();
    Q_EMIT rankingShown();
}

}  // namespace tl::ui
