#include "ui/JobsView.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/JobRunner.h"

namespace tl::ui {

JobsView::JobsView(JobRunner* jobs, QWidget* parent) : QWidget(parent), jobs_(jobs)
{
    table_ = new QTableView(this);
    table_->setModel(jobs_->model());
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setDefaultSectionSize(20);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setColumnWidth(JobListModel::Title, 260);
    table_->setColumnWidth(JobListModel::ProgressColumn, 80);
    table_->setColumnWidth(JobListModel::Status, 80);
    table_->setWordWrap(false);
    auto* cancel = new QPushButton(tr("Cancel selected job"), this);
    auto* hint = new QLabel(tr("Background work: failed jobs stay listed with their message."), this);
    hint->setStyleSheet(QStringLiteral("color: gray"));
    hint->setWordWrap(true);  // not widening the dock
    auto* row = new QHBoxLayout;
    row->addWidget(hint, 1);
    row->addWidget(cancel);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(table_, 1);
    layout->addLayout(row);
    connect(cancel, &QPushButton::clicked, this, [this] {
        const QModelIndex index = table_->currentIndex();
        if (index.isValid())
            jobs_->cancel(index.siblingAtColumn(0).data(Qt::UserRole).toInt());
    });
}

}  // namespace tl::ui
