#include "ui/NeighbourPanel.h"

#include <QDialogButtonBox>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QScreen>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

#include "core/eval/CfModel.h"
#include "ui/TableCells.h"
#include "ui/Workbench.h"

namespace tl::ui {

namespace {

constexpr int itemIdRole = Qt::UserRole + 1;
const QSize thumbSize(80, 45);

QString itemIdOf(const Workbench& workbench, std::uint32_t item)
{
    return QString::fromStdString(workbench.project()->data.items.id(item));
}

bool projectHasTrailers(const Workbench& workbench)
{
    return workbench.hasProject() && !workbench.project()->videoOf.empty();
}

QIcon blankIcon(const QString& text)
{
    QPixmap pix(thumbSize);
    pix.fill(QColor(0x30, 0x30, 0x30));
    QPainter p(&pix);
    p.setPen(QColor(0xcc, 0xcc, 0xcc));
    QFont f = p.font();
    f.setPointSizeF(f.pointSizeF() * 0.8);
    p.setFont(f);
    p.drawText(pix.rect(), Qt::AlignCenter, text);
    return QIcon(pix);
}

QString percent(double share)
{
    return QString::number(100.0 * share, 'f', 1) + QStringLiteral(" %");
}

QTableWidgetItem* shareCell(double share)
{
    auto* c = cell(percent(share), true);
    c->setData(Qt::UserRole, share);
    c->setToolTip(QString::number(share, 'f', 9));
    return c;
}

}  // namespace

QTableWidget* makeItemTable(QWidget* parent, const QStringList& headers)
{
    auto* t = new QTableWidget(0, static_cast<int>(headers.size()), parent);
    t->setWordWrap(false);
    t->setHorizontalHeaderLabels(headers);
    t->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    t->horizontalHeader()->setStretchLastSection(false);
    t->verticalHeader()->hide();
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setAlternatingRowColors(true);
    t->setTextElideMode(Qt::ElideRight);
    t->setIconSize(thumbSize);
    return t;
}

void setItemCell(QTableWidget* table, int row, int column, const Workbench& workbench, std::uint32_t item,
                 const QString& prefix)
{
    const QString id = itemIdOf(workbench, item);
    auto* c = cell(prefix + workbench.titleOf(id));
    c->setData(itemIdRole, id);
    c->setToolTip(workbench.titleOf(id) + QStringLiteral(" (item %1)").arg(id));
    table->setItem(row, column, c);
    const bool trailers = projectHasTrailers(workbench);
    table->verticalHeader()->setDefaultSectionSize(trailers ? thumbSize.height() + 6 : 22);
}

QStringList refreshItemIcons(QTableWidget* table, const Workbench& workbench)
{
    QStringList withTrailer;
    const bool trailers = projectHasTrailers(workbench);
    for (int r = 0; r < table->rowCount(); ++r)
        for (int c = 0; c < table->columnCount(); ++c) {
            QTableWidgetItem* item = table->item(r, c);
            if (!item || item->data(itemIdRole).isNull())
                continue;
            if (!trailers) {
                item->setIcon({});  // genres-only projects: titles only
                continue;
            }
            const QString id = item->data(itemIdRole).toString();
            const QImage image = workbench.thumbnail(id);
            if (!image.isNull())
                item->setIcon(QIcon(QPixmap::fromImage(image.scaled(thumbSize, Qt::KeepAspectRatio, Qt::SmoothTransformation))));
            else
                item->setIcon(blankIcon(workbench.videoOf(id).isEmpty() ? QObject::tr("no trailer") : QObject::tr("loading…")));
            if (!workbench.videoOf(id).isEmpty())
                withTrailer << id;
        }
    return withTrailer;
}

ProfileExplanation fillProfileShares(QTableWidget* table, const Workbench& workbench, const CfModel& model,
                                     std::uint32_t user, std::size_t top)
{
    const ProfileExplanation ex = explainProfile(model.relevance(), model.items(), user, top);
    table->setRowCount(static_cast<int>(ex.top.size()));
    for (int r = 0; r < static_cast<int>(ex.top.size()); ++r) {
        const ItemShare& s = ex.top[static_cast<std::size_t>(r)];
        setItemCell(table, r, 0, workbench, s.item);
        table->setItem(r, 1, cell(QString::number(static_cast<double>(s.rating), 'g', 3), true));
        table->setItem(r, 2, shareCell(s.share));
    }
    return ex;
}

NeighbourPanel::NeighbourPanel(const Workbench* workbench, QWidget* parent) : QDialog(parent), workbench_(workbench)
{
    setWindowTitle(tr("Why this neighbour"));
    setModal(false);
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    summary_->setTextFormat(Qt::RichText);
    pairs_ = makeItemTable(this, {tr("Item of the user (weight)"), tr("Item of the neighbour (weight)"), tr("Share")});
    pairs_->setToolTip(tr("cos(u, v) is a sum of one term per pair of items (i rated by u, j by v): "
                          "r(u,i) r(v,j) MIP(i)·MIP(j) / (|MUP(u)| |MUP(v)|). The largest terms, then the rest."));
    both_ = makeItemTable(this, {tr("Item"), tr("User"), tr("Neighbour")});
    profileU_ = makeItemTable(this, {tr("Item"), tr("Weight"), tr("Share")});
    profileV_ = makeItemTable(this, {tr("Item"), tr("Weight"), tr("Share")});
    titleU_ = new QLabel(this);
    titleV_ = new QLabel(this);

    auto column = [this](QLabel* title, QWidget* w) {
        auto* box = new QWidget(this);
        auto* l = new QVBoxLayout(box);
        l->setContentsMargins(0, 0, 0, 0);
        l->addWidget(title);
        l->addWidget(w, 1);
        return box;
    };
    auto* pairsTitle = new QLabel(tr("<b>Item pairs contributing most to the cosine</b>"), this);
    auto* bothTitle = new QLabel(tr("<b>Items both rated</b>"), this);
    auto* lower = new QSplitter(Qt::Horizontal, this);
    lower->addWidget(column(titleU_, profileU_));
    lower->addWidget(column(titleV_, profileV_));
    lower->addWidget(column(bothTitle, both_));
    auto* all = new QSplitter(Qt::Vertical, this);
    all->addWidget(column(pairsTitle, pairs_));
    all->addWidget(lower);
    all->setStretchFactor(0, 3);
    all->setStretchFactor(1, 2);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(summary_);
    layout->addWidget(all, 1);
    layout->addWidget(buttons);
    QSize size(1000, 660);
    if (const QScreen* screen = parent ? parent->screen() : QGuiApplication::primaryScreen())
        size = size.boundedTo(screen->availableGeometry().size() * 0.92);
    resize(size);

    connect(workbench_, &Workbench::thumbnailsReady, this, &NeighbourPanel::refreshThumbnails);
}

void NeighbourPanel::showPair(const CfModel& model, std::uint32_t user, std::uint32_t neighbour)
{
    constexpr std::size_t topPairs = 10, topItems = 10;
    user_ = user, neighbour_ = neighbour;
    const auto& pd = *workbench_->project();
    const QString u = QString::fromStdString(pd.data.users.id(user));
    const QString v = QString::fromStdString(pd.data.users.id(neighbour));
    setWindowTitle(tr("Why is user %1 a neighbour of user %2?").arg(v, u));
    cosine_ = model.explainNeighbour(user, neighbour, topPairs);

    // Top pairs, then one row for the rest: the share column adds up to 1.
    pairs_->setRowCount(0);
    pairs_->setRowCount(static_cast<int>(cosine_.top.size()) + (cosine_.pairs > cosine_.top.size() ? 1 : 0));
    double shown = 0;
    const auto& w = model.relevance();
    auto weightOf = [&w](std::uint32_t usr, std::uint32_t item, const ItemProfiles& items) {
        const auto row = items.rowOf[item];
        for (std::size_t e = w.offsets[usr]; e < w.offsets[usr + 1]; ++e)
            if (static_cast<std::int32_t>(w.rows[e]) == row)
                return static_cast<double>(w.weights[e]);
        return 0.0;
    };
    for (int r = 0; r < static_cast<int>(cosine_.top.size()); ++r) {
        const ItemPairTerm& t = cosine_.top[static_cast<std::size_t>(r)];
        setItemCell(pairs_, r, 0, *workbench_, t.itemU);
        setItemCell(pairs_, r, 1, *workbench_, t.itemV);
        pairs_->item(r, 0)->setText(pairs_->item(r, 0)->text() +
                                    QStringLiteral(" (%1)").arg(weightOf(user, t.itemU, model.items()), 0, 'g', 3));
        pairs_->item(r, 1)->setText(pairs_->item(r, 1)->text() +
                                    QStringLiteral(" (%1)").arg(weightOf(neighbour, t.itemV, model.items()), 0, 'g', 3));
        pairs_->setItem(r, 2, shareCell(t.share));
        shown += t.share;
    }
    if (cosine_.pairs > cosine_.top.size()) {
        const int r = static_cast<int>(cosine_.top.size());
        const double rest = cosine_.cosine != 0 ? cosine_.sumOfTerms / cosine_.cosine - shown : 0.0;
        auto* label = cell(tr("the other %n pair(s)", nullptr, static_cast<int>(cosine_.pairs - cosine_.top.size())));
        pairs_->setItem(r, 0, label);
        pairs_->setItem(r, 1, cell(QString()));
        pairs_->setItem(r, 2, shareCell(rest));
        pairs_->setRowHeight(r, 22);
    }

    // Items both rated (training ratings).
    const auto& train = model.train();
    both_->setRowCount(0);
    if (user < train.users)
        for (std::size_t e = train.userOffsets[user]; e < train.userOffsets[user + 1]; ++e) {
            const std::uint32_t item = train.userItems[e];
            const auto theirs = train.rating(neighbour, item);
            if (!theirs)
                continue;
            const int r = both_->rowCount();
            both_->insertRow(r);
            setItemCell(both_, r, 0, *workbench_, item);
            both_->setItem(r, 1, cell(QString::number(static_cast<double>(train.userValues[e]), 'g', 3), true));
            both_->setItem(r, 2, cell(QString::number(static_cast<double>(*theirs), 'g', 3), true));
        }

    const ProfileExplanation pu = fillProfileShares(profileU_, *workbench_, model, user, topItems);
    const ProfileExplanation pv = fillProfileShares(profileV_, *workbench_, model, neighbour, topItems);
    titleU_->setText(tr("<b>User %1's profile</b>: the %2 largest of %3 item shares").arg(u).arg(pu.top.size()).arg(pu.items));
    titleV_->setText(tr("<b>User %1's profile</b>: the %2 largest of %3 item shares").arg(v).arg(pv.top.size()).arg(pv.items));

    summary_->setText(tr("cos(user %1, user %2) = <b>%3</b>, the sum of %4 item-pair terms (one per item of %1 and "
                         "item of %2, weighted by both ratings). The top %5 give %6 of it. They rated %7 item(s) in "
                         "common.")
                          .arg(u, v)
                          .arg(cosine_.cosine, 0, 'f', 6)
                          .arg(cosine_.pairs)
                          .arg(cosine_.top.size())
                          .arg(percent(shown))
                          .arg(both_->rowCount()));
    if (const QString blocks = blocksText(model); !blocks.isEmpty())  // the headline: each block's part
        summary_->setText(blocks + QStringLiteral("<br>") + summary_->text());
    for (QTableWidget* t : {pairs_, both_, profileU_, profileV_}) {
        t->resizeColumnsToContents();
        t->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    }
    pairs_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    for (QTableWidget* t : {pairs_, both_, profileU_, profileV_})
        t->setCurrentItem(nullptr);
    refreshThumbnails();
}

QString NeighbourPanel::blocksText(const CfModel& model) const
{
    // Late fusion: the similarity is the weighted sum of the blocks' cosines, each block's part shown.
    const auto& late = model.settings().late;
    if (cosine_.blocks.empty() || !late.enabled())
        return {};
    const auto* info = workbench_->source(workbench_->activeSource());
    QStringList parts, weights;
    for (std::size_t b = 0; b < cosine_.blocks.size(); ++b) {
        const QString name = info && b < info->fusedParts.size() ? QString::fromStdString(info->fusedParts[b].name)
                                                                  : tr("block %1").arg(b + 1);
        parts << QStringLiteral("%1 %2").arg(name.toHtmlEscaped()).arg(cosine_.blocks[b], 0, 'f', 3);
        if (b < late.weights.size())
            weights << QString::number(late.weights[b], 'g', 3);
    }
    return tr("similarity <b>%1</b> = %2 (late fusion, weights %3)")
                                        .arg(cosine_.cosine, 0, 'f', 3)
                                        .arg(parts.join(QStringLiteral(" + ")), weights.join(QStringLiteral(" / ")));
}

void NeighbourPanel::refreshThumbnails()
{
    QStringList ids;
    for (QTableWidget* t : {pairs_, both_, profileU_, profileV_})
        ids << refreshItemIcons(t, *workbench_);
    ids.removeDuplicates();
    ids.removeIf([this](const QString& id) { return !workbench_->thumbnail(id).isNull(); });
    if (!ids.isEmpty())
        Q_EMIT thumbnailsWanted(ids);
}

}  // namespace tl::ui
