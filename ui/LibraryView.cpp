#include "ui/LibraryView.h"

#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/common/NaturalOrder.h"
#include "ui/StarRating.h"
#include "ui/Workbench.h"

namespace tl::ui {

namespace {

// Filters on the title/id text and on one genre at once.
class LibraryFilter : public QSortFilterProxyModel {
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setCriteria(const QString& text, const QString& genre)
    {
        text_ = text;
        genre_ = genre;
        invalidateFilter();
    }

protected:
    // Natural order on every column: ids 1, 2, 10, 100 and "Movie 2" before "Movie 10".
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override
    {
        return naturalLess(left.data(sortRole()).toString().toStdString(),
                           right.data(sortRole()).toString().toStdString());
    }

    bool filterAcceptsRow(int row, const QModelIndex& parent) const override
    {
        const auto* m = sourceModel();
        if (!genre_.isEmpty()) {
            const QStringList genres = m->index(row, LibraryView::Genres, parent).data(Qt::UserRole).toStringList();
            if (!genres.contains(genre_))
                return false;
        }
        if (text_.isEmpty())
            return true;
        return m->index(row, LibraryView::Title, parent).data().toString().contains(text_, Qt::CaseInsensitive) ||
               m->index(row, LibraryView::Id, parent).data().toString() == text_;
    }

private:
    QString text_, genre_;
};

}  // namespace

LibraryView::LibraryView(const Workbench* workbench, QWidget* parent) : QWidget(parent), workbench_(workbench)
{
    search_ = new QLineEdit(this);
    search_->setPlaceholderText(tr("Search titles…"));
    search_->setClearButtonEnabled(true);
    genre_ = new QComboBox(this);
    genre_->setMinimumContentsLength(12);
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    model_ = new QStandardItemModel(0, ColumnCount, this);
    model_->setHorizontalHeaderLabels({tr("ID"), tr("Title"), tr("Your rating"), tr("Genres"), tr("Trailer"), tr("Features")});
    proxy_ = new LibraryFilter(this);
    proxy_->setSourceModel(model_);
    proxy_->setSortRole(Qt::UserRole + 1);
    // Sorted on request (header click) only: re-sorting on every cell update of a
    // large catalog would stall the GUI thread.
    proxy_->setDynamicSortFilter(false);
    table_ = new QTableView(this);
    table_->setModel(proxy_);
    table_->setSortingEnabled(true);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setDefaultSectionSize(22);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setAlternatingRowColors(true);
    table_->setWordWrap(false);
    auto* stars = new StarDelegate(table_);
    table_->setItemDelegateForColumn(Rating, stars);
    table_->installEventFilter(this);
    connect(stars, &StarDelegate::ratingRequested, this, [this](const QModelIndex& index, int n) {
        Q_EMIT rateRequested(itemOfRow(index.row()), n);
    });

    auto* top = new QHBoxLayout;
    top->addWidget(search_, 1);
    top->addWidget(new QLabel(tr("Genre:"), this));
    top->addWidget(genre_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(summary_);
    layout->addWidget(table_, 1);

    connect(search_, &QLineEdit::textChanged, this, &LibraryView::applyFilter);
    connect(genre_, &QComboBox::currentIndexChanged, this, &LibraryView::applyFilter);
    connect(table_, &QTableView::activated, this, [this](const QModelIndex& index) {
        Q_EMIT playRequested(proxy_->index(index.row(), Id).data().toString());
    });
    connect(workbench_, &Workbench::projectOpened, this, &LibraryView::rebuild);
    connect(workbench_, &Workbench::projectClosed, this, &LibraryView::rebuild);
    connect(workbench_, &Workbench::modelReady, this, &LibraryView::updateFeatureColumn);
    connect(workbench_, &Workbench::sourcesChanged, this, &LibraryView::updateFeatureColumn);
    connect(workbench_, &Workbench::userChanged, this, &LibraryView::updateRatingColumn);
    connect(workbench_, &Workbench::editsChanged, this, &LibraryView::updateRatingColumn);
    setAcceptDrops(true);
    rebuild();
}

namespace {

QStringList localFiles(const QMimeData* mime)
{
    QStringList files;
    if (mime)
        for (const QUrl& url : mime->urls())
            if (url.isLocalFile())
                files << url.toLocalFile();
    return files;
}

}  // namespace

void LibraryView::dragEnterEvent(QDragEnterEvent* event)
{
    if (!localFiles(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void LibraryView::dropEvent(QDropEvent* event)
{
    const QStringList files = localFiles(event->mimeData());
    if (files.isEmpty())
        return;
    event->acceptProposedAction();
    Q_EMIT videosDropped(files);
}

int LibraryView::visibleRows() const
{
    return proxy_->rowCount();
}

void LibraryView::rebuild()
{
    table_->setSortingEnabled(false);
    model_->removeRows(0, model_->rowCount());
    {
        const QSignalBlocker block(genre_);
        genre_->clear();
        genre_->addItem(tr("All genres"), QString());
    }
    if (!workbench_->hasProject()) {
        summary_->setText(tr("No project open. Open the demo (File > Open Demo Project) or a project (File > Open Project…)"));
        return;
    }
    const auto& pd = *workbench_->project();
    std::set<std::string> genres(pd.catalog.genreNames.begin(), pd.catalog.genreNames.end());
    {
        const QSignalBlocker block(genre_);
        for (const auto& g : pd.catalog.genreNames)
            genre_->addItem(QString::fromStdString(g), QString::fromStdString(g));
    }
    int present = 0, missing = 0, broken = 0;
    // Filled detached from the view: one reset instead of a notification per row.
    proxy_->setSourceModel(nullptr);
    for (std::uint32_t i = 0; i < pd.data.items.size(); ++i) {
        const std::string& id = pd.data.items.id(i);
        QList<QStandardItem*> row;
        auto* idItem = new QStandardItem(QString::fromStdString(id));
        idItem->setData(idItem->text(), Qt::UserRole + 1);
        idItem->setData(i, Qt::UserRole + 2);
        row << idItem;
        auto* title = new QStandardItem(QString::fromStdString(pd.titleOf(id)));
        title->setData(title->text(), Qt::UserRole + 1);
        row << title;
        row << new QStandardItem;  // Your rating: updateRatingColumn
        QStringList itemGenres;
        if (const ItemInfo* info = pd.catalog.find(id))
            for (const auto& g : info->genres)
                itemGenres << QString::fromStdString(g);
        auto* genreItem = new QStandardItem(itemGenres.join(QStringLiteral(", ")));
        genreItem->setData(itemGenres, Qt::UserRole);
        genreItem->setData(genreItem->text(), Qt::UserRole + 1);
        row << genreItem;
        auto* trailer = new QStandardItem;
        auto it = pd.videoOf.find(id);
        if (it == pd.videoOf.end()) {
            trailer->setText(tr("missing"));
            trailer->setForeground(QColor(Qt::gray));
            ++missing;
        } else if (!QFileInfo::exists(QString::fromStdString(it->second.string()))) {
            trailer->setText(tr("file not found"));
            trailer->setToolTip(tr("%1 does not exist: fix the manifest or restore the file")
                                    .arg(QString::fromStdString(it->second.string())));
            trailer->setForeground(QColor(0xc0, 0x30, 0x30));
            ++broken;
        } else {
            trailer->setText(QStringLiteral("▶ ") + QFileInfo(QString::fromStdString(it->second.string())).fileName());
            trailer->setToolTip(tr("Double-click to play"));
            trailer->setForeground(QColor(0x20, 0x70, 0x20));
            ++present;
        }
        trailer->setData(trailer->text(), Qt::UserRole + 1);
        row << trailer;
        row << new QStandardItem;
        model_->appendRow(row);
    }
    proxy_->setSourceModel(model_);
    trailerSummary_ = tr("trailers: %1 present, %2 missing, %3 not found").arg(present).arg(missing).arg(broken);
    table_->resizeColumnToContents(Id);
    table_->setColumnWidth(Title, 260);
    table_->setColumnWidth(Rating, std::max(StarDelegate::widthFor(table_->fontMetrics()),
                                          table_->horizontalHeader()->sectionSizeHint(Rating)));
    table_->setColumnWidth(Genres, 180);
    table_->setColumnWidth(Trailer, 150);
    updateFeatureColumn();
    updateRatingColumn();
    applyFilter();
    table_->setSortingEnabled(true);
    table_->sortByColumn(Id, Qt::AscendingOrder);
}

void LibraryView::updateFeatureColumn()
{
    if (!workbench_->hasProject())
        return;
    QStringList built, pending;
    for (const auto& s : workbench_->sources()) {
        const QString name = QString::fromStdString(s.name);
        (workbench_->model(name) ? built : pending) << name;
    }
    // One dataChanged for the whole column instead of one per cell.
    model_->blockSignals(true);
    for (int row = 0; row < model_->rowCount(); ++row) {
        const QString id = model_->item(row, Id)->text();
        QStringList have;
        for (const auto& name : built)
            if (workbench_->profiledItems(name).contains(id))
                have << name;
        QString text = have.isEmpty() ? (built.isEmpty() ? QString() : tr("no profile")) : have.join(QStringLiteral(", "));
        if (!pending.isEmpty())
            text += (text.isEmpty() ? QString() : QStringLiteral(" · ")) + tr("%n pending", nullptr, static_cast<int>(pending.size()));
        QStandardItem* item = model_->item(row, Features);
        item->setText(text);
        item->setData(text, Qt::UserRole + 1);
        item->setForeground(have.isEmpty() ? QColor(Qt::gray) : QColor(Qt::black));
    }
    model_->blockSignals(false);
    if (model_->rowCount() > 0)
        Q_EMIT model_->dataChanged(model_->index(0, Features), model_->index(model_->rowCount() - 1, Features));
}

void LibraryView::updateRatingColumn()
{
    if (!workbench_->hasProject() || model_->rowCount() == 0)
        return;
    const auto& project = *workbench_->project();
    const std::uint32_t user = workbench_->user();
    const UserRatingState state = userRatingState(project, user);
    const QString userId = user < project.data.users.size() ? QString::fromStdString(project.data.users.id(user)) : QString();
    model_->horizontalHeaderItem(Rating)->setToolTip(
        tr("%1's ratings: click a star, or select a row and press 1-5; 0 or Delete removes the rating "
           "(Edit > Undo takes it back). Orange: a what-if edit, not in the source ratings.")
            .arg(userId));
    model_->blockSignals(true);
    for (int row = 0; row < model_->rowCount(); ++row) {
        const auto item = model_->item(row, Id)->data(Qt::UserRole + 2).toUInt();
        const auto rating = state.ratingOf(item);
        QStandardItem* cell = model_->item(row, Rating);
        const int stars = rating ? static_cast<int>(std::lround(*rating)) : 0;
        cell->setData(stars, StarDelegate::kStarsRole);
        cell->setData(state.isEdited(item), StarDelegate::kEditedRole);
        cell->setData(rating ? QString::number(static_cast<double>(*rating), 'g', 3) : QString(), Qt::UserRole + 1);
        cell->setData(rating ? QString::number(static_cast<double>(*rating), 'g', 3) : QString(), Qt::AccessibleTextRole);
        cell->setToolTip(rating ? tr("%1 rated %2%3").arg(userId).arg(static_cast<double>(*rating), 0, 'g', 3)
                                      .arg(state.isEdited(item) ? tr(" (what-if edit)") : QString())
                                : (state.isEdited(item) ? tr("%1's rating removed (what-if edit)").arg(userId)
                                                        : tr("%1 has not rated this: click a star or press 1-5").arg(userId)));
    }
    model_->blockSignals(false);
    Q_EMIT model_->dataChanged(model_->index(0, Rating), model_->index(model_->rowCount() - 1, Rating));
}

std::uint32_t LibraryView::itemOfRow(int row) const
{
    return proxy_->index(row, Id).data(Qt::UserRole + 2).toUInt();
}

int LibraryView::rowOfItem(std::uint32_t item) const
{
    for (int row = 0; row < proxy_->rowCount(); ++row)
        if (itemOfRow(row) == item)
            return row;
    return -1;
}

bool LibraryView::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == table_ && event->type() == QEvent::KeyPress && workbench_->hasProject()) {
        const auto* key = static_cast<QKeyEvent*>(event);
        const int k = key->key();
        const bool digit = k >= Qt::Key_0 && k <= Qt::Key_5;
        if ((digit || k == Qt::Key_Delete) && !(key->modifiers() & (Qt::ControlModifier | Qt::AltModifier))) {
            const QModelIndex current = table_->currentIndex();
            if (current.isValid()) {
                Q_EMIT rateRequested(itemOfRow(current.row()), digit ? k - Qt::Key_0 : 0);
                return true;
            }
        }
    }
    return QWidget::eventFilter(watched, event);
}

void LibraryView::applyFilter()
{
    static_cast<LibraryFilter*>(proxy_)->setCriteria(search_->text().trimmed(), genre_->currentData().toString());
    if (!workbench_->hasProject())
        return;
    const int all = model_->rowCount(), shown = proxy_->rowCount();
    // While a search or a genre filters: "25 of 150 items".
    const QString items = all == 1 ? tr("1 item") : tr("%1 items").arg(all);
    const QString count = shown == all ? items : tr("%1 of %2").arg(shown).arg(items);
    summary_->setText(count + QStringLiteral(" · ") + trailerSummary_);
}

QString LibraryView::summaryText() const
{
    return summary_->text();
}

}  // namespace tl::ui
