#pragma once
// A short wizard page for importing a MovieLens folder plus a folder of
// trailers into a project. Passive: it only collects the choices; the main
// window runs the import (core/project/Import.h) in a background job.

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace tl::ui {

class ImportDialog : public QDialog {
    Q_OBJECT
public:
    explicit ImportDialog(QWidget* parent = nullptr);

    QString movielensDir() const;
    QString trailersDir() const;
    QString projectFile() const;
    QString projectName() const;
    bool probeTrailers() const;

private:
    void validate();
    QLineEdit* movielens_;
    QLineEdit* trailers_;
    QLineEdit* project_;
    QLineEdit* name_;
    QCheckBox* probe_;
    QLabel* hint_;
    QDialogButtonBox* buttons_;
};

}  // namespace tl::ui
