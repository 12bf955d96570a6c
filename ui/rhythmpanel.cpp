#include "ui/rhythmpanel.h"

#include "ui/customplot.h"
#include "ui/paper.h"

#include <QComboBox>
#include <QFormLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>
#include <numeric>

namespace ecgscope::ui {

namespace {

QCustomPlot *makePlot(QWidget *parent, const QString &x, const QString &y)
{
    auto *plot = new QCustomPlot(parent);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->xAxis->setLabel(x);
    plot->yAxis->setLabel(y);
    plot->setMinimumHeight(150);
    // Double-click: back to everything.
    QObject::connect(plot, &QCustomPlot::mouseDoubleClick, plot, [plot](QMouseEvent *) {
        plot->rescaleAxes();
        plot->replot();
    });
    return plot;
}

/// Points as a scatter plottable in the order given (a curve keeps it; a graph would sort by x).
QCPCurve *scatter(QCustomPlot *plot, const QVector<double> &x, const QVector<double> &y, const QColor &colour, const QString &name)
{
    auto *curve = new QCPCurve(plot->xAxis, plot->yAxis);
    QVector<double> t(x.size());
    std::iota(t.begin(), t.end(), 0.0);
    curve->setData(t, x, y, true);
    curve->setLineStyle(QCPCurve::lsNone);
    curve->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, colour, 7));
    curve->setName(name);
    return curve;
}

/// Axis ranges around the data with 8% to spare, at least `minimumX`/`minimumY` (axis units): rescaleAxes
/// alone would put points on the frame, and a regular rhythm's RR range is nearly empty.
void fit(QCustomPlot *plot, double minimumX, double minimumY)
{
    plot->rescaleAxes();
    for (auto [axis, minimum] : {std::pair{plot->xAxis, minimumX}, std::pair{plot->yAxis, minimumY}}) {
        const QCPRange r = axis->range();
        const double pad = std::max(r.size() * 0.08, minimum);
        axis->setRange(r.lower - pad, r.upper + pad);
    }
}

} // namespace

RhythmPanel::RhythmPanel(QWidget *parent)
    : QWidget(parent)
    , mTachogram(makePlot(this, tr("time (s)"), tr("RR (ms)")))
    , mPoincare(makePlot(this, tr("RR n (ms)"), tr("RR n+1 (ms)")))
    , mOverlay(makePlot(this, tr("time from R (ms)"), tr("µV")))
    , mLead(new QComboBox(this))
    , mSummary(new QLabel(this))
{
    mSummary->setWordWrap(true);
    auto *lead = new QFormLayout;
    lead->addRow(tr("Overlay &lead:"), mLead);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(mSummary);
    layout->addWidget(mTachogram, 1);
    layout->addWidget(mPoincare, 1);
    layout->addLayout(lead);
    layout->addWidget(mOverlay, 1);
    setMinimumWidth(260);
    setFocusPolicy(Qt::StrongFocus); // the beat keys; a click on a plot focuses the panel
    for (QCustomPlot *plot : {mTachogram, mPoincare, mOverlay}) {
        plot->setFocusPolicy(Qt::ClickFocus);
        plot->setFocusProxy(this);
    }
    connect(mLead, &QComboBox::currentTextChanged, this, [this] { showOverlay(); });
    for (QCustomPlot *plot : {mTachogram, mPoincare, mOverlay})
        connect(plot, &QCustomPlot::plottableClick, this, [this](QCPAbstractPlottable *plottable, int index, QMouseEvent *) {
            const std::vector<size_t> beats = mBeatsOf.value(plottable);
            if (beats.size() == 1)
                choose(beats.front()); // one beat's trace
            else if (index >= 0 && size_t(index) < beats.size())
                choose(beats[size_t(index)]);
        });
}

void RhythmPanel::choose(size_t beat)
{
    if (beat >= mIntervals.rPeaks.size() || mShown.sampleRateHz <= 0)
        return;
    mChosen = int(beat);
    Q_EMIT beatChosen(1000.0 * mIntervals.rPeaks[beat] / mShown.sampleRateHz);
}

void RhythmPanel::keyPressEvent(QKeyEvent *event)
{
    const int n = int(mIntervals.rPeaks.size());
    // The next beat from the chosen one in `step` direction that `wanted` accepts, or -1.
    const auto next = [&](int step, const std::function<bool(int)> &wanted) {
        for (int b = mChosen + step; b >= 0 && b < n; b += step)
            if (wanted(b))
                return b;
        return -1;
    };
    const auto any = [](int) { return true; };
    const auto other = [this](int b) { return !mIntervals.isDominant(mIntervals.rPeaks[size_t(b)]); };
    int beat = -1;
    switch (event->key()) {
    case Qt::Key_Right: beat = mChosen < 0 ? 0 : next(1, any); break;
    case Qt::Key_Left: beat = mChosen < 0 ? n - 1 : next(-1, any); break;
    case Qt::Key_Home: beat = n > 0 ? 0 : -1; break;
    case Qt::Key_End: beat = n - 1; break;
    case Qt::Key_PageDown: beat = next(1, other); break;
    case Qt::Key_PageUp: beat = next(-1, other); break;
    default: QWidget::keyPressEvent(event); return;
    }
    if (beat >= 0)
        choose(size_t(beat));
    event->accept();
}

void RhythmPanel::setRecord(const Ecg &shown, const dsp::Intervals &intervals)
{
    mShown = shown;
    mIntervals = intervals;
    mRr = dsp::rrIntervals(intervals, shown.sampleRateHz);
    mBeatsOf.clear();
    mChosen = -1;
    const auto others = std::count_if(mRr.begin(), mRr.end(), [](const dsp::RrInterval &r) { return !r.dominant; });
    mSummary->setText(mRr.empty() ? tr("Fewer than two beats detected: no RR intervals.")
                                  : tr("%1 beats; RR %2 ± %3 ms; %4 premature or differently shaped (orange)")
                                        .arg(intervals.rPeaks.size())
                                        .arg(intervals.rrMeanMs, 0, 'f', 0)
                                        .arg(intervals.rrSdMs, 0, 'f', 0)
                                        .arg(others));

    // Tachogram: a line through every RR, the points coloured by the beat that ends each.
    mTachogram->clearPlottables();
    QVector<double> t, rr;
    for (const dsp::RrInterval &r : mRr) {
        t << r.timeMs / 1000.0;
        rr << r.rrMs;
    }
    QCPGraph *line = mTachogram->addGraph();
    line->setData(t, rr, true);
    line->setPen(QPen(Qt::gray, 1));
    for (const bool dominant : {true, false}) {
        QVector<double> x, y;
        std::vector<size_t> beats;
        for (const dsp::RrInterval &r : mRr)
            if (r.dominant == dominant) {
                x << r.timeMs / 1000.0;
                y << r.rrMs;
                beats.push_back(r.beat);
            }
        mBeatsOf.insert(scatter(mTachogram, x, y, dominant ? kDominantBeat : kOtherBeat, dominant ? tr("dominant") : tr("other")), beats);
    }
    fit(mTachogram, 0.3, 20.0);

    // Poincaré: each RR against the next, coloured by the beat that ends the later one; the identity line.
    mPoincare->clearPlottables();
    mPoincare->clearItems();
    for (const bool dominant : {true, false}) {
        QVector<double> x, y;
        std::vector<size_t> beats;
        for (size_t i = 0; i + 1 < mRr.size(); ++i)
            if (mRr[i + 1].dominant == dominant) {
                x << mRr[i].rrMs;
                y << mRr[i + 1].rrMs;
                beats.push_back(mRr[i + 1].beat);
            }
        mBeatsOf.insert(scatter(mPoincare, x, y, dominant ? kDominantBeat : kOtherBeat, dominant ? tr("dominant") : tr("other")), beats);
    }
    auto *identity = new QCPItemStraightLine(mPoincare);
    identity->point1->setCoords(0, 0);
    identity->point2->setCoords(1000, 1000);
    identity->setPen(QPen(Qt::gray, 1, Qt::DashLine));
    fit(mPoincare, 20.0, 20.0);
    // The same scale on both axes, so that the identity line is the diagonal.
    const QCPRange x = mPoincare->xAxis->range(), y = mPoincare->yAxis->range();
    const QCPRange both(std::min(x.lower, y.lower), std::max(x.upper, y.upper));
    mPoincare->xAxis->setRange(both);
    mPoincare->yAxis->setRange(both);

    // The overlay's lead: the one chosen before if the record has it, else II, else the first with signal.
    const QString previous = mLead->currentText();
    const QSignalBlocker block(mLead);
    mLead->clear();
    for (const LeadSignal &l : shown.leads)
        if (l.hasSignal())
            mLead->addItem(l.name);
    const int keep = mLead->findText(previous), ii = mLead->findText(QStringLiteral("II"));
    mLead->setCurrentIndex(keep >= 0 ? keep : std::max(ii, 0));
    showOverlay();
    mTachogram->replot();
    mPoincare->replot();
}

void RhythmPanel::showOverlay()
{
    mOverlay->clearPlottables();
    mOverlay->clearItems();
    const LeadSignal *lead = mShown.lead(mLead->currentText());
    if (!lead) {
        mOverlay->replot();
        return;
    }
    const dsp::BeatOverlay o = dsp::beatOverlay(lead->microvolts, mShown.sampleRateHz, mIntervals);
    const auto times = [&o](size_t n) {
        QVector<double> t(qsizetype(n), 0.0);
        for (int k = 0; k < t.size(); ++k)
            t[k] = o.startMs + 1000.0 * k / o.sampleRateHz;
        return t;
    };
    for (const dsp::BeatOverlay::Beat &b : o.beats) {
        QCPGraph *g = mOverlay->addGraph();
        g->setData(times(b.microvolts.size()), QVector<double>(b.microvolts.begin(), b.microvolts.end()), true);
        QColor colour = b.dominant ? kDominantBeat : kOtherBeat;
        colour.setAlpha(b.dominant ? 90 : 200);
        g->setPen(QPen(colour, 1));
        mBeatsOf.insert(g, {b.beat});
    }
    if (!o.median.empty()) {
        QCPGraph *median = mOverlay->addGraph();
        median->setData(times(o.median.size()), QVector<double>(o.median.begin(), o.median.end()), true);
        median->setPen(QPen(Qt::black, 2.5));
        median->setName(tr("median beat"));
    }
    mOverlay->rescaleAxes();
    // The median beat's fiducials (EcgScope's delineation, common to all leads).
    const std::pair<const std::optional<double> *, QString> fiducials[] = {
        {&mIntervals.pOnsetMs, tr("P on")}, {&mIntervals.qrsOnsetMs, tr("QRS on")}, {&mIntervals.qrsOffsetMs, tr("QRS off")}, {&mIntervals.tEndMs, tr("T end")}};
    int shown = 0;
    for (const auto &[at, name] : fiducials) {
        if (!*at)
            continue;
        const double row = 0.02 + 0.08 * (shown++ % 2); // neighbours' labels on two rows, so they do not overlap
        auto *mark = new QCPItemStraightLine(mOverlay);
        mark->point1->setCoords(**at, 0);
        mark->point2->setCoords(**at, 1);
        mark->setPen(QPen(QColor(0x0a, 0x7d, 0x3a), 1, Qt::DashLine));
        auto *label = new QCPItemText(mOverlay);
        label->position->setTypeX(QCPItemPosition::ptPlotCoords);
        label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
        label->position->setCoords(**at, row);
        label->setPositionAlignment(Qt::AlignTop | Qt::AlignHCenter);
        label->setText(name);
        label->setColor(QColor(0x0a, 0x7d, 0x3a));
    }
    mOverlay->replot();
}

std::optional<QPointF> RhythmPanel::tachogramPoint(size_t beat) const
{
    for (const dsp::RrInterval &r : mRr)
        if (r.beat == beat)
            return QPointF(mTachogram->xAxis->coordToPixel(r.timeMs / 1000.0), mTachogram->yAxis->coordToPixel(r.rrMs));
    return std::nullopt;
}

std::optional<QPointF> RhythmPanel::poincarePoint(size_t beat) const
{
    for (size_t i = 0; i + 1 < mRr.size(); ++i)
        if (mRr[i + 1].beat == beat)
            return QPointF(mPoincare->xAxis->coordToPixel(mRr[i].rrMs), mPoincare->yAxis->coordToPixel(mRr[i + 1].rrMs));
    return std::nullopt;
}

void RhythmPanel::replotAll()
{
    for (QCustomPlot *plot : {mTachogram, mPoincare, mOverlay})
        plot->replot(QCustomPlot::rpImmediateRefresh);
}

} // namespace ecgscope::ui
