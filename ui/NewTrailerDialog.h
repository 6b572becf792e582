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
    void showRanking(const Placed& placed, const QString& source);
    void setStatus(const QString& text);

    Workbench* workbench_;
    std::unique_ptr<JobGroup> job_;
    QComboBox* videos_;
    QLabel* status_;
    QTableWidget* table_;
    QString runningKey_;
    QHash<QString, QString> failures_;  // key -> message
    std::vector<UserMatch> shown_;
    QHash<QString, std::shared_ptr<const Placed>> placed_;  // key -> result
};

}  // namespace tl::ui
