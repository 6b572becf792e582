#pragma once
// The read-only table cell every view's QTableWidget uses.

#include <QTableWidgetItem>

namespace tl::ui {

// A non-editable cell; numbers are right-aligned.
inline QTableWidgetItem* cell(const QString& text, bool number = false)
{
    auto* item = new QTableWidgetItem(text);
    item->setFlags(item->flags() & ~Qt::ItemIsEditable);
    if (number)
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

}  // namespace tl::ui
