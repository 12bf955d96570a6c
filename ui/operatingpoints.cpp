#include "ui/operatingpoints.h"

#include "core/dataset/classes.h"
#include "ui/customplot.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>

#include <cmath>

namespace ecgscope::ui {

namespace {

const QColor kCurve(0x1f, 0x4e, 0xb4);
const QColor kCurrent(0xc0, 0x1c, 0x28);

/// A curve through points in order (kept as given, with the points as discs); returns it.
QCPCurve *line(QCustomPlot *plot, const QVector<double> &x, const QVector<double> &y, const QPen &pen, double disc)
{
    auto *curve = new QCPCurve(plot->xAxis, plot->yAxis);
    QVector<double> t(x.size());
    for (int i = 0; i < t.size(); ++i)
        t[i] = i;
    curve->setData(t, x, y, true);
    curve->setPen(pen);
    if (disc > 0)
        curve->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, pen.color(), pen.color(), disc));
    return curve;
}

/// A legend in a smaller font, so that it covers less of a small plot.
void showLegend(QCustomPlot *plot)
{
    QFont font = plot->font();
    font.setPointSizeF(font.pointSizeF() * 0.85);
    plot->legend->setFont(font);
    plot->legend->setVisible(true);
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight); // where curves seldom are
}

const QColor kSetColours[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x2c, 0xa0, 0x2c), QColor(0xd6, 0x27, 0x28),
                              QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b)};

} // namespace

QCustomPlot *unitPlot(QWidget *parent, const QString &title, const QString &x, const QString &y)
{
    auto *plot = new QCustomPlot(parent);
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, title, QFont(plot->font().family(), -1, QFont::Bold)));
    plot->xAxis->setLabel(x);
    plot->yAxis->setLabel(y);
    plot->xAxis->setRange(-0.02, 1.02);
    plot->yAxis->setRange(-0.02, 1.02);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->setMinimumSize(220, 190);
    // Threshold markers go under the curve, so that a click on a point always reaches the curve.
    plot->addLayer(QStringLiteral("markers"), plot->layer(QStringLiteral("main")), QCustomPlot::limBelow);
    QObject::connect(plot, &QCustomPlot::mouseDoubleClick, plot, [plot](QMouseEvent *) {
        plot->xAxis->setRange(-0.02, 1.02);
        plot->yAxis->setRange(-0.02, 1.02);
        plot->replot();
    });
    return plot;
}

void plotOperatingCurves(QCustomPlot *pr, QCustomPlot *roc, const std::vector<std::pair<QString, ml::OperatingCurve>> &sets)
{
    for (QCustomPlot *plot : {pr, roc}) {
        plot->clearPlottables();
        plot->clearItems();
    }
    const auto number = [](double v) { return std::isnan(v) ? QStringLiteral("-") : QString::number(v, 'f', 3); };
    for (size_t s = 0; s < sets.size(); ++s) {
        const auto &[name, curve] = sets[s];
        QVector<double> recall, precision, fpr;
        for (const ml::OperatingPoint &p : curve.points) {
            recall << p.recall();
            precision << p.precision();
            fpr << p.falsePositiveRate();
        }
        const QPen pen(sets.size() == 1 ? kCurve : kSetColours[s % 6], 1.5);
        line(pr, recall, precision, pen, 5)->setName(QObject::tr("%1 (AP %2)").arg(name, number(curve.averagePrecision)));
        // The ROC curve starts at the origin (nothing called positive).
        fpr.prepend(0.0);
        recall.prepend(0.0);
        line(roc, fpr, recall, pen, 5)->setName(QObject::tr("%1 (AUROC %2)").arg(name, number(curve.auroc)));
    }
    line(roc, {0.0, 1.0}, {0.0, 1.0}, QPen(Qt::gray, 1, Qt::DashLine), 0)->removeFromLegend();
    for (QCustomPlot *plot : {pr, roc}) {
        showLegend(plot);
        plot->replot();
    }
}

void plotReliability(QCustomPlot *plot, const std::vector<std::pair<QString, ml::Reliability>> &sets)
{
    plot->clearPlottables();
    plot->clearItems();
    plot->xAxis->setLabel(QObject::tr("predicted probability (top class)"));
    plot->yAxis->setLabel(QObject::tr("observed accuracy"));
    line(plot, {0.0, 1.0}, {0.0, 1.0}, QPen(Qt::gray, 1, Qt::DashLine), 0)->setName(QObject::tr("perfect calibration"));
    for (size_t s = 0; s < sets.size(); ++s) {
        const auto &[name, r] = sets[s];
        QVector<double> x, y;
        const QColor colour = kSetColours[s % 6];
        for (const ml::ReliabilityBin &b : r.bins)
            if (b.count > 0) {
                x << b.confidence;
                y << b.accuracy;
                auto *count = new QCPItemText(plot);
                count->position->setCoords(b.confidence, b.accuracy);
                // Counts right of their point, left of it near the right edge.
                count->setPositionAlignment((b.confidence > 0.85 ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignBottom);
                count->setText(QStringLiteral(" %1 ").arg(b.count));
                count->setColor(colour);
            }
        line(plot, x, y, QPen(colour, 1.5), 7)
            ->setName(std::isnan(r.expectedCalibrationError) ? name : QObject::tr("%1 (ECE %2)").arg(name).arg(r.expectedCalibrationError, 0, 'f', 3));
    }
    showLegend(plot);
    plot->xAxis->setRange(-0.02, 1.02);
    plot->yAxis->setRange(-0.02, 1.02);
    plot->replot();
}

OperatingPointsDialog::OperatingPointsDialog(store::StudyDatabase *db, std::vector<store::WorklistRow> rows, const QString &modelId, const QString &who,
                                             QWidget *parent)
    : QDialog(parent)
    , mDb(db)
    , mRows(std::move(rows))
    , mWho(who)
    , mClass(new QComboBox(this))
    , mThreshold(new QDoubleSpinBox(this))
    , mPr(unitPlot(this, tr("Precision-recall"), tr("recall"), tr("precision")))
    , mRoc(unitPlot(this, tr("ROC"), tr("false positive rate"), tr("recall (true positive rate)")))
    , mReliability(unitPlot(this, tr("Reliability (all classes)"), QString(), QString()))
    , mSource(new QLabel(this))
    , mSummary(new QLabel(this))
    , mApply(new QPushButton(tr("&Apply Threshold"), this))
{
    setWindowTitle(tr("Operating points and calibration"));
    for (const store::WorklistRow &r : mRows)
        if (r.state.label && r.state.labelOrigin != QLatin1String("model") && !r.probabilities.empty() && *r.state.label < int(r.probabilities.size())) {
            mProbabilities.push_back(r.probabilities);
            mTruth.push_back(*r.state.label);
            mDecided.push_back(r.modelClass);
        }
    mSource->setWordWrap(true);
    mSource->setText(tr("%1 labelled records of %2 in the study database (labels from a dataset or a reviewer; the model's own labels are left out), "
                        "model %3. A record is flagged as a class when the model's class is that class and its probability reaches the threshold.")
                         .arg(mTruth.size())
                         .arg(mRows.size())
                         .arg(modelId));
    for (int c = 0; c < dataset::kTargetClassCount; ++c)
        mClass->addItem(dataset::className(c));
    mThreshold->setRange(0.0, 1.0);
    mThreshold->setDecimals(3);
    mThreshold->setSingleStep(0.01);
    mSummary->setWordWrap(true);
    mSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *form = new QFormLayout;
    form->addRow(tr("&Class:"), mClass);
    form->addRow(tr("&Threshold:"), mThreshold);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(mApply, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *grid = new QGridLayout(this);
    grid->addWidget(mSource, 0, 0, 1, 3);
    grid->addLayout(form, 1, 0);
    grid->addWidget(mSummary, 1, 1, 1, 2);
    grid->addWidget(mPr, 2, 0);
    grid->addWidget(mRoc, 2, 1);
    grid->addWidget(mReliability, 2, 2);
    grid->setRowStretch(2, 1);
    grid->addWidget(buttons, 3, 0, 1, 3);

    plotReliability(mReliability, {{tr("labelled records"), ml::reliability(mProbabilities, mTruth)}});
    connect(mClass, &QComboBox::currentIndexChanged, this, &OperatingPointsDialog::showClass);
    connect(mThreshold, &QDoubleSpinBox::valueChanged, this, &OperatingPointsDialog::showThreshold);
    for (QCustomPlot *plot : {mPr, mRoc})
        connect(plot, &QCustomPlot::plottableClick, this, [this](QCPAbstractPlottable *plottable, int index, QMouseEvent *) {
            // Only the curve itself (the first plottable) picks a point; the markers do not.
            if (plottable == plottable->parentPlot()->plottable(0) && index >= 0 && size_t(index) < mCurve.points.size())
                mThreshold->setValue(mCurve.points[size_t(index)].threshold);
        });
    connect(mApply, &QPushButton::clicked, this, [this] {
        const int cls = mClass->currentIndex();
        const ml::OperatingPoint *p = mCurve.at(mThreshold->value());
        const QString reason = p ? tr("operating point: precision %1, recall %2 on %3 labelled records")
                                       .arg(p->precision(), 0, 'f', 3)
                                       .arg(p->recall(), 0, 'f', 3)
                                       .arg(mTruth.size())
                                 : tr("operating point chosen by hand");
        if (Status s = mDb->setThreshold(cls, mThreshold->value(), mWho, reason); !s) {
            mSummary->setText(s.error());
            return;
        }
        Q_EMIT thresholdApplied(cls, mThreshold->value());
        showThreshold();
    });
    showClass();
}

void OperatingPointsDialog::showClass()
{
    const int cls = mClass->currentIndex();
    mCurve = ml::flagCurve(mProbabilities, mDecided, mTruth, cls);
    plotOperatingCurves(mPr, mRoc, {{dataset::className(cls), mCurve}});
    const QSignalBlocker block(mThreshold);
    mThreshold->setValue(mDb->threshold(cls));
    showThreshold();
}

int OperatingPointsDialog::flaggedWith(double threshold) const
{
    const int cls = mClass->currentIndex();
    int flagged = 0;
    for (const store::WorklistRow &r : mRows)
        flagged += r.modelClass == cls ? r.modelProbability >= threshold : mDb->isFlagged(r);
    return flagged;
}

void OperatingPointsDialog::showThreshold()
{
    const int cls = mClass->currentIndex();
    const double stored = mDb->threshold(cls), chosen = mThreshold->value();
    // Markers: the stored threshold (red ring) and the chosen one (filled), on both curves.
    for (QCustomPlot *plot : {mPr, mRoc}) {
        while (plot->plottableCount() > (plot == mPr ? 1 : 2))
            plot->removePlottable(plot->plottableCount() - 1);
        for (const auto &[t, shape] : {std::pair{stored, QCPScatterStyle::ssCircle}, std::pair{chosen, QCPScatterStyle::ssDisc}}) {
            const ml::OperatingPoint *p = mCurve.at(t);
            if (!p)
                continue;
            QCPCurve *mark = plot == mPr ? line(plot, {p->recall()}, {p->precision()}, QPen(kCurrent, 2), 0)
                                         : line(plot, {p->falsePositiveRate()}, {p->recall()}, QPen(kCurrent, 2), 0);
            mark->setScatterStyle(QCPScatterStyle(shape, kCurrent, shape == QCPScatterStyle::ssDisc ? kCurrent : Qt::transparent, 13));
            mark->setLayer(QStringLiteral("markers"));
            mark->removeFromLegend();
        }
        plot->replot();
    }
    const ml::OperatingPoint *p = mCurve.at(chosen);
    const QString at = p ? tr("precision %1, recall %2 (%3 of %4 %5 records flagged, %6 others)")
                               .arg(p->precision(), 0, 'f', 3)
                               .arg(p->recall(), 0, 'f', 3)
                               .arg(p->truePositives)
                               .arg(mCurve.positives)
                               .arg(dataset::className(cls))
                               .arg(p->falsePositives)
                         : tr("no labelled record reaches it");
    mSummary->setText(tr("Threshold %1 (stored %2): %3 on the labelled records. The worklist would flag %4 of %5 records (now %6). "
                         "AUROC %7, average precision %8.")
                          .arg(chosen, 0, 'f', 3)
                          .arg(stored, 0, 'f', 3)
                          .arg(at)
                          .arg(flaggedWith(chosen))
                          .arg(mRows.size())
                          .arg(flaggedWith(stored))
                          .arg(std::isnan(mCurve.auroc) ? QStringLiteral("-") : QString::number(mCurve.auroc, 'f', 3))
                          .arg(std::isnan(mCurve.averagePrecision) ? QStringLiteral("-") : QString::number(mCurve.averagePrecision, 'f', 3)));
    mApply->setEnabled(std::abs(chosen - stored) > 1e-9);
}

QString OperatingPointsDialog::summary() const
{
    return mSummary->text();
}

QPointF OperatingPointsDialog::precisionRecallPoint(size_t point) const
{
    const ml::OperatingPoint &p = mCurve.points.at(point);
    return QPointF(mPr->xAxis->coordToPixel(p.recall()), mPr->yAxis->coordToPixel(p.precision()));
}

} // namespace ecgscope::ui
