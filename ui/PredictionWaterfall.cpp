#include "ui/PredictionWaterfall.h"

#include <QCheckBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QPainter>
#include <QScrollArea>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "ui/ChartStyle.h"

namespace tl::ui {

namespace {

const QColor positiveColour(0x2e, 0x8b, 0x57);
const QColor negativeColour(0xc0, 0x39, 0x2b);
const QColor meanColour(0x5b, 0x7d, 0xa8);
const QColor totalColour(0x2c, 0x3e, 0x6b);
const QColor beyondColour(0xf6, 0xd5, 0xd1);

QString fallbackName(PredictionSource s)
{
    switch (s) {
    case PredictionSource::UserMean:
        return PredictionWaterfall::tr("fallback: the user's mean (no neighbour among the first K rated this item)");
    case PredictionSource::ItemMean:
        return PredictionWaterfall::tr("fallback: the item's mean (the user has no training ratings)");
    case PredictionSource::GlobalMean:
        return PredictionWaterfall::tr("fallback: the global mean (neither the user nor the item has training ratings)");
    case PredictionSource::Model: return PredictionWaterfall::tr("fallback: the model");
    case PredictionSource::Neighbours: break;
    }
    return {};
}

QString number(double v)
{
    return QString::number(v, 'f', 2);
}

}  // namespace

// The painted waterfall: text columns (rank, neighbour, similarity, rating - mean),
// then the bars on a rating axis, then each row's value.
class WaterfallCanvas : public QWidget {
public:
    explicit WaterfallCanvas(const PredictionWaterfall* owner, QWidget* parent) : QWidget(parent), owner_(owner)
    {
        setMouseTracking(true);
    }

    int rowHeight() const { return fontMetrics().height() + 4; }
    void relayout()
    {
        setMinimumHeight(rowHeight() * (static_cast<int>(owner_->rows().size()) + 1) + 8);
        updateGeometry();
        update();
    }
    QSize sizeHint() const override { return {480, minimumHeight()}; }

protected:
    bool event(QEvent* e) override
    {
        if (e->type() == QEvent::ToolTip) {
            auto* help = static_cast<QHelpEvent*>(e);
            const int r = help->pos().y() / rowHeight() - 1;
            if (r >= 0 && r < static_cast<int>(owner_->rows().size()) && !owner_->rows()[static_cast<std::size_t>(r)].tip.isEmpty())
                QToolTip::showText(help->globalPos(), owner_->rows()[static_cast<std::size_t>(r)].tip, this);
            else
                QToolTip::hideText();
            return true;
        }
        return QWidget::event(e);
    }

    void paintEvent(QPaintEvent*) override
    {
        QPainter p(this);
        p.fillRect(rect(), palette().base());
        const auto& rows = owner_->rows();
        if (rows.empty())
            return;
        const QFontMetrics fm = fontMetrics();
        const int h = rowHeight();
        const int gap = 8;
        auto widest = [&](auto field, const QString& header) {
            int w = fm.horizontalAdvance(header);
            for (const auto& r : rows)
                if (r.kind == PredictionWaterfall::RowKind::Neighbour || r.kind == PredictionWaterfall::RowKind::NonRater)
                    w = std::max(w, fm.horizontalAdvance(r.*field));
            return w;
        };
        using Row = PredictionWaterfall::Row;
        const QString hRank = QStringLiteral("#"), hName = PredictionWaterfall::tr("user"),
                      hSim = PredictionWaterfall::tr("sim"), hRating = PredictionWaterfall::tr("r − mean");
        const int wRank = widest(&Row::rank, hRank), wName = widest(&Row::name, hName),
                  wSim = widest(&Row::similarity, hSim), wRating = widest(&Row::rating, hRating);
        int wValue = 0;
        for (const auto& r : rows)
            wValue = std::max(wValue, fm.horizontalAdvance(r.value));
        const int xRank = 4, xName = xRank + wRank + gap, xSim = xName + wName + gap, xRating = xSim + wSim + gap;
        const int barLeft = xRating + wRating + gap + 16;
        const int barRight = std::max(barLeft + 80, width() - wValue - gap - 4);

        // The axis: every running total (the scale only where they reach it), so small
        // contributions stay visible; the mean and the prediction are bars from its left end.
        const auto& scale = owner_->scaleOf();
        double low = rows.front().end, high = rows.front().end;
        for (const auto& r : rows)
            if (r.kind != PredictionWaterfall::RowKind::Section)
                low = std::min({low, r.start, r.end}), high = std::max({high, r.start, r.end});
        const double unclipped = owner_->explanation().unclipped;
        if (std::isfinite(unclipped))
            low = std::min(low, static_cast<double>(unclipped)), high = std::max(high, static_cast<double>(unclipped));
        const double pad = std::max(0.1, 0.12 * (high - low));
        const NiceScale axis = niceScale(low - pad, high + pad, std::clamp((barRight - barLeft) / 36, 4, 9));
        low = axis.low, high = axis.high;
        auto x = [&](double v) { return barLeft + (v - low) / (high - low) * (barRight - barLeft); };

        // The out-of-scale areas (shaded, the scale's ends drawn solid) and the ticks (header row).
        const int top = h, bottom = h * (static_cast<int>(rows.size()) + 1);
        if (scale.min > low)
            p.fillRect(QRectF(x(low), top, x(std::min<double>(scale.min, high)) - x(low), bottom - top), beyondColour);
        if (scale.max < high)
            p.fillRect(QRectF(x(std::max<double>(scale.max, low)), top, x(high) - x(std::max<double>(scale.max, low)), bottom - top),
                       beyondColour);
        p.setPen(palette().text().color());
        p.drawText(QRect(xRank, 0, wRank, h), Qt::AlignLeft | Qt::AlignVCenter, hRank);
        p.drawText(QRect(xName, 0, wName, h), Qt::AlignLeft | Qt::AlignVCenter, hName);
        p.drawText(QRect(xSim, 0, wSim, h), Qt::AlignRight | Qt::AlignVCenter, hSim);
        p.drawText(QRect(xRating, 0, wRating, h), Qt::AlignRight | Qt::AlignVCenter, hRating);
        for (int t = 0; t < axis.tickCount(); ++t) {
            const double v = axis.low + t * axis.step;
            p.setPen(QPen(QColor(0xc8, 0xc8, 0xc8), 1, Qt::DotLine));
            p.drawLine(QPointF(x(v), top), QPointF(x(v), bottom));
            p.setPen(palette().text().color());
            p.drawText(QRectF(x(v) - 30, 0, 60, h), Qt::AlignCenter, QString::number(v, 'f', axis.decimals));
        }
        for (const double end : {static_cast<double>(scale.min), static_cast<double>(scale.max)})
            if (end >= low && end <= high) {
                p.setPen(QPen(negativeColour, 1.5));
                p.drawLine(QPointF(x(end), top), QPointF(x(end), bottom));
            }

        // Rows.
        double previousEnd = std::nan("");
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const Row& r = rows[i];
            const int y = h * static_cast<int>(i + 1);
            const QRect textRow(0, y, width(), h);
            if (r.kind == PredictionWaterfall::RowKind::Section) {
                QFont f = font();
                f.setItalic(true);
                p.setFont(f);
                p.setPen(palette().placeholderText().color());
                p.drawText(textRow.adjusted(xRank, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, r.name);
                p.setFont(font());
                continue;
            }
            const bool dim = r.kind == PredictionWaterfall::RowKind::NonRater;
            p.setPen(dim ? palette().placeholderText().color() : palette().text().color());
            if (r.kind == PredictionWaterfall::RowKind::Neighbour || dim) {
                p.drawText(QRect(xRank, y, wRank, h), Qt::AlignLeft | Qt::AlignVCenter, r.rank);
                p.drawText(QRect(xName, y, wName, h), Qt::AlignLeft | Qt::AlignVCenter, r.name);
                p.drawText(QRect(xSim, y, wSim, h), Qt::AlignRight | Qt::AlignVCenter, r.similarity);
                p.drawText(QRect(xRating, y, wRating, h), Qt::AlignRight | Qt::AlignVCenter, r.rating);
            } else {
                QFont f = font();
                f.setBold(r.kind == PredictionWaterfall::RowKind::Total);
                p.setFont(f);
                p.drawText(QRect(xRank, y, barLeft - xRank - gap, h), Qt::AlignLeft | Qt::AlignVCenter, r.name);
                p.setFont(font());
            }
            // Connector from the previous bar's end.
            if (std::isfinite(previousEnd)) {
                p.setPen(QPen(QColor(0x90, 0x90, 0x90), 1, Qt::DashLine));
                p.drawLine(QPointF(x(previousEnd), y - h + 3), QPointF(x(previousEnd), y + 3));
            }
            const bool fromAxis = r.kind == PredictionWaterfall::RowKind::Mean || r.kind == PredictionWaterfall::RowKind::Total;
            const double a = fromAxis ? low : std::min(r.start, r.end), b = fromAxis ? r.end : std::max(r.start, r.end);
            const QRectF bar(x(a), y + 3, std::max(x(b) - x(a), 1.0), h - 6);
            QColor colour = r.kind == PredictionWaterfall::RowKind::Mean    ? meanColour
                          : r.kind == PredictionWaterfall::RowKind::Total   ? totalColour
                          : dim                                              ? QColor(0xb0, 0xb0, 0xb0)
                          : r.end >= r.start                                 ? positiveColour
                                                                             : negativeColour;
            p.fillRect(bar, colour);
            if (r.kind == PredictionWaterfall::RowKind::Total && owner_->explanation().prediction != unclipped) {
                // What clipping removed: an outline from the clipped value to the unclipped one.
                const double c0 = std::min<double>(r.end, unclipped), c1 = std::max<double>(r.end, unclipped);
                p.setPen(QPen(totalColour, 1, Qt::DashLine));
                p.setBrush(Qt::NoBrush);
                p.drawRect(QRectF(x(c0), y + 3, x(c1) - x(c0), h - 7));
            }
            const bool beyond = (r.kind == PredictionWaterfall::RowKind::Total) && owner_->beyondScale();
            p.setPen(beyond ? negativeColour : (dim ? palette().placeholderText().color() : palette().text().color()));
            QFont f = font();
            f.setBold(r.kind == PredictionWaterfall::RowKind::Total);
            p.setFont(f);
            p.drawText(QRect(barRight + gap, y, width() - barRight - gap, h), Qt::AlignLeft | Qt::AlignVCenter, r.value);
            p.setFont(font());
            previousEnd = r.kind == PredictionWaterfall::RowKind::Total ? std::nan("") : r.end;
        }
    }

private:
    const PredictionWaterfall* owner_;
};

PredictionWaterfall::PredictionWaterfall(QWidget* parent) : QWidget(parent)
{
    title_ = new QLabel(this);
    title_->setWordWrap(true);
    title_->setTextFormat(Qt::RichText);
    clip_ = new QCheckBox(tr("Clip to scale"), this);
    clip_->setToolTip(tr("Clip the prediction to the rating scale, as trailerlab-cli's --clip does"));
    canvas_ = new WaterfallCanvas(this, this);
    scroll_ = new QScrollArea(this);
    scroll_->setWidget(canvas_);
    scroll_->setWidgetResizable(true);
    scroll_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll_->setFrameShape(QFrame::NoFrame);

    scaleNote_ = new QLabel(this);
    scaleNote_->setWordWrap(true);
    auto* foot = new QHBoxLayout;
    foot->addWidget(scaleNote_, 1);
    foot->addWidget(clip_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(title_);
    layout->addWidget(scroll_, 1);
    layout->addLayout(foot);
    connect(clip_, &QCheckBox::toggled, this, &PredictionWaterfall::clipToggled);
    clear(tr("Select a test rating or a recommendation to see where its prediction comes from."));
}

void PredictionWaterfall::setClip(bool clip)
{
    const QSignalBlocker block(clip_);
    clip_->setChecked(clip);
}

void PredictionWaterfall::clear(const QString& reason)
{
    has_ = false;
    ex_ = {};
    rows_.clear();
    title_->setText(reason.toHtmlEscaped());
    scaleNote_->clear();
    canvas_->relayout();
}

const PredictionWaterfall::Row* PredictionWaterfall::totalRow() const
{
    const auto it = std::find_if(rows_.begin(), rows_.end(), [](const Row& r) { return r.kind == RowKind::Total; });
    return it == rows_.end() ? nullptr : &*it;
}

QString PredictionWaterfall::fallbackText() const
{
    return has_ ? fallbackName(ex_.source) : QString();
}

bool PredictionWaterfall::beyondScale() const
{
    return has_ && !scale_.contains(ex_.prediction);
}

QString PredictionWaterfall::headline() const
{
    return has_ ? title_->text() : QString();
}

void PredictionWaterfall::display(const PredictionExplanation& ex, const RatingScale& scale, const QString& itemTitle,
                               const std::vector<QString>& names, const QString& user)
{
    has_ = true;
    ex_ = ex;
    scale_ = scale;
    rows_.clear();
    const bool fallback = ex.source != PredictionSource::Neighbours;
    const bool knowsUser = !(fallback && ex.source != PredictionSource::UserMean);

    int raters = 0;
    for (const auto& n : ex.neighbours)
        raters += n.rating.has_value();
    QString head = tr("<b>%1</b> for user %2 on <i>%3</i> at K = %4").arg(number(ex.prediction), user, itemTitle.toHtmlEscaped()).arg(ex.k);
    if (fallback)
        head += QStringLiteral(": ") + fallbackName(ex.source).toHtmlEscaped() + QLatin1Char('.');
    else
        head += tr(" = mean %1 + the contributions of the %2 of %3 neighbours who rated it.")
                    .arg(number(ex.userMean))
                    .arg(raters)
                    .arg(ex.neighbours.size());
    title_->setToolTip(tr("contribution of neighbour v = sim(u,v) × (r(v,i) − mean(v)) / D, with D = %1 the sum of "
                          "|sim| over the neighbours who rated the item")
                           .arg(ex.sumAbsSimilarity, 0, 'f', 6));
    if (ex.prediction != ex.unclipped)
        head += QLatin1Char(' ') + tr("Clipped to the %1–%2 scale from %3.")
                                       .arg(scale.min).arg(scale.max).arg(number(ex.unclipped));
    else if (!scale.contains(ex.prediction))
        head += QStringLiteral(" <span style='color:#c0392b'><b>") +
                tr("Beyond the %1–%2 rating scale.").arg(scale.min).arg(scale.max) + QStringLiteral("</b></span>");
    title_->setText(head);
    scaleNote_->setText(tr("Scale %1–%2: red lines, beyond it shaded").arg(scale.min).arg(scale.max));

    if (knowsUser)
        rows_.push_back({RowKind::Mean, {}, tr("user %1's mean").arg(user), {}, {}, ex.userMean, ex.userMean,
                         number(ex.userMean), tr("mean(u) = %1").arg(ex.userMean, 0, 'f', 6)});
    else
        rows_.push_back({RowKind::Section, {}, tr("user %1 has no training ratings (no mean)").arg(user), {}, {},
                         ex.prediction, ex.prediction, {}, {}});
    double running = knowsUser ? ex.userMean : static_cast<double>(ex.prediction);
    auto neighbourRow = [&](std::size_t p) {
        const auto& n = ex.neighbours[p];
        Row r{n.rating ? RowKind::Neighbour : RowKind::NonRater, QStringLiteral("#%1").arg(p + 1), names[p],
              QString::number(n.similarity, 'f', 4),
              n.rating ? QStringLiteral("%1 − %2").arg(static_cast<double>(*n.rating), 0, 'g', 3).arg(number(n.mean))
                       : tr("did not rate"),
              running, running + n.contribution,
              n.rating ? QString::asprintf("%+.3f", n.contribution) : QStringLiteral("0"), {}};
        r.tip = n.rating ? tr("neighbour %1: similarity %2, rated %3, mean %4: contribution %5 × (%3 − %4) / %6 = %7")
                               .arg(names[p])
                               .arg(n.similarity, 0, 'f', 6)
                               .arg(static_cast<double>(*n.rating))
                               .arg(n.mean, 0, 'f', 4)
                               .arg(n.similarity, 0, 'f', 4)
                               .arg(ex.sumAbsSimilarity, 0, 'f', 4)
                               .arg(n.contribution, 0, 'f', 6)
                         : tr("neighbour %1 (similarity %2) did not rate this item: contribution 0")
                               .arg(names[p])
                               .arg(n.similarity, 0, 'f', 6);
        running += n.contribution;
        rows_.push_back(r);
    };
    int nonRaters = 0;
    for (std::size_t p = 0; p < ex.neighbours.size(); ++p)
        if (ex.neighbours[p].rating)
            neighbourRow(p);
        else
            ++nonRaters;
    // The value column stays short (it must fit beside the bars); the details go on the left.
    QString total = fallback ? tr("prediction (fallback)") : tr("prediction");
    if (ex.prediction != ex.unclipped)
        total = tr("prediction, clipped from %1").arg(number(ex.unclipped));
    else if (!scale.contains(ex.prediction))
        total = tr("prediction, beyond the scale");
    const QString value = number(ex.prediction);
    rows_.push_back({RowKind::Total, {}, total, {}, {}, ex.prediction, ex.prediction, value,
                     tr("prediction %1 (before clipping %2)").arg(ex.prediction, 0, 'f', 6).arg(ex.unclipped, 0, 'f', 6)});
    // Those who did not rate it come after the total, so the waterfall stays together.
    if (nonRaters > 0) {
        rows_.push_back({RowKind::Section, {}, tr("%n neighbour(s) did not rate this item (contribution 0):", nullptr, nonRaters),
                         {}, {}, running, running, {}, {}});
        for (std::size_t p = 0; p < ex.neighbours.size(); ++p)
            if (!ex.neighbours[p].rating)
                neighbourRow(p);
    }
    canvas_->relayout();
}

}  // namespace tl::ui
