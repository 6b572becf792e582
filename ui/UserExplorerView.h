#pragma once
// User explorer: pick a user; their profile (the features or genres with the
// highest utility MUP(u, f)), their K nearest neighbours with similarity and
// co-rated count (shown as 1 - similarity in scientific notation when all the
// similarities look alike at four decimals), a histogram of u's similarities to
// every user with the K-th neighbour's marked, their test ratings next to the predictions at K with the
// error, and their top-N recommendations with trailer thumbnails (a click asks
// to play the trailer). It explains them (core/eval/Explain.h): the items with
// the largest share of u's profile (the first profile tab), a waterfall of the
// selected test rating's or recommendation's prediction (PredictionWaterfall),
// and, on a double-click, why a neighbour is one (NeighbourPanel). Everything
// is a lookup or a short walk in the configuration's CfModel, so moving K
// refreshes instantly. Passive: emits intent signals.

#include <QWidget>

#include <QHash>
#include <QSet>

#include <cstdint>
#include <optional>
#include <vector>

QT_BEGIN_NAMESPACE
class QComboBox;
class QDoubleSpinBox;
class QPushButton;
class QTimer;
class QLabel;
class QListWidget;
class QSplitter;
class QTableWidget;
class QTabWidget;
QT_END_NAMESPACE

namespace tl {
class CfModel;
}

namespace tl::ui {

class ChartAdapter;
class NeighbourPanel;
class PredictionWaterfall;
class StarRating;
class Workbench;

class UserExplorerView : public QWidget {
    Q_OBJECT
public:
    explicit UserExplorerView(const Workbench* workbench, QWidget* parent = nullptr);

    QComboBox* userBox() const { return users_; }
    QComboBox* sourceBox() const { return sources_; }
    // The fused configuration's weight row (hidden unless the active configuration is
    // fused): the first part's weight (the second gets 1 - w; fusionWeightsRequested a
    // moment after the last change) and "Choose on validation" (fusionChoiceRequested).
    QWidget* fusionRow() const { return fusionRow_; }
    QDoubleSpinBox* fusionWeightBox() const { return fusionWeight_; }
    QPushButton* chooseFusionButton() const { return chooseFusion_; }
    QLabel* fusionStatusLabel() const { return fusionStatus_; }
    QTableWidget* neighboursTable() const { return neighbours_; }
    QTableWidget* predictionsTable() const { return predictions_; }
    QListWidget* recommendationsList() const { return recommendations_; }
    // Stars under the recommendations: the selected recommendation rated in place (rateRequested).
    StarRating* recommendationRating() const { return recommendationStars_; }
    ChartAdapter* profileChart() const { return profile_; }
    // The user box lists users in natural id order: the row of user index `user` (-1 if none).
    int rowOfUser(std::uint32_t user) const;
    ChartAdapter* similarityChart() const { return similarities_; }
    // Why this prediction: the waterfall of the selected test rating or recommendation.
    PredictionWaterfall* waterfall() const { return waterfall_; }
    // What the profile is made of: the items with the largest share (the first tab).
    QTableWidget* profileItemsTable() const { return profileItems_; }
    // Why this neighbour (opened by double-clicking a neighbour; null until then).
    NeighbourPanel* neighbourPanel() const { return panel_; }
    void openNeighbour(int row);
    // What-if editing: every item of the catalog with the user's training rating (rated
    // items first); keys 1-5 on a selected row here, in the test ratings or in the
    // recommendations ask to set the rating, 0 to remove it (rateRequested).
    QTableWidget* ratingsTable() const { return ratings_; }
    // "3 what-if edits (not in the source ratings)"; hidden without edits.
    QLabel* editsLabel() const { return edits_; }
    // The last edit's effect on the shown user: neighbours that entered / left the first
    // K, and the shown predictions that moved (item -> before); highlighted in the tables.
    const QSet<std::uint32_t>& enteredNeighbours() const { return entered_; }
    const QSet<std::uint32_t>& leftNeighbours() const { return left_; }
    const QHash<std::uint32_t, float>& movedPredictions() const { return moved_; }

Q_SIGNALS:
    void userRequested(std::uint32_t user);
    void sourceRequested(const QString& source);
    void playRequested(const QString& itemId);
    void thumbnailsWanted(const QStringList& itemIds);
    void featureRequested(int feature);  // a profile bar was clicked: the configuration's feature column
    void rateRequested(std::uint32_t item, int stars);  // the shown user's rating of item: 1-5, 0 removes it
    void fusionWeightsRequested(const QString& source, const std::vector<double>& weights);
    void fusionChoiceRequested(const QString& source);

protected:
    void resizeEvent(QResizeEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void fillUsers();
    void fillSources();
    void refreshFusion();
    void refresh();
    void refreshThumbnails();
    void refreshNeighbours(const CfModel& model, std::uint32_t user, int k);
    void refreshExplanations(const CfModel& model, std::uint32_t user);
    void explainItem(std::uint32_t item);
    void refreshWaterfall();
    void refreshRatings(std::uint32_t user);
    void refreshEditsLabel();
    void refreshRecommendationRating();
    // Compares what is shown now with the snapshot taken before the last edit and marks the changes.
    void highlightChanges(std::uint32_t user, int k);
    std::optional<std::uint32_t> selectedItemOf(QObject* view) const;

    const Workbench* workbench_;
    QComboBox* users_;
    QComboBox* sources_;
    QLabel* summary_;
    QWidget* fusionRow_;
    QLabel* fusionFirst_;
    QDoubleSpinBox* fusionWeight_;
    QLabel* fusionSecond_;
    QPushButton* chooseFusion_;
    QLabel* fusionStatus_;
    QTimer* fusionDebounce_;
    QString fusionSecondText_ = QStringLiteral("%1");  // "(audio %1)"
    ChartAdapter* profile_;
    QTableWidget* neighbours_;
    ChartAdapter* similarities_;
    QTableWidget* predictions_;
    QListWidget* recommendations_;
    StarRating* recommendationStars_;
    QLabel* recommendationRatingLabel_;
    PredictionWaterfall* waterfall_;
    QSplitter* all_;
    QSplitter* lower_;  // the test ratings beside the waterfall (stacked when narrow)
    QTableWidget* profileItems_;
    NeighbourPanel* panel_ = nullptr;
    std::optional<std::uint32_t> explainedItem_;  // for explainedUser_
    std::uint32_t explainedUser_ = 0;
    std::optional<bool> clip_;  // the waterfall's clip box, once the user has set it
    bool refreshing_ = false;
    bool lowerSized_ = false;
    std::vector<std::uint32_t> userOfRow_;
    std::vector<int> rowOfUser_;
    std::vector<std::size_t> featureOfBar_;  // the feature column of each profile bar
    QTableWidget* ratings_;
    QTabWidget* charts_;
    QLabel* edits_;
    // What was shown with a model (user, K, neighbour ids, item -> prediction), for the
    // highlight after an edit.
    struct Shown {
        std::uint32_t user = 0;
        int k = 0;
        QSet<std::uint32_t> neighbours;
        QHash<std::uint32_t, float> predictions;
    };
    std::optional<Shown> shown_;
    bool editPending_ = false;  // an edit came; highlight its changes once the model is rebuilt
    QSet<std::uint32_t> entered_, left_;
    QHash<std::uint32_t, float> moved_;
};

}  // namespace tl::ui
