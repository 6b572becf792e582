#pragma once
// Library: every item with title, genres, trailer present or missing, and its
// feature status per configuration; a search field and a genre filter.
// Double-click (or Enter) asks to play the item's trailer. Video files dropped on it
// are offered as new trailers (videosDropped).

#include <QString>
#include <QStringList>
#include <QWidget>

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
    // Local files dropped on the library: trailers nobody has rated yet.
    void videosDropped(const QStringList& files);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

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
