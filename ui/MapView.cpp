#include "ui/MapView.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <map>
#include <set>

#include "core/eval/CfModel.h"
#include "core/eval/UserItemMap.h"
#include "ui/ChartStyle.h"
#include "ui/JobRunner.h"
#include "ui/MapCanvas.h"
#include "ui/Workbench.h"

namespace tl::ui {

struct MapResult {
    QString source;
    std::shared_ptr<const CfModel> model;
    UserItemMap map;
    std::vector<std::string> labels;   // per point
    std::vector<int> pointOfUser;      // dataset user -> point index, -1 when not on the map
};

namespace {

// Principal axes have no sign: flips each axis of `map` whose trailer coordinates run
// against those of `before` (a rating edit leaves every trailer's profile as it was), so
// a map recomputed after an edit keeps the orientation of the map before it.
void orientLikeBefore(UserItemMap& map, const UserItemMap& before)
{
    std::map<std::uint32_t, const MapPoint*> items;
    for (const auto& p : before.points)
        if (p.kind == MapKind::Item)
            items[p.index] = &p;
    double dotX = 0, dotY = 0;
    for (const auto& p : map.points)
        if (p.kind == MapKind::Item)
            if (const auto it = items.find(p.index); it != items.end()) {
                dotX += p.x * it->second->x;
                dotY += p.y * it->second->y;
            }
    for (auto& p : map.points) {
        if (dotX < 0)
            p.x = -p.x;
        if (dotY < 0)
            p.y = -p.y;
    }
}

constexpr int kMaxColours = 10;  // the most frequent labels get colours; the rest are "other"

QString percent(double ratio)
{
    return QString::number(100 * ratio, 'f', 1) + QStringLiteral(" %");
}

}  // namespace

MapView::MapView(Workbench* workbench, QWidget* parent)
    : QWidget(parent), workbench_(workbench), jobs_(std::make_unique<JobGroup>(workbench->jobs(), this))
{
    method_ = new QComboBox(this);
    method_->setObjectName(QStringLiteral("MapMethod"));
    method_->addItem(tr("PCA"), QStringLiteral("pca"));
    method_->addItem(tr("t-SNE"), QStringLiteral("tsne"));
    method_->setToolTip(tr("PCA: the exact first two principal components of the unit-length profiles of users and "
                           "trailers together.\nt-SNE: exact t-SNE (perplexity 30, 1000 iterations, seed 1) on their "
                           "first 50 principal components; keeps neighbourhoods, not distances."));
    colour_ = new QComboBox(this);
    colour_->setObjectName(QStringLiteral("MapColour"));
    colour_->addItem(tr("Genre / family"), QStringLiteral("label"));
    colour_->addItem(tr("Cluster (k-means)"), QStringLiteral("cluster"));
    colour_->addItem(tr("Users and trailers"), QStringLiteral("kind"));
    colour_->setToolTip(tr("Genre: a trailer's first genre (the demo's visual family); a user's most common "
                           "trailer genre among the trailers it liked.\nCluster: k-means (seed 1) of users and "
                           "trailers together on their first 50 principal components, k = the number of first "
                           "genres (2 to 10; 6 without genres)."));
    show_ = new QComboBox(this);
    show_->setObjectName(QStringLiteral("MapShow"));
    show_->addItem(tr("Trailers and users"));
    show_->addItem(tr("Trailers"));
    show_->addItem(tr("Users"));
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("MapStatus"));
    status_->setWordWrap(true);
    canvas_ = new MapCanvas(this);
    canvas_->setObjectName(QStringLiteral("MapCanvas"));

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Projection:"), this));
    controls->addWidget(method_);
    controls->addSpacing(12);
    controls->addWidget(new QLabel(tr("Colour:"), this));
    controls->addWidget(colour_);
    controls->addSpacing(12);
    controls->addWidget(new QLabel(tr("Show:"), this));
    controls->addWidget(show_);
    controls->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(status_);
    layout->addWidget(canvas_, 1);
    canvas_->clear(tr("Open a project: users and trailers appear here."));

    connect(method_, &QComboBox::currentIndexChanged, this, [this] { ensureMap(); });
    connect(colour_, &QComboBox::currentIndexChanged, this, [this] { applyColours(); });
    connect(show_, &QComboBox::currentIndexChanged, this,
            [this](int index) { canvas_->setKindsShown(index != 2, index != 1); });
    connect(canvas_, &MapCanvas::pointHovered, this, &MapView::hover);
    connect(canvas_, &MapCanvas::pointClicked, this, &MapView::click);
    connect(canvas_, &MapCanvas::exposedEmpty, this, &MapView::ensureMap);
    connect(workbench_, &Workbench::projectOpened, this, &MapView::reset);
    connect(workbench_, &Workbench::projectClosed, this, &MapView::reset);
    connect(workbench_, &Workbench::activeSourceChanged, this, [this] { ensureMap(); });
    connect(workbench_, &Workbench::modelReady, this, [this](const QString& source) {
        if (source == workbench_->activeSource())
            ensureMap();
    });
    connect(workbench_, &Workbench::editsChanged, this, &MapView::editsChanged);
    connect(workbench_, &Workbench::userChanged, this, &MapView::refreshHighlight);
    connect(workbench_, &Workbench::kChanged, this, &MapView::refreshHighlight);
    connect(workbench_, &Workbench::thumbnailsReady, this, [this] {
        // The hovered trailer's thumbnail may just have arrived.
        if (shown_)
            hover(canvas_->pointAt(canvas_->mapFromGlobal(QCursor::pos())));
    });
}

MapView::~MapView() = default;

QString MapView::key() const
{
    return workbench_->activeSource() + QLatin1Char('|') + method_->currentData().toString();
}

void MapView::reset()
{
    jobs_->cancel();
    maps_.clear();
    pendingKey_.clear();
    shown_.reset();
    beforeEdit_.reset();
    trailUser_.reset();
    trailFrom_.reset();
    trailMap_.reset();
    editPending_ = false;
    canvas_->clear(workbench_->hasProject() ? tr("Waiting for the configuration's model…")
                                            : tr("Open a project: users and trailers appear here."));
    status_->clear();
    ensureMap();
}

void MapView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    ensureMap();
}

void MapView::editsChanged()
{
    // Every map was computed from the ratings before the edit: all are stale. The one on
    // screen stays (marked) until the edited model is mapped, and is the trail's origin.
    if (!editPending_)
        beforeEdit_ = shown_;
    editPending_ = true;
    trailUser_ = workbench_->user();
    jobs_->cancel();
    pendingKey_.clear();
    maps_.clear();
    if (shown_)
        status_->setText(tr("Updating the map after the what-if edit…"));
    ensureMap();
}

std::optional<QPointF> MapView::positionOf(std::uint32_t user) const
{
    if (!shown_ || user >= shown_->pointOfUser.size() || shown_->pointOfUser[user] < 0)
        return std::nullopt;
    const MapPoint& p = shown_->map.points[static_cast<std::size_t>(shown_->pointOfUser[user])];
    return QPointF(p.x, p.y);
}

void MapView::ensureMap()
{
    if (!workbench_->hasProject())
        return;
    const QString k = key();
    const QString source = workbench_->activeSource();
    auto model = workbench_->model(source);
    // A map is current while it was computed from the configuration's model as it is now.
    if (auto cached = maps_.value(k); cached && model && cached->model != model)
        maps_.remove(k);
    if (shown_ && maps_.value(k) == shown_)
        return;
    if (auto cached = maps_.value(k)) {
        show(cached);
        return;
    }
    if (!model) {
        if (editPending_ && shown_)
            return;  // the edited model is being built: the map before the edit stays meanwhile
        canvas_->clear(tr("Waiting for the model of %1…").arg(source));
        shown_.reset();
        return;
    }
    // Only what is on screen is computed: a tab behind another counts as visible to
    // Qt but has no visible region (its canvas asks again when it is painted).
    if (!isVisible() || canvas_->visibleRegion().isEmpty() || pendingKey_ == k)
        return;
    jobs_->cancel();
    pendingKey_ = k;
    MapOptions options;
    options.method = parseMapMethod(method_->currentData().toString().toStdString());
    // After an edit, the map before it stays on screen while the new one is computed, and
    // a new PCA map is oriented like it.
    std::shared_ptr<const MapResult> orientLike;
    if (editPending_ && shown_ && shown_->source == source) {
        status_->setText(tr("Updating the map after the what-if edit…"));
        if (options.method == MapMethod::Pca && shown_->map.options.method == MapMethod::Pca)
            orientLike = shown_;
    } else {
        shown_.reset();
        canvas_->clear(tr("Computing the %1 map of %2…").arg(method_->currentText(), source));
        status_->clear();
    }
    auto project = workbench_->project();
    jobs_->run<std::shared_ptr<const MapResult>>(
        tr("Map of users and trailers (%1, %2)").arg(method_->currentText(), source),
        [model, project, options, source, orientLike](const JobContext& ctx) mutable {
            std::set<std::string> firstGenres;
            for (const auto& item : project->catalog.items)
                if (!item.genres.empty())
                    firstGenres.insert(item.genres.front());
            options.clusters = firstGenres.empty() ? 6 : std::clamp(static_cast<int>(firstGenres.size()), 2, 10);
            auto result = std::make_shared<MapResult>();
            result->source = source;
            result->model = model;
            const RelevanceMatrix w = buildRelevance(model->train(), model->items(), model->settings().relevant);
            result->map = buildUserItemMap(w, model->items(), options, ctx);
            if (orientLike)
                orientLikeBefore(result->map, orientLike->map);
            result->labels = mapLabels(result->map, w, model->items(), project->data.items, project->catalog);
            result->pointOfUser.assign(model->train().users, -1);
            for (std::size_t p = 0; p < result->map.points.size(); ++p)
                if (result->map.points[p].kind == MapKind::User)
                    result->pointOfUser[result->map.points[p].index] = static_cast<int>(p);
            return std::shared_ptr<const MapResult>(result);
        },
        [this, k](std::shared_ptr<const MapResult> map) {
            pendingKey_.clear();
            maps_.insert(k, map);
            if (key() == k)
                show(map);
        },
        [this, k](const QString& message, bool cancelled) {
            if (pendingKey_ == k)
                pendingKey_.clear();
            if (!cancelled)
                canvas_->clear(tr("The map could not be computed: %1").arg(message));
        });
}

void MapView::show(std::shared_ptr<const MapResult> map)
{
    shown_ = std::move(map);
    // The first map of the edited ratings: the edited user's trail starts where it was.
    if (editPending_) {
        editPending_ = false;
        trailFrom_.reset();
        trailMap_ = shown_;
        if (beforeEdit_ && trailUser_ && beforeEdit_->source == shown_->source &&
            beforeEdit_->map.options.method == shown_->map.options.method &&
            *trailUser_ < beforeEdit_->pointOfUser.size() && beforeEdit_->pointOfUser[*trailUser_] >= 0) {
            const MapPoint& was = beforeEdit_->map.points[static_cast<std::size_t>(beforeEdit_->pointOfUser[*trailUser_])];
            trailFrom_ = QPointF(was.x, was.y);
        }
        beforeEdit_.reset();
    }
    const UserItemMap& m = shown_->map;
    std::size_t items = 0;
    for (const auto& p : m.points)
        items += p.kind == MapKind::Item;
    const std::size_t users = m.points.size() - items;
    QString text;
    if (m.options.method == MapMethod::Pca)
        text = tr("PCA of %1 trailers and %2 users of %3 (unit-length profiles): x explains %4, y %5 of the variance.")
                   .arg(items)
                   .arg(users)
                   .arg(shown_->source, percent(m.explained[0]), percent(m.explained[1]));
    else
        text = tr("t-SNE of %1 trailers and %2 users of %3 (unit-length profiles; on %4 principal components "
                  "keeping %5 of the variance): near means similar, distances between groups mean little.")
                   .arg(items)
                   .arg(users)
                   .arg(shown_->source)
                   .arg(m.inputDims)
                   .arg(percent(m.explained[0]));
    if (m.itemsLeftOut + m.usersLeftOut > 0)
        text += tr(" Not on the map (no profile): %1 trailers, %2 users.").arg(m.itemsLeftOut).arg(m.usersLeftOut);
    text += tr(" Squares: trailers; dots: users.");
    if (workbench_->playgroundUserCount() > 0)
        text += tr(" Diamonds: playground users.");
    if (const auto moved = movedUser(); moved && *moved < workbench_->project()->data.users.size()) {
        const QString id = QString::fromStdString(workbench_->project()->data.users.id(*moved));
        text += positionOf(*moved) ? (trailFrom_ ? tr(" Ringed: %1, moved by the last edit (dashed: from where it was).").arg(id)
                                                 : tr(" Ringed: %1, on the map since the last edit.").arg(id))
                                   : tr(" %1 has no profile after the last edit: not on the map.").arg(id);
    }
    status_->setText(text);
    applyColours();
    Q_EMIT mapReady();
}

void MapView::applyColours()
{
    if (!shown_)
        return;
    const UserItemMap& m = shown_->map;
    std::vector<MapCanvasPoint> points(m.points.size());
    QStringList categories;
    std::vector<QColor> colours;
    SeriesPalette palette;
    if (colour_->currentData().toString() == QLatin1String("cluster") && !m.cluster.empty()) {
        const int k = *std::max_element(m.cluster.begin(), m.cluster.end()) + 1;
        for (int c = 0; c < k; ++c) {
            categories << tr("cluster %1").arg(c + 1);
            colours.push_back(palette.colourOf(categories.back()));
        }
        for (std::size_t p = 0; p < points.size(); ++p)
            points[p].category = m.cluster[p];
    } else if (colour_->currentData().toString() == QLatin1String("kind")) {
        categories << tr("Trailers") << tr("Users");
        colours = {palette.colourOf(categories[0]), palette.colourOf(categories[1])};
        for (std::size_t p = 0; p < points.size(); ++p)
            points[p].category = m.points[p].kind == MapKind::User ? 1 : 0;
    } else {
        // Labels ordered by how many trailers carry them; the first kMaxColours get colours.
        std::map<std::string, int> count;
        for (std::size_t p = 0; p < points.size(); ++p)
            if (m.points[p].kind == MapKind::Item && !shown_->labels[p].empty())
                ++count[shown_->labels[p]];
        std::vector<std::pair<std::string, int>> order(count.begin(), count.end());
        std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        std::map<std::string, int> category;
        for (std::size_t c = 0; c < order.size(); ++c) {
            const int index = static_cast<int>(std::min<std::size_t>(c, kMaxColours));
            category[order[c].first] = index;
            if (c < kMaxColours) {
                categories << QString::fromStdString(order[c].first);
                colours.push_back(palette.colourOf(categories.back()));
            }
        }
        if (order.size() > kMaxColours) {
            categories << tr("other");
            colours.push_back(QColor(150, 150, 150));
        }
        for (std::size_t p = 0; p < points.size(); ++p) {
            const auto it = category.find(shown_->labels[p]);
            points[p].category = it == category.end() ? -1 : it->second;
        }
    }
    for (std::size_t p = 0; p < points.size(); ++p) {
        points[p].user = m.points[p].kind == MapKind::User;
        points[p].index = m.points[p].index;
        points[p].position = QPointF(m.points[p].x, m.points[p].y);
        points[p].playground = points[p].user && workbench_->isPlaygroundUser(points[p].index);
    }
    canvas_->setPoints(std::move(points), categories, colours);
    updateTrail();
    refreshHighlight();
}

void MapView::updateTrail()
{
    const auto user = movedUser();
    if (!user || *user >= shown_->pointOfUser.size() || shown_->pointOfUser[*user] < 0)
        return canvas_->setTrail(-1, std::nullopt);
    canvas_->setTrail(shown_->pointOfUser[*user], trailFrom_);
}

std::optional<std::uint32_t> MapView::highlightedUser() const
{
    const int p = canvas_->selectedPoint();
    if (!shown_ || p < 0)
        return std::nullopt;
    return shown_->map.points[static_cast<std::size_t>(p)].index;
}

std::vector<std::uint32_t> MapView::highlightedNeighbours() const
{
    std::vector<std::uint32_t> users;
    if (shown_)
        for (int p : canvas_->neighbourPoints())
            users.push_back(shown_->map.points[static_cast<std::size_t>(p)].index);
    return users;
}

void MapView::refreshHighlight()
{
    if (!shown_)
        return;
    const std::uint32_t user = workbench_->user();
    if (user >= shown_->pointOfUser.size() || shown_->pointOfUser[user] < 0) {
        canvas_->setHighlight(-1, {});
        return;
    }
    std::vector<int> neighbours;
    for (const auto& [n, corated] : shown_->model->neighbours(user, workbench_->k()))
        if (n.user < shown_->pointOfUser.size() && shown_->pointOfUser[n.user] >= 0)
            neighbours.push_back(shown_->pointOfUser[n.user]);
    canvas_->setHighlight(shown_->pointOfUser[user], std::move(neighbours));
}

void MapView::hover(int point)
{
    if (!shown_ || point < 0 || point >= static_cast<int>(shown_->map.points.size()))
        return;
    const MapPoint& p = shown_->map.points[static_cast<std::size_t>(point)];
    const QString label = QString::fromStdString(shown_->labels[static_cast<std::size_t>(point)]);
    const auto& project = workbench_->project();
    if (!project)
        return;
    if (p.kind == MapKind::Item) {
        const QString id = QString::fromStdString(project->data.items.id(p.index));
        const QString title = workbench_->titleOf(id);
        QString text = title.isEmpty() ? tr("Trailer %1").arg(id) : tr("%1 (item %2)").arg(title, id);
        if (!label.isEmpty())
            text += QLatin1Char('\n') + label;
        const QImage image = workbench_->thumbnail(id);
        if (image.isNull() && !workbench_->videoOf(id).isEmpty())
            Q_EMIT thumbnailsWanted({id});
        canvas_->setHoverCard(image, text + tr("\nClick to open the trailer."));
        return;
    }
    const TrainingMatrix& train = shown_->model->train();
    QString text = tr("User %1: %2 training ratings, mean %3")
                       .arg(QString::fromStdString(project->data.users.id(p.index)))
                       .arg(train.userCount(p.index))
                       .arg(train.userMean[p.index], 0, 'f', 2);
    if (!label.isEmpty())
        text += tr("\nmost liked: %1").arg(label);
    if (p.index == workbench_->user()) {
        text += tr("\nthe selected user");
    } else {
        int rank = 0;
        for (const auto& [n, corated] : shown_->model->neighbours(workbench_->user(), workbench_->k())) {
            ++rank;
            if (n.user == p.index) {
                text += tr("\nneighbour %1 of the selected user (similarity %2)").arg(rank).arg(n.similarity, 0, 'f', 4);
                break;
            }
        }
    }
    canvas_->setHoverCard({}, text + tr("\nClick to select this user."));
}

void MapView::click(int point)
{
    if (!shown_ || point < 0 || point >= static_cast<int>(shown_->map.points.size()))
        return;
    const MapPoint& p = shown_->map.points[static_cast<std::size_t>(point)];
    if (p.kind == MapKind::User)
        Q_EMIT userRequested(p.index);
    else if (const auto& project = workbench_->project())
        Q_EMIT playRequested(QString::fromStdString(project->data.items.id(p.index)));
}

}  // namespace tl::ui
