#pragma once
// The workbench's shared state: the open project, its content sources, the CF
// model of each configuration (built once in the background and kept: moving
// K or revisiting a configuration never recomputes; after a what-if edit it is
// updated incrementally, CfModel::update), the baselines, and the selection every
// view follows (K, active configuration, user). Views read from it and call its
// setters; it emits one signal per change.
//
// Threading: GUI thread only. Long work goes through JobRunner.

#include <QHash>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QString>
#include <QUndoStack>

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "core/eval/CfModel.h"
#include "core/eval/Evaluator.h"
#include "core/eval/Fusion.h"
#include "core/project/ProjectData.h"

namespace tl::ui {

class JobGroup;
class JobRunner;

class Workbench : public QObject {
    Q_OBJECT
public:
    explicit Workbench(JobRunner* jobs, QObject* parent = nullptr);
    ~Workbench() override;

    JobRunner* jobs() const { return jobs_; }

    // Loads a project file in the background; projectOpened or projectFailed follows.
    // `confirmedCache`: a cache folder outside the project folder that the user agreed to
    // (empty: the project file's own "cache", which must lie inside its folder).
    void openProject(const QString& file, const QString& confirmedCache = {});
    // Writes a synthetic demo project into `dir` (with the given trailers), then opens it.
    void openSyntheticDemo(const QString& dir, const QStringList& videos = {});
    void closeProject();
    // Weights for `model` were imported (Extraction > Import Weights…): views and the
    // background extraction look them up again in the model registry.
    void announceWeightsImported(const QString& model) { Q_EMIT weightsImported(model); }

    const std::shared_ptr<const tl::ProjectData>& project() const { return project_; }
    bool hasProject() const { return project_ != nullptr; }
    QString projectFile() const;

    const std::vector<tl::ContentSourceInfo>& sources() const { return sources_; }
    const tl::ContentSourceInfo* source(const QString& name) const;
    // The model of a configuration, or null while it is being built (or failed).
    std::shared_ptr<const CfModel> model(const QString& source) const;
    QString modelError(const QString& source) const { return modelErrors_.value(source); }
    bool modelPending(const QString& source) const { return pending_.contains(source); }
    // The item ids each configuration has a profile for.
    const QSet<QString>& profiledItems(const QString& source) const;
    // Metrics of a configuration at K: from the sweep, or from a cache filled in the
    // background (metricsReady follows) for K values off the sweep. Empty until known.
    std::optional<Metrics> metricsAt(const QString& source, int k);
    const std::vector<ResultRow>& baselines() const { return baselines_; }
    bool baselinesReady() const { return baselinesReady_; }

    // What-if edits: an overlay of rating edits (and playground users) on the source
    // ratings, saved in the project file (never in the ratings file). project() is the
    // project with the overlay applied. After an edit (or undo, redo, reset) each built
    // model is brought to the edited ratings by CfModel::update in a background job
    // (a later edit supersedes it and starts from the last finished model), models
    // still building are updated when they finish, and the baselines are recomputed;
    // a model is pending (model() null) until its update is done, then modelUpdated
    // and modelReady follow. Each edit is one step on undoStack() (Edit > Undo / Redo).
    // Sets r(user, item) = *rating (keys 1-5), or removes it (nullopt, key 0).
    void editRating(std::uint32_t user, std::uint32_t item, std::optional<float> rating);
    // Adds a playground user ("playground-N") without ratings and selects it.
    void addPlaygroundUser();
    // Drops every edit and playground user (one undoable step).
    void resetEdits();
    // Number of edited (user, item) pairs in the overlay.
    int editCount() const;
    int playgroundUserCount() const;
    bool isPlaygroundUser(std::uint32_t user) const;
    // Where the edits were saved, or why they could not be ("" before any edit).
    QString editsSaveError() const { return editsSaveError_; }
    // Writes the edited ratings (every source rating with the edits) as CSV.
    void exportEditedRatings(const QString& file) const;
    QUndoStack* undoStack() const { return undo_; }
    // The overlay (newUsers, ratingEdits) as the undo commands store it.
    struct Overlay {
        std::vector<std::string> newUsers;
        std::vector<tl::ProjectRatingEdit> edits;
    };
    void setOverlay(const Overlay& overlay, std::optional<std::uint32_t> selectUser = std::nullopt);

    // What the last update of a configuration's model changed (empty after a full build).
    tl::CfModelChanges lastChanges(const QString& source) const { return lastChanges_.value(source); }
    // Models brought to edited ratings incrementally / built in full since the project opened.
    int incrementalUpdates() const { return incrementalUpdates_; }
    int fullBuilds() const { return fullBuilds_; }
    // Models kept for keys no configuration holds now (weights tried before, a part
    // re-extracted since), for a return to them: the kSpareModels most recently stored.
    static constexpr std::size_t kSpareModels = 4;
    std::size_t spareModels() const;

    int k() const { return k_; }
    int kMin() const;
    int kMax() const;
    QString activeSource() const { return activeSource_; }
    std::uint32_t user() const { return user_; }

    // Re-lists the content sources (after an extraction) and builds the new ones; a fused
    // configuration that still exists keeps the weights set for it.
    void refreshSources();

    // Fusion weights (docs/fusion.md): sets the weights (one per part, >= 0, not all 0;
    // normalised) of a fused configuration, early or late, saves them in the project file
    // ("fusion_weights") and builds its model in the background (a model of these weights
    // built earlier for the same ratings is reused: the cache key holds the weights).
    // Returns false (and says why in fusionError) for a plain source or bad weights.
    bool setFusionWeights(const QString& source, const std::vector<double>& weights);
    // Chooses the first part's weight w (the second's 1 - w) of a two-part fused
    // configuration on a validation share of the training ratings, never the test ones
    // (session::chooseFusionWeight), as a background job; then applies {w, 1 - w}
    // (fusionWeightChosen follows) or says why not (fusionChoiceFailed).
    void chooseFusionWeight(const QString& source);
    bool fusionChoicePending(const QString& source) const { return choosing_.contains(source); }
    // The last choice made on validation for a configuration (kept while the project is open).
    std::optional<tl::FusionWeightChoice> fusionChoice(const QString& source) const;
    // Why the last setFusionWeights was refused or its weights could not be saved ("" when fine).
    QString fusionError() const { return fusionError_; }

    // Item thumbnails for the trailers (first keyframes), sampled in the background.
    QImage thumbnail(const QString& itemId) const { return thumbnails_.value(itemId); }
    void requestThumbnails(const QStringList& itemIds);
    QString videoOf(const QString& itemId) const;
    QString titleOf(const QString& itemId) const;

public Q_SLOTS:
    void setK(int k);
    void stepK(int direction);  // one step of the sweep (or 1 beyond it) up or down
    void setActiveSource(const QString& source);
    void setUser(std::uint32_t user);

Q_SIGNALS:
    void projectOpened();
    void projectClosed();
    void projectFailed(const QString& message);
    void weightsImported(const QString& model);
    void sourcesChanged();
    void modelReady(const QString& source);
    void modelFailed(const QString& source, const QString& message);
    void baselinesChanged();
    void kChanged(int k);
    void activeSourceChanged(const QString& source);
    void userChanged(std::uint32_t user);
    void thumbnailsReady();
    void metricsReady();
    // The overlay changed (an edit, undo, redo, reset); models are being updated.
    void editsChanged();
    // A configuration's model was updated to the edited ratings (modelReady follows):
    // the users whose ratings changed and whose neighbour lists changed.
    void modelUpdated(const QString& source, const tl::CfModelChanges& changes);
    // A fused configuration's weights changed (its model is being built unless cached).
    void fusionWeightsChanged(const QString& source);
    void fusionChoiceStarted(const QString& source);
    void fusionWeightChosen(const QString& source, const tl::FusionWeightChoice& choice);
    void fusionChoiceFailed(const QString& source, const QString& message);

private:
    // Models, baselines, metrics and thumbnails computed for the current project.
    void clearDerivedState();
    void adopt(std::shared_ptr<const tl::ProjectData> data);
    void buildMissing();
    void buildModel(const tl::ContentSourceInfo& info);
    // Brings bases_[key] to project_ (CfModel::update); a full build when that fails.
    void updateModel(const QString& name, const QString& key);
    void computeBaselines();
    static QString cacheKey(const tl::ContentSourceInfo& info);
    // Whether `key` is the cache key of the configuration `name` as it is now (its weights).
    bool isCurrentKey(const QString& name, const QString& key) const;
    // The cache keys of the configurations as they are now.
    QSet<QString> currentKeys() const;
    // models_[key] = model, then the oldest spare models beyond kSpareModels dropped.
    void storeModel(const QString& key, std::shared_ptr<const CfModel> model);
    // listContentSources with the fusion weights set for the project applied; a weight
    // list that does not fit its configuration is ignored, with a warning in `warnings`.
    std::vector<tl::ContentSourceInfo> listSources(std::vector<std::string>* warnings) const;
    // Writes `project` (the overlay of sourceProject_) with fusionWeights_ to its file,
    // keeping the trailers File > Add Trailer added since. Throws on failure.
    void saveProjectFile(tl::Project project) const;

    JobRunner* jobs_;
    std::shared_ptr<const tl::ProjectData> project_;
    std::shared_ptr<const tl::ProjectData> sourceProject_;  // without the overlay
    QUndoStack* undo_;
    QString editsSaveError_;
    std::unique_ptr<JobGroup> modelJobs_;  // model builds: an edit supersedes them
    std::vector<tl::ContentSourceInfo> sources_;
    std::map<QString, std::shared_ptr<const CfModel>> models_;  // by cacheKey, of project_
    std::vector<QString> stored_;  // keys of models_, oldest stored first
    // Models of earlier edited ratings being updated to project_ (by cacheKey).
    std::map<QString, std::shared_ptr<const CfModel>> bases_;
    std::unique_ptr<JobGroup> updateJobs_;     // model updates: an edit supersedes them
    std::unique_ptr<JobGroup> baselineJobs_;   // baselines: an edit supersedes them
    QHash<QString, tl::CfModelChanges> lastChanges_;
    int incrementalUpdates_ = 0, fullBuilds_ = 0;
    QHash<QString, QString> modelErrors_;
    QSet<QString> pending_;
    // Cache keys whose model is being built / updated now (one name may have builds of
    // several weights in flight: only the current key's result clears pending_).
    QSet<QString> building_, updating_;
    QHash<QString, QSet<QString>> profiled_;
    std::vector<ResultRow> baselines_;
    bool baselinesReady_ = false;
    // Every job about the open project: opening another one, or closing it, cancels them
    // and drops their late results.
    std::unique_ptr<JobGroup> projectJobs_;
    int k_ = 50;
    QString activeSource_;
    std::uint32_t user_ = 0;
    QHash<QString, Metrics> metricsCache_;  // "source|k" -> metrics off the sweep
    QSet<QString> metricsPending_;
    // The project file's "fusion_weights" (names it does not list included: they are saved
    // back) with the weights set since it opened.
    std::map<std::string, std::vector<double>> fusionWeights_;
    QHash<QString, tl::FusionWeightChoice> fusionChoices_;
    QSet<QString> choosing_;
    QString fusionError_;
    QHash<QString, QImage> thumbnails_;
    QSet<QString> thumbnailsRequested_;
};

}  // namespace tl::ui
