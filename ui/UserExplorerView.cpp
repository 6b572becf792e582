#include "ui/UserExplorerView.h"

#include "ui/TableCells.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QPushButton>
#include <QTimer>
#include <QKeyEvent>
#include <QCompleter>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/common/NaturalOrder.h"
#include "ui/ElidedLabel.h"
#include "core/eval/CfModel.h"
#include "core/eval/Crowding.h"
#include "core/experiment/ConfigurationFrames.h"
#include "core/experiment/FusedConfiguration.h"
#include "ui/ChartAdapter.h"
#include "ui/NeighbourPanel.h"
#include "ui/PredictionWaterfall.h"
#include "ui/StarRating.h"
#include "ui/Workbench.h"

namespace tl::ui {

namespace {

constexpr int recommendationTileWidth = 150;

QTableWidget* makeTable(QWidget* parent, const QStringList& headers)
{
    auto* t = makeItemTable(parent, headers);
    t->horizontalHeader()->setStretchLastSection(true);
    t->verticalHeader()->setDefaultSectionSize(22);
    return t;
}

QString sourceText(PredictionSource s)
{
    switch (s) {
    case PredictionSource::Neighbours: return UserExplorerView::tr("neighbours");
    case PredictionSource::UserMean: return UserExplorerView::tr("user mean (no neighbour rated it)");
    case PredictionSource::ItemMean: return UserExplorerView::tr("item mean");
    case PredictionSource::GlobalMean: return UserExplorerView::tr("global mean");
    case PredictionSource::Model: return UserExplorerView::tr("model");
    }
    return {};
}

QIcon placeholderIcon(const QString& text)
{
    QPixmap pix(160, 90);
    pix.fill(QColor(0x30, 0x30, 0x30));
    QPainter p(&pix);
    p.setPen(QColor(0xcc, 0xcc, 0xcc));
    p.drawText(pix.rect(), Qt::AlignCenter, text);
    return QIcon(pix);
}

}  // namespace

UserExplorerView::UserExplorerView(const Workbench* workbench, QWidget* parent) : QWidget(parent), workbench_(workbench)
{
    users_ = new QComboBox(this);
    users_->setEditable(true);
    users_->setInsertPolicy(QComboBox::NoInsert);
    users_->completer()->setFilterMode(Qt::MatchStartsWith);
    users_->setMinimumContentsLength(8);
    users_->setToolTip(tr("Type a user id or pick one"));
    sources_ = new QComboBox(this);
    sources_->setToolTip(tr("Content source whose profiles and neighbours are shown"));
    sources_->setMinimumContentsLength(16);
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("User:"), this));
    top->addWidget(users_);
    top->addSpacing(12);
    top->addWidget(new QLabel(tr("Configuration:"), this));
    top->addWidget(sources_, 1);

    // A fused configuration's weight: one compact row, shown only for a fused one.
    fusionRow_ = new QWidget(this);
    fusionRow_->setObjectName(QStringLiteral("FusionWeightRow"));
    fusionFirst_ = new QLabel(this);
    fusionWeight_ = new QDoubleSpinBox(this);
    fusionWeight_->setObjectName(QStringLiteral("FusionWeight"));
    fusionWeight_->setRange(0, 1);
    fusionWeight_->setSingleStep(0.05);
    fusionWeight_->setDecimals(2);
    fusionWeight_->setKeyboardTracking(false);
    fusionSecond_ = new QLabel(this);
    chooseFusion_ = new QPushButton(tr("Choose on validation"), this);
    chooseFusion_->setObjectName(QStringLiteral("ChooseFusionWeight"));
    chooseFusion_->setToolTip(tr("Choose the weight on a validation share of the training ratings (never on the "
                                 "test ratings), then build the model with it; cancel it in the Jobs panel"));
    fusionStatus_ = new ElidedLabel(this);
    fusionStatus_->setObjectName(QStringLiteral("FusionStatus"));
    auto* fusionLayout = new QHBoxLayout(fusionRow_);
    fusionLayout->setContentsMargins(0, 0, 0, 0);
    fusionLayout->addWidget(fusionFirst_);
    fusionLayout->addWidget(fusionWeight_);
    fusionLayout->addWidget(fusionSecond_);
    fusionLayout->addWidget(chooseFusion_);
    fusionLayout->addWidget(fusionStatus_, 1);
    fusionRow_->hide();
    fusionDebounce_ = new QTimer(this);
    fusionDebounce_->setSingleShot(true);
    fusionDebounce_->setInterval(350);  // stepping through values builds one model, for the last
    connect(fusionWeight_, &QDoubleSpinBox::valueChanged, this, [this](double w) {
        fusionSecond_->setText(fusionSecondText_.arg(1 - w, 0, 'f', 2));
        fusionDebounce_->start();
    });
    connect(fusionDebounce_, &QTimer::timeout, this, [this] {
        const double w = fusionWeight_->value();
        Q_EMIT fusionWeightsRequested(workbench_->activeSource(), {w, 1 - w});
    });
    connect(chooseFusion_, &QPushButton::clicked, this,
            [this] { Q_EMIT fusionChoiceRequested(workbench_->activeSource()); });

    profile_ = new ChartAdapter(this);
    connect(profile_, &ChartAdapter::barClicked, this, [this](int bar) {
        if (bar >= 0 && bar < static_cast<int>(featureOfBar_.size()))
            Q_EMIT featureRequested(static_cast<int>(featureOfBar_[static_cast<std::size_t>(bar)]));
    });
    neighbours_ = makeTable(this, {tr("#"), tr("Neighbour"), tr("Similarity"), tr("Co-rated")});
    similarities_ = new ChartAdapter(this);
    similarities_->setToolTip(tr("How many users have each similarity to this user; the line marks the K-th neighbour"));
    predictions_ = makeTable(this, {tr("Item"), tr("Rating"), tr("Prediction"), tr("Error"), tr("From")});
    // A grid of equal tiles that wraps to the dock's width: a thumbnail over two
    // single lines (title, predicted rating) elided to the tile, so labels never
    // overlap a neighbour or get cut; the full title is in each tile's tooltip.
    recommendations_ = new QListWidget(this);
    recommendations_->setViewMode(QListView::IconMode);
    recommendations_->setFlow(QListView::LeftToRight);
    recommendations_->setWrapping(true);
    recommendations_->setResizeMode(QListView::Adjust);
    recommendations_->setUniformItemSizes(true);
    recommendations_->setIconSize(QSize(128, 72));
    recommendations_->setWordWrap(false);
    recommendations_->setTextElideMode(Qt::ElideRight);
    recommendations_->setMovement(QListView::Static);
    recommendations_->setSelectionMode(QAbstractItemView::SingleSelection);
    recommendations_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    recommendations_->setSpacing(0);
    const int line = recommendations_->fontMetrics().lineSpacing();
    recommendations_->setGridSize(QSize(recommendationTileWidth, 72 + 2 * line + 16));
    recommendations_->setMinimumHeight(recommendations_->gridSize().height() + 2 * recommendations_->frameWidth() + 4);
    recommendations_->setToolTip(tr("Top-N recommendations at K; click one to play its trailer"));
    waterfall_ = new PredictionWaterfall(this);
    profileItems_ = makeItemTable(this, {tr("Item"), tr("Weight"), tr("Share")});
    profileItems_->setToolTip(tr("The items with the largest share of the user's profile MUP(u): "
                                 "r(u,i) MIP(i)·MUP(u) / |MUP(u)|², shares summing to 1"));
    neighbours_->setToolTip(tr("Double-click a neighbour to see why it is one"));
    ratings_ = makeTable(this, {tr("Item"), tr("Rating"), tr("What-if")});
    ratings_->setToolTip(tr("The user's training ratings, then every other item: select one and press 1-5 to rate "
                            "it, 0 to remove the rating (Edit > Undo takes it back)"));
    edits_ = new QLabel(this);
    edits_->setWordWrap(true);
    edits_->setStyleSheet(QStringLiteral("color: #b35c00;"));
    edits_->hide();
    for (QWidget* w : {static_cast<QWidget*>(ratings_), static_cast<QWidget*>(predictions_),
                       static_cast<QWidget*>(recommendations_)})
        w->installEventFilter(this);

    auto wrap = [this](const QString& title, QWidget* w) {
        auto* box = new QGroupBox(title, this);
        auto* l = new QVBoxLayout(box);
        l->setContentsMargins(4, 4, 4, 4);
        l->addWidget(w);
        return box;
    };
    // The profile and the similarity histogram share one tabbed panel, so the
    // explorer keeps the minimum height of one chart (it must fit a laptop screen).
    auto* charts = new QTabWidget(this);
    charts->setDocumentMode(true);
    charts->addTab(profile_, tr("Profile: highest utility"));
    charts->addTab(similarities_, tr("Similarities"));
    auto* upper = new QSplitter(Qt::Horizontal, this);
    upper->addWidget(charts);
    upper->addWidget(wrap(tr("Nearest neighbours"), neighbours_));
    auto* lower = lower_ = new QSplitter(Qt::Horizontal, this);
    lower->addWidget(wrap(tr("Test ratings vs predictions"), predictions_));
    lower->addWidget(wrap(tr("Why this prediction"), waterfall_));
    lower->setStretchFactor(1, 1);
    // What the profile is made of comes first; the feature chart stays a tab away.
    charts->insertTab(0, profileItems_, tr("Profile: items"));
    charts->insertTab(1, ratings_, tr("Ratings"));
    charts_ = charts;
    charts->setCurrentIndex(0);
    auto* all = all_ = new QSplitter(Qt::Vertical, this);
    all->addWidget(upper);
    all->addWidget(lower);
    // The selected recommendation is rated in place: stars under the tiles (or keys 1-5 on the list).
    recommendationStars_ = new StarRating(this);
    recommendationStars_->setObjectName(QStringLiteral("RecommendationRating"));
    recommendationRatingLabel_ = new QLabel(this);
    auto* recommended = new QWidget(this);
    auto* recommendedLayout = new QVBoxLayout(recommended);
    recommendedLayout->setContentsMargins(0, 0, 0, 0);
    recommendedLayout->setSpacing(2);
    recommendedLayout->addWidget(recommendations_, 1);
    auto* rateRow = new QHBoxLayout;
    rateRow->addWidget(recommendationRatingLabel_);
    rateRow->addWidget(recommendationStars_);
    rateRow->addStretch(1);
    recommendedLayout->addLayout(rateRow);
    all->addWidget(wrap(tr("Top-10 recommendations (click to play the trailer; rate one with the stars or keys 1-5)"),
                        recommended));
    all->setStretchFactor(0, 3);
    all->setStretchFactor(1, 2);
    all->setStretchFactor(2, 0);
    all->setSizes({220, 460, 120});

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(fusionRow_);
    layout->addWidget(summary_);
    layout->addWidget(edits_);
    layout->addWidget(all, 1);

    connect(users_, &QComboBox::activated, this, [this](int index) {
        if (index >= 0 && static_cast<std::size_t>(index) < userOfRow_.size())
            Q_EMIT userRequested(userOfRow_[static_cast<std::size_t>(index)]);
    });
    connect(sources_, &QComboBox::activated, this,
            [this](int index) { Q_EMIT sourceRequested(sources_->itemData(index).toString()); });
    connect(recommendations_, &QListWidget::itemClicked, this,
            [this](QListWidgetItem* item) { Q_EMIT playRequested(item->data(Qt::UserRole).toString()); });

    connect(workbench_, &Workbench::projectOpened, this, [this] {
        fillUsers();
        fillSources();
        refresh();
    });
    connect(workbench_, &Workbench::projectClosed, this, [this] {
        fillUsers();
        fillSources();
        refresh();
    });
    connect(workbench_, &Workbench::sourcesChanged, this, [this] {
        fillSources();
        refreshFusion();
    });
    connect(workbench_, &Workbench::fusionWeightsChanged, this, [this](const QString& s) {
        if (s == workbench_->activeSource()) {
            refreshFusion();
            refresh();  // pending until the model of the new weights is there
        }
    });
    connect(workbench_, &Workbench::fusionChoiceStarted, this, [this] { refreshFusion(); });
    connect(workbench_, &Workbench::projectOpened, this, [this] { refreshFusion(); });
    connect(workbench_, &Workbench::projectClosed, this, [this] { refreshFusion(); });
    connect(workbench_, &Workbench::fusionWeightChosen, this, [this] { refreshFusion(); });
    connect(workbench_, &Workbench::fusionChoiceFailed, this, [this](const QString& s, const QString& message) {
        refreshFusion();
        if (s == workbench_->activeSource()) {
            fusionStatus_->setText(tr("not chosen: %1").arg(message));
            fusionRow_->setToolTip(message);
        }
    });
    connect(workbench_, &Workbench::modelReady, this, [this](const QString& s) {
        if (s == workbench_->activeSource())
            refresh();
    });
    connect(workbench_, &Workbench::modelFailed, this, [this] { refresh(); });
    connect(workbench_, &Workbench::kChanged, this, [this] { refresh(); });
    connect(workbench_, &Workbench::userChanged, this, [this](std::uint32_t user) {
        const QSignalBlocker block(users_);
        users_->setCurrentIndex(rowOfUser(user));
        refresh();
    });
    connect(workbench_, &Workbench::activeSourceChanged, this, [this](const QString& s) {
        const QSignalBlocker block(sources_);
        sources_->setCurrentIndex(sources_->findData(s));
        refreshFusion();
        refresh();
    });
    connect(workbench_, &Workbench::thumbnailsReady, this, [this] { refreshThumbnails(); });
    connect(workbench_, &Workbench::editsChanged, this, [this] {
        editPending_ = true;
        fillUsers();  // playground users come and go
        refreshEditsLabel();
        if (workbench_->isPlaygroundUser(workbench_->user()))
            charts_->setCurrentWidget(ratings_);  // all a new user can do is rate
    });
    connect(predictions_, &QTableWidget::itemSelectionChanged, this, [this] {
        const auto rows = predictions_->selectionModel()->selectedRows();
        if (!refreshing_ && !rows.isEmpty() && predictions_->item(rows.front().row(), 0))
            explainItem(predictions_->item(rows.front().row(), 0)->data(Qt::UserRole).toUInt());
    });
    connect(recommendations_, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
        refreshRecommendationRating();
        if (!refreshing_ && item)
            explainItem(item->data(Qt::UserRole + 1).toUInt());
    });
    connect(recommendationStars_, &StarRating::ratingRequested, this, [this](int stars) {
        if (const QListWidgetItem* item = recommendations_->currentItem())
            Q_EMIT rateRequested(item->data(Qt::UserRole + 1).toUInt(), stars);
    });
    connect(neighbours_, &QTableWidget::cellDoubleClicked, this, [this](int row, int) { openNeighbour(row); });
    connect(waterfall_, &PredictionWaterfall::clipToggled, this, [this](bool clip) {
        clip_ = clip;
        refreshWaterfall();
    });
    fillUsers();
    fillSources();
    refresh();
}

void UserExplorerView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    // Side by side the waterfall needs room for its labels and bars: stacked below 560 px.
    const Qt::Orientation orientation = width() < 560 ? Qt::Vertical : Qt::Horizontal;
    if (lower_->orientation() != orientation || !lowerSized_) {
        // A new orientation forgets the sizes: the waterfall gets the larger part again.
        lower_->setOrientation(orientation);
        const int length = orientation == Qt::Horizontal ? width() : lower_->height();
        lower_->setSizes({length * 2 / 5, length * 3 / 5});
        if (!lowerSized_ && isVisible()) {
            // First shown: the explanation row gets the most room (the splitter keeps every minimum).
            const int h = all_->height();
            all_->setSizes({h * 3 / 10, h * 5 / 10, h * 2 / 10});
        }
        lowerSized_ = isVisible();
    }
}

void UserExplorerView::fillUsers()
{
    const QSignalBlocker block(users_);
    users_->clear();
    userOfRow_.clear();
    rowOfUser_.clear();
    if (!workbench_->hasProject())
        return;
    // Users in natural id order (1, 2, 10, not the ratings file's order of
    // appearance): one batch insert (thousands of users), rows mapped to indices.
    const auto& users = workbench_->project()->data.users;
    userOfRow_.resize(users.size());
    std::iota(userOfRow_.begin(), userOfRow_.end(), std::uint32_t{0});
    std::sort(userOfRow_.begin(), userOfRow_.end(),
              [&](std::uint32_t a, std::uint32_t b) { return naturalLess(users.id(a), users.id(b)); });
    rowOfUser_.assign(users.size(), 0);
    QStringList ids;
    ids.reserve(static_cast<qsizetype>(users.size()));
    for (std::size_t row = 0; row < userOfRow_.size(); ++row) {
        rowOfUser_[userOfRow_[row]] = static_cast<int>(row);
        ids << QString::fromStdString(users.id(userOfRow_[row]));
    }
    users_->addItems(ids);
    users_->setCurrentIndex(rowOfUser(workbench_->user()));
}

int UserExplorerView::rowOfUser(std::uint32_t user) const
{
    return user < rowOfUser_.size() ? rowOfUser_[user] : -1;
}

void UserExplorerView::fillSources()
{
    const QSignalBlocker block(sources_);
    sources_->clear();
    for (const auto& s : workbench_->sources()) {
        const QString name = QString::fromStdString(s.name);
        sources_->addItem(s.randomWeights ? name + tr(" (RANDOM weights)") : name, name);
    }
    sources_->setCurrentIndex(sources_->findData(workbench_->activeSource()));
}

void UserExplorerView::refreshFusion()
{
    const tl::ContentSourceInfo* info =
        workbench_->hasProject() ? workbench_->source(workbench_->activeSource()) : nullptr;
    if (!info || !info->isFused()) {
        fusionDebounce_->stop();
        fusionRow_->hide();
        return;
    }
    const QString name = QString::fromStdString(info->name);
    const auto weights = tl::normalisedFusionWeights(*info);
    const bool two = weights.size() == 2;
    const QString first = QString::fromStdString(info->fusedParts.front().name);
    const QString second = two ? QString::fromStdString(info->fusedParts[1].name) : QString();
    const QString kind = info->fusion == "late" ? tr("late fusion") : tr("early fusion");
    fusionFirst_->setText(tr("Weight of %1:").arg(first));
    fusionFirst_->setToolTip(tr("%1 of %2 and %3: the first part's weight w, the second's 1 - w (only their ratio "
                                "counts); saved in the project file")
                                 .arg(kind, first, second));
    fusionSecondText_ = QStringLiteral("(") + second + QStringLiteral(" %1)");
    {
        const QSignalBlocker block(fusionWeight_);
        fusionDebounce_->stop();
        fusionWeight_->setValue(weights.front());
    }
    fusionSecond_->setText(fusionSecondText_.arg(two ? weights[1] : 0.0, 0, 'f', 2));
    fusionWeight_->setEnabled(two);
    const bool choosing = workbench_->fusionChoicePending(name);
    chooseFusion_->setEnabled(two && !choosing);
    QString status = kind, tip = fusionFirst_->toolTip();
    if (choosing) {
        status = tr("%1: choosing w on validation…").arg(kind);
    } else if (const auto choice = workbench_->fusionChoice(name);
               choice && two && std::abs(choice->w - weights.front()) < 1e-9) {
        const EvalSettings defaults;
        status = tr("w = %1 chosen on validation (RMSE %2 at K = %3, %4 of training held out, seed %5); never on test")
                     .arg(choice->w, 0, 'g', 3)
                     .arg(choice->validationRmse, 0, 'f', 4)
                     .arg(choice->k)
                     .arg(defaults.validateRatio)
                     .arg(defaults.seed);
        tip = status.toHtmlEscaped() + QStringLiteral("<br>") +
              tr("%n validation rating(s). Validation RMSE per w (each at its best K):", nullptr,
                 static_cast<int>(choice->validationRatings)) +
              QStringLiteral("<table>");
        const auto& grid = tl::fusionWeightGrid();
        for (std::size_t g = 0; g < grid.size() && g < choice->rmsePerW.size(); ++g)
            tip += QStringLiteral("<tr><td>w = %1</td><td align=right>%2%3</td></tr>")
                       .arg(grid[g], 0, 'g', 3)
                       .arg(choice->rmsePerW[g], 0, 'f', 4)
                       .arg(grid[g] == choice->w ? QStringLiteral(" &larr;") : QString());
        tip += QStringLiteral("</table>");
    }
    if (const QString error = workbench_->fusionError(); !error.isEmpty())
        status = error;
    fusionStatus_->setText(status);  // an elided status shows itself whole on hover (ElidedLabel)
    fusionRow_->setToolTip(tip);     // the RMSE per w: on the row
    fusionRow_->show();
}

void UserExplorerView::refresh()
{
    refreshing_ = true;
    const struct Done {
        bool& flag;
        ~Done() { flag = false; }
    } done{refreshing_};
    profileItems_->setRowCount(0);
    waterfall_->clear(tr("Select a test rating or a recommendation to see where its prediction comes from."));
    neighbours_->setRowCount(0);
    predictions_->setRowCount(0);
    recommendations_->clear();
    refreshRecommendationRating();
    profile_->clear();
    similarities_->clear();
    ratings_->setRowCount(0);
    refreshEditsLabel();
    if (!workbench_->hasProject()) {
        summary_->setText(tr("No project open. Open the demo (File > Open Demo Project) or a project (File > Open Project…)"));
        profile_->setEmptyText(tr("No project"));
        return;
    }
    const QString source = workbench_->activeSource();
    auto model = workbench_->model(source);
    if (!model) {
        const QString error = workbench_->modelError(source);
        const QString text = source.isEmpty()
            ? tr("This project has no content source: add an item file with genres or extract trailer features.")
            : error.isEmpty() ? tr("Building the model of %1 in the background…").arg(source)
                              : tr("The model of %1 failed: %2").arg(source, error);
        summary_->setText(text);
        profile_->setEmptyText(text);
        return;
    }
    const auto& pd = *workbench_->project();
    const std::uint32_t user = workbench_->user();
    const int k = workbench_->k();

    // Profile.
    const auto top = model->topFeatures(user, 12);
    const bool genre = source == QLatin1String("genre");
    QStringList labels;
    std::vector<double> values;
    features::FeatureLayout layout = features::FeatureLayout::indexed({}, model->items().dims());
    try {
        if (const tl::ContentSourceInfo* info = workbench_->source(source))
            layout = featureLayoutOf(pd, *info, model->items().dims());
    } catch (const tl::Error&) {
        // An unreadable sidecar: features keep their positions as names.
    }
    featureOfBar_.clear();
    for (const auto& f : top) {
        if (f.value <= 0)
            continue;
        labels << QString::fromStdString(featureName(layout, f.feature));
        values.push_back(f.value);
        featureOfBar_.push_back(f.feature);
    }
    if (values.empty()) {
        profile_->setEmptyText(tr("This user has no relevant training item with a profile,\nso the profile is empty "
                                  "and predictions fall back to the user's mean."));
    } else {
        profile_->setEmptyText({});
        profile_->setBars(genre ? tr("Genres by utility") : tr("Features by utility"), labels, values);
    }

    // Neighbours.
    const auto neighbours = model->neighbours(user, k);
    refreshNeighbours(*model, user, k);

    // Test predictions.
    const auto tests = model->testPredictions(user, k);
    predictions_->setRowCount(static_cast<int>(tests.size()));
    double se = 0;
    for (int i = 0; i < static_cast<int>(tests.size()); ++i) {
        const auto& t = tests[static_cast<std::size_t>(i)];
        const double error = t.prediction - t.truth;
        se += error * error;
        predictions_->setItem(i, 0, cell(QString::fromStdString(pd.titleOf(pd.data.items.id(t.item)))));
        predictions_->item(i, 0)->setData(Qt::UserRole, t.item);
        predictions_->item(i, 0)->setToolTip(predictions_->item(i, 0)->text());
        predictions_->setItem(i, 1, cell(QString::number(t.truth, 'g', 3), true));
        predictions_->setItem(i, 2, cell(QString::number(t.prediction, 'f', 2), true));
        predictions_->item(i, 2)->setData(Qt::UserRole, t.prediction);
        auto* e = cell(QString::asprintf("%+.2f", error), true);
        e->setForeground(std::abs(error) >= 1.0 ? QColor(0xc0, 0x30, 0x30) : QColor(0x20, 0x80, 0x20));
        predictions_->setItem(i, 3, e);
        predictions_->setItem(i, 4, cell(sourceText(t.source)));
    }

    // Recommendations.
    QStringList ids;
    for (const auto& r : model->recommend(user, k, 10)) {
        const QString id = QString::fromStdString(pd.data.items.id(r.item));
        ids << id;
        // Each line elided on its own: the view would elide the two-line text as one.
        const QFontMetrics fm = recommendations_->fontMetrics();
        const int width = recommendations_->gridSize().width() - 10;
        auto* item = new QListWidgetItem(
            fm.elidedText(workbench_->titleOf(id), Qt::ElideRight, width) + QLatin1Char('\n') +
                fm.elidedText(tr("predicted %1").arg(r.prediction, 0, 'f', 2), Qt::ElideRight, width),
            recommendations_);
        item->setSizeHint(recommendations_->gridSize());
        item->setData(Qt::UserRole, id);
        item->setData(Qt::UserRole + 1, r.item);
        item->setData(Qt::UserRole + 2, r.prediction);
        item->setToolTip(tr("%1: predicted %2 from %3 neighbour(s)")
                             .arg(workbench_->titleOf(id))
                             .arg(r.prediction, 0, 'f', 2)
                             .arg(r.supporters));
    }
    refreshExplanations(*model, user);
    refreshRecommendationRating();
    refreshRatings(user);
    for (int r = 0; r < profileItems_->rowCount(); ++r)
        ids << profileItems_->item(r, 0)->data(Qt::UserRole + 1).toString();
    refreshThumbnails();
    Q_EMIT thumbnailsWanted(ids);
    neighbours_->resizeColumnsToContents();
    predictions_->resizeColumnsToContents();
    // Long titles (MovieLens) elide, so the numbers stay in view beside the waterfall.
    predictions_->setColumnWidth(0, std::min(predictions_->columnWidth(0), 14 * predictions_->fontMetrics().averageCharWidth() + 12));

    summary_->setText(tr("User %1 · %2 · K = %3 · %n neighbour(s) · %4 test rating(s), RMSE %5",
                         nullptr, static_cast<int>(neighbours.size()))
                          .arg(QString::fromStdString(pd.data.users.id(user)), source)
                          .arg(k)
                          .arg(tests.size())
                          .arg(tests.empty() ? QStringLiteral("–")
                                             : QString::number(std::sqrt(se / static_cast<double>(tests.size())), 'f', 3)));
    highlightChanges(user, k);
}

void UserExplorerView::refreshNeighbours(const CfModel& model, std::uint32_t user, int k)
{
    const auto& pd = *workbench_->project();
    const auto neighbours = model.neighbours(user, k);
    // Crowded cosines (all-positive features) all read 1.0000 or 0.9998: then the
    // column shows 1 - similarity, whose digits do differ.
    bool alike = !neighbours.empty();
    for (const auto& [n, coRated] : neighbours)
        alike = alike && QString::number(n.similarity, 'f', 4) == QString::number(neighbours.front().first.similarity, 'f', 4);
    neighbours_->setHorizontalHeaderItem(2, new QTableWidgetItem(alike ? tr("1 − similarity") : tr("Similarity")));
    neighbours_->setRowCount(static_cast<int>(neighbours.size()));
    for (int i = 0; i < static_cast<int>(neighbours.size()); ++i) {
        const auto& [n, coRated] = neighbours[static_cast<std::size_t>(i)];
        neighbours_->setItem(i, 0, cell(QString::number(i + 1), true));
        neighbours_->setItem(i, 1, cell(QString::fromStdString(pd.data.users.id(n.user))));
        neighbours_->item(i, 1)->setData(Qt::UserRole, n.user);
        auto* similarity = cell(alike ? QString::number(1.0 - n.similarity, 'e', 3) : QString::number(n.similarity, 'f', 4), true);
        similarity->setToolTip(tr("similarity %1").arg(n.similarity, 0, 'f', 15));
        neighbours_->setItem(i, 2, similarity);
        neighbours_->setItem(i, 3, cell(QString::number(coRated), true));
    }

    // u's similarity to every user, as a step outline, with the K-th neighbour marked.
    const Histogram h = histogram(model.similarityRow(user), 40);
    if (h.counts.empty()) {
        similarities_->setEmptyText(tr("No similarities: this user's profile is empty"));
        return;
    }
    similarities_->setEmptyText({});
    similarities_->setTitle(tr("Similarity to every user (%1 bins)").arg(h.counts.size()));
    similarities_->setAxisTitles(tr("cosine similarity"), tr("users"));
    std::vector<QPointF> outline;
    const double width = h.counts.size() > 1 ? h.binWidth() : 1e-12;
    for (std::size_t b = 0; b < h.counts.size(); ++b) {
        const double x0 = h.low + width * static_cast<double>(b);
        const auto count = static_cast<double>(h.counts[b]);
        outline.push_back({x0, count});
        outline.push_back({x0 + width, count});
    }
    similarities_->addCurve(tr("users"), outline, true);
    if (!neighbours.empty() && static_cast<int>(neighbours.size()) == k)
        similarities_->setMarker(neighbours.back().first.similarity, tr("K-th: %1").arg(neighbours.back().first.similarity, 0, 'f', 6));
    else
        similarities_->setMarker(std::nan(""), {});
}

void UserExplorerView::refreshThumbnails()
{
    refreshItemIcons(profileItems_, *workbench_);
    for (int i = 0; i < recommendations_->count(); ++i) {
        QListWidgetItem* item = recommendations_->item(i);
        const QString id = item->data(Qt::UserRole).toString();
        const QImage image = workbench_->thumbnail(id);
        if (!image.isNull())
            item->setIcon(QIcon(QPixmap::fromImage(image)));
        else
            item->setIcon(placeholderIcon(workbench_->videoOf(id).isEmpty() ? tr("no trailer") : tr("loading…")));
    }
}

void UserExplorerView::refreshExplanations(const CfModel& model, std::uint32_t user)
{
    fillProfileShares(profileItems_, *workbench_, model, user, 12);
    profileItems_->resizeColumnsToContents();
    profileItems_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);

    // Keep explaining the same item across K changes; a new user starts at their
    // first test rating (else their first recommendation).
    if (!explainedItem_ || explainedUser_ != user) {
        explainedItem_.reset();
        if (predictions_->rowCount() > 0)
            explainedItem_ = predictions_->item(0, 0)->data(Qt::UserRole).toUInt();
        else if (recommendations_->count() > 0)
            explainedItem_ = recommendations_->item(0)->data(Qt::UserRole + 1).toUInt();
        explainedUser_ = user;
    }
    predictions_->clearSelection();
    for (int r = 0; explainedItem_ && r < predictions_->rowCount(); ++r)
        if (predictions_->item(r, 0)->data(Qt::UserRole).toUInt() == *explainedItem_)
            predictions_->selectRow(r);
    recommendations_->setCurrentItem(nullptr);
    for (int r = 0; explainedItem_ && r < recommendations_->count(); ++r)
        if (recommendations_->item(r)->data(Qt::UserRole + 1).toUInt() == *explainedItem_)
            recommendations_->setCurrentRow(r);
    refreshWaterfall();
}

void UserExplorerView::explainItem(std::uint32_t item)
{
    explainedItem_ = item;
    explainedUser_ = workbench_->user();
    refreshWaterfall();
}

void UserExplorerView::refreshWaterfall()
{
    auto model = workbench_->hasProject() ? workbench_->model(workbench_->activeSource()) : nullptr;
    if (!model || !explainedItem_ || explainedUser_ != workbench_->user()) {
        waterfall_->clear(model ? tr("This user has no test rating or recommendation to explain.")
                                : tr("No model yet."));
        return;
    }
    const auto& pd = *workbench_->project();
    const std::uint32_t user = workbench_->user();
    const int k = std::clamp(workbench_->k(), 1, model->settings().kMax);
    PredictOptions options = model->predictOptions();
    waterfall_->setClip(clip_.value_or(options.clip));
    options.clip = clip_.value_or(options.clip);
    const auto ex = explainPrediction(model->train(), model->neighbourLists().of(user, k), user, *explainedItem_, k, options);
    waterfall_->setExplanation(ex, options.scale,
                               QString::fromStdString(pd.titleOf(pd.data.items.id(*explainedItem_))),
                               [&pd](std::uint32_t v) { return QString::fromStdString(pd.data.users.id(v)); });
}

void UserExplorerView::openNeighbour(int row)
{
    auto model = workbench_->hasProject() ? workbench_->model(workbench_->activeSource()) : nullptr;
    if (!model)
        return;
    const auto neighbours = model->neighbours(workbench_->user(), workbench_->k());
    if (row < 0 || row >= static_cast<int>(neighbours.size()))
        return;
    if (!panel_) {
        panel_ = new NeighbourPanel(workbench_, this);
        connect(panel_, &NeighbourPanel::thumbnailsWanted, this, &UserExplorerView::thumbnailsWanted);
    }
    panel_->showPair(*model, workbench_->user(), neighbours[static_cast<std::size_t>(row)].first.user);
    panel_->show();
    panel_->raise();
    panel_->activateWindow();
}

}  // namespace tl::ui

namespace tl::ui {

bool UserExplorerView::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        const int k = key->key();
        if (k >= Qt::Key_0 && k <= Qt::Key_5 && !(key->modifiers() & (Qt::ControlModifier | Qt::AltModifier))) {
            if (const auto item = selectedItemOf(watched)) {
                Q_EMIT rateRequested(*item, k - Qt::Key_0);
                return true;
            }
        }
    }
    return QWidget::eventFilter(watched, event);
}

std::optional<std::uint32_t> UserExplorerView::selectedItemOf(QObject* view) const
{
    if (view == recommendations_) {
        if (const QListWidgetItem* item = recommendations_->currentItem())
            return item->data(Qt::UserRole + 1).toUInt();
        return std::nullopt;
    }
    for (QTableWidget* table : {ratings_, predictions_}) {
        if (view != table)
            continue;
        const auto rows = table->selectionModel()->selectedRows();
        const int row = rows.isEmpty() ? table->currentRow() : rows.front().row();
        if (row >= 0 && table->item(row, 0))
            return table->item(row, 0)->data(Qt::UserRole).toUInt();
    }
    return std::nullopt;
}

void UserExplorerView::refreshEditsLabel()
{
    const int edits = workbench_->editCount();
    const int users = workbench_->playgroundUserCount();
    if (!workbench_->hasProject() || (edits == 0 && users == 0)) {
        edits_->hide();
        return;
    }
    QString text = (edits == 1 ? tr("1 what-if edit") : tr("%1 what-if edits").arg(edits)) +
                   tr(" (not in the source ratings)");
    if (users > 0)
        text += users == 1 ? tr(" · 1 playground user") : tr(" · %1 playground users").arg(users);
    const QString error = workbench_->editsSaveError();
    text += error.isEmpty() ? tr(" · saved in the project file; Edit > Reset What-if Edits drops them")
                            : QStringLiteral(" · ") + error;
    edits_->setText(text);
    edits_->show();
}

void UserExplorerView::refreshRecommendationRating()
{
    const QListWidgetItem* item = recommendations_->currentItem();
    if (!item || !workbench_->hasProject()) {
        recommendationStars_->setRating(std::nullopt, false);
        recommendationStars_->setEnabled(false);
        recommendationStars_->setSubject(tr("Select a recommendation to rate it"));
        recommendationRatingLabel_->setText(recommendations_->count() > 0 ? tr("Select one to rate it:")
                                                                          : tr("Rate trailers to get recommendations."));
        return;
    }
    const auto& project = *workbench_->project();
    const std::uint32_t user = workbench_->user();
    const auto rated = item->data(Qt::UserRole + 1).toUInt();
    const UserRatingState state = userRatingState(project, user);
    const QString userId = user < project.data.users.size() ? QString::fromStdString(project.data.users.id(user)) : QString();
    const QString title = workbench_->titleOf(item->data(Qt::UserRole).toString());
    recommendationStars_->setEnabled(true);
    recommendationStars_->setRating(state.ratingOf(rated), state.isEdited(rated));
    recommendationStars_->setSubject(tr("%1 rating %2").arg(userId, title));
    const QFontMetrics fm = recommendationRatingLabel_->fontMetrics();
    recommendationRatingLabel_->setText(fm.elidedText(tr("Rate “%1” as %2:").arg(title, userId), Qt::ElideMiddle,
                                                      40 * fm.averageCharWidth()));
}

void UserExplorerView::refreshRatings(std::uint32_t user)
{
    const auto& pd = *workbench_->project();
    const UserRatingState state = userRatingState(pd, user);
    const std::vector<std::optional<float>>& rating = state.rating;
    // Rated items first (best first), then the rest by title.
    std::vector<std::uint32_t> order(rating.size());
    std::iota(order.begin(), order.end(), std::uint32_t{0});
    std::vector<QString> titles(rating.size());
    for (std::uint32_t i = 0; i < rating.size(); ++i)
        titles[i] = QString::fromStdString(pd.titleOf(pd.data.items.id(i)));
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        if (rating[a].has_value() != rating[b].has_value())
            return rating[a].has_value();
        if (rating[a] && *rating[a] != *rating[b])
            return *rating[a] > *rating[b];
        return titles[a].localeAwareCompare(titles[b]) < 0;
    });
    const QSignalBlocker block(ratings_);
    ratings_->setUpdatesEnabled(false);
    ratings_->setRowCount(static_cast<int>(order.size()));
    for (int row = 0; row < static_cast<int>(order.size()); ++row) {
        const std::uint32_t i = order[static_cast<std::size_t>(row)];
        auto* title = cell(titles[i]);
        title->setData(Qt::UserRole, i);
        title->setToolTip(titles[i]);
        ratings_->setItem(row, 0, title);
        ratings_->setItem(row, 1, cell(rating[i] ? QString::number(static_cast<double>(*rating[i]), 'g', 3) : QString(), true));
        const bool isEdited = state.isEdited(i);
        ratings_->setItem(row, 2, cell(isEdited ? (rating[i] ? tr("edited") : tr("removed")) : QString()));
        if (isEdited)
            for (int c = 0; c < 3; ++c)
                ratings_->item(row, c)->setBackground(QColor(0xff, 0xe8, 0xc0));
    }
    ratings_->setUpdatesEnabled(true);
    ratings_->resizeColumnToContents(1);
    ratings_->setColumnWidth(0, 22 * ratings_->fontMetrics().averageCharWidth());
}

void UserExplorerView::highlightChanges(std::uint32_t user, int k)
{
    Shown now{user, k, {}, {}};
    for (int r = 0; r < neighbours_->rowCount(); ++r)
        if (const auto* item = neighbours_->item(r, 1))
            now.neighbours.insert(item->data(Qt::UserRole).toUInt());
    for (int r = 0; r < predictions_->rowCount(); ++r)
        now.predictions.insert(predictions_->item(r, 0)->data(Qt::UserRole).toUInt(),
                               predictions_->item(r, 2)->data(Qt::UserRole).toFloat());
    for (int r = 0; r < recommendations_->count(); ++r)
        now.predictions.insert(recommendations_->item(r)->data(Qt::UserRole + 1).toUInt(),
                               recommendations_->item(r)->data(Qt::UserRole + 2).toFloat());
    if (editPending_) {
        editPending_ = false;
        entered_.clear();
        left_.clear();
        moved_.clear();
        if (shown_ && shown_->user == user && shown_->k == k) {
            for (auto v : now.neighbours)
                if (!shown_->neighbours.contains(v))
                    entered_.insert(v);
            for (auto v : shown_->neighbours)
                if (!now.neighbours.contains(v))
                    left_.insert(v);
            for (auto it = now.predictions.cbegin(); it != now.predictions.cend(); ++it)
                if (const auto before = shown_->predictions.find(it.key());
                    before != shown_->predictions.cend() && std::abs(*before - it.value()) > 5e-4f)
                    moved_.insert(it.key(), *before);
        }
    } else if (!shown_ || shown_->user != user || shown_->k != k) {
        entered_.clear();
        left_.clear();
        moved_.clear();
    }
    shown_ = std::move(now);
    // Mark: entered neighbours green, moved predictions amber with the value before.
    const QColor enteredColour(0xc8, 0xf0, 0xc8), movedColour(0xff, 0xe0, 0xa0);
    for (int r = 0; r < neighbours_->rowCount(); ++r)
        if (const auto* item = neighbours_->item(r, 1); item && entered_.contains(item->data(Qt::UserRole).toUInt()))
            for (int c = 0; c < neighbours_->columnCount(); ++c)
                if (auto* x = neighbours_->item(r, c)) {
                    x->setBackground(enteredColour);
                    x->setToolTip(tr("Entered the first K with the last edit"));
                }
    for (int r = 0; r < predictions_->rowCount(); ++r)
        if (const auto it = moved_.constFind(predictions_->item(r, 0)->data(Qt::UserRole).toUInt()); it != moved_.cend()) {
            predictions_->item(r, 2)->setBackground(movedColour);
            predictions_->item(r, 2)->setToolTip(tr("Was %1 before the last edit").arg(*it, 0, 'f', 2));
        }
    for (int r = 0; r < recommendations_->count(); ++r)
        if (const auto it = moved_.constFind(recommendations_->item(r)->data(Qt::UserRole + 1).toUInt()); it != moved_.cend()) {
            recommendations_->item(r)->setBackground(movedColour);
            recommendations_->item(r)->setToolTip(recommendations_->item(r)->toolTip() +
                                                  tr(" (was %1 before the last edit)").arg(*it, 0, 'f', 2));
        }
    if (!entered_.isEmpty() || !left_.isEmpty() || !moved_.isEmpty()) {
        const auto& users = workbench_->project()->data.users;
        QStringList leftIds;
        for (auto v : left_)
            leftIds << QString::fromStdString(users.id(v));
        leftIds.sort();
        summary_->setText(summary_->text() +
                          tr(" · last edit: %1 neighbour(s) entered (green), %2 left%3, %4 shown prediction(s) moved (amber)")
                              .arg(entered_.size())
                              .arg(left_.size())
                              .arg(leftIds.isEmpty() ? QString() : QStringLiteral(" (") + leftIds.join(QStringLiteral(", ")) + QLatin1Char(')'))
                              .arg(moved_.size()));
    }
}

}  // namespace tl::ui
