#pragma once
// Experiments: RMSE-vs-K curves of every configuration with the baselines as
// reference lines, the K control shared by every view, the best RMSE per
// configuration (the paper's Table 1) and exports (chart PNG/SVG, numbers CSV).
// Passive: reads the Workbench, emits kRequested / sourceRequested; the owner applies them.

#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QSlider;
class QSpinBox;
class QTableWidget;
class QPushButton;
QT_END_NAMESPACE

namespace tl::ui {

class ChartAdapter;
class Workbench;

class ExperimentsView : public QWidget {
    Q_OBJECT
public:
    explicit ExperimentsView(Workbench* workbench, QWidget* parent = nullptr);

    ChartAdapter* chart() const { return chart_; }
    QTableWidget* table() const { return table_; }
    QSlider* kSlider() const { return slider_; }
    QSpinBox* kSpin() const { return spin_; }

    bool exportChart(const QString& file);  // .png or .svg by extension
    bool exportCsv(const QString& file) const;

Q_SIGNALS:
    void kRequested(int k);
    void sourceRequested(const QString& source);

private:
    void rebuildChart();
    void rebuildTable();
    void showK(int k);
    void askExport(bool chartExport);

    Workbench* workbench_;
    ChartAdapter* chart_;
    QSlider* slider_;
    QSpinBox* spin_;
    QLabel* status_;
    QTableWidget* table_;
    QPushButton* exportPng_;
    QPushButton* exportCsv_;
};

}  // namespace tl::ui
