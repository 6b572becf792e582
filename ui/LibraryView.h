#pragma once
// Library: every item with title, genres, trailer present or missing, and its
// feature status per configuration; a search field and a genre filter.
// Double-click (or Enter) asks to play the item's trailer. Video files dropped on it
// are offered as new trailers (videosDropped).
//
// "Your rating": the workbench's selected user's training rating of each item, as five
// stars (StarDelegate; an edit colour and mark for what-if edits). A click on a star, or
// the keys 1-5 / 0 (Delete) on the selected row, ask for a change (rateRequested); the
// owner forwards it to Workbench::editRating. Passive: it never edits by itself.

#include <QString>
#include <QStringList>
#include <QWidget>

#include <cstdint>

QT_BEGIN_NAMESPACE
class QComboBox;
class QDragEnterEvent;
class QDropEvent;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;
QT_END_NAMESPACE

namespace tl::ui {

class Workbench;

class LibraryView : public QWidget {
    Q_OBJECT
public:
    enum Column { Id, Title, Rating, Genres, Trailer, Features, ColumnCount };
    explicit LibraryView(const Workbench* workbench, QWidget* parent = nullptr);

    QLineEdit* searchField() const { return search_; }
    QComboBox* genreFilter() const { return genre_; }
    QTableView* tableView() const { return table_; }
    int visibleRows() const;
    // "150 items · trailers: …", or "25 of 150 items · …" while a search or genre filters.
    QString summaryText() const;
    // The item (dataset index) shown in a row of the table's (sorted, filtered) model.
    std::uint32_t itemOfRow(int row) const;
    // The row showing an item, or -1 (filtered out).
    int rowOfItem(std::uint32_t item) const;

Q_SIGNALS:
    void playRequested(const QString& itemId);
    // Local files dropped on the library: trailers nobody has rated yet.
    void videosDropped(const QStringList& files);
    // The selected user's rating of item: 1-5, 0 removes it.
    void rateRequested(std::uint32_t item, int stars);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void rebuild();
    void updateFeatureColumn();
    void applyFilter();
    void updateRatingColumn();

    const Workbench* workbench_;
    QLineEdit* search_;
    QComboBox* genre_;
    QLabel* summary_;
    QTableView* table_;
    QStandardItemModel* model_;
    QSortFilterProxyModel* proxy_;
    QString trailerSummary_;
};

}  // namespace tl::ui
