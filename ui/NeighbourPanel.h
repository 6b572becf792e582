#pragma once
// "Why this neighbour" (double-click a neighbour in the user explorer): the
// item pairs contributing most to cos(u, v) (core/eval/Explain.h: the cosine
// is a sum of item-pair terms; the table ends with the rest so the shares
// add up to 1), as pairs of trailer thumbnails with titles and share; the
// items both users rated; and the two profiles side by side (the items with
// the largest share of each). Projects without trailers show titles only.
//
// Also the item tables the explorer shares with it: one item per row with
// its trailer thumbnail when it has one (icons filled as thumbnails arrive).

#include <QDialog>

#include <cstdint>

#include "core/eval/Explain.h"

QT_BEGIN_NAMESPACE
class QLabel;
class QTableWidget;
QT_END_NAMESPACE

namespace tl {
class CfModel;
}

namespace tl::ui {

class Workbench;

// A table of items with thumbnails: one item per row in column 0.
QTableWidget* makeItemTable(QWidget* parent, const QStringList& headers);
// Puts item `item` (dataset index) in row/column: its title, plus its trailer
// thumbnail (or a blank of the same size) when the project has trailers.
void setItemCell(QTableWidget* table, int row, int column, const Workbench& workbench, std::uint32_t item,
                 const QString& prefix = {});
// Re-reads the thumbnails of every item cell; returns the ids with a trailer.
QStringList refreshItemIcons(QTableWidget* table, const Workbench& workbench);
// The `top` items with the largest share of u's profile: item, rating, share.
ProfileExplanation fillProfileShares(QTableWidget* table, const Workbench& workbench, const CfModel& model,
                                     std::uint32_t user, std::size_t top);

class NeighbourPanel : public QDialog {
    Q_OBJECT
public:
    NeighbourPanel(const Workbench* workbench, QWidget* parent = nullptr);

    // Explains cos(user, neighbour) with the model's profiles.
    void showPair(const CfModel& model, std::uint32_t user, std::uint32_t neighbour);

    const CosineExplanation& cosine() const { return cosine_; }
    std::uint32_t user() const { return user_; }
    std::uint32_t neighbour() const { return neighbour_; }
    QTableWidget* pairsTable() const { return pairs_; }
    QTableWidget* bothRatedTable() const { return both_; }
    QTableWidget* userProfileTable() const { return profileU_; }
    QTableWidget* neighbourProfileTable() const { return profileV_; }
    QLabel* summaryLabel() const { return summary_; }
    void refreshThumbnails();

Q_SIGNALS:
    void thumbnailsWanted(const QStringList& itemIds);

private:
    // "similarity 0.742 = mobilenetv2-fps1 0.412 + audio 0.330 (late fusion, weights 0.5 / 0.5)"; "" unless late.
    QString blocksText(const CfModel& model) const;
    const Workbench* workbench_;
    QLabel* summary_;
    QLabel* titleU_;
    QLabel* titleV_;
    QTableWidget* pairs_;
    QTableWidget* both_;
    QTableWidget* profileU_;
    QTableWidget* profileV_;
    CosineExplanation cosine_;
    std::uint32_t user_ = 0, neighbour_ = 0;
};

}  // namespace tl::ui
