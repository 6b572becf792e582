#pragma once
// "Why this prediction": a waterfall from the user's mean through each
// neighbour's contribution to the predicted rating (the exact decomposition of
// core/eval/Explain.h). One row per step: the mean, then the neighbours who
// rated the item in neighbour order (a floating bar from the running total),
// then those who did not (listed, contribution 0), then the prediction. The
// rating scale is shaded and its ends marked; a value beyond it is flagged.
// When a fallback applies it is named and the neighbour rows are all 0. The
// "Clip to scale" box asks for the prediction as `--clip` makes it.
//
// Passive: the explorer computes the explanation and hands it over;
// clipToggled asks it to recompute with the other clip setting.

#include <QWidget>

#include <cstdint>
#include <vector>

#include "core/data/Ratings.h"
#include "core/eval/Explain.h"

QT_BEGIN_NAMESPACE
class QCheckBox;
class QLabel;
class QScrollArea;
QT_END_NAMESPACE

namespace tl::ui {

class WaterfallCanvas;

class PredictionWaterfall : public QWidget {
    Q_OBJECT
public:
    enum class RowKind { Mean, Neighbour, NonRater, Section, Total };
    struct Row {
        RowKind kind;
        QString rank, name, similarity, rating;  // text columns (neighbour rows)
        double start = 0, end = 0;               // the bar on the rating axis
        QString value;                           // the number printed after the bar
        QString tip;
    };

    explicit PredictionWaterfall(QWidget* parent = nullptr);

    // `userName(v)` is the id shown for user index v; `itemTitle` names the item.
    template <typename UserName>
    void setExplanation(const PredictionExplanation& ex, const RatingScale& scale, const QString& itemTitle,
                        UserName userName)
    {
        std::vector<QString> names;
        for (const auto& n : ex.neighbours)
            names.push_back(userName(n.user));
        display(ex, scale, itemTitle, names, userName(ex.user));
    }
    // Nothing to explain: the reason is shown instead.
    void clear(const QString& reason);

    bool hasExplanation() const { return has_; }
    const PredictionExplanation& explanation() const { return ex_; }
    const std::vector<Row>& rows() const { return rows_; }
    const RatingScale& scaleOf() const { return scale_; }
    // The prediction's row (after the neighbours who rated the item, before those who did not).
    const Row* totalRow() const;
    // The headline: the prediction, its source (the fallback named) and any flag.
    QString headline() const;
    // The fallback's name when one applies, else empty.
    QString fallbackText() const;
    // True when the shown prediction lies outside the rating scale.
    bool beyondScale() const;
    QCheckBox* clipBox() const { return clip_; }
    // Sets the box without emitting clipToggled (follows the model's setting).
    void setClip(bool clip);

Q_SIGNALS:
    void clipToggled(bool clip);

private:
    void display(const PredictionExplanation& ex, const RatingScale& scale, const QString& itemTitle,
              const std::vector<QString>& names, const QString& user);

    QLabel* title_;
    QLabel* scaleNote_;
    QCheckBox* clip_;
    QScrollArea* scroll_;
    WaterfallCanvas* canvas_;
    PredictionExplanation ex_;
    RatingScale scale_;
    std::vector<Row> rows_;
    bool has_ = false;
};

}  // namespace tl::ui
