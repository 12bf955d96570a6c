#include "ui/comparisonview.h"

#include "ui/customplot.h"
#include "ui/operatingpoints.h"

#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>

#include <QComboBox>
#include <QFile>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPdfWriter>
#include <QScrollArea>
#include <QScrollBar>
#include <QTableWidget>
#include <QTabWidget>
#include <QVBoxLayout>

#include <cmath>

namespace ecgscope::ui {

namespace {
constexpr int kCell = 46;
constexpr int kLabels = 64;
constexpr int kTitle = 22;
} // namespace

void ComparisonView::showCurves()
{
    // Each run's one-vs-rest curve of the class on its test records (runs without them are left out).
    const int cls = mCurveClass->currentIndex();
    mShownCurves.clear();
    for (size_t i = 0; i < mRuns.size(); ++i) {
        const ml::Evaluation &t = mRuns[i].test;
        if (!t.probabilities.empty() && cls >= 0 && cls < t.classNames.size())
            mShownCurves.emplace_back(mLegend.value(int(i)), ml::operatingCurve(t.probabilities, t.truth, cls));
    }
    plotOperatingCurves(mPr, mRoc, mShownCurves);
}

QStringList legendNames(const QStringList &runs)
{
    std::vector<QStringList> parts;
    for (const QString &run : runs)
        parts.push_back(run.split(QStringLiteral(" / ")));
    // Leading parts that every run shares, as long as each keeps one.
    size_t common = 0;
    const auto shared = [&parts](size_t k) {
        for (const QStringList &p : parts)
            if (p.size() <= qsizetype(k + 1) || p[qsizetype(k)] != parts.front()[qsizetype(k)])
                return false;
        return true;
    };
    while (!parts.empty() && shared(common))
        ++common;
    QStringList names;
    for (const QStringList &p : parts)
        names << p.mid(qsizetype(common)).join(QStringLiteral(" / "));
    return names;
}

void resetCurves(QChart *chart, const QStringList &runs, int epochs, double yMax)
{
    chart->removeAllSeries();
    for (QAbstractAxis *a : chart->axes())
        chart->removeAxis(a);
    auto *x = new QValueAxis;
    x->setTitleText(QObject::tr("epoch"));
    x->setLabelFormat(QStringLiteral("%d"));
    x->setRange(1, std::max(2, epochs));
    x->setTickType(QValueAxis::TicksDynamic); // whole epochs only
    x->setTickAnchor(1);
    x->setTickInterval(std::max(1, epochs / 10));
    auto *y = new QValueAxis;
    y->setRange(0.0, yMax);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    const QStringList names = legendNames(runs);
    for (qsizetype r = 0; r < runs.size(); ++r) {
        auto *loss = new QLineSeries;
        auto *f1 = new QLineSeries;
        loss->setName(names[r]);
        f1->setName(runs[r] + QObject::tr(" (validation macro-F1)"));
        for (QLineSeries *s : {loss, f1}) {
            chart->addSeries(s);
            s->attachAxis(x);
            s->attachAxis(y);
        }
        QPen dashed = f1->pen();
        dashed.setStyle(Qt::DashLine);
        dashed.setColor(loss->color());
        f1->setPen(dashed);
        // One legend entry per run, beside the plot where a long run name has room: the colour names the
        // run, the line style (the chart's title) the curve.
        for (QLegendMarker *marker : chart->legend()->markers(f1))
            marker->setVisible(false);
    }
    chart->legend()->setAlignment(Qt::AlignRight);
    chart->legend()->setShowToolTips(true);
}

void appendCurves(QChart *chart, int run, const ml::EpochReport &epoch)
{
    const auto series = chart->series();
    if (2 * run + 1 >= series.size())
        return;
    static_cast<QLineSeries *>(series[2 * run])->append(epoch.epoch, epoch.trainLoss);
    static_cast<QLineSeries *>(series[2 * run + 1])->append(epoch.epoch, epoch.validationMacroF1);
}

ConfusionMatrixView::ConfusionMatrixView(QWidget *parent) : QWidget(parent) {}

void ConfusionMatrixView::setRun(const QString &title, const ml::Evaluation &evaluation)
{
    mTitle = title;
    mEvaluation = evaluation;
    updateGeometry();
    update();
}

QSize ConfusionMatrixView::sizeHint() const
{
    const int n = int(mEvaluation.classNames.size());
    return QSize(kLabels + n * kCell + 8, kTitle + kLabels / 2 + n * kCell + 24);
}

void ConfusionMatrixView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), Qt::white);
    p.translate(std::max(0, (width() - sizeHint().width()) / 2), 0); // centred in a wider cell
    const int n = int(mEvaluation.classNames.size());
    QFont font = p.font();
    font.setBold(true);
    p.setFont(font);
    p.drawText(QRect(0, 0, sizeHint().width(), kTitle), Qt::AlignCenter, mTitle);
    font.setBold(false);
    font.setPointSizeF(font.pointSizeF() * 0.85);
    p.setFont(font);
    const int top = kTitle + kLabels / 2;
    p.drawText(QRect(kLabels, kTitle, n * kCell, kLabels / 2), Qt::AlignCenter, tr("predicted →"));
    for (int t = 0; t < n; ++t) {
        int rowTotal = 0;
        for (int v : mEvaluation.confusion[size_t(t)])
            rowTotal += v;
        p.setPen(Qt::black);
        p.drawText(QRect(0, top + t * kCell, kLabels - 4, kCell), Qt::AlignRight | Qt::AlignVCenter, mEvaluation.classNames[t]);
        for (int c = 0; c < n; ++c) {
            const int count = mEvaluation.confusion[size_t(t)][size_t(c)];
            const double share = rowTotal > 0 ? double(count) / rowTotal : 0.0;
            const QRect cell(kLabels + c * kCell, top + t * kCell, kCell, kCell);
            // Same scale in every matrix: the share of the true class's records, 0 (white) to 1 (dark blue).
            p.fillRect(cell, QColor::fromRgbF(float(1.0 - 0.85 * share), float(1.0 - 0.65 * share), float(1.0 - 0.25 * share)));
            p.setPen(share > 0.55 ? Qt::white : Qt::black);
            p.drawText(cell.adjusted(0, 2, 0, -cell.height() / 2), Qt::AlignCenter, QString::number(count));
            p.drawText(cell.adjusted(0, cell.height() / 2, 0, -2), Qt::AlignCenter, rowTotal ? QStringLiteral("%1%").arg(100.0 * share, 0, 'f', 0) : QStringLiteral("-"));
            p.setPen(QColor(200, 200, 200));
            p.drawRect(cell);
        }
    }
    p.setPen(Qt::black);
    for (int c = 0; c < n; ++c)
        p.drawText(QRect(kLabels + c * kCell, top + n * kCell + 2, kCell, 20), Qt::AlignCenter, mEvaluation.classNames[c]);
}

ComparisonView::ComparisonView(QWidget *parent) : QWidget(parent), mMatrixRow(new QHBoxLayout), mTable(new QTableWidget(this)), mCurves(new QChart)
{
    auto *matrices = new QWidget;
    matrices->setLayout(mMatrixRow);
    mMatrixScroll = new QScrollArea;
    mMatrixScroll->setWidget(matrices);
    mMatrixScroll->setWidgetResizable(true);
    mMatrixScroll->setMinimumHeight(160);
    mTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    mTable->verticalHeader()->setDefaultSectionSize(22);
    mTable->setMinimumHeight(90);
    mCurves->setTitle(tr("Loss (solid), val. F1 (dashed)")); // short: the chart may be 300 px wide
    auto *curves = new QChartView(mCurves);
    curves->setMinimumSize(300, 160);
    // The reliability diagram of every run's test predictions, in a tab beside the curves.
    mReliability = new QCustomPlot;
    mPlots = new QTabWidget;
    mPlots->addTab(curves, tr("&Curves"));
    mPlots->addTab(mReliability, tr("Reliabilit&y"));
    auto *operating = new QWidget;
    mCurveClass = new QComboBox(operating);
    mPr = unitPlot(operating, tr("Precision-recall"), tr("recall"), tr("precision"));
    mRoc = unitPlot(operating, tr("ROC"), tr("false positive rate"), tr("recall"));
    for (QCustomPlot *plot : {mPr, mRoc})
        plot->setMinimumSize(200, 120); // one above the other in the column beside the matrices
    mPoint = new QLabel(tr("Click a point for its threshold."), operating);
    mPoint->setWordWrap(true);
    auto *operatingLayout = new QVBoxLayout(operating);
    operatingLayout->addWidget(mCurveClass);
    operatingLayout->addWidget(mPr, 1);
    operatingLayout->addWidget(mRoc, 1);
    operatingLayout->addWidget(mPoint);
    mPlots->addTab(operating, tr("&Operating Points"));
    connect(mCurveClass, &QComboBox::currentIndexChanged, this, &ComparisonView::showCurves);
    for (QCustomPlot *plot : {mPr, mRoc})
        connect(plot, &QCustomPlot::plottableClick, this, [this](QCPAbstractPlottable *plottable, int index, QMouseEvent *) {
            int run = -1;
            for (int i = 0; i < plottable->parentPlot()->plottableCount(); ++i)
                if (plottable->parentPlot()->plottable(i) == plottable)
                    run = i;
            // On the ROC plot the first point is the origin the curve starts from.
            const int point = plottable->parentPlot() == mRoc ? index - 1 : index;
            if (run < 0 || size_t(run) >= mShownCurves.size() || point < 0 || size_t(point) >= mShownCurves[size_t(run)].second.points.size())
                return;
            const ml::OperatingPoint &p = mShownCurves[size_t(run)].second.points[size_t(point)];
            mPoint->setText(tr("%1: probability ≥ %2 → precision %3, recall %4, false positive rate %5")
                                .arg(mShownCurves[size_t(run)].first)
                                .arg(p.threshold, 0, 'f', 3)
                                .arg(p.precision(), 0, 'f', 3)
                                .arg(p.recall(), 0, 'f', 3)
                                .arg(p.falsePositiveRate(), 0, 'f', 3));
        });
    mPlots->setMaximumWidth(460);
    // The matrices get the room (they are what is compared), the plots beside them at a width where
    // their legend is whole, the table under both at the height of its rows.
    auto *top = new QHBoxLayout;
    top->addWidget(mMatrixScroll, 1);
    top->addWidget(mPlots);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top, 1);
    layout->addWidget(mTable);
}

void ComparisonView::setRuns(std::vector<ml::RunRecord> runs)
{
    mRuns = std::move(runs);
    for (ConfusionMatrixView *m : mMatrices)
        delete m;
    mMatrices.clear();
    for (const ml::RunRecord &r : mRuns) {
        auto *m = new ConfusionMatrixView;
        m->setRun(r.name, r.test);
        m->setMinimumSize(m->sizeHint());
        mMatrixRow->addWidget(m);
        mMatrices.push_back(m);
    }

    // Metrics table: one row per run, the best of each column marked.
    const auto columns = mRuns.empty() ? std::vector<ml::ComparisonColumn>{} : ml::comparisonColumnInfo(mRuns.front().test.classNames);
    mTable->clear();
    mTable->setColumnCount(int(columns.size()));
    mTable->setRowCount(int(mRuns.size()));
    for (int c = 0; c < int(columns.size()); ++c) {
        auto *header = new QTableWidgetItem(columns[size_t(c)].title);
        header->setToolTip(columns[size_t(c)].description);
        mTable->setHorizontalHeaderItem(c, header);
    }
    std::vector<double> best(size_t(columns.size()), -1.0);
    for (const ml::RunRecord &r : mRuns) {
        const auto values = ml::comparisonValues(r.test);
        for (size_t c = 0; c < values.size() && c < best.size(); ++c)
            best[c] = std::max(best[c], values[c]);
    }
    for (int row = 0; row < int(mRuns.size()); ++row) {
        mTable->setVerticalHeaderItem(row, new QTableWidgetItem(mRuns[size_t(row)].name));
        const auto values = ml::comparisonValues(mRuns[size_t(row)].test);
        for (int c = 0; c < int(values.size()) && c < int(columns.size()); ++c) {
            const bool isBest = mRuns.size() > 1 && std::abs(values[size_t(c)] - best[size_t(c)]) < 1e-12;
            auto *item = new QTableWidgetItem(QString::number(values[size_t(c)], 'f', 3) + (isBest ? QStringLiteral(" ★") : QString()));
            QFont f = item->font();
            f.setBold(isBest);
            item->setFont(f);
            mTable->setItem(row, c, item);
        }
    }
    mTable->resizeColumnsToContents();
    // The matrices no wider than they are: the room beyond goes to the curves.
    mMatrixScroll->setMaximumWidth(mMatrixScroll->widget()->sizeHint().width() + mMatrixScroll->verticalScrollBar()->sizeHint().width()
                                   + 2 * mMatrixScroll->frameWidth());
    // The table as tall as its rows and a scroll bar; the rest goes to the matrices and curves.
    mTable->setMaximumHeight(mTable->horizontalHeader()->sizeHint().height() + mTable->verticalHeader()->length()
                             + mTable->horizontalScrollBar()->sizeHint().height() + 2 * mTable->frameWidth());

    // Curves: the first stage's epochs of each run (the whole model, or stage 1 of subclass).
    int maxEpoch = 1;
    double maxLoss = 1.0;
    QStringList names;
    for (const ml::RunRecord &r : mRuns) {
        names << r.name;
        for (const ml::EpochReport &e : r.history) {
            maxEpoch = std::max(maxEpoch, e.epoch);
            maxLoss = std::max(maxLoss, e.trainLoss);
        }
    }
    mLegend = legendNames(names);
    std::vector<std::pair<QString, ml::Reliability>> reliability;
    for (size_t i = 0; i < mRuns.size(); ++i)
        if (!mRuns[i].test.reliability.bins.empty())
            reliability.emplace_back(mLegend.value(int(i)), mRuns[i].test.reliability);
    plotReliability(mReliability, reliability);
    const QSignalBlocker block(mCurveClass);
    mCurveClass->clear();
    if (!mRuns.empty())
        mCurveClass->addItems(mRuns.front().test.classNames);
    showCurves();
    resetCurves(mCurves, names, maxEpoch, std::ceil(maxLoss));
    for (size_t run = 0; run < mRuns.size(); ++run)
        for (const ml::EpochReport &e : mRuns[run].history)
            if (e.stage == mRuns[run].history.front().stage)
                appendCurves(mCurves, int(run), e);
}

QString ComparisonView::exportImage(const QString &path) const
{
    const QPixmap image = const_cast<ComparisonView *>(this)->grab();
    if (path.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive)) {
        QPdfWriter pdf(path);
        pdf.setPageSize(QPageSize(QPageSize::A4));
        pdf.setPageOrientation(QPageLayout::Landscape);
        pdf.setResolution(150);
        QPainter p(&pdf);
        const QRect page = p.viewport();
        const QSize fitted = image.size().scaled(page.size(), Qt::KeepAspectRatio);
        p.drawPixmap(QRect(QPoint(0, 0), fitted), image);
        p.end();
        return QFile(path).size() > 0 ? QString() : tr("%1: cannot write the PDF").arg(path);
    }
    return image.save(path) ? QString() : tr("%1: cannot write the image").arg(path);
}

QString ComparisonView::exportCsv(const QString &path) const
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(ml::comparisonCsv(mRuns).toUtf8()) < 0)
        return tr("%1: cannot write: %2").arg(path, f.errorString());
    return {};
}

} // namespace ecgscope::ui
