#include "ui/AudioStrip.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

#include "ui/KeyframeStrip.h"

namespace tl::ui {

namespace {

constexpr int kWaveHeight = 34;
constexpr int kAxisHeight = 16;
constexpr int kMargin = 2;

}  // namespace

AudioStrip::AudioStrip(QWidget* parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setFixedHeight(kWaveHeight + 62 + kAxisHeight + 2 * kMargin);
    setMouseTracking(false);
    setToolTip(tr("The soundtrack: waveform above, log-mel spectrogram below (low frequencies at the bottom); "
                  "ticks mark the keyframes, the red line the playback position. Click to seek."));
}

QSize AudioStrip::sizeHint() const
{
    return {600, height()};
}

void AudioStrip::setOverview(std::shared_ptr<const audio::AudioOverview> overview)
{
    overview_ = std::move(overview);
    message_.clear();
    peak_ = 0;
    if (hasSound())
        for (std::size_t c = 0; c < overview_->columns; ++c)
            peak_ = std::max({peak_, std::abs(overview_->minimum[c]), std::abs(overview_->maximum[c])});
    rebuildSpectrogram();
    setToolTip(hasSound() ? tr("The soundtrack: waveform above (scaled to its loudest sample, %1 dBFS), log-mel "
                               "spectrogram below (low frequencies at the bottom, the loudest %2 dB). Ticks mark the "
                               "keyframes, the red line the playback position. Click to seek.")
                                .arg(peak_ > 0 ? 20.0 * std::log10(static_cast<double>(peak_)) : -100.0, 0, 'f', 1)
                                .arg(kRangeDb)
                          : tr("The soundtrack's waveform and spectrogram appear here for a trailer with sound."));
    update();
}

void AudioStrip::setMessage(const QString& message)
{
    message_ = message;
    update();
}

void AudioStrip::setDuration(qint64 ms)
{
    duration_ = std::max<qint64>(0, ms);
    update();
}

qint64 AudioStrip::duration() const
{
    if (duration_ > 0)
        return duration_;
    return overview_ ? static_cast<qint64>(std::llround(overview_->seconds() * 1000.0)) : 0;
}

void AudioStrip::setPosition(qint64 ms)
{
    if (ms == position_)
        return;
    position_ = ms;
    update();
}

void AudioStrip::setKeyframeTimes(std::vector<qint64> ms)
{
    keyframes_ = std::move(ms);
    highlighted_ = -1;
    update();
}

void AudioStrip::setHighlightedKeyframe(int index)
{
    if (index == highlighted_)
        return;
    highlighted_ = index;
    update();
}

QRect AudioStrip::plotRect() const
{
    return rect().adjusted(kMargin, kMargin, -kMargin, -kMargin - kAxisHeight);
}

int AudioStrip::xForMs(qint64 ms) const
{
    const QRect plot = plotRect();
    const qint64 total = duration();
    if (total <= 0)
        return plot.left();
    const double t = std::clamp(static_cast<double>(ms) / static_cast<double>(total), 0.0, 1.0);
    return plot.left() + static_cast<int>(std::lround(t * (plot.width() - 1)));
}

qint64 AudioStrip::msForX(int x) const
{
    const QRect plot = plotRect();
    if (plot.width() <= 1)
        return 0;
    const double t = std::clamp(static_cast<double>(x - plot.left()) / (plot.width() - 1), 0.0, 1.0);
    return static_cast<qint64>(std::llround(t * static_cast<double>(duration())));
}

void AudioStrip::rebuildSpectrogram()
{
    spectrogram_ = QImage();
    if (!hasSound() || overview_->columns == 0)
        return;
    const audio::AudioOverview& o = *overview_;
    const float top = *std::max_element(o.melDb.begin(), o.melDb.end());
    QRgb lut[256];
    for (int i = 0; i < 256; ++i)
        lut[i] = KeyframeStrip::scoreColour(i / 255.0).rgb();
    spectrogram_ = QImage(static_cast<int>(o.columns), audio::kMelBands, QImage::Format_RGB32);
    for (int b = 0; b < audio::kMelBands; ++b) {
        auto* line = reinterpret_cast<QRgb*>(spectrogram_.scanLine(audio::kMelBands - 1 - b));
        for (std::size_t c = 0; c < o.columns; ++c) {
            const double t = (o.mel(c, b) - (top - kRangeDb)) / kRangeDb;
            line[c] = lut[std::clamp(static_cast<int>(t * 255.0 + 0.5), 0, 255)];
        }
    }
}

void AudioStrip::drawWaveform(QPainter& painter, const QRect& area) const
{
    painter.fillRect(area, QColor(0x20, 0x22, 0x28));
    const audio::AudioOverview& o = *overview_;
    const double mid = area.center().y() + 0.5, half = area.height() / 2.0 - 1;
    painter.setPen(QColor(0x50, 0x54, 0x60));
    painter.drawLine(area.left(), static_cast<int>(mid), area.right(), static_cast<int>(mid));
    const qint64 total = duration();
    if (total <= 0 || o.columns == 0)
        return;
    // Each pixel column shows the extremes (light) and the largest RMS (strong) of the track columns under it.
    const double columnsPerMs = 1.0 / (o.columnSeconds() * 1000.0);
    const QColor peak(0x7f, 0xb8, 0xe6), loud(0x3a, 0x86, 0xc8);
    for (int x = area.left(); x <= area.right(); ++x) {
        const double t0 = static_cast<double>(msForX(x)), t1 = static_cast<double>(msForX(x + 1));
        auto c0 = static_cast<std::size_t>(std::max(0.0, std::floor(t0 * columnsPerMs)));
        auto c1 = static_cast<std::size_t>(std::max(0.0, std::ceil(t1 * columnsPerMs)));
        if (c0 >= o.columns)
            break;
        c1 = std::clamp<std::size_t>(c1, c0 + 1, o.columns);
        float lo = o.minimum[c0], hi = o.maximum[c0], rms = o.rms[c0];
        for (std::size_t c = c0 + 1; c < c1; ++c) {
            lo = std::min(lo, o.minimum[c]);
            hi = std::max(hi, o.maximum[c]);
            rms = std::max(rms, o.rms[c]);
        }
        const double scale = peak_ > 0 ? 1.0 / peak_ : 1.0;  // a quiet track still shows its shape
        const auto y = [&](double v) {
            return static_cast<int>(std::lround(mid - std::clamp(v * scale, -1.0, 1.0) * half));
        };
        painter.setPen(peak);
        painter.drawLine(x, y(hi), x, y(lo));
        painter.setPen(loud);
        painter.drawLine(x, y(rms), x, y(-rms));
    }
}

void AudioStrip::drawTimeAxis(QPainter& painter, const QRect& area) const
{
    const qint64 total = duration();
    painter.setPen(palette().color(QPalette::WindowText));
    if (total <= 0)
        return;
    // A tick every 1, 2, 5, 10, 15, 30 or 60 s: the first that leaves 70 px between labels.
    qint64 step = 60000;
    for (qint64 s : {1000, 2000, 5000, 10000, 15000, 30000, 60000})
        if (static_cast<double>(area.width()) * static_cast<double>(s) / static_cast<double>(total) >= 70.0) {
            step = s;
            break;
        }
    QFont small = font();
    small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.8));
    painter.setFont(small);
    for (qint64 t = 0; t <= total; t += step) {
        const int x = xForMs(t);
        painter.drawLine(x, area.top(), x, area.top() + 3);
        const QString text = QStringLiteral("%1:%2").arg(t / 60000).arg((t / 1000) % 60, 2, 10, QLatin1Char('0'));
        const int w = painter.fontMetrics().horizontalAdvance(text);
        const int left = std::clamp(x - w / 2, area.left(), area.right() - w);
        painter.drawText(QRect(left, area.top() + 3, w + 2, area.height() - 3), Qt::AlignLeft | Qt::AlignTop, text);
    }
}

void AudioStrip::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const QRect plot = plotRect();
    const QRect axis(plot.left(), plot.bottom() + 1, plot.width(), kAxisHeight);
    const QRect wave(plot.left(), plot.top(), plot.width(), kWaveHeight);
    const QRect spectrum(plot.left(), wave.bottom() + 1, plot.width(), plot.bottom() - wave.bottom());

    QString text = message_;
    if (text.isEmpty() && overview_ && !overview_->hasAudio())
        text = tr("No sound: %1").arg(QString::fromStdString(overview_->decode.noAudioReason));
    if (!text.isEmpty() || !hasSound()) {
        painter.fillRect(plot, palette().color(QPalette::AlternateBase));
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(plot.adjusted(8, 0, -8, 0), Qt::AlignCenter | Qt::TextWordWrap, text);
    } else {
        drawWaveform(painter, wave);
        painter.setRenderHint(QPainter::SmoothPixmapTransform, true);
        // The image's columns span the track's length, which may differ from the player's duration.
        const double trackMs = static_cast<double>(overview_->columns) * overview_->columnSeconds() * 1000.0;
        const int right = xForMs(static_cast<qint64>(trackMs));
        painter.fillRect(spectrum, QColor(0x10, 0x10, 0x14));
        painter.drawImage(QRect(spectrum.left(), spectrum.top(), std::max(1, right - spectrum.left() + 1), spectrum.height()),
                          spectrogram_);
    }
    drawTimeAxis(painter, axis);

    // Keyframes: a tick at the top of the waveform and a faint line over the spectrogram.
    for (int i = 0; i < static_cast<int>(keyframes_.size()); ++i) {
        const int x = xForMs(keyframes_[static_cast<std::size_t>(i)]);
        const bool current = i == highlighted_;
        painter.setPen(QPen(current ? QColor(0xff, 0xff, 0xff, 200) : QColor(0xff, 0xff, 0xff, 70), 1));
        painter.drawLine(x, spectrum.top(), x, spectrum.bottom());
        painter.setPen(QPen(current ? QColor(0xff, 0xd0, 0x40) : QColor(0xdd, 0xe8, 0xf6), current ? 3 : 2));
        painter.drawLine(x, plot.top(), x, plot.top() + 6);
    }
    if (duration() > 0) {
        const int x = xForMs(position_);
        painter.setPen(QPen(QColor(0xe0, 0x30, 0x30), 2));
        painter.drawLine(x, plot.top(), x, plot.bottom());
    }
}

void AudioStrip::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || duration() <= 0)
        return QWidget::mousePressEvent(event);
    Q_EMIT seekRequested(msForX(static_cast<int>(event->position().x())));
}

void AudioStrip::mouseMoveEvent(QMouseEvent* event)
{
    if (!(event->buttons() & Qt::LeftButton) || duration() <= 0)
        return QWidget::mouseMoveEvent(event);
    Q_EMIT seekRequested(msForX(static_cast<int>(event->position().x())));
}

}  // namespace tl::ui
