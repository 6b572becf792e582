#include "ui/ImportDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace tl::ui {

namespace {
QWidget* withBrowse(QLineEdit* edit, QWidget* parent, const std::function<QString()>& pick)
{
    auto* row = new QWidget(parent);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto* browse = new QPushButton(QObject::tr("Browse…"), row);
    layout->addWidget(browse);
    QObject::connect(browse, &QPushButton::clicked, row, [edit, pick] {
        const QString chosen = pick();
        if (!chosen.isEmpty())
            edit->setText(chosen);
    });
    return row;
}
}  // namespace

ImportDialog::ImportDialog(QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Import MovieLens with trailers"));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Choose a MovieLens folder (u.data + u.item, ratings.dat + movies.dat, or "
                                "ratings.csv + movies.csv) and a folder of trailers named by movieId (1.mp4) "
                                "or by YouTube id with ml-youtube.csv. Every trailer is opened to find "
                                "unreadable files; items without a readable trailer keep their ratings but "
                                "have no profile."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto* form = new QFormLayout;
    movielens_ = new QLineEdit(this);
    trailers_ = new QLineEdit(this);
    project_ = new QLineEdit(this);
    name_ = new QLineEdit(this);
    movielens_->setObjectName(QStringLiteral("movielens"));
    trailers_->setObjectName(QStringLiteral("trailers"));
    project_->setObjectName(QStringLiteral("project"));
    name_->setObjectName(QStringLiteral("name"));
    probe_ = new QCheckBox(tr("Open every trailer to check it is readable"), this);
    probe_->setChecked(true);
    form->addRow(tr("MovieLens folder:"), withBrowse(movielens_, this, [this] {
                     return QFileDialog::getExistingDirectory(this, tr("MovieLens folder"));
                 }));
    form->addRow(tr("Trailers folder:"), withBrowse(trailers_, this, [this] {
                     return QFileDialog::getExistingDirectory(this, tr("Trailers folder"));
                 }));
    form->addRow(tr("Project file:"), withBrowse(project_, this, [this] {
                     return QFileDialog::getSaveFileName(this, tr("Project file"), QString(),
                                                         tr("TrailerLab project (*.json)"));
                 }));
    form->addRow(tr("Name:"), name_);
    form->addRow(QString(), probe_);
    layout->addLayout(form);
    hint_ = new QLabel(this);
    hint_->setWordWrap(true);
    layout->addWidget(hint_);
    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons_->button(QDialogButtonBox::Ok)->setText(tr("Import"));
    layout->addWidget(buttons_);
    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (QLineEdit* edit : {movielens_, trailers_, project_})
        connect(edit, &QLineEdit::textChanged, this, &ImportDialog::validate);
    connect(movielens_, &QLineEdit::textChanged, this, [this](const QString& dir) {
        if (project_->isModified() || dir.isEmpty())
            return;
        project_->setText(QDir(dir).filePath(QFileInfo(dir).fileName() + QStringLiteral(".trailerlab.json")));
    });
    validate();
    resize(640, sizeHint().height());
}

void ImportDialog::validate()
{
    QString problem;
    if (movielens_->text().isEmpty())
        problem = tr("Choose the MovieLens folder.");
    else if (!QFileInfo(movielens_->text()).isDir())
        problem = tr("The MovieLens folder does not exist.");
    else if (!trailers_->text().isEmpty() && !QFileInfo(trailers_->text()).isDir())
        problem = tr("The trailers folder does not exist.");
    else if (project_->text().isEmpty())
        problem = tr("Choose where to write the project file.");
    hint_->setText(problem);
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

QString ImportDialog::movielensDir() const { return movielens_->text(); }
QString ImportDialog::trailersDir() const { return trailers_->text(); }
QString ImportDialog::projectFile() const { return project_->text(); }
QString ImportDialog::projectName() const { return name_->text(); }
bool ImportDialog::probeTrailers() const { return probe_->isChecked(); }

}  // namespace tl::ui
