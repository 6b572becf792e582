#pragma once
// Every moment the workbench waits for a person (a question, a message box, a
// file chooser) and every hand-off to the desktop (opening a folder in the file
// manager) goes through a Prompter, which the main window is given.
// The application uses DialogPrompter: modal Qt dialogs and QDesktopServices.
// Runs where nobody answers (the UI tests, the --screenshot mode) use a
// HeadlessPrompter: it answers no, chooses no file unless told one, opens nothing,
// and keeps what it was asked and told, in order. Callers that must tell the
// person something without a dialog (a status bar) do so in both cases.
//
// Threading: GUI thread only.

#include <QString>
#include <QStringList>

QT_BEGIN_NAMESPACE
class QWidget;
QT_END_NAMESPACE

namespace tl::ui {

class Prompter {
public:
    virtual ~Prompter() = default;
    // A yes/no question; true for yes.
    virtual bool confirm(QWidget* parent, const QString& title, const QString& question) = 0;
    virtual void inform(QWidget* parent, const QString& title, const QString& text) = 0;
    virtual void warn(QWidget* parent, const QString& title, const QString& text) = 0;
    // The file chosen, or empty when the person cancelled. `filter`: Qt's "Name (*.ext);;…".
    virtual QString saveFileName(QWidget* parent, const QString& title, const QString& suggested,
                                 const QString& filter) = 0;
    virtual QString openFileName(QWidget* parent, const QString& title, const QString& filter) = 0;
    // Several files chosen at once (empty: cancelled). By default the one of openFileName.
    virtual QStringList openFileNames(QWidget* parent, const QString& title, const QString& filter)
    {
        const QString file = openFileName(parent, title, filter);
        return file.isEmpty() ? QStringList() : QStringList{file};
    }
    virtual void openFolder(const QString& folder) = 0;
};

class DialogPrompter final : public Prompter {
public:
    bool confirm(QWidget* parent, const QString& title, const QString& question) override;
    void inform(QWidget* parent, const QString& title, const QString& text) override;
    void warn(QWidget* parent, const QString& title, const QString& text) override;
    QString saveFileName(QWidget* parent, const QString& title, const QString& suggested,
                         const QString& filter) override;
    QString openFileName(QWidget* parent, const QString& title, const QString& filter) override;
    QStringList openFileNames(QWidget* parent, const QString& title, const QString& filter) override;
    void openFolder(const QString& folder) override;
};

class HeadlessPrompter final : public Prompter {
public:
    bool confirm(QWidget* parent, const QString& title, const QString& question) override;
    void inform(QWidget* parent, const QString& title, const QString& text) override;
    void warn(QWidget* parent, const QString& title, const QString& text) override;
    QString saveFileName(QWidget* parent, const QString& title, const QString& suggested,
                         const QString& filter) override;
    QString openFileName(QWidget* parent, const QString& title, const QString& filter) override;
    void openFolder(const QString& folder) override;

    // The next file chooser answers `file` (once); without it, choosers are cancelled.
    void answerNextFileChooser(const QString& file) { nextFile_ = file; }
    // One line per interaction: "confirm: TITLE", "inform: TITLE", "warn: TITLE",
    // "save: TITLE", "open: TITLE", "folder: PATH".
    const QStringList& log() const { return log_; }

private:
    QString takeFile();

    QStringList log_;
    QString nextFile_;
};

}  // namespace tl::ui
