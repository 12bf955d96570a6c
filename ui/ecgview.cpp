#include "ui/ecgview.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace ecgscope::ui {

namespace {
const QColor kCaliper(0x0a, 0x7d, 0x3a);
}

EcgView::EcgView(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(400, 300);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void EcgView::setRecord(const Ecg &ecg, const dsp::Intervals &intervals)
{
    mRecord = ecg;
    mIntervals = intervals;
    mSaliency.clear();
    mShown = dsp::filtered(mRecord, mFilter);
    mCaliper.reset();
    mPaper.singleLead.clear();
    relayout();
}

void EcgView::setSaliency(std::vector<float> saliency)
{
    mSaliency = std::move(saliency);
    update();
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
    update();
}

void EcgView::setPixelsPerMm(double pixelsPerMm)
{
    mPixelsPerMm = std::max(0.5, pixelsPerMm);
    update();
}

void EcgView::setZoom(double zoom)
{
    zoomAbout(zoom / mZoom, QPointF(width() / 2.0, height() / 2.0));
}

void EcgView::zoomToFit()
{
    if (mSheet.sizeMm.width() <= 0)
        return;
    mZoom = std::clamp((width() - 16.0) / (mSheet.sizeMm.width() * mPixelsPerMm), 0.1, 20.0);
    mPan = QPointF(8.0, 8.0);
    update();
}

void EcgView::zoomAbout(double factor, QPointF anchor)
{
    const double zoom = std::clamp(mZoom * factor, 0.1, 20.0);
    const QPointF mm = toMm(anchor);
    mZoom = zoom;
    mPan = anchor - mm * scale();
    update();
}

void EcgView::setCaliperMode(bool on)
{
    mCaliperMode = on;
    setCursor(on ? Qt::CrossCursor : Qt::ArrowCursor);
}

void EcgView::setMarchOut(bool on)
{
    mMarchOut = on;
    update();
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
    update();
    Q_EMIT caliperChanged();
}

QPointF EcgView::widgetPoint(int panel, double timeMs, double microvolts) const
{
    const Panel &p = mSheet.panels.at(size_t(panel));
    return mPan + QPointF(p.xMm(timeMs), p.yMm(microvolts, mPaper)) * scale();
}

QPointF EcgView::toMm(QPointF widget) const
{
    return (widget - mPan) / scale();
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
    update();
}

void EcgView::paintEvent(QPaintEvent *event)
{
    QPainter p(this);
    p.fillRect(event->rect(), palette().color(QPalette::Mid));
    p.translate(mPan);
    p.scale(scale(), scale());
    const QRectF visible = p.transform().inverted().mapRect(QRectF(event->rect()));
    drawSheet(p, content(), scale() * devicePixelRatioF(), visible);
    p.resetTransform();
    drawCaliper(p);
}

void EcgView::drawCaliper(QPainter &p) const
{
    if (!mCaliper || mCaliper->panel < 0 || size_t(mCaliper->panel) >= mSheet.panels.size())
        return;
    const Panel &panel = mSheet.panels[size_t(mCaliper->panel)];
    const double top = mPan.y() + panel.rectMm.top() * scale(), bottom = mPan.y() + panel.rectMm.bottom() * scale();
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
            const double x = mPan.x() + panel.xMm(t) * scale();
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
            const Panel &p = mSheet.panels[size_t(panel)];
            mCaliper = Caliper{panel, p.timeMs(mm.x()), p.timeMs(mm.x()), p.microvolts(mm.y(), mPaper), p.microvolts(mm.y(), mPaper)};
            mDragging = true;
            update();
        }
        return;
    }
    if (event->button() == Qt::LeftButton || event->button() == Qt::MiddleButton) {
        mDragging = true;
        mDragStart = pos;
        setCursor(Qt::ClosedHandCursor);
    }
}

void EcgView::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    if (mDragging && mCaliperMode && mCaliper) {
        const Panel &p = mSheet.panels[size_t(mCaliper->panel)];
        const QPointF mm = toMm(pos);
        mCaliper->t1Ms = std::clamp(p.timeMs(mm.x()), p.startMs, p.startMs + p.durationMs);
        mCaliper->v1 = p.microvolts(mm.y(), mPaper);
        update();
        Q_EMIT caliperChanged();
    } else if (mDragging) {
        mPan += pos - mDragStart;
        mDragStart = pos;
        update();
    }
    updateHover(pos);
}

void EcgView::mouseReleaseEvent(QMouseEvent *event)
{
    if (mDragging && mCaliperMode && mCaliper)
        Q_EMIT caliperChanged();
    mDragging = false;
    if (!mCaliperMode)
        setCursor(Qt::ArrowCursor);
    QWidget::mouseReleaseEvent(event);
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
        mPan += horizontal ? QPointF(step, 0) : QPointF(0, step);
        update();
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
    case Qt::Key_Left: mPan += QPointF(40, 0); update(); break;
    case Qt::Key_Right: mPan -= QPointF(40, 0); update(); break;
    case Qt::Key_Up: mPan += QPointF(0, 40); update(); break;
    case Qt::Key_Down: mPan -= QPointF(0, 40); update(); break;
    default: QWidget::keyPressEvent(event);
    }
}

void EcgView::leaveEvent(QEvent *event)
{
    mHoverText.clear();
    Q_EMIT hoverTextChanged(mHoverText);
    QWidget::leaveEvent(event);
}

void EcgView::updateHover(QPointF pos)
{
    const QPointF mm = toMm(pos);
    const int index = mSheet.panelAt(mm);
    QString text;
    if (index >= 0 && mShown.sampleRateHz > 0) {
        const Panel &p = mSheet.panels[size_t(index)];
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
