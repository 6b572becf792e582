#pragma once
// Library: every item with title, genres, trailer present or missing, and its
// feature status per configuration; a search field and a genre filter.
// Double-click (or Enter) asks to play the item's trailer.

#include <QString>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QComboBox;
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
    enum Column { Id, Title, Genres, Trailer, Features, ColumnCount };
    explicit LibraryView(const Workbench* workbench, QWidget* parent = nullptr);

    QLineEdit* searchField() const { return search_; }
    QComboBox* genreFilter() const { return genre_; }
    QTableView* tableView() const { return table_; }
    int visibleRows() const;
    // "150 items · trailers: …", or "25 of 150 items · …" while a search or genre filters.
    QString summaryText() const;

Q_SIGNALS:
    void playRequested(const QString& itemId);

private:
    void rebuild();
    void updateFeatureColumn();
    void applyFilter();

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
