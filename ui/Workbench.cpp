#include "ui/Workbench.h"

#include <QFileInfo>

#include <algorithm>
#include <filesystem>

#include "core/experiment/FusedConfiguration.h"
#include "core/video/FrameSampler.h"
#include "core/session/ProjectSession.h"
#include "core/session/SyntheticDemo.h"
#include "core/project/RatingOverlay.h"
#include "ui/JobRunner.h"

namespace fs = std::filesystem;

namespace tl::ui {

namespace {

// One undoable step: the overlay before and after it.
class OverlayCommand : public QUndoCommand {
public:
    OverlayCommand(Workbench* workbench, Workbench::Overlay before, Workbench::Overlay after, const QString& text,
                   std::uint32_t user)
        : QUndoCommand(text), workbench_(workbench), before_(std::move(before)), after_(std::move(after)), user_(user)
    {
    }
    void undo() override { workbench_->setOverlay(before_, user_); }
    void redo() override { workbench_->setOverlay(after_, user_); }

private:
    Workbench* workbench_;
    Workbench::Overlay before_, after_;
    std::uint32_t user_;
};

struct BuiltModel {
    std::shared_ptr<const CfModel> model;
    QSet<QString> profiled;
};

struct Thumb {
    QString item;
    QImage image;
};

}  // namespace

Workbench::Workbench(JobRunner* jobs, QObject* parent)
    : QObject(parent), jobs_(jobs), undo_(new QUndoStack(this)), modelJobs_(std::make_unique<JobGroup>(jobs, this)),
      updateJobs_(std::make_unique<JobGroup>(jobs, this)), baselineJobs_(std::make_unique<JobGroup>(jobs, this)),
      projectJobs_(std::make_unique<JobGroup>(jobs, this))
{
}

Workbench::~Workbench() = default;

QString Workbench::projectFile() const
{
    return project_ ? QString::fromStdString(project_->project.file.string()) : QString();
}

void Workbench::openProject(const QString& file, const QString& confirmedCache)
{
    projectJobs_->cancel();  // the project being opened (and its work) is superseded
    const fs::path path = file.toStdString();
    ProjectLoadOptions options;
    options.cache = confirmedCache.toStdString();
    projectJobs_->run<std::shared_ptr<const tl::ProjectData>>(
        tr("Open project %1").arg(QFileInfo(file).fileName()),
        [path, options](const JobContext& ctx) { return tl::loadProjectData(loadProject(path, options), ctx); },
        [this](std::shared_ptr<const tl::ProjectData> data) { adopt(std::move(data)); },
        [this, file](const QString& message, bool cancelled) {
            // The loader's message says which file, field or line is wrong: no guessed hint
            // (a truncated project file is not a ratings-file problem).
            if (!cancelled)
                Q_EMIT projectFailed(tr("Could not open %1:\n%2").arg(file, message));
        });
}

void Workbench::openSyntheticDemo(const QString& dir, const QStringList& videos)
{
    projectJobs_->cancel();
    const fs::path folder = dir.toStdString();
    std::vector<fs::path> clips;
    for (const auto& v : videos)
        clips.push_back(v.toStdString());
    projectJobs_->run<std::shared_ptr<const tl::ProjectData>>(
        tr("Create synthetic demo"),
        [folder, clips](const JobContext& ctx) {
            ctx.report("demo", 0, 1, "writing synthetic ratings and features");
            const Project project = session::writeSyntheticDemo(folder, session::demoSpec(), clips);
            return tl::loadProjectData(project, ctx);
        },
        [this](std::shared_ptr<const tl::ProjectData> data) { adopt(std::move(data)); },
        [this, dir](const QString& message, bool cancelled) {
            if (!cancelled)
                Q_EMIT projectFailed(tr("Could not create the demo in %1:\n%2\n\nChoose a writable folder.").arg(dir, message));
        });
}

void Workbench::clearDerivedState()
{
    modelJobs_->cancel();
    updateJobs_->cancel();
    baselineJobs_->cancel();
    models_.clear();
    stored_.clear();
    bases_.clear();
    lastChanges_.clear();
    modelErrors_.clear();
    pending_.clear();
    building_.clear();
    updating_.clear();
    profiled_.clear();
    baselines_.clear();
    baselinesReady_ = false;
    thumbnails_.clear();
    thumbnailsRequested_.clear();
    metricsCache_.clear();
    metricsPending_.clear();
}

void Workbench::closeProject()
{
    projectJobs_->cancel();
    modelJobs_->cancel();
    undo_->clear();
    project_.reset();
    sourceProject_.reset();
    sources_.clear();
    fusionWeights_.clear();
    fusionChoices_.clear();
    choosing_.clear();
    fusionError_.clear();
    clearDerivedState();
    activeSource_.clear();
    Q_EMIT projectClosed();
}

void Workbench::adopt(std::shared_ptr<const tl::ProjectData> data)
{
    std::shared_ptr<const tl::ProjectData> edited;
    try {
        edited = tl::withOverlay(*data);
    } catch (const std::exception& e) {
        Q_EMIT projectFailed(tr("Could not open %1:\n%2")
                                 .arg(QString::fromStdString(data->project.file.string()), QString::fromUtf8(e.what())));
        return;
    }
    undo_->clear();
    editsSaveError_.clear();
    fusionWeights_ = data->project.fusionWeights;
    fusionChoices_.clear();
    choosing_.clear();
    fusionError_.clear();
    sourceProject_ = std::move(data);
    project_ = std::move(edited);
    // The project file's fusion weights; what it gets wrong is said with the other warnings.
    std::vector<std::string> warnings = sourceProject_->project.warnings;
    sources_ = listSources(&warnings);
    if (!warnings.empty()) {
        for (auto* p : {&sourceProject_, &project_}) {
            auto copy = std::make_shared<tl::ProjectData>(**p);
            copy->warnings.insert(copy->warnings.end(), warnings.begin(), warnings.end());
            *p = std::move(copy);
        }
    }
    clearDerivedState();
    activeSource_ = sources_.empty() ? QString() : QString::fromStdString(sources_.front().name);
    // Prefer a video-derived configuration when there is one.
    for (const auto& s : sources_)
        if (!s.file.empty()) {
            activeSource_ = QString::fromStdString(s.name);
            break;
        }
    k_ = std::clamp(k_, kMin(), kMax());
    user_ = 0;
    Q_EMIT projectOpened();
    Q_EMIT sourcesChanged();
    Q_EMIT kChanged(k_);
    Q_EMIT activeSourceChanged(activeSource_);
    Q_EMIT userChanged(user_);

    computeBaselines();
    buildMissing();
}

void Workbench::computeBaselines()
{
    baselineJobs_->cancel();  // of earlier edited ratings
    auto project = project_;
    baselineJobs_->run<std::vector<ResultRow>>(
        tr("Baselines"), [project](const JobContext& ctx) { return session::evaluateBaselines(*project, ctx); },
        [this](std::vector<ResultRow> rows) {
            baselines_ = std::move(rows);
            baselinesReady_ = true;
            Q_EMIT baselinesChanged();
        });
}

QString Workbench::cacheKey(const tl::ContentSourceInfo& info)
{
    QString key = QString::fromStdString(info.name);
    // The fusion and its (normalised) weights: a model of other weights is never reused.
    if (info.isFused()) {
        key += QLatin1Char('|') + QString::fromStdString(info.fusion);
        for (const double w : tl::normalisedFusionWeights(info))
            key += QLatin1Char(':') + QString::number(w, 'g', 17);
    }
    // A fused source has no file of its own: its parts' files stamp it, so re-extracting
    // either part builds the fused model again.
    std::vector<fs::path> files;
    if (!info.file.empty())
        files.push_back(info.file);
    for (const auto& part : info.fusedParts)
        if (!part.file.empty())
            files.push_back(part.file);
    for (const auto& file : files) {
        std::error_code ec;
        const auto stamp = fs::last_write_time(file, ec).time_since_epoch().count();
        key += QLatin1Char('|') + QString::number(static_cast<qlonglong>(stamp));
    }
    return key;
}

void Workbench::buildMissing()
{
    if (!project_)
        return;
    for (const auto& info : sources_) {
        const QString name = QString::fromStdString(info.name);
        const QString key = cacheKey(info);
        if (models_.count(key) || building_.contains(key) || updating_.contains(key))
            continue;
        buildModel(info);
    }
}

void Workbench::buildModel(const tl::ContentSourceInfo& info)
{
    const QString name = QString::fromStdString(info.name);
    const QString key = cacheKey(info);
    pending_.insert(name);
    building_.insert(key);
    modelErrors_.remove(name);
    auto project = project_;
    modelJobs_->run<BuiltModel>(
        tr("Build CF model: %1").arg(name),
        [project, info](const JobContext& ctx) {
            ctx.report("features", 0, 1, info.name);
            const FeatureMatrix features = session::loadContent(*project, info);
            BuiltModel built;
            for (const auto& id : features.ids)
                built.profiled.insert(QString::fromStdString(id));
            built.model = session::buildModel(*project, info, features, ctx);
            return built;
        },
        [this, name, key, project](BuiltModel built) {
            building_.remove(key);
            profiled_[name] = std::move(built.profiled);
            ++fullBuilds_;
            // Built for weights set before the current ones: kept for when they come back.
            const bool current = isCurrentKey(name, key);
            if (project != project_) {
                // Edited while it was building: bring it to the edited ratings (a model of
                // other weights is dropped, it would be of the older ratings).
                if (current) {
                    bases_[key] = built.model;
                    updateModel(name, key);
                }
                return;
            }
            storeModel(key, built.model);
            if (!current)
                return;
            pending_.remove(name);
            lastChanges_.remove(name);
            Q_EMIT modelReady(name);
        },
        [this, name, key](const QString& message, bool cancelled) {
            building_.remove(key);
            if (!isCurrentKey(name, key))
                return;  // of weights no longer set
            pending_.remove(name);
            modelErrors_[name] = cancelled ? tr("cancelled: reopen the project to build it") : message;
            Q_EMIT modelFailed(name, modelErrors_[name]);
        });
}

void Workbench::storeModel(const QString& key, std::shared_ptr<const CfModel> model)
{
    models_[key] = std::move(model);
    stored_.erase(std::remove(stored_.begin(), stored_.end(), key), stored_.end());
    stored_.push_back(key);
    const QSet<QString> current = currentKeys();
    std::size_t spare = 0;
    for (const QString& k : stored_)
        spare += models_.count(k) && !current.contains(k) ? 1 : 0;
    for (auto it = stored_.begin(); it != stored_.end() && spare > kSpareModels;) {
        if (!models_.count(*it)) {
            it = stored_.erase(it);
        } else if (!current.contains(*it)) {
            models_.erase(*it);
            it = stored_.erase(it);
            --spare;
        } else {
            ++it;
        }
    }
}

std::size_t Workbench::spareModels() const
{
    const QSet<QString> current = currentKeys();
    std::size_t spare = 0;
    for (const auto& [key, model] : models_)
        spare += current.contains(key) ? 0 : 1;
    return spare;
}

void Workbench::updateModel(const QString& name, const QString& key)
{
    const auto base = bases_.at(key);
    auto project = project_;
    pending_.insert(name);
    updating_.insert(key);
    modelErrors_.remove(name);
    updateJobs_->run<CfModelUpdate>(
        tr("Update CF model: %1").arg(name),
        [base, project](const JobContext& ctx) {
            return CfModel::update(*base, project->data, project->split, ctx);
        },
        [this, name, key](CfModelUpdate updated) {
            updating_.remove(key);
            bases_.erase(key);
            storeModel(key, updated.model);
            if (!isCurrentKey(name, key))
                return;  // the weights changed meanwhile: kept for when they come back
            pending_.remove(name);
            lastChanges_[name] = updated.changes;
            ++incrementalUpdates_;
            Q_EMIT modelUpdated(name, updated.changes);
            Q_EMIT modelReady(name);
        },
        [this, name, key](const QString&, bool cancelled) {
            updating_.remove(key);
            if (cancelled) {  // a user's cancel (an edit's supersedes silently): the next edit updates the base
                if (!isCurrentKey(name, key))
                    return;
                pending_.remove(name);
                modelErrors_[name] = tr("cancelled: the next edit updates it");
                Q_EMIT modelFailed(name, modelErrors_[name]);
                return;
            }
            // The edited ratings cannot be reached incrementally: build the model anew.
            bases_.erase(key);
            if (const auto* info = source(name); info && cacheKey(*info) == key) {
                pending_.remove(name);
                buildModel(*info);
            }
        });
}

void Workbench::refreshSources()
{
    if (!project_)
        return;
    sources_ = listSources(nullptr);  // the weights' warnings were given when the project opened
    Q_EMIT sourcesChanged();
    buildMissing();
}

std::vector<tl::ContentSourceInfo> Workbench::listSources(std::vector<std::string>* warnings) const
{
    auto sources = tl::listContentSources(*project_);
    for (auto& s : sources) {
        auto it = fusionWeights_.find(s.name);
        if (it == fusionWeights_.end() || !s.isFused())
            continue;  // names the project does not list are kept in the file, unused
        try {
            s = tl::withFusionWeights(s, it->second);
        } catch (const std::exception& e) {
            if (warnings)
                warnings->push_back("fusion_weights of " + s.name + " ignored (equal weights used): " + e.what());
        }
    }
    return sources;
}

QSet<QString> Workbench::currentKeys() const
{
    QSet<QString> keys;
    for (const auto& info : sources_)
        keys.insert(cacheKey(info));
    return keys;
}

bool Workbench::isCurrentKey(const QString& name, const QString& key) const
{
    const auto* info = source(name);
    return info && cacheKey(*info) == key;
}

void Workbench::saveProjectFile(tl::Project saved) const
{
    // File > Add Trailer writes the file too (added_videos) since the project was opened: keep what it added.
    tl::ProjectLoadOptions options;
    options.cache = saved.cache;
    saved.addedVideos = tl::loadProject(saved.file, options).addedVideos;
    saved.fusionWeights = fusionWeights_;
    tl::saveProject(saved, saved.file);
}

bool Workbench::setFusionWeights(const QString& name, const std::vector<double>& weights)
{
    auto it = std::find_if(sources_.begin(), sources_.end(),
                           [&](const auto& s) { return QString::fromStdString(s.name) == name; });
    if (!project_ || it == sources_.end()) {
        fusionError_ = tr("no configuration %1").arg(name);
        return false;
    }
    tl::ContentSourceInfo updated;
    try {
        updated = tl::withFusionWeights(*it, weights);
    } catch (const std::exception& e) {
        fusionError_ = QString::fromUtf8(e.what());
        return false;
    }
    fusionError_.clear();
    if (updated.fusionWeights == tl::normalisedFusionWeights(*it) && !it->fusionWeights.empty())
        return true;  // unchanged
    *it = updated;
    fusionWeights_[updated.name] = updated.fusionWeights;
    try {
        saveProjectFile(sourceProject_->project);
    } catch (const std::exception& e) {
        fusionError_ = tr("the weights could not be saved in the project file: %1").arg(QString::fromUtf8(e.what()));
    }
    Q_EMIT fusionWeightsChanged(name);
    const QString key = cacheKey(updated);
    if (models_.count(key)) {  // built before for these weights and ratings
        pending_.remove(name);
        modelErrors_.remove(name);
        lastChanges_.remove(name);
        Q_EMIT modelReady(name);
    } else if (building_.contains(key) || updating_.contains(key)) {
        pending_.insert(name);  // already on its way (weights set back before their model came)
        modelErrors_.remove(name);
    } else {
        buildModel(updated);
    }
    return true;
}

void Workbench::chooseFusionWeight(const QString& name)
{
    const auto* info = source(name);
    if (!project_ || !info || !info->isFused() || choosing_.contains(name))
        return;
    choosing_.insert(name);
    Q_EMIT fusionChoiceStarted(name);
    auto project = project_;
    const tl::ContentSourceInfo s = *info;
    projectJobs_->run<tl::FusionWeightChoice>(
        tr("Choose the fusion weight of %1 on validation").arg(name),
        [project, s](const JobContext& ctx) { return session::chooseFusionWeight(*project, s, ctx); },
        [this, name](tl::FusionWeightChoice choice) {
            choosing_.remove(name);
            fusionChoices_.insert(name, choice);
            if (!setFusionWeights(name, {choice.w, 1 - choice.w})) {
                Q_EMIT fusionChoiceFailed(name, fusionError_);
                return;
            }
            Q_EMIT fusionWeightChosen(name, choice);
        },
        [this, name](const QString& message, bool cancelled) {
            choosing_.remove(name);
            Q_EMIT fusionChoiceFailed(name, cancelled ? tr("cancelled; the weights are unchanged") : message);
        });
}

std::optional<tl::FusionWeightChoice> Workbench::fusionChoice(const QString& name) const
{
    auto it = fusionChoices_.find(name);
    if (it == fusionChoices_.end())
        return std::nullopt;
    return *it;
}

const tl::ContentSourceInfo* Workbench::source(const QString& name) const
{
    for (const auto& s : sources_)
        if (QString::fromStdString(s.name) == name)
            return &s;
    return nullptr;
}

std::shared_ptr<const CfModel> Workbench::model(const QString& name) const
{
    const auto* info = source(name);
    if (!info)
        return nullptr;
    auto it = models_.find(cacheKey(*info));
    return it == models_.end() ? nullptr : it->second;
}

const QSet<QString>& Workbench::profiledItems(const QString& source) const
{
    static const QSet<QString> none;
    auto it = profiled_.find(source);
    return it == profiled_.end() ? none : *it;
}

std::optional<Metrics> Workbench::metricsAt(const QString& source, int k)
{
    auto built = model(source);
    if (!built)
        return std::nullopt;
    const auto& ks = built->settings().ks;
    for (std::size_t i = 0; i < ks.size() && i < built->sweepMetrics().size(); ++i)
        if (ks[i] == k)
            return built->sweepMetrics()[i];
    // By the model's cache key: other weights of a fused configuration are another model.
    const QString key = cacheKey(*this->source(source)) + QLatin1Char('|') + QString::number(k);
    if (auto it = metricsCache_.find(key); it != metricsCache_.end())
        return *it;
    if (!metricsPending_.contains(key)) {
        metricsPending_.insert(key);
        projectJobs_->run<Metrics>(
            tr("Metrics of %1 at K = %2").arg(source).arg(k),
            [built, k](const JobContext&) { return built->metricsAt(k); },
            [this, key](Metrics m) {
                metricsPending_.remove(key);
                metricsCache_.insert(key, m);
                Q_EMIT metricsReady();
            },
            [this, key](const QString&, bool) { metricsPending_.remove(key); });
    }
    return std::nullopt;
}

int Workbench::kMin() const
{
    return 1;
}

int Workbench::kMax() const
{
    return project_ ? project_->ks.back() : 100;
}

void Workbench::setK(int k)
{
    k = std::clamp(k, kMin(), kMax());
    if (k == k_)
        return;
    k_ = k;
    Q_EMIT kChanged(k_);
}

void Workbench::stepK(int direction)
{
    if (!project_) {
        setK(k_ + direction);
        return;
    }
    const auto& ks = project_->ks;
    int next = k_;
    if (direction > 0) {
        auto it = std::upper_bound(ks.begin(), ks.end(), k_);
        next = it == ks.end() ? k_ + 1 : *it;
    } else {
        auto it = std::lower_bound(ks.begin(), ks.end(), k_);
        next = it == ks.begin() ? k_ - 1 : *std::prev(it);
    }
    setK(next);
}

void Workbench::setActiveSource(const QString& source)
{
    if (source == activeSource_ || !this->source(source))
        return;
    activeSource_ = source;
    Q_EMIT activeSourceChanged(activeSource_);
}

void Workbench::setUser(std::uint32_t user)
{
    if (!project_ || user >= project_->data.users.size() || user == user_)
        return;
    user_ = user;
    Q_EMIT userChanged(user_);
}

QString Workbench::videoOf(const QString& itemId) const
{
    if (!project_)
        return {};
    auto it = project_->videoOf.find(itemId.toStdString());
    return it == project_->videoOf.end() ? QString() : QString::fromStdString(it->second.string());
}

QString Workbench::titleOf(const QString& itemId) const
{
    return project_ ? QString::fromStdString(project_->titleOf(itemId.toStdString())) : itemId;
}

void Workbench::requestThumbnails(const QStringList& itemIds)
{
    std::vector<std::pair<QString, fs::path>> todo;
    for (const auto& id : itemIds) {
        const QString video = videoOf(id);
        if (video.isEmpty() || thumbnailsRequested_.contains(id))
            continue;
        thumbnailsRequested_.insert(id);
        todo.emplace_back(id, fs::path(video.toStdString()));
    }
    if (todo.empty())
        return;
    projectJobs_->run<std::vector<Thumb>>(
        tr("Trailer thumbnails (%n videos)", nullptr, static_cast<int>(todo.size())),
        [todo](const JobContext& ctx) {
            std::vector<Thumb> out;
            video::SamplerOptions options;
            options.fps = 0.5;
            options.makeTensor = false;
            options.thumbWidth = 160;
            const video::FrameSampler sampler(options);
            for (std::size_t i = 0; i < todo.size(); ++i) {
                ctx.checkCancelled();
                ctx.report("thumbnails", static_cast<double>(i), static_cast<double>(todo.size()));
                QImage best;
                try {
                    // The second sample (2 s in) when there is one: first frames are often titles.
                    int seen = 0;
                    sampler.run(todo[i].second, [&](video::SampledFrame&& f) {
                        if (seen++ > 1 || f.thumbRgb.empty())
                            return;
                        best = QImage(f.thumbRgb.data(), f.thumbWidth, f.thumbHeight, 3 * f.thumbWidth,
                                      QImage::Format_RGB888).copy();
                        if (seen > 1)
                            throw Cancelled();  // enough: stop decoding this video
                    }, ctx);
                } catch (const Cancelled&) {
                    ctx.checkCancelled();
                } catch (const Error&) {
                    // A missing or broken trailer has no thumbnail; the views say "no trailer".
                }
                out.push_back({todo[i].first, best});
            }
            return out;
        },
        [this](std::vector<Thumb> thumbs) {
            for (auto& t : thumbs)
                if (!t.image.isNull())
                    thumbnails_.insert(t.item, t.image);
            Q_EMIT thumbnailsReady();
        });
}

}  // namespace tl::ui

namespace tl::ui {

int Workbench::editCount() const
{
    return project_ ? static_cast<int>(project_->project.ratingEdits.size()) : 0;
}

int Workbench::playgroundUserCount() const
{
    return project_ ? static_cast<int>(project_->project.newUsers.size()) : 0;
}

bool Workbench::isPlaygroundUser(std::uint32_t user) const
{
    return sourceProject_ && project_ && user >= sourceProject_->data.users.size() && user < project_->data.users.size();
}

void Workbench::editRating(std::uint32_t user, std::uint32_t item, std::optional<float> rating)
{
    if (!project_ || user >= project_->data.users.size() || item >= project_->data.items.size())
        return;
    const auto& data = project_->data;
    Overlay before{project_->project.newUsers, project_->project.ratingEdits};
    Overlay after = before;
    tl::ProjectRatingEdit edit{data.users.id(user), data.items.id(item), rating};
    // One entry per (user, item): a later edit of the same pair replaces the earlier one.
    auto it = std::find_if(after.edits.begin(), after.edits.end(),
                           [&](const auto& e) { return e.user == edit.user && e.item == edit.item; });
    if (it != after.edits.end()) {
        if (*it == edit)
            return;
        *it = edit;
    } else {
        after.edits.push_back(edit);
    }
    const QString title = titleOf(QString::fromStdString(edit.item));
    const QString text = rating ? tr("Rate %1 %2 (user %3)").arg(title).arg(static_cast<double>(*rating))
                                      .arg(QString::fromStdString(edit.user))
                                : tr("Remove the rating of %1 (user %2)").arg(title, QString::fromStdString(edit.user));
    undo_->push(new OverlayCommand(this, std::move(before), std::move(after), text, user));
}

void Workbench::addPlaygroundUser()
{
    if (!project_)
        return;
    Overlay before{project_->project.newUsers, project_->project.ratingEdits};
    Overlay after = before;
    std::string id;
    for (int n = 1;; ++n) {
        id = "playground-" + std::to_string(n);
        if (!project_->data.users.find(id))
            break;
    }
    after.newUsers.push_back(id);
    const auto user = static_cast<std::uint32_t>(project_->data.users.size());
    undo_->push(new OverlayCommand(this, std::move(before), std::move(after),
                                   tr("New user %1").arg(QString::fromStdString(id)), user));
}

void Workbench::resetEdits()
{
    if (!project_ || (project_->project.ratingEdits.empty() && project_->project.newUsers.empty()))
        return;
    Overlay before{project_->project.newUsers, project_->project.ratingEdits};
    undo_->push(new OverlayCommand(this, std::move(before), Overlay{}, tr("Reset the what-if edits"),
                                   std::min<std::uint32_t>(user_, static_cast<std::uint32_t>(sourceProject_->data.users.size()) - 1)));
}

void Workbench::setOverlay(const Overlay& overlay, std::optional<std::uint32_t> selectUser)
{
    if (!sourceProject_)
        return;
    tl::ProjectData copy = *sourceProject_;
    copy.project.newUsers = overlay.newUsers;
    copy.project.ratingEdits = overlay.edits;
    std::shared_ptr<const tl::ProjectData> edited;
    try {
        edited = tl::withOverlay(copy);
    } catch (const std::exception& e) {  // edits made here always resolve; a defect otherwise
        editsSaveError_ = QString::fromUtf8(e.what());
        Q_EMIT editsChanged();
        return;
    }
    // The overlay is saved in the project file; the ratings file is never written.
    try {
        saveProjectFile(copy.project);
        editsSaveError_.clear();
    } catch (const std::exception& e) {
        editsSaveError_ = tr("the edits could not be saved in the project file: %1").arg(QString::fromUtf8(e.what()));
    }
    auto source = sourceProject_;
    sourceProject_ = std::make_shared<const tl::ProjectData>([&] {
        tl::ProjectData p = *source;  // keeps the overlay for later saves of the project
        p.project.newUsers = overlay.newUsers;
        p.project.ratingEdits = overlay.edits;
        return p;
    }());
    project_ = std::move(edited);
    metricsCache_.clear();
    metricsPending_.clear();
    // Built models become the bases of incremental updates (a pending update's base stays:
    // an update may start from any earlier ratings); builds in flight finish on the
    // ratings they started with and are updated then.
    updateJobs_->cancel();
    updating_.clear();
    for (auto& [key, built] : models_)
        bases_[key] = std::move(built);
    models_.clear();
    // Models of weights no longer set are of the older ratings: dropped.
    const QSet<QString> current = currentKeys();
    for (auto it = bases_.begin(); it != bases_.end();)
        it = current.contains(it->first) ? std::next(it) : bases_.erase(it);
    if (selectUser && *selectUser < project_->data.users.size())
        user_ = *selectUser;
    else if (user_ >= project_->data.users.size())
        user_ = 0;
    for (const auto& info : sources_) {
        const QString name = QString::fromStdString(info.name), key = cacheKey(info);
        if (bases_.count(key))
            updateModel(name, key);
    }
    computeBaselines();
    Q_EMIT editsChanged();
    Q_EMIT userChanged(user_);
    buildMissing();
}

void Workbench::exportEditedRatings(const QString& file) const
{
    if (!sourceProject_)
        return;
    const auto& source = sourceProject_->data;
    tl::writeRatingsCsv(tl::applyOverlay(source, tl::resolveOverlay(sourceProject_->project, source)),
                        file.toStdString());
}

}  // namespace tl::ui
