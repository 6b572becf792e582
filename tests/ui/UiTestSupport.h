#pragma once
// Shared fixtures of the UI tests: a small generated project (synthetic ratings,
// genres and features, optionally with generated trailer clips), and helpers
// that wait for the workbench's background jobs.

#include <QSettings>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

#include "core/data/SyntheticData.h"
#include "ui/Prompter.h"

namespace tl::ui {
class MainWindow;
class Workbench;
}

namespace tl::ui::test {

// The prompter every test's MainWindow is given: no modal dialog (a HeadlessPrompter:
// questions answered no, file choosers cancelled, nothing opened on the desktop).
std::unique_ptr<Prompter> noDialogs();

// A small, fast synthetic spec (150 users, 120 items).
SyntheticSpec smallSpec();

// Writes `count` clips (320x240, 25 fps, `seconds` long, frames painted with their index) into dir
// (created when missing). The first `withSound` of them have a soundtrack (mono AAC, 22,050 Hz: a
// tone at 220 * (i + 1) Hz); the others, and all by default, have no audio stream.
QStringList makeClips(const QString& dir, int count, double seconds = 3.0, int withSound = 0);

// Writes a demo project into dir; returns the project file.
QString makeProject(const QString& dir, const QStringList& videos = {}, const SyntheticSpec& spec = smallSpec());

// Opens the project and waits until every configuration's model and the baselines are ready.
bool openAndWait(MainWindow& window, const QString& projectFile, int timeoutMs = 30000);

// Waits until the active configuration's model is built (after an edit: for the edited ratings).
bool waitForActiveModel(const Workbench& workbench, int timeoutMs = 30000);

// Files under dir (recursively) whose names match any of the patterns.
QStringList filesUnder(const QString& dir, const QStringList& patterns);

// The MobileNetV2 ONNX file of the shared reference data, or empty.
QString mobileNetWeights();

// Prepares QSettings/QStandardPaths for a test (test mode, separate organisation).
void initTestApplication();

}  // namespace tl::ui::test
