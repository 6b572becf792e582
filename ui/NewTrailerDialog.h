#pragma once
// A trailer nobody has rated: the videos added to the project (File > Add Trailer…, or
// dropped on the library), and for the one chosen, the users it suits best in the
// active configuration, cos(MUP(u), MIP(i)), ranked. The trailer's features are
// extracted in the background with the configuration's model, sampling and pooling
// and put through its normalisation (core/experiment/NewTrailer.h); a row selects its
// user in the explorer.
//
// Added videos are recorded in the project file ("added_videos") and come back on
// reopening; the ratings, items and manifest are not touched.
//
// Several at once (a drop of many files, several chosen in File > Add Trailer…): every
// one is placed, one background job after the other (the chosen one first), and the
// overview lists each with its state (queued, extracting, its best-suited users, or
// why it failed); a file that cannot be added (not found, not a regular file) is named
// with its reason in the "not added" line, so nothing dropped is silently left out.

#include <QDialog>
#include <QHash>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

#include "core/eval/UsersForItem.h"

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QListWidget;
class QShowEvent;
class QTableWidget;
QT_END_NAMESPACE

namespace tl::ui {

class JobGroup;
class JobRunner;
class Workbench;

class NewTrailerDialog : public QDialog {
    Q_OBJECT
public:
    NewTrailerDialog(Workbench* workbench, JobRunner* jobs, QWidget* parent = nullptr);
    ~NewTrailerDialog() override;

    // Adds `video` to the project (once) and shows the users it suits. False, with the
    // reason in the status line, when no project is open or the file is not a regular file.
    bool addVideo(const QString& video);
    // Adds every file (recorded in the project file at once) and places each in turn; the
    // first one added becomes the chosen one. Returns how many were added; the others are
    // named with their reason in notAddedText().
    int addVideos(const QStringList& videos);
    QString notAddedText() const;
    // One row per added trailer: its name and state ("queued", "extracting…", "best: user
    // 12 (0.9312), 7 (0.9120), …", "not placed: reason"); the row's data is the video path.
    QListWidget* overviewList() const { return overview_; }

    QComboBox* videoChooser() const { return videos_; }
    QTableWidget* usersTable() const { return table_; }
    QString statusText() const;
    bool busy() const;
    // The ranking shown (all users with a profile; the table lists the first kShown).
    const std::vector<UserMatch>& ranking() const { return shown_; }
    static constexpr int kShown = 50;

    struct Placed {
        UsersForItem users;
        std::size_t frames = 0;
        QString probe;  // "640×360, 10.2 s"
    };

Q_SIGNALS:
    void rankingShown();

protected:
    // Placing runs only while the dialog is shown: switching configuration with it closed
    // starts no extraction.
    void showEvent(QShowEvent* event) override;

private:
    void loadFromProject();
    void update();
    // The key of a video's placing in the active configuration (empty: nothing to place it
    // with yet: no configuration, one that cannot place trailers, or no model).
    QString keyOf(const QString& video) const;
    // Starts the next video without a placing or failure for its key (the chosen one first).
    void placeNext();
    void place(const QString& video, const QString& key);
    void refreshOverview();
    void showRanking(const Placed& placed, const QString& source);
    void setStatus(const QString& text);

    Workbench* workbench_;
    std::unique_ptr<JobGroup> job_;
    QComboBox* videos_;
    QLabel* status_;
    QLabel* notAdded_;
    QListWidget* overview_;
    QTableWidget* table_;
    QString runningKey_;
    QString runningVideo_;
    QHash<QString, QString> failures_;  // key -> message
    std::vector<UserMatch> shown_;
    QHash<QString, std::shared_ptr<const Placed>> placed_;  // key -> result
};

}  // namespace tl::ui
