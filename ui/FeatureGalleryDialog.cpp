#include "ui/FeatureGalleryDialog.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QSpinBox>
#include <QVBoxLayout>

#include <chrono>
#include <filesystem>
#include <vector>

#include "core/eval/CfModel.h"
#include "core/experiment/ConfigurationFrames.h"
#include "core/video/Playback.h"
#include "ui/JobRunner.h"
#include "ui/KeyframeStrip.h"
#include "ui/Workbench.h"

namespace tl::ui {

namespace {

struct BuiltIndex {
    std::shared_ptr<const GalleryIndex> index;
    double seconds = 0;
    bool loaded = false;  // read back from the saved index
};

struct Picture {
    QString key;
    QImage image;
};

QString pictureKey(const std::string& item, float time)
{
    return QString::fromStdString(item) + QLatin1Char('|') + QString::number(static_cast<double>(time), 'f', 3);
}

QString clockText(double seconds)
{
    return KeyframeStrip::timeText(static_cast<qint64>(seconds * 1000.0 + 0.5));
}

}  // namespace

FeatureGalleryDialog::FeatureGalleryDialog(const Workbench* workbench, JobRunner* jobs, QWidget* parent)
    : QDialog(parent),
      workbench_(workbench),
      indexJob_(std::make_unique<JobGroup>(jobs, this)),
      pictureJob_(std::make_unique<JobGroup>(jobs, this))
{
    setWindowTitle(tr("Feature gallery"));
    setObjectName(QStringLiteral("FeatureGallery"));
    title_ = new QLabel(this);
    QFont bold = title_->font();
    bold.setBold(true);
    title_->setFont(bold);
    title_->setWordWrap(true);
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    status_->setStyleSheet(QStringLiteral("color: #505050"));

    features_ = new QListWidget(this);
    features_->setToolTip(tr("The current user's strongest features in this configuration (utility MUP(u, f))"));
    features_->setFixedWidth(230);
    featureBox_ = new QSpinBox(this);
    featureBox_->setPrefix(tr("feature "));
    featureBox_->setToolTip(tr("Any feature column of the configuration"));
    frames_ = new QListWidget(this);
    frames_->setViewMode(QListView::IconMode);
    frames_->setMovement(QListView::Static);
    frames_->setResizeMode(QListView::Adjust);
    frames_->setIconSize(QSize(192, 108));
    frames_->setGridSize(QSize(206, 160));
    frames_->setWordWrap(true);
    frames_->setToolTip(tr("The frames that activate this feature most; click one to play its trailer there"));

    auto* left = new QVBoxLayout;
    left->addWidget(new QLabel(tr("Strongest features of the user"), this));
    left->addWidget(features_, 1);
    left->addWidget(featureBox_);
    auto* right = new QVBoxLayout;
    right->addWidget(title_);
    right->addWidget(frames_, 1);
    right->addWidget(status_);
    auto* layout = new QHBoxLayout(this);
    layout->addLayout(left);
    layout->addLayout(right, 1);
    resize(1100, 600);

    connect(features_, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0)
            showFeature(features_->item(row)->data(Qt::UserRole).toInt());
    });
    connect(featureBox_, &QSpinBox::valueChanged, this, [this](int f) {
        if (f != feature_)
            showFeature(f);
    });
    connect(frames_, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        Q_EMIT frameRequested(item->data(Qt::UserRole).toString(), item->data(Qt::UserRole + 1).toLongLong());
    });
    connect(workbench_, &Workbench::projectClosed, this, [this] {
        indexJob_->cancel();
        pictureJob_->cancel();
        indexes_.clear();
        indexErrors_.clear();
        pictures_.clear();
        indexing_.clear();
        hide();
    });
    connect(workbench_, &Workbench::sourcesChanged, this, [this] {
        indexes_.clear();  // a configuration extracted again may have other frames
        indexErrors_.clear();
        if (isVisible())
            refresh();
    });
    connect(workbench_, &Workbench::activeSourceChanged, this, [this] {
        if (isVisible()) {
            fillFeatureList();
            refresh();
        }
    });
    connect(workbench_, &Workbench::userChanged, this, [this] {
        if (isVisible())
            fillFeatureList();
    });
}

FeatureGalleryDialog::~FeatureGalleryDialog() = default;

QString FeatureGalleryDialog::featureTitle() const
{
    return title_->text();
}

QString FeatureGalleryDialog::statusText() const
{
    return status_->text();
}

bool FeatureGalleryDialog::busy() const
{
    return indexJob_->busy() || pictureJob_->busy();
}

void FeatureGalleryDialog::showFeature(int feature)
{
    feature_ = feature;
    if (!isVisible()) {
        fillFeatureList();
        show();
    }
    raise();
    activateWindow();
    refresh();
}

void FeatureGalleryDialog::fillFeatureList()
{
    const QSignalBlocker block(features_);
    features_->clear();
    if (!workbench_->hasProject())
        return;
    const QString source = workbench_->activeSource();
    const auto model = workbench_->model(source);
    const tl::ContentSourceInfo* info = workbench_->source(source);
    if (!model || !info)
        return;
    features::FeatureLayout layout = features::FeatureLayout::indexed({}, model->items().dims());
    try {
        layout = featureLayoutOf(*workbench_->project(), *info, model->items().dims());
    } catch (const tl::Error&) {
        // An unreadable sidecar: features keep their positions as names.
    }
    for (const auto& f : model->topFeatures(workbench_->user(), 30)) {
        auto* item = new QListWidgetItem(
            tr("%1  (%2)").arg(QString::fromStdString(featureName(layout, f.feature))).arg(f.value, 0, 'g', 4),
            features_);
        item->setData(Qt::UserRole, static_cast<int>(f.feature));
    }
}

void FeatureGalleryDialog::refresh()
{
    frames_->clear();
    if (!workbench_->hasProject()) {
        title_->setText(tr("No project open"));
        status_->clear();
        return;
    }
    const QString source = workbench_->activeSource();
    const auto model = workbench_->model(source);
    const tl::ContentSourceInfo* info = workbench_->source(source);
    if (!model || !info) {
        title_->setText(tr("Configuration %1").arg(source));
        status_->setText(tr("Waiting for the model of %1.").arg(source));
        return;
    }
    const auto dims = static_cast<int>(model->items().dims());
    {
        const QSignalBlocker block(featureBox_);
        featureBox_->setRange(0, std::max(0, dims - 1));
        featureBox_->setValue(std::clamp(feature_, 0, std::max(0, dims - 1)));
    }
    for (int row = 0; row < features_->count(); ++row)
        if (features_->item(row)->data(Qt::UserRole).toInt() == feature_) {
            const QSignalBlocker block(features_);
            features_->setCurrentRow(row);
        }
    QString name = QString::number(feature_);
    try {
        if (feature_ >= 0 && feature_ < dims)
            name = QString::fromStdString(
                featureName(featureLayoutOf(*workbench_->project(), *info, model->items().dims()),
                            static_cast<std::size_t>(feature_)));
    } catch (const tl::Error&) {
    }
    title_->setText(tr("%1 — configuration %2").arg(name, source));
    if (feature_ < 0 || feature_ >= dims) {
        status_->setText(tr("Pick a feature on the left (or click a bar of the user's profile)."));
        return;
    }
    if (const auto error = indexErrors_.find(source); error != indexErrors_.end()) {
        status_->setText(*error);
        return;
    }
    if (!indexes_.contains(source)) {
        requestIndex(source);
        return;
    }
    showFrames();
}

void FeatureGalleryDialog::requestIndex(const QString& source)
{
    if (indexJob_->busy() && indexing_ == source) {
        status_->setText(tr("Finding the frames that activate each feature most (every trailer's frames through "
                            "the configuration's model, once per configuration; progress in the Jobs tab)…"));
        return;
    }
    indexJob_->cancel();
    indexing_ = source;
    status_->setText(tr("Finding the frames that activate each feature most (every trailer's frames through the "
                        "configuration's model, once per configuration; progress in the Jobs tab)…"));
    const std::shared_ptr<const tl::ProjectData> project = workbench_->project();
    const tl::ContentSourceInfo info = *workbench_->source(source);
    indexJob_->run<BuiltIndex>(
        tr("Feature gallery index: %1").arg(source),
        [project, info](const JobContext& ctx) {
            const auto start = std::chrono::steady_clock::now();
            BuiltIndex out;
            out.index = std::make_shared<const GalleryIndex>(
                galleryIndexFor(*project, info, static_cast<std::size_t>(kTopFrames), ctx, &out.loaded));
            out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            return out;
        },
        [this, source](BuiltIndex built) {
            indexing_.clear();
            indexes_.insert(source, built.index);
            const GalleryIndex& g = *built.index;
            QString text = tr("Index of %1: %2 frames of %3 trailers, the top %4 of each of %5 features (%6 KiB), "
                              "%7 in %8 s.")
                               .arg(source)
                               .arg(g.frames)
                               .arg(g.items.size())
                               .arg(g.index.top())
                               .arg(g.index.dims())
                               .arg(static_cast<double>(g.index.bytes()) / 1024.0, 0, 'f', 0)
                               .arg(built.loaded ? tr("read back") : tr("built"))
                               .arg(built.seconds, 0, 'f', 1);
            if (!g.failures.empty())
                text += tr(" %1 trailer(s) gave no frame: %2")
                            .arg(g.failures.size())
                            .arg(QString::fromStdString(g.failures.front()));
            indexErrors_.remove(source);
            status_->setText(text);
            if (workbench_->activeSource() == source)
                refresh();
        },
        [this, source](const QString& message, bool cancelled) {
            indexing_.clear();
            if (cancelled)
                return;
            indexErrors_.insert(source, tr("No gallery for %1: %2").arg(source, message));
            if (workbench_->activeSource() == source)
                refresh();
        });
}

void FeatureGalleryDialog::showFrames()
{
    const QString source = workbench_->activeSource();
    const auto index = indexes_.value(source);
    const std::vector<features::Activation> top = index->index.entries(static_cast<std::size_t>(feature_));
    if (top.empty()) {
        status_->setText(tr("No frame in the index (no trailer gave features)."));
        return;
    }
    // Decode the frames not seen yet, then list them all.
    struct Wanted {
        QString key;
        std::filesystem::path video;
        double time;
    };
    std::vector<Wanted> wanted;
    for (const auto& a : top) {
        const std::string& item = index->items[a.item];
        const QString key = pictureKey(item, a.time);
        const QString video = workbench_->videoOf(QString::fromStdString(item));
        if (!pictures_.contains(key) && !video.isEmpty())
            wanted.push_back({key, video.toStdString(), static_cast<double>(a.time)});
    }
    auto list = [this, index, top] {
        frames_->clear();
        for (const auto& a : top) {
            const std::string& item = index->items[a.item];
            const QString id = QString::fromStdString(item);
            QImage picture = pictures_.value(pictureKey(item, a.time));
            QPixmap pix(frames_->iconSize());
            pix.fill(Qt::darkGray);
            if (!picture.isNull()) {
                const QImage scaled = picture.scaled(frames_->iconSize(), Qt::KeepAspectRatio, Qt::SmoothTransformation);
                QPainter painter(&pix);
                painter.drawImage((pix.width() - scaled.width()) / 2, (pix.height() - scaled.height()) / 2, scaled);
            }
            auto* entry = new QListWidgetItem(
                QIcon(pix), tr("%1\n%2  activation %3")
                                .arg(workbench_->titleOf(id), clockText(static_cast<double>(a.time)))
                                .arg(static_cast<double>(a.value), 0, 'g', 4),
                frames_);
            entry->setData(Qt::UserRole, id);
            entry->setData(Qt::UserRole + 1, static_cast<qint64>(static_cast<double>(a.time) * 1000.0 + 0.5));
            entry->setToolTip(tr("%1 at %2 s: activation %3. Click to play the trailer there.")
                                  .arg(workbench_->titleOf(id))
                                  .arg(static_cast<double>(a.time), 0, 'f', 2)
                                  .arg(static_cast<double>(a.value), 0, 'g', 6));
        }
        Q_EMIT galleryShown(frames_->count());
    };
    if (wanted.empty())
        return list();
    list();  // the entries at once, their pictures when decoded
    pictureJob_->cancel();
    pictureJob_->run<std::vector<Picture>>(
        tr("Feature gallery frames"),
        [wanted](const JobContext& ctx) {
            std::vector<Picture> out;
            for (const auto& w : wanted) {
                ctx.checkCancelled();
                try {
                    video::PlaybackVideo video(w.video, 384, 216, &ctx.token());
                    video.seek(w.time);
                    video::PlaybackFrame frame;
                    if (video.next(frame))
                        out.push_back({w.key, QImage(frame.rgb.data(), frame.width, frame.height, 3 * frame.width,
                                                     QImage::Format_RGB888)
                                                  .copy()});
                } catch (const tl::DecodeError&) {
                    out.push_back({w.key, QImage()});  // shown grey: the trailer cannot be decoded here
                }
            }
            return out;
        },
        [this, list](std::vector<Picture> pictures) {
            for (auto& p : pictures)
                pictures_.insert(p.key, p.image);
            list();
        });
}

}  // namespace tl::ui
