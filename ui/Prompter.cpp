#include "ui/Prompter.h"

#include <QDesktopServices>
#include <QFileDialog>
#include <QMessageBox>
#include <QUrl>

namespace tl::ui {

bool DialogPrompter::confirm(QWidget* parent, const QString& title, const QString& question)
{
    return QMessageBox::question(parent, title, question) == QMessageBox::Yes;
}

void DialogPrompter::inform(QWidget* parent, const QString& title, const QString& text)
{
    QMessageBox::information(parent, title, text);
}

void DialogPrompter::warn(QWidget* parent, const QString& title, const QString& text)
{
    QMessageBox::warning(parent, title, text);
}

QString DialogPrompter::saveFileName(QWidget* parent, const QString& title, const QString& suggested,
                                     const QString& filter)
{
    return QFileDialog::getSaveFileName(parent, title, suggested, filter);
}

QString DialogPrompter::openFileName(QWidget* parent, const QString& title, const QString& filter)
{
    return QFileDialog::getOpenFileName(parent, title, QString(), filter);
}

QStringList DialogPrompter::openFileNames(QWidget* parent, const QString& title, const QString& filter)
{
    return QFileDialog::getOpenFileNames(parent, title, QString(), filter);
}

void DialogPrompter::openFolder(const QString& folder)
{
    QDesktopServices::openUrl(QUrl::fromLocalFile(folder));
}

bool HeadlessPrompter::confirm(QWidget*, const QString& title, const QString&)
{
    log_ << QStringLiteral("confirm: ") + title;
    return false;
}

void HeadlessPrompter::inform(QWidget*, const QString& title, const QString&)
{
    log_ << QStringLiteral("inform: ") + title;
}

void HeadlessPrompter::warn(QWidget*, const QString& title, const QString&)
{
    log_ << QStringLiteral("warn: ") + title;
}

QString HeadlessPrompter::saveFileName(QWidget*, const QString& title, const QString&, const QString&)
{
    log_ << QStringLiteral("save: ") + title;
    return takeFile();
}

QString HeadlessPrompter::openFileName(QWidget*, const QString& title, const QString&)
{
    log_ << QStringLiteral("open: ") + title;
    return takeFile();
}

void HeadlessPrompter::openFolder(const QString& folder)
{
    log_ << QStringLiteral("folder: ") + folder;
}

QString HeadlessPrompter::takeFile()
{
    QString file;
    file.swap(nextFile_);
    return file;
}

}  // namespace tl::ui
