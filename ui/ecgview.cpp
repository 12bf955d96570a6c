#include "ui/ecgview.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace ecgscope::ui {

namespace {
const QColor kCaliper(0x0a, 0x7d, 0x3a);
const QColor kMarkBand(0x0a, 0x7d, 0x3a, 50);
constexpr double kMargin = 8.0; ///< px of background around the sheet
}

EcgView::EcgView(QWidget *parent) : QAbstractScrollArea(parent)
{
    viewport()->setMouseTracking(true);
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(400, 300);
    setFrameShape(QFrame::NoFrame);
    horizontalScrollBar()->setSingleStep(20);
    verticalScrollBar()->setSingleStep(20);
}

void EcgView::setRecord(const Ecg &ecg, const dsp::Intervals &intervals)
{
    mRecord = ecg;
    mIntervals = intervals;
    mSaliency.clear();
    mShown = dsp::filtered(mRecord, mFilter);
    mCaliper.reset();
    mMarkMs.reset(); // a beat of the record shown before
    mPaper.singleLead.clear();
    relayout();
}

void EcgView::setSaliency(std::vector<float> saliency)
{
    mSaliency = std::move(saliency);
    viewport()->update();
}

void EcgView::setPaper(const PaperSettings &paper)
{
    mPaper = paper;
    mCaliper.reset();
    relayout();
}

void EcgView::setFilter(const dsp::DisplayFilter &filter)
{
    mFilter = filter;
    mShown = dsp::filtered(mRecord, mFilter);
    viewport()->update();
}

void EcgView::setPixelsPerMm(double pixelsPerMm)
{
    mPixelsPerMm = std::max(0.5, pixelsPerMm);
    if (mFitWidth)
        applyFit();
    updateScrollBars();
    viewport()->update();
}

void EcgView::setZoom(double zoom)
{
    zoomAbout(zoom / mZoom, QPointF(viewport()->width() / 2.0, viewport()->height() / 2.0));
}

void EcgView::zoomToFit()
{
    mFitWidth = true;
    applyFit();
    updateScrollBars();
    horizontalScrollBar()->setValue(0);
    verticalScrollBar()->setValue(0);
    viewport()->update();
    Q_EMIT zoomChanged();
}

void EcgView::setTrueScale(bool on)
{
    if (!on) {
        zoomToFit();
        return;
    }
    mFitWidth = false;
    mZoom = 1.0;
    updateScrollBars();
    horizontalScrollBar()->setValue(0);
    verticalScrollBar()->setValue(0);
    viewport()->update();
    Q_EMIT zoomChanged();
}

void EcgView::applyFit()
{
    if (mSheet.sizeMm.width() <= 0)
        return;
    // Against the width without a vertical scroll bar, less the bar when the fitted sheet is taller than
    // the view: the result does not depend on whether the bar shows now, so fitting cannot oscillate.
    const QSize area = maximumViewportSize();
    const auto fit = [this](double width) { return std::clamp((width - 2 * kMargin) / (mSheet.sizeMm.width() * mPixelsPerMm), 0.1, 20.0); };
    mZoom = fit(area.width());
    if (mSheet.sizeMm.height() * scale() + 2 * kMargin > area.height())
        mZoom = fit(area.width() - verticalScrollBar()->sizeHint().width());
}

void EcgView::updateScrollBars()
{
    const QSizeF content = mSheet.sizeMm * scale() + QSizeF(2 * kMargin, 2 * kMargin);
    const QSize view = viewport()->size();
    // Less a hundredth of a pixel: a sheet fitted to the width is not a rounding error too wide.
    horizontalScrollBar()->setRange(0, std::max(0, int(std::ceil(content.width() - 0.01)) - view.width()));
    horizontalScrollBar()->setPageStep(view.width());
    verticalScrollBar()->setRange(0, std::max(0, int(std::ceil(content.height() - 0.01)) - view.height()));
    verticalScrollBar()->setPageStep(view.height());
}

void EcgView::zoomAbout(double factor, QPointF anchor)
{
    const QPointF mm = toMm(anchor);
    mFitWidth = false; // a zoom of the user's own, kept as the view resizes
    mZoom = std::clamp(mZoom * factor, 0.1, 20.0);
    updateScrollBars();
    // The point under the anchor stays there (as far as the scroll range allows).
    const QPointF corner = mm * scale() + QPointF(kMargin, kMargin) - anchor;
    horizontalScrollBar()->setValue(int(std::lround(corner.x())));
    verticalScrollBar()->setValue(int(std::lround(corner.y())));
    viewport()->update();
    Q_EMIT zoomChanged();
}

void EcgView::scrollBy(QPointF delta)
{
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() - int(std::lround(delta.x())));
    verticalScrollBar()->setValue(verticalScrollBar()->value() - int(std::lround(delta.y())));
}

void EcgView::scrollContentsBy(int, int)
{
    viewport()->update();
}

void EcgView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    if (mFitWidth)
        applyFit();
    updateScrollBars();
}

bool EcgView::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::Leave) {
        mHoverText.clear();
        Q_EMIT hoverTextChanged(mHoverText);
    }
    return QAbstractScrollArea::viewportEvent(event);
}

QPointF EcgView::origin() const
{
    return QPointF(kMargin - horizontalScrollBar()->value(), kMargin - verticalScrollBar()->value());
}

void EcgView::setCaliperMode(bool on)
{
    mCaliperMode = on;
    viewport()->setCursor(on ? Qt::CrossCursor : Qt::ArrowCursor);
}

void EcgView::setMarchOut(bool on)
{
    mMarchOut = on;
    viewport()->update();
}

std::optional<CaliperReading> EcgView::caliper() const
{
    if (!mCaliper)
        return std::nullopt;
    return caliperReading(mCaliper->t0Ms, mCaliper->t1Ms, mCaliper->v0, mCaliper->v1);
}

void EcgView::clearCaliper()
{
    mCaliper.reset();
    viewport()->update();
    Q_EMIT caliperChanged();
}

QPointF EcgView::widgetPoint(int panel, double timeMs, double microvolts) const
{
    const ui::Panel &p = mSheet.panels.at(size_t(panel));
    return origin() + QPointF(p.xMm(timeMs), p.yMm(microvolts, mPaper)) * scale();
}

QPointF EcgView::toMm(QPointF widget) const
{
    return (widget - origin()) / scale();
}

SheetContent EcgView::content() const
{
    SheetContent c;
    c.ecg = &mShown;
    c.paper = &mPaper;
    c.sheet = &mSheet;
    c.filterText = mFilter.describe();
    c.intervals = &mIntervals;
    c.saliency = &mSaliency;
    return c;
}

void EcgView::relayout()
{
    mSheet = layoutSheet(mRecord, mPaper);
    if (mFitWidth)
        applyFit();
    updateScrollBars();
    viewport()->update();
}

void EcgView::paintEvent(QPaintEvent *event)
{
    QPainter p(viewport());
    p.fillRect(event->rect(), palette().color(QPalette::Mid));
    p.translate(origin());
    p.scale(scale(), scale());
    const QRectF visible = p.transform().inverted().mapRect(QRectF(event->rect()));
    drawSheet(p, content(), scale() * devicePixelRatioF(), visible);
    p.resetTransform();
    drawMark(p);
    drawCaliper(p);
}

int EcgView::markedPanel() const
{
    if (!mMarkMs)
        return -1;
    int first = -1;
    for (size_t i = 0; i < mSheet.panels.size(); ++i) {
        const ui::Panel &panel = mSheet.panels[i];
        if (!panel.shows(*mMarkMs))
            continue;
        if (panel.rhythmStrip)
            return int(i);
        if (first < 0)
            first = int(i);
    }
    return first;
}

void EcgView::markTime(std::optional<double> timeMs)
{
    mMarkMs = timeMs;
    if (const int panel = markedPanel(); panel >= 0) {
        // Centre the mark horizontally and bring its trace's cell into view.
        const QRectF cell = mSheet.panels[size_t(panel)].rectMm;
        const QPointF at = widgetPoint(panel, *mMarkMs, 0.0);
        const double top = origin().y() + cell.top() * scale(), bottom = origin().y() + cell.bottom() * scale();
        const double dy = top < 0 ? -top : bottom > viewport()->height() ? std::max(-top, viewport()->height() - bottom) : 0.0;
        scrollBy(QPointF(viewport()->width() / 2.0 - at.x(), dy));
    }
    viewport()->update();
}

void EcgView::drawMark(QPainter &p) const
{
    if (!mMarkMs)
        return;
    // A translucent band of ±80 ms over the beat on every trace that shows that moment.
    for (const ui::Panel &panel : mSheet.panels) {
        if (!panel.shows(*mMarkMs))
            continue;
        const double x0 = origin().x() + panel.xMm(std::max(panel.startMs, *mMarkMs - 80.0)) * scale();
        const double x1 = origin().x() + panel.xMm(std::min(panel.startMs + panel.durationMs, *mMarkMs + 80.0)) * scale();
        const double top = origin().y() + panel.rectMm.top() * scale(), bottom = origin().y() + panel.rectMm.bottom() * scale();
        p.fillRect(QRectF(QPointF(x0, top), QPointF(x1, bottom)), kMarkBand);
    }
}

void EcgView::drawCaliper(QPainter &p) const
{
    if (!mCaliper || mCaliper->panel < 0 || size_t(mCaliper->panel) >= mSheet.panels.size())
        return;
    const ui::Panel &panel = mSheet.panels[size_t(mCaliper->panel)];
    const double top = origin().y() + panel.rectMm.top() * scale(), bottom = origin().y() + panel.rectMm.bottom() * scale();
    const QPointF a = widgetPoint(mCaliper->panel, mCaliper->t0Ms, mCaliper->v0);
    const QPointF b = widgetPoint(mCaliper->panel, mCaliper->t1Ms, mCaliper->v1);
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(kCaliper, 1.5));
    p.drawLine(QPointF(a.x(), top), QPointF(a.x(), bottom));
    p.drawLine(QPointF(b.x(), top), QPointF(b.x(), bottom));
    p.drawLine(a, QPointF(b.x(), a.y()));
    p.setPen(QPen(kCaliper, 1.0, Qt::DashLine));
    p.drawLine(QPointF(b.x(), a.y()), b);
    const double step = mCaliper->t1Ms - mCaliper->t0Ms;
    if (mMarchOut && std::abs(step) > 20.0) {
        // Repeats of the interval both ways along the trace: a regular rhythm keeps landing on beats.
        p.setPen(QPen(kCaliper, 1.0, Qt::DotLine));
        for (double t = mCaliper->t0Ms - std::floor((mCaliper->t0Ms - panel.startMs) / std::abs(step)) * std::abs(step);
             t <= panel.startMs + panel.durationMs; t += std::abs(step)) {
            const double x = origin().x() + panel.xMm(t) * scale();
            p.drawLine(QPointF(x, top), QPointF(x, bottom));
        }
    }
    const QString text = caliper()->text();
    QFont font = p.font();
    font.setBold(true);
    p.setFont(font);
    const QRectF box = p.fontMetrics().boundingRect(text).adjusted(-4, -2, 4, 2).translated(std::max(a.x(), b.x()) + 8, top + 18);
    p.fillRect(box, QColor(255, 255, 255, 230));
    p.setPen(kCaliper);
    p.drawText(box, Qt::AlignCenter, text);
}

void EcgView::mousePressEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    if (event->button() == Qt::LeftButton && mCaliperMode) {
        const QPointF mm = toMm(pos);
        const int panel = mSheet.panelAt(mm);
        if (panel >= 0) {
            const ui::Panel &p = mSheet.panels[size_t(panel)];
            mCaliper = Caliper{panel, p.timeMs(mm.x()), p.timeMs(mm.x()), p.microvolts(mm.y(), mPaper), p.microvolts(mm.y(), mPaper)};
            mDragging = true;
            viewport()->update();
        }
        return;
    }
    if (event->button() == Qt::LeftButton || event->button() == Qt::MiddleButton) {
        mDragging = true;
        mDragStart = pos;
        viewport()->setCursor(Qt::ClosedHandCursor);
    }
}

void EcgView::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    if (mDragging && mCaliperMode && mCaliper) {
        const ui::Panel &p = mSheet.panels[size_t(mCaliper->panel)];
        const QPointF mm = toMm(pos);
        mCaliper->t1Ms = std::clamp(p.timeMs(mm.x()), p.startMs, p.startMs + p.durationMs);
        mCaliper->v1 = p.microvolts(mm.y(), mPaper);
        viewport()->update();
        Q_EMIT caliperChanged();
    } else if (mDragging) {
        scrollBy(pos - mDragStart);
        mDragStart = pos;
    }
    updateHover(pos);
}

void EcgView::mouseReleaseEvent(QMouseEvent *event)
{
    if (mDragging && mCaliperMode && mCaliper)
        Q_EMIT caliperChanged();
    mDragging = false;
    if (!mCaliperMode)
        viewport()->setCursor(Qt::ArrowCursor);
    event->accept();
}

void EcgView::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (!mPaper.singleLead.isEmpty()) {
        mPaper.singleLead.clear();
    } else {
        const int panel = mSheet.panelAt(toMm(event->position()));
        if (panel < 0)
            return;
        mPaper.singleLead = mSheet.panels[size_t(panel)].lead;
    }
    mCaliper.reset();
    relayout();
    zoomToFit();
    Q_EMIT paperChanged();
}

void EcgView::wheelEvent(QWheelEvent *event)
{
    const QPointF delta = event->angleDelta();
    if (event->modifiers() & Qt::ControlModifier) {
        zoomAbout(std::pow(1.0015, delta.y()), event->position());
    } else {
        // Shift+wheel (or a horizontal wheel) scrolls in time.
        const bool horizontal = (event->modifiers() & Qt::ShiftModifier) || std::abs(delta.x()) > std::abs(delta.y());
        const double step = (horizontal && std::abs(delta.x()) > 0 ? delta.x() : delta.y()) / 2.0;
        scrollBy(horizontal ? QPointF(step, 0) : QPointF(0, step));
    }
    event->accept();
}

void EcgView::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Escape:
        if (!mPaper.singleLead.isEmpty()) {
            mPaper.singleLead.clear();
            relayout();
            zoomToFit();
            Q_EMIT paperChanged();
        } else {
            clearCaliper();
        }
        break;
    case Qt::Key_Left: scrollBy(QPointF(40, 0)); break;
    case Qt::Key_Right: scrollBy(QPointF(-40, 0)); break;
    case Qt::Key_Up: scrollBy(QPointF(0, 40)); break;
    case Qt::Key_Down: scrollBy(QPointF(0, -40)); break;
    default: QAbstractScrollArea::keyPressEvent(event);
    }
}

void EcgView::updateHover(QPointF pos)
{
    const QPointF mm = toMm(pos);
    const int index = mSheet.panelAt(mm);
    QString text;
    if (index >= 0 && mShown.sampleRateHz > 0) {
        const ui::Panel &p = mSheet.panels[size_t(index)];
        const double t = p.timeMs(mm.x());
        const int sample = std::clamp(int(std::lround(t * mShown.sampleRateHz / 1000.0)), 0, mShown.sampleCount() - 1);
        text = p.leadIndex < 0 ? QStringLiteral("%1 · %2 ms").arg(p.lead).arg(t, 0, 'f', 0)
                               : QStringLiteral("%1 · %2 ms · %3 µV")
                                     .arg(p.lead)
                                     .arg(t, 0, 'f', 0)
                                     .arg(double(mShown.leads[size_t(p.leadIndex)].microvolts[size_t(sample)]), 0, 'f', 0);
    }
    if (text != mHoverText) {
        mHoverText = text;
        Q_EMIT hoverTextChanged(text);
    }
}

} // namespace ecgscope::ui
