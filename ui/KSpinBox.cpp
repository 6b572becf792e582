#include "ui/KSpinBox.h"

#include <QKeyEvent>

namespace tl::ui {

KSpinBox::KSpinBox(QWidget* parent) : QSpinBox(parent)
{
    setPrefix(tr("K = "));
}

QValidator::State KSpinBox::validate(QString& input, int& pos) const
{
    QStringView body(input);
    if (body.startsWith(prefix()))
        body = body.mid(prefix().size());
    for (const QChar c : body.trimmed())
        if (!c.isDigit())
            return QValidator::Invalid;
    return QSpinBox::validate(input, pos);
}

void KSpinBox::keyPressEvent(QKeyEvent* event)
{
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        stepBy(1);
        event->accept();
        return;
    case Qt::Key_Minus:
        stepBy(-1);
        event->accept();
        return;
    default:
        QSpinBox::keyPressEvent(event);
    }
}

}  // namespace tl::ui
