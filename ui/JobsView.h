#pragma once
// The job list (docs/architecture.md): every background job with progress, status and
// details; failed and cancelled jobs stay listed with their message.

#include <QWidget>

QT_BEGIN_NAMESPACE
class QTableView;
QT_END_NAMESPACE

namespace tl::ui {

class JobRunner;

class JobsView : public QWidget {
    Q_OBJECT
public:
    explicit JobsView(JobRunner* jobs, QWidget* parent = nullptr);
    QTableView* tableView() const { return table_; }

private:
    JobRunner* jobs_;
    QTableView* table_;
};

}  // namespace tl::ui
