#pragma once
// Background extraction of a project's missing configurations, so that a fresh
// project (the demo) becomes useful without clicks. When a project opens (and
// the setting is on), it asks core/workbench for the queue (planAutoExtraction:
// the default model at the lowest frame rate first, then the other rates and
// models) and runs it one configuration at a time: the first on the normal job
// pool, the rest at background priority. After each extraction it re-lists the
// content sources, waits for that configuration's CF model (the evaluation) and
// only then starts the next, so each configuration appears in the Experiments
// view as soon as it is done. Cancel stops the running extraction (finished
// clips stay in the feature store) and drops the queue; Resume or reopening
// the project plans again and picks up from the store.
//
// The soundtracks: when the project's trailers have no audio.csv yet, the plan
// holds one audio extraction right after the first frame configuration
// (core/session/AutoExtraction.h). It runs the Extraction view's core function
// (extractAudioProfiles with the named descriptors) as a background job, counts
// trailers in the status line, then re-lists the sources (the "audio"
// configuration and the fused CONFIG+audio ones) and waits for the "audio"
// model like for a frame configuration; configurationFinished("audio", ...)
// says how many trailers had no sound. Cancel writes nothing (the file is
// written at the end). A failure is reported and the frame queue goes on.
// When no trailer gives a row, the outcome is recorded (audio.none.json) so the
// next plan leaves the sound out until the trailers change: the signal says
// noSoundMessage(). While the Extraction view's own audio run writes audio.csv
// (setAudioRunElsewhere, wired by the main window), the queue leaves the sound
// to it: a queued audio extraction is dropped and a running one is cancelled.
//
// Models whose weights the model registry does not find are left out of the
// queue; the status line then says to import them (Extraction > Import
// Weights…), and an import (Workbench::weightsImported) plans again.
//
// The setting "extraction/auto" (QSettings, default on) turns the automatic
// start off; "Extract missing configurations now" runs the queue regardless.
//
// Threading: GUI thread only; the extractions run through JobRunner.

#include <QObject>
#include <QString>
#include <QStringList>

#include <deque>
#include <memory>
#include <optional>

#include "core/session/AutoExtraction.h"

namespace tl::ui {

class JobGroup;
class JobRunner;
class Workbench;

class AutoExtractor : public QObject {
    Q_OBJECT
public:
    AutoExtractor(Workbench* workbench, JobRunner* jobs, QObject* parent = nullptr);
    ~AutoExtractor() override;

    static QString settingKey() { return QStringLiteral("extraction/auto"); }
    // Whether opening a project starts the queue (persisted).
    bool enabled() const;
    void setEnabled(bool on);
    // For this window only, not persisted (the --screenshot mode's settled pictures).
    void overrideEnabled(bool on) { override_ = on; }

    bool running() const { return active_; }  // extracting or evaluating a queued configuration
    int currentJob() const { return job_; }
    QString current() const;        // configuration being extracted or evaluated, or empty
    QStringList pending() const;    // configurations still queued after the current one
    QStringList completed() const { return completed_; }  // finished in this session, in order
    // Models of the project left out of the last plan because their weights were not
    // found (nothing is started for them; the status line says how to import them).
    QStringList missingWeights() const { return missingWeights_; }
    // The status-bar line: "Extracting mobilenetv2 @ 2 fps in the background: 37/150 clips" (empty when idle).
    QString statusText() const { return status_; }
    // What the status bar offers next to the text: "cancel", "resume" or empty.
    QString action() const { return action_; }
    // configurationFinished("audio", false, noSoundMessage()): no trailer has an audio stream.
    static QString noSoundMessage() { return tr("no trailer has sound"); }
    // configurationFinished("audio", false, leftToViewMessage()): the Extraction view's audio run writes it.
    static QString leftToViewMessage() { return tr("left to the Extraction view's audio run"); }
    // The status line after a cancel during the audio extraction (then Resume is offered).
    static QString soundCancelledText();

public Q_SLOTS:
    // Plans the open project's missing configurations and runs them.
    void start();
    // Stops the running extraction (finished clips are kept) and drops the queue.
    void cancel();
    // For a job that extracts the same configurations itself (the experiment run):
    // stop now, start() again on resume().
    void suspend();
    void resume();
    // Another job (the Extraction view's audio run) writes audio.csv: the queue
    // leaves the soundtracks to it while `running`.
    void setAudioRunElsewhere(bool running);

Q_SIGNALS:
    void statusChanged(const QString& text, const QString& action);
    void configurationStarted(const QString& configuration);
    // After the extraction and the configuration's model (ok) or after a failure.
    void configurationFinished(const QString& configuration, bool ok, const QString& message);
    void queueFinished(bool cancelled);

private:
    void next();
    void startAudio();
    void extracted(const QString& configuration, bool first);
    void setStatus(const QString& text, const QString& action);
    QString missingWeightsText() const;  // the status line's advice to import them, or empty
    void finishQueue(bool cancelled, const QString& text, const QString& action);

    Workbench* workbench_;
    JobRunner* jobs_;
    std::unique_ptr<JobGroup> extraction_;  // the queue's running extraction
    std::deque<session::PlannedExtraction> queue_;
    session::PlannedExtraction current_;
    QString evaluating_;  // configuration whose model is being built
    bool evaluatingFirst_ = false;
    QString evaluatingNote_;  // configurationFinished's message when its model is ready (the audio's silent trailers)
    int job_ = 0;
    int abandonedJob_ = 0;  // the extraction cancel() gave up last
    int clipsDone_ = 0, clipsTotal_ = 0;
    bool suspended_ = false;
    bool audioElsewhere_ = false;  // the Extraction view's audio run is writing audio.csv
    std::optional<bool> override_;
    bool active_ = false;  // a queue is being worked on (extracting or evaluating)
    QStringList completed_;
    QStringList missingWeights_;
    QString status_, action_;
};

}  // namespace tl::ui
