#include "ui/NewTrailerDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
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
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Trailer:"), this));
    top->addWidget(videos_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(status_);
    layout->addWidget(table_, 1);
    layout->addWidget(buttons);
    resize(460, 520);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    connect(videos_, &QComboBox::currentIndexChanged, this, &NewTrailerDialog::update);
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

void NewTrailerDialog::loadFromProject()
{
    job_->cancel();
    runningKey_.clear();
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
    const QString path = QFileInfo(video).absoluteFilePath();
    if (!workbench_->hasProject()) {
        setStatus(tr("%1: open a project first; a new trailer is placed among its users.").arg(path));
        return false;
    }
    const QFileInfo info(path);
    if (!info.exists() || !info.isFile()) {
        setStatus(tr("%1: %2").arg(path, info.exists() ? tr("not a regular file") : tr("file not found")));
        return false;
    }
    int at = videos_->findData(path);
    if (at < 0) {
        // Recorded in the project file as it is on disk now (other fields kept), so it
        // comes back on reopening.
        const tl::Project& open = workbench_->project()->project;
        try {
            tl::ProjectLoadOptions options;
            options.cache = open.cache;
            tl::Project onDisk = tl::loadProject(open.file, options);
            const std::filesystem::path added = path.toStdString();
            if (std::find(onDisk.addedVideos.begin(), onDisk.addedVideos.end(), added) == onDisk.addedVideos.end())
                onDisk.addedVideos.push_back(added);
            tl::saveProject(onDisk, open.file);
        } catch (const std::exception& e) {
            setStatus(tr("%1 is shown but not recorded in the project: %2").arg(path, QString::fromStdString(e.what())));
        }
        videos_->addItem(info.fileName(), path);
        at = videos_->count() - 1;
        videos_->setItemData(at, path, Qt::ToolTipRole);
    }
    if (videos_->currentIndex() == at)
        update();
    else
        videos_->setCurrentIndex(at);
    return true;
}

void NewTrailerDialog::showEvent(QShowEvent* event)
{
    QDialog::showEvent(event);
    update();
}

void NewTrailerDialog::update()
{
    if (!isVisible())
        return;
    table_->setRowCount(0);
    shown_.clear();
    if (!workbench_->hasProject())
        return setStatus(tr("No project open."));
    const QString video = videos_->currentData().toString();
    if (video.isEmpty())
        return setStatus(tr("No trailer added yet: File > Add Trailer…, or drop a video file on the library."));
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
    const tl::Normalization normalization = model->settings().normalization;
    const QString key = video + QLatin1Char('|') + source + QLatin1Char('|') +
                        QString::fromStdString(tl::toString(normalization));
    if (const auto failure = failures_.find(key); failure != failures_.end())
        return setStatus(*failure);
    if (const auto placed = placed_.value(key))
        return showRanking(*placed, source);
    if (job_->busy() && runningKey_ == key)
        return;
    job_->cancel();
    runningKey_ = key;
    setStatus(tr("Extracting the %1 features of %2 in the background…").arg(source, QFileInfo(video).fileName()));
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
            placed_.insert(key, placed);
            update();
        },
        [this, key, video](const QString& message, bool cancelled) {
            runningKey_.clear();
            if (cancelled)
                return setStatus(tr("Cancelled: %1 was not placed.").arg(QFileInfo(video).fileName()));
            failures_.insert(key, tr("%1 was not placed: %2").arg(video, message));
            update();
        });
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
