#pragma once
// Extraction: choose the model (and see where its weights come from: a
// pretrained file found by the model registry, or RANDOM weights; Import
// Weights… copies a file into the user's data folder once, for every view and
// every later session), the sampling (N frames/s or one per shot)
// and the device; start and cancel; per-item and overall progress with frames
// per second and ETA. Each run is a job in the job list; items that fail stay
// listed with their message. Finished videos are kept in the project's feature
// store, so a cancelled run resumes where it stopped and a repeated run costs
// nothing. A finished run adds its configuration to the Experiments view.
//
// The model list also offers the sound: "Audio descriptors" runs the same job over
// the trailers' soundtracks (core/audio/AudioExtraction, exactly what
// `trailerlab-cli extract --model audio` writes) into <cache>/profiles/audio.csv, a
// configuration named "audio" whose dimensions carry the descriptor names; trailers
// without sound are marked in the table and listed when the run ends. A run that
// writes nothing (no trailer has sound) records the trailers checked, so the
// automatic extraction does not try them again (core/session/AutoExtraction.h);
// while this run writes audio.csv, audioRunChanged(true) tells the automatic
// queue to leave the soundtracks to it.

#include <QWidget>

#include <memory>

#include "core/features/ModelRegistry.h"
#include "core/experiment/ProjectExtraction.h"

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;
QT_END_NAMESPACE

namespace tl::ui {

class JobGroup;
class JobRunner;
class Workbench;

class ExtractionView : public QWidget {
    Q_OBJECT
public:
    ExtractionView(Workbench* workbench, JobRunner* jobs, QWidget* parent = nullptr);
    ~ExtractionView() override;

    tl::ExtractionSettings settings() const;
    // The model choice is the audio descriptors (no weights, no sampling).
    bool audioChosen() const;
    static constexpr const char* kAudioModel = "audio";
    bool running() const { return job_ != 0; }
    bool audioRunning() const { return audioRun_; }  // the running job writes audio.csv
    QTableWidget* itemsTable() const { return items_; }
    QComboBox* modelBox() const { return model_; }
    QCheckBox* randomBox() const { return random_; }
    QDoubleSpinBox* fpsBox() const { return fps_; }
    QLabel* provenanceLabel() const { return provenance_; }
    QLabel* statusLabel() const { return status_; }
    QLabel* weightsLabel() const { return weightsFile_; }
    QPushButton* importButton() const { return import_; }

    // Imports `file` through the model registry (copied into the data folder, its
    // SHA-256 recorded) for the model its name says (*.onnx: MobileNetV2,
    // vggNN*.safetensors: that VGG), else for the chosen model; selects that model
    // and tells the workbench. False with a message in the status line on failure.
    bool importWeightsFrom(const QString& file);

public Q_SLOTS:
    void start();
    void cancel();
    // Asks for a weights file (file dialog), then importWeightsFrom().
    void importWeights();

Q_SIGNALS:
    // After a run ends (done, failed or cancelled); itemsDone counts the videos finished in it.
    void finished(bool ok, int itemsDone);
    void itemFinished(int index, bool ok);
    // An audio run started (true) or ended, however (false).
    void audioRunChanged(bool running);

private:
    features::ModelRegistry registry() const;  // with the open project's models folder
    void fillItems();
    void updateProvenance();
    void setRunning(bool running);
    void startAudio();
    // A run that failed or was cancelled: the table and status line say so, finished(false) is emitted.
    void runStopped(bool cancelled, const QString& status);
    void setAudioRun(bool running);

    Workbench* workbench_;
    JobRunner* jobs_;
    std::unique_ptr<JobGroup> extraction_;
    QComboBox* model_;
    QLabel* weightsFile_;
    QPushButton* import_;
    QCheckBox* random_;
    QSpinBox* seed_;
    QLabel* provenance_;
    QDoubleSpinBox* fps_;
    QComboBox* mode_;
    QComboBox* device_;
    QPushButton* start_;
    QPushButton* cancel_;
    QProgressBar* overall_;
    QLabel* status_;
    QTableWidget* items_;
    int job_ = 0;
    int done_ = 0;
    bool audioRun_ = false;
};

}  // namespace tl::ui
