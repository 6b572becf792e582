#include "UiTestSupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTest>

#include <cmath>
#include <filesystem>

#include "core/session/SyntheticDemo.h"
#include "core/video/ClipWriter.h"
#include "ui/JobRunner.h"
#include "ui/MainWindow.h"
#include "ui/Prompter.h"
#include "ui/Workbench.h"

namespace tl::ui::test {

std::unique_ptr<Prompter> noDialogs()
{
    return std::make_unique<HeadlessPrompter>();
}

SyntheticSpec smallSpec()
{
    SyntheticSpec spec;
    spec.users = 150;
    spec.items = 120;
    spec.ratings = 6000;
    spec.features = 16;
    spec.latentDims = 4;
    spec.genres = 4;
    spec.seed = 3;
    return spec;
}

QStringList makeClips(const QString& dir, int count, double seconds, int withSound)
{
    QDir().mkpath(dir);
    QStringList files;
    for (int i = 0; i < count; ++i) {
        video::ClipSpec spec;
        spec.width = 320;
        spec.height = 240;
        spec.fps = 25;
        spec.frames = static_cast<int>(seconds * spec.fps);
        const QString file = QDir(dir).filePath(QStringLiteral("clip%1.mp4").arg(i + 1));
        video::AudioTrack sound;
        if (i < withSound) {
            sound.channels = 1;
            sound.sampleRate = 22050;
            sound.bitRate = 64000;
            sound.samples.resize(static_cast<std::size_t>(seconds * sound.sampleRate));
            const double hz = 220.0 * (i + 1);
            for (std::size_t n = 0; n < sound.samples.size(); ++n)
                sound.samples[n] = static_cast<float>(0.3 * std::sin(2 * M_PI * hz * static_cast<double>(n) / sound.sampleRate));
        }
        // A moving diagonal gradient, tinted per clip: never a uniform frame.
        video::writeClip(
            file.toStdString(), spec,
            [i](int index, int w, int h, std::vector<std::uint8_t>& rgb) {
                for (int y = 0; y < h; ++y)
                    for (int x = 0; x < w; ++x) {
                        std::uint8_t* p = &rgb[static_cast<std::size_t>(3 * (y * w + x))];
                        p[0] = static_cast<std::uint8_t>((x + 4 * index) & 0xff);
                        p[1] = static_cast<std::uint8_t>((y * 2 + 60 * i) & 0xff);
                        p[2] = static_cast<std::uint8_t>(((x + y) / 2 + 3 * index) & 0xff);
                    }
            },
            sound);
        files << file;
    }
    return files;
}

QString makeProject(const QString& dir, const QStringList& videos, const SyntheticSpec& spec)
{
    std::vector<std::filesystem::path> clips;
    for (const auto& v : videos)
        clips.push_back(v.toStdString());
    const Project project = session::writeSyntheticDemo(dir.toStdString(), spec, clips);
    return QString::fromStdString(project.file.string());
}

bool openAndWait(MainWindow& window, const QString& projectFile, int timeoutMs)
{
    window.openProject(projectFile);
    Workbench* wb = window.workbench();
    return QTest::qWaitFor(
        [&] {
            if (!wb->hasProject() || !wb->baselinesReady())
                return false;
            for (const auto& s : wb->sources())
                if (!wb->model(QString::fromStdString(s.name)))
                    return false;
            return window.jobs()->runningCount() == 0;
        },
        timeoutMs);
}

bool waitForActiveModel(const Workbench& wb, int timeoutMs)
{
    return QTest::qWaitFor([&] { return wb.model(wb.activeSource()) && !wb.modelPending(wb.activeSource()); },
                           timeoutMs);
}

QString mobileNetWeights()
{
    const QString file = QStringLiteral(TRAILERLAB_SHARED_DIR) + QStringLiteral("/models/mobilenetv2-12-int8.onnx");
    return QFileInfo::exists(file) ? file : QString();
}

QStringList filesUnder(const QString& dir, const QStringList& patterns)
{
    QStringList out;
    QDirIterator it(dir, patterns, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        out << it.next();
    return out;
}

void initTestApplication()
{
    // As in app/gui/main.cpp: the GStreamer backend is unreliable here (conventions).
    if (qEnvironmentVariableIsEmpty("QT_MEDIA_BACKEND"))
        qputenv("QT_MEDIA_BACKEND", "ffmpeg");
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("TrailerLabTests"));
    // One settings file per test program: CTest runs two at once, and one test turning
    // background extraction off in a shared file stalled another that waits for it.
    QCoreApplication::setApplicationName(QFileInfo(QCoreApplication::applicationFilePath()).completeBaseName());
}

}  // namespace tl::ui::test
