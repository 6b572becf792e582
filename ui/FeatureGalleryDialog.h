#pragma once
// Feature gallery: the sampled frames of the project's trailers that activate one
// feature of the active configuration most, with the feature's name (model, layer,
// channel, cell). Opened on a feature (a profile bar of the User explorer) or by
// picking one from the list of the current user's strongest features.
//
// The index (core/experiment/ConfigurationFrames.h: every trailer's frames through
// the configuration's model, the top 8 activations per feature kept) is computed
// on demand in a background job once per configuration and saved beside its
// profiles (<configuration>.gallery.bin, used until the configuration is extracted
// again); the frames shown are decoded at their times with the project's own
// video code (core/video/Playback.h), also in the background. Passive: a click on
// a frame emits frameRequested(item, ms).

#include <QDialog>
#include <QHash>
#include <QImage>

#include <memory>

QT_BEGIN_NAMESPACE
class QLabel;
class QListWidget;
class QSpinBox;
QT_END_NAMESPACE

namespace tl {
struct GalleryIndex;
}

namespace tl::ui {

class JobGroup;
class JobRunner;
class Workbench;

class FeatureGalleryDialog : public QDialog {
    Q_OBJECT
public:
    static constexpr int kTopFrames = 8;

    FeatureGalleryDialog(const Workbench* workbench, JobRunner* jobs, QWidget* parent = nullptr);
    ~FeatureGalleryDialog() override;

    // Shows the dialog on `feature` of the active configuration (the index is built when missing).
    void showFeature(int feature);
    int feature() const { return feature_; }
    QString featureTitle() const;     // the heading: the feature's name and configuration
    QString statusText() const;       // the index's state (building, size, failures) or why there is none
    QListWidget* framesList() const { return frames_; }
    QListWidget* featureList() const { return features_; }
    bool busy() const;                // the index or the frames shown are being computed

Q_SIGNALS:
    void frameRequested(const QString& itemId, qint64 ms);
    void galleryShown(int frames);    // the frames of feature() are listed (with their pictures)

private:
    void fillFeatureList();
    void refresh();
    void requestIndex(const QString& source);
    void showFrames();

    const Workbench* workbench_;
    std::unique_ptr<JobGroup> indexJob_;
    std::unique_ptr<JobGroup> pictureJob_;
    QHash<QString, std::shared_ptr<const GalleryIndex>> indexes_;  // by configuration
    QHash<QString, QString> indexErrors_;
    QHash<QString, QImage> pictures_;  // "item|ms" -> decoded frame
    QString indexing_;                 // the configuration being indexed
    int feature_ = -1;
    QLabel* title_;
    QLabel* status_;
    QListWidget* features_;
    QSpinBox* featureBox_;
    QListWidget* frames_;
};

}  // namespace tl::ui
