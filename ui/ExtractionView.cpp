#include "ui/ExtractionView.h"

#include "ui/TableCells.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

#include "core/features/ModelRegistry.h"
#ifndef TRAILERLAB_NO_VIDEO
#include "core/audio/AudioDescriptors.h"
#include "core/audio/AudioExtraction.h"
#endif
#include "core/session/AutoExtraction.h"
#include "core/session/DeviceInfo.h"
#include "ui/JobRunner.h"
#include "ui/Workbench.h"

namespace tl::ui {

namespace {

enum ItemColumn { ItemId, ItemTitle, ItemStatus, ItemFrames, ItemMessage, ItemColumns };


}  // namespace

ExtractionView::ExtractionView(Workbench* workbench, JobRunner* jobs, QWidget* parent)
    : QWidget(parent), workbench_(workbench), jobs_(jobs), extraction_(std::make_unique<JobGroup>(jobs, this))
{
    model_ = new QComboBox(this);
    model_->addItem(tr("MobileNetV2 (1280 features, ImageNet int8 ONNX)"), QStringLiteral("mobilenetv2"));
    model_->addItem(tr("VGG11 (25,088 features)"), QStringLiteral("vgg11"));
    model_->addItem(tr("VGG16 (25,088 features)"), QStringLiteral("vgg16"));
    model_->addItem(tr("VGG19 (25,088 features)"), QStringLiteral("vgg19"));
#ifndef TRAILERLAB_NO_VIDEO
    model_->addItem(tr("Audio descriptors (%1 named: log-mel, MFCC, tempo, loudness)")
                        .arg(audio::audioDescriptorNames().size()),
                    QString::fromLatin1(kAudioModel));
#endif
    weightsFile_ = new QLabel(this);
    weightsFile_->setWordWrap(true);
    weightsFile_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    import_ = new QPushButton(tr("Import Weights…"), this);
    import_->setToolTip(tr("Choose a weights file (mobilenetv2-12-int8.onnx, vgg19.safetensors, …): it is copied into "
                           "your data folder with its SHA-256 and used by every view from then on, also after a "
                           "restart. Also in the Extraction menu."));
    random_ = new QCheckBox(tr("Random weights, seed"), this);
    random_->setToolTip(tr("For timing and tests only: features from random weights carry no ImageNet knowledge"));
    seed_ = new QSpinBox(this);
    seed_->setRange(0, 1000000);
    seed_->setValue(1);
    provenance_ = new QLabel(this);
    provenance_->setWordWrap(true);
    provenance_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    fps_ = new QDoubleSpinBox(this);
    fps_->setRange(0.1, 30.0);
    fps_->setValue(1.0);
    fps_->setSingleStep(1.0);
    fps_->setSuffix(tr(" frames/s"));
    mode_ = new QComboBox(this);
    mode_->addItem(tr("Uniform (N frames per second)"), 0);
    mode_->addItem(tr("One keyframe per shot"), 1);
    device_ = new QComboBox(this);
    const auto& device = session::computeDevice();
    // Each choice carries its device's text (ComputeDevice::str()).
    device_->addItem(tr("Automatic (%1)").arg(QString::fromStdString(device.description)), QStringLiteral("auto"));
    device_->addItem(tr("CPU"), QStringLiteral("cpu"));
    if (device.cuda)
        device_->addItem(tr("CUDA: %1").arg(QString::fromStdString(device.name)), QStringLiteral("cuda"));
    start_ = new QPushButton(tr("Start extraction"), this);
    cancel_ = new QPushButton(tr("Cancel"), this);
    overall_ = new QProgressBar(this);
    overall_->setRange(0, 1000);
    overall_->setValue(0);
    overall_->setFormat(QStringLiteral("%p %"));
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    items_ = new QTableWidget(0, ItemColumns, this);
    items_->setHorizontalHeaderLabels({tr("Item"), tr("Title"), tr("Status"), tr("Frames"), tr("Message")});
    items_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    items_->horizontalHeader()->setStretchLastSection(true);
    items_->verticalHeader()->hide();
    items_->setAlternatingRowColors(true);

    auto* weightsRow = new QHBoxLayout;
    weightsRow->addWidget(weightsFile_, 1);
    weightsRow->addWidget(import_);
    auto* randomRow = new QHBoxLayout;
    randomRow->addWidget(random_);
    randomRow->addWidget(seed_);
    randomRow->addStretch(1);
    auto* form = new QFormLayout;
    form->addRow(tr("Model:"), model_);
    form->addRow(tr("Weights:"), weightsRow);
    form->addRow(QString(), randomRow);
    form->addRow(tr("Provenance:"), provenance_);
    form->addRow(tr("Sampling:"), mode_);
    form->addRow(tr("Rate:"), fps_);
    form->addRow(tr("Device:"), device_);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(start_);
    buttons->addWidget(cancel_);
    buttons->addWidget(overall_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(status_);
    layout->addWidget(items_, 1);

    connect(model_, &QComboBox::currentIndexChanged, this, &ExtractionView::updateProvenance);
    connect(model_, &QComboBox::currentIndexChanged, this, [this] { setRunning(job_ != 0); });  // audio: no weights
    connect(workbench_, &Workbench::projectOpened, this, &ExtractionView::updateProvenance);  // the project's models folder
    connect(workbench_, &Workbench::weightsImported, this, &ExtractionView::updateProvenance);
    connect(random_, &QCheckBox::toggled, this, &ExtractionView::updateProvenance);
    connect(seed_, &QSpinBox::valueChanged, this, &ExtractionView::updateProvenance);
    connect(mode_, &QComboBox::currentIndexChanged, this, [this] { fps_->setEnabled(mode_->currentData().toInt() == 0); });
    connect(import_, &QPushButton::clicked, this, &ExtractionView::importWeights);
    connect(start_, &QPushButton::clicked, this, &ExtractionView::start);
    connect(cancel_, &QPushButton::clicked, this, &ExtractionView::cancel);
    connect(jobs_, &JobRunner::progressed, this, [this](int id, const Progress& p) {
        if (id != job_ || p.total <= 0)
            return;
        overall_->setValue(static_cast<int>(1000.0 * p.done / p.total));
        status_->setText(QString::fromStdString(p.detail));
        const int row = static_cast<int>(std::floor(p.done));
        if (row >= 0 && row < items_->rowCount() && items_->item(row, ItemStatus)->text() == tr("waiting"))
            items_->item(row, ItemStatus)->setText(tr("running"));
        if (row >= 0 && row < items_->rowCount() && items_->item(row, ItemStatus)->text().startsWith(tr("running")))
            items_->item(row, ItemStatus)->setText(tr("running %1 %").arg(static_cast<int>(100.0 * (p.done - row))));
    });
    connect(workbench_, &Workbench::projectOpened, this, &ExtractionView::fillItems);
    connect(workbench_, &Workbench::projectClosed, this, &ExtractionView::fillItems);
    // Choices persist across sessions.
    QSettings settings;
    model_->setCurrentIndex(std::max(0, model_->findData(settings.value(QStringLiteral("extraction/model"), "mobilenetv2"))));
    fps_->setValue(settings.value(QStringLiteral("extraction/fps"), 1.0).toDouble());
    mode_->setCurrentIndex(settings.value(QStringLiteral("extraction/mode"), 0).toInt());
    connect(model_, &QComboBox::currentIndexChanged, this,
            [this] { QSettings().setValue(QStringLiteral("extraction/model"), model_->currentData()); });
    connect(fps_, &QDoubleSpinBox::valueChanged, this, [](double v) { QSettings().setValue(QStringLiteral("extraction/fps"), v); });
    connect(mode_, &QComboBox::currentIndexChanged, this, [](int i) { QSettings().setValue(QStringLiteral("extraction/mode"), i); });
    updateProvenance();
    fillItems();
    setRunning(false);
}

bool ExtractionView::audioChosen() const
{
    return model_->currentData().toString() == QLatin1String(kAudioModel);
}

tl::ExtractionSettings ExtractionView::settings() const
{
    tl::ExtractionSettings s;
    s.model.model = model_->currentData().toString().toStdString();
    if (audioChosen())
        return s;  // no weights, no sampling: the sound is described, not sampled
    if (random_->isChecked())
        s.model.randomSeed = static_cast<std::uint64_t>(seed_->value());
    else
        s.model.weights = registry().find(s.model.model).file;  // empty when not found
    s.model.device = ComputeDevice::parse(device_->currentData().toString().toStdString());
    s.mode = mode_->currentData().toInt() == 1 ? video::SamplingMode::Shots : video::SamplingMode::Uniform;
    s.fps = fps_->value();
    return s;
}

features::ModelRegistry ExtractionView::registry() const
{
    return features::ModelRegistry::standard(workbench_->hasProject() ? workbench_->project()->project.folder()
                                                                      : std::filesystem::path());
}

void ExtractionView::importWeights()
{
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Import Weights"), QString(),
        tr("Model weights (*.onnx *.safetensors *.pt);;All files (*)"));
    if (!file.isEmpty())
        importWeightsFrom(file);
}

bool ExtractionView::importWeightsFrom(const QString& file)
{
    std::string model = features::ModelRegistry::modelForFile(file.toStdString());
    if (model.empty())
        model = model_->currentData().toString().toStdString();
    try {
        const auto imported = registry().importWeights(model, file.toStdString());
        const int index = model_->findData(QString::fromStdString(model));
        if (index >= 0)
            model_->setCurrentIndex(index);
        random_->setChecked(false);
        status_->setText(tr("Imported %1 weights: %2 (SHA-256 %3). Every view uses them from now on.")
                             .arg(QString::fromStdString(model), QString::fromStdString(imported.file.string()),
                                  QString::fromStdString(imported.sha256)));
        updateProvenance();
        workbench_->announceWeightsImported(QString::fromStdString(model));
        return true;
    } catch (const std::exception& e) {
        status_->setText(tr("Could not import %1: %2").arg(file, QString::fromStdString(e.what())));
        return false;
    }
}

void ExtractionView::updateProvenance()
{
    if (audioChosen()) {
        provenance_->setText(tr("no weights: named descriptors of each trailer's soundtrack (FFmpeg decoding, FFTW "
                                "spectra, EBU R 128 loudness), written as the configuration \"audio\"; trailers without "
                                "sound get no profile and are listed."));
        provenance_->setToolTip({});
        provenance_->setStyleSheet({});
        weightsFile_->setText(tr("not used (audio descriptors)"));
        weightsFile_->setToolTip({});
        return;
    }
    const auto s = settings();
    QString text, tooltip;
    QString weightsText = tr("not used (random weights)");
    bool warn = false;
    if (s.model.randomSeed) {
        text = tr("RANDOM WEIGHTS (seed %1): these features carry no ImageNet knowledge; use them for timing and "
                  "tests only.")
                   .arg(*s.model.randomSeed);
        warn = true;
    } else if (s.model.weights.empty()) {
        const auto lookup = registry().find(s.model.model);
        text = tr("%1 weights not found. Click Import Weights… (or choose Extraction > Import Weights…) and pick %2%3; "
                  "it is copied into your data folder and used from then on. Or tick Random weights for a timing "
                  "run.")
                   .arg(model_->currentText().section(QLatin1Char(' '), 0, 0),
                        QString::fromStdString(lookup.fileName),
                        s.model.model == "mobilenetv2" ? tr(" (ONNX Model Zoo)")
                                                       : tr(" (exported with models/export_weights.py)"));
        tooltip = QString::fromStdString(lookup.describeMissing());
        weightsText = tr("not found (hover for the places looked in)");
        warn = true;
    } else {
        const auto lookup = registry().find(s.model.model);
        text = tr("pretrained: %1").arg(QString::fromStdString(s.model.weights.string()));
        weightsText = tr("%1 (%2)").arg(QString::fromStdString(s.model.weights.string()),
                                        QString::fromStdString(features::describeSource(lookup.source)));
    }
    provenance_->setText(text);
    provenance_->setToolTip(tooltip);
    provenance_->setStyleSheet(warn ? QStringLiteral("color: #b02020; font-weight: bold") : QString());
    weightsFile_->setText(weightsText);
    weightsFile_->setToolTip(tooltip);
}

void ExtractionView::fillItems()
{
    items_->setRowCount(0);
    if (!workbench_->hasProject()) {
        status_->setText(tr("Open a project with trailers (a manifest item_id,video) to extract features."));
        return;
    }
    const auto& pd = *workbench_->project();
    // Row i is runExtraction's item i.
    for (const auto& [id, path] : tl::trailersInOrder(pd)) {
        const int row = items_->rowCount();
        items_->insertRow(row);
        items_->setItem(row, ItemId, cell(QString::fromStdString(id)));
        items_->setItem(row, ItemTitle, cell(QString::fromStdString(pd.titleOf(id))));
        items_->setItem(row, ItemStatus, cell(tr("waiting")));
        items_->setItem(row, ItemFrames, cell({}));
        items_->setItem(row, ItemMessage, cell(QFileInfo(QString::fromStdString(path.string())).fileName()));
    }
    items_->resizeColumnsToContents();
    status_->setText(pd.videoOf.empty()
                         ? tr("This project lists no trailer. Add a manifest (item_id,video) to the project file to "
                              "extract features; genre profiles work without one.")
                         : tr("%n trailer(s) ready. Finished videos are cached in %1, so a cancelled run resumes.",
                              nullptr, static_cast<int>(pd.videoOf.size()))
                               .arg(QString::fromStdString((pd.project.cache / "features").string())));
    setRunning(false);
}

void ExtractionView::setRunning(bool running)
{
    const bool hasVideos = workbench_->hasProject() && !workbench_->project()->videoOf.empty();
    start_->setEnabled(!running && hasVideos);
    cancel_->setEnabled(running);
    model_->setEnabled(!running);
    // The audio descriptors have no weights, sampling or device to choose.
    const bool frames = !audioChosen();
    for (QWidget* w : std::initializer_list<QWidget*>{import_, random_, seed_, mode_, device_})
        w->setEnabled(!running && frames);
    fps_->setEnabled(!running && frames && mode_->currentData().toInt() == 0);
}

void ExtractionView::start()
{
    if (job_ != 0 || !workbench_->hasProject())
        return;
    if (audioChosen())
        return startAudio();
    const auto settings = this->settings();
    auto project = workbench_->project();
    fillItems();
    overall_->setValue(0);
    done_ = 0;
    QPointer<ExtractionView> self(this);
    const QString configuration = QString::fromStdString(tl::configurationName(settings));
    auto onItem = [self](std::size_t index, const features::VideoOutcome& outcome) {
        // Worker thread: hand the outcome to the GUI thread.
        QMetaObject::invokeMethod(
            self.data(),
            [self, index, outcome] {
                if (!self)
                    return;
                const int row = static_cast<int>(index);
                if (row >= self->items_->rowCount())
                    return;
                ++self->done_;
                auto* status = self->items_->item(row, ItemStatus);
                status->setText(outcome.ok ? (outcome.cached ? tr("cached") : tr("done")) : tr("FAILED"));
                status->setForeground(outcome.ok ? QColor(0x20, 0x80, 0x20) : QColor(0xc0, 0x20, 0x20));
                self->items_->item(row, ItemFrames)->setText(QString::number(outcome.frames));
                if (!outcome.ok)
                    self->items_->item(row, ItemMessage)
                        ->setText(QString::fromStdString(outcome.error) +
                                  tr(" — check that the file plays; it is retried on the next run."));
                else if (outcome.warnings > 0)
                    self->items_->item(row, ItemMessage)->setText(tr("%n warning(s)", nullptr, outcome.warnings));
                Q_EMIT self->itemFinished(row, outcome.ok);
            },
            Qt::QueuedConnection);
    };
    job_ = extraction_->run<tl::ExtractionSummary>(
        tr("Extract %1").arg(configuration),
        [project, settings, onItem](const JobContext& ctx) {
            return tl::runExtraction(*project, settings, ctx, onItem);
        },
        [this](tl::ExtractionSummary summary) {
            job_ = 0;
            setRunning(false);
            overall_->setValue(1000);
            int failed = 0;
            for (const auto& v : summary.videos)
                failed += v.ok ? 0 : 1;
            status_->setText(
                summary.profileFile.empty()
                    ? tr("No video gave features (%1 failed): see the messages above.").arg(failed)
                    : tr("%1: %2 frames in %3 s (%4 frames/s), %5 failed. Weights: %6. Profiles: %7")
                          .arg(QString::fromStdString(summary.configuration))
                          .arg(summary.framesComputed)
                          .arg(summary.seconds, 0, 'f', 1)
                          .arg(summary.seconds > 0 ? static_cast<double>(summary.framesComputed) / summary.seconds : 0.0,
                               0, 'f', 1)
                          .arg(failed)
                          .arg(QString::fromStdString(summary.provenance),
                               QString::fromStdString(summary.profileFile.string())));
            workbench_->refreshSources();
            Q_EMIT finished(!summary.profileFile.empty(), done_);
        },
        [this](const QString& message, bool cancelled) {
            runStopped(cancelled, cancelled ? tr("Cancelled. %n finished video(s) are kept in the feature store; start "
                                                 "again to resume.", nullptr, done_)
                                            : tr("Extraction failed: %1").arg(message));
        });
    setRunning(true);
}

void ExtractionView::setAudioRun(bool running)
{
    if (audioRun_ == running)
        return;
    audioRun_ = running;
    Q_EMIT audioRunChanged(running);
}

void ExtractionView::runStopped(bool cancelled, const QString& status)
{
    job_ = 0;
    setRunning(false);
    setAudioRun(false);
    // The item that was running says how it ended; items that never started stay "waiting".
    for (int row = 0; row < items_->rowCount(); ++row)
        if (items_->item(row, ItemStatus)->text().startsWith(tr("running")))
            items_->item(row, ItemStatus)->setText(cancelled ? tr("cancelled") : tr("stopped"));
    status_->setText(status);
    Q_EMIT finished(false, done_);
}

void ExtractionView::startAudio()
{
#ifdef TRAILERLAB_NO_VIDEO
    status_->setText(tr("Audio descriptors need FFmpeg, which this build does not have."));
#else
    auto project = workbench_->project();
    fillItems();
    overall_->setValue(0);
    done_ = 0;
    const auto trailers = tl::trailersInOrder(*project);  // row i is item i
    std::vector<audio::AudioSourceItem> videos;
    for (const auto& [id, path] : trailers)
        videos.push_back({id, path});
    const Project definition = project->project;
    const std::filesystem::path csv = session::soundtrackProfile(definition);
    QPointer<ExtractionView> self(this);
    auto onItem = [self](std::size_t index, const audio::AudioItemOutcome& outcome) {
        // Worker thread: hand the outcome to the GUI thread.
        QMetaObject::invokeMethod(
            self.data(),
            [self, index, outcome] {
                const int row = static_cast<int>(index);
                if (!self || row >= self->items_->rowCount())
                    return;
                ++self->done_;
                using Status = audio::AudioItemOutcome::Status;
                auto* status = self->items_->item(row, ItemStatus);
                status->setText(outcome.status == Status::Described ? tr("done")
                                : outcome.status == Status::NoAudio ? tr("no sound")
                                                                    : tr("FAILED"));
                status->setForeground(outcome.status == Status::Described ? QColor(0x20, 0x80, 0x20)
                                      : outcome.status == Status::NoAudio ? QColor(0x80, 0x60, 0x20)
                                                                          : QColor(0xc0, 0x20, 0x20));
                self->items_->item(row, ItemFrames)
                    ->setText(outcome.status == Status::Described ? tr("%1 s").arg(outcome.seconds, 0, 'f', 1) : QString());
                if (!outcome.message.empty())
                    self->items_->item(row, ItemMessage)
                        ->setText(outcome.status == Status::NoAudio
                                      ? tr("no profile: %1").arg(QString::fromStdString(outcome.message))
                                      : QString::fromStdString(outcome.message));
                Q_EMIT self->itemFinished(row, outcome.status != Status::Failed);
            },
            Qt::QueuedConnection);
    };
    // The automatic queue leaves the soundtracks to this run (no two writers of audio.csv).
    setAudioRun(true);
    job_ = extraction_->run<audio::AudioExtractionSummary>(
        tr("Extract audio descriptors"),
        [videos, trailers, definition, csv, onItem](const JobContext& ctx) {
            auto summary = audio::extractAudioProfiles(videos, csv, ctx, onItem);
            // As the automatic extraction does: trailers that gave nothing are not planned again.
            session::recordSoundtrackOutcome(definition, trailers, summary.described, summary.noAudio, summary.failed);
            return summary;
        },
        [this, videos](audio::AudioExtractionSummary summary) {
            job_ = 0;
            setRunning(false);
            setAudioRun(false);
            overall_->setValue(1000);
            QStringList silent;
            for (const std::string& id : summary.withoutSound(videos))
                silent << QString::fromStdString(id);
            const QString without = silent.isEmpty() ? tr("every trailer has sound")
                                                     : tr("%n without sound (no profile): %1", nullptr,
                                                          static_cast<int>(silent.size()))
                                                           .arg(silent.join(QStringLiteral(", ")));
            status_->setText(
                summary.written()
                    ? tr("audio: %1 trailers x %2 named descriptors (%3 s of sound); %4; %5 failed. Profiles: %6")
                          .arg(summary.described)
                          .arg(audio::audioDescriptorNames().size())
                          .arg(summary.seconds, 0, 'f', 1)
                          .arg(without)
                          .arg(summary.failed)
                          .arg(QString::fromStdString(summary.csv.string()))
                    : tr("No trailer gave audio descriptors (%1; %2 failed): nothing written.")
                          .arg(without)
                          .arg(summary.failed));
            if (summary.written())
                workbench_->refreshSources();
            Q_EMIT finished(summary.written(), done_);
        },
        [this](const QString& message, bool cancelled) {
            runStopped(cancelled, cancelled ? tr("Cancelled: nothing written (the audio profile file is written at "
                                                 "the end).")
                                            : tr("Audio extraction failed: %1").arg(message));
        });
    setRunning(true);
#endif
}

void ExtractionView::cancel()
{
    if (job_ != 0)
        jobs_->cancel(job_);
}

ExtractionView::~ExtractionView() = default;

}  // namespace tl::ui
