#pragma once
// The map: users (their profiles MUP) and trailers (their profiles MIP) of the
// active configuration in one 2-D space (core/eval/UserItemMap.h: exact PCA, or
// t-SNE), coloured by genre (the demo lists each trailer's visual family as its
// first genre, so on the demo the colours are the families) or by kind. The
// workbench's user and its K neighbours are highlighted and follow K; hovering
// shows a trailer's thumbnail or a user's summary; clicking a user asks to select
// it everywhere, clicking a trailer asks to open it.
//
// The projection runs as a job (JobGroup), never on the GUI thread; maps are
// kept per configuration and method, so coming back is instant. It is computed
// when the view is on screen (not while its tab is behind another). Passive: emits intent signals.
//
// The map follows what-if edits: after an edit (Workbench::editsChanged) the maps are
// stale; the one on screen stays, marked as updating, until the edited project's model
// is ready, then it is recomputed in the background. The edited user's point is ringed,
// with a dashed trail from where it was on the map before the edit (a PCA map is turned
// to the previous one's orientation: each axis's sign is chosen so the trailers, whose
// profiles an edit does not change, keep their side). Playground users are diamonds.

#include <QHash>
#include <QPointF>
#include <QWidget>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
QT_END_NAMESPACE

namespace tl::ui {

class JobGroup;
class MapCanvas;
class Workbench;
struct MapResult;

class MapView : public QWidget {
    Q_OBJECT
public:
    explicit MapView(Workbench* workbench, QWidget* parent = nullptr);
    ~MapView() override;

    MapCanvas* canvas() const { return canvas_; }
    QComboBox* methodBox() const { return method_; }
    QComboBox* colourBox() const { return colour_; }
    QComboBox* showBox() const { return show_; }
    // Whether the map of the active configuration and method is shown.
    bool ready() const { return shown_ != nullptr; }
    // The users highlighted as the selected user's neighbours (dataset indices, rank order).
    std::vector<std::uint32_t> highlightedNeighbours() const;
    std::optional<std::uint32_t> highlightedUser() const;
    // The user the last edit moved (its point has the trail) and where it was before, in
    // the shown map's coordinates (none: it was not on the map before).
    // Only on the map computed right after the edit (another method or configuration has no trail).
    std::optional<std::uint32_t> movedUser() const { return shown_ && shown_ == trailMap_ ? trailUser_ : std::nullopt; }
    std::optional<QPointF> movedFrom() const { return movedUser() ? trailFrom_ : std::nullopt; }
    // Where a user is on the shown map (none: not on it, or no map).
    std::optional<QPointF> positionOf(std::uint32_t user) const;

Q_SIGNALS:
    void userRequested(std::uint32_t user);
    void playRequested(const QString& itemId);
    void thumbnailsWanted(const QStringList& itemIds);
    void mapReady();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void reset();
    void ensureMap();
    void show(std::shared_ptr<const MapResult> map);
    void applyColours();
    void refreshHighlight();
    void hover(int point);
    void click(int point);
    QString key() const;
    void editsChanged();
    void updateTrail();

    Workbench* workbench_;
    std::unique_ptr<JobGroup> jobs_;
    MapCanvas* canvas_;
    QComboBox* method_;
    QComboBox* colour_;
    QComboBox* show_;
    QLabel* status_;
    QHash<QString, std::shared_ptr<const MapResult>> maps_;  // by configuration|method
    QString pendingKey_;
    std::shared_ptr<const MapResult> shown_;
    // What-if edits: the map shown before the first edit not yet mapped, the edited user,
    // and where that user was on it.
    std::shared_ptr<const MapResult> beforeEdit_;
    std::optional<std::uint32_t> trailUser_;
    std::optional<QPointF> trailFrom_;
    std::shared_ptr<const MapResult> trailMap_;  // the map the trail belongs to
    bool editPending_ = false;
};

}  // namespace tl::ui
