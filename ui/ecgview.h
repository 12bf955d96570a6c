#pragma once

#include "ui/paper.h"

#include <QAbstractScrollArea>

#include <optional>

namespace ecgscope::ui {

/// The 12-lead record on ECG paper. By default the sheet fits the view's width; True Scale shows it at
/// its physical size (the screen's calibrated pixels per mm), and scroll bars appear whenever the sheet
/// is larger than the view. Drag, scroll or use the arrow keys to pan, Ctrl+wheel to zoom about the
/// cursor, double-click a lead for it alone over the whole record (again, or Esc, to go back). In
/// caliper mode a drag measures between two points of one trace; "march out" repeats the caliper's
/// interval along the trace. Display filters change the view, never the record. Positions (widgetPoint,
/// mouse events) are in the viewport's coordinates.
class EcgView : public QAbstractScrollArea {
    Q_OBJECT
public:
    explicit EcgView(QWidget *parent = nullptr);

    void setRecord(const Ecg &ecg, const dsp::Intervals &intervals);
    const Ecg &shownRecord() const { return mShown; } ///< the record as drawn (filtered)
    const dsp::Intervals &intervals() const { return mIntervals; }
    /// The model's saliency over time (0-1 every 10 ms), drawn as a band under the leads; empty: none.
    void setSaliency(std::vector<float> saliency);
    const std::vector<float> &saliency() const { return mSaliency; }

    const PaperSettings &paper() const { return mPaper; }
    void setPaper(const PaperSettings &paper);
    const dsp::DisplayFilter &filter() const { return mFilter; }
    void setFilter(const dsp::DisplayFilter &filter);

    /// Screen pixels per mm at 100% zoom: the screen's physical DPI times the user's calibration.
    double pixelsPerMm() const { return mPixelsPerMm; }
    void setPixelsPerMm(double pixelsPerMm);
    double zoom() const { return mZoom; }
    void setZoom(double zoom); ///< 1 = true scale, about the view's centre; leaves fit-width mode
    void zoomToFit();          ///< the whole sheet's width in the view, kept so as the view resizes
    bool fitsWidth() const { return mFitWidth; }
    bool trueScale() const { return !mFitWidth && mZoom == 1.0; }
    void setTrueScale(bool on); ///< true: zoom 1 at the sheet's corner; false: fit width

    bool caliperMode() const { return mCaliperMode; }
    void setCaliperMode(bool on);
    bool marchOut() const { return mMarchOut; }
    void setMarchOut(bool on);
    /// The caliper's read-out, when one is placed.
    std::optional<CaliperReading> caliper() const;
    void clearCaliper();

    const Sheet &sheet() const { return mSheet; }
    /// Where a point of a panel's trace (time in ms, value in µV) is in widget coordinates.
    QPointF widgetPoint(int panel, double timeMs, double microvolts) const;
    /// "II · 1234 ms · 512 µV" for the point under the cursor, empty outside the traces.
    QString hoverText() const { return mHoverText; }

    SheetContent content() const;

    /// Marks a moment (a beat chosen in the rhythm plots) on every trace that shows it and scrolls it
    /// into view on the rhythm strip (else the first trace showing it); nullopt clears the mark.
    void markTime(std::optional<double> timeMs);
    std::optional<double> markedTime() const { return mMarkMs; }
    /// The panel the mark was scrolled to (-1: none).
    int markedPanel() const;

Q_SIGNALS:
    void hoverTextChanged(const QString &text);
    void caliperChanged();
    /// Paper settings changed from inside the view (single-lead view entered or left).
    void paperChanged();
    /// The zoom or the fit-width mode changed.
    void zoomChanged();

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    struct Caliper {
        int panel = -1;
        double t0Ms = 0, t1Ms = 0, v0 = 0, v1 = 0;
    };
    double scale() const { return mPixelsPerMm * mZoom; }
    QPointF origin() const; ///< viewport position of the sheet's corner
    QPointF toMm(QPointF widget) const;
    void relayout();
    void zoomAbout(double factor, QPointF anchor);
    void applyFit();
    void updateScrollBars();
    void scrollBy(QPointF delta);
    void updateHover(QPointF pos);
    void drawCaliper(QPainter &p) const;
    void drawMark(QPainter &p) const;

    Ecg mRecord;
    Ecg mShown;
    dsp::Intervals mIntervals;
    std::vector<float> mSaliency;
    PaperSettings mPaper;
    dsp::DisplayFilter mFilter;
    Sheet mSheet;
    double mPixelsPerMm = 96.0 / 25.4;
    double mZoom = 1.0;
    bool mFitWidth = true;
    bool mCaliperMode = false;
    bool mMarchOut = false;
    std::optional<Caliper> mCaliper;
    std::optional<double> mMarkMs;
    bool mDragging = false;
    QPointF mDragStart;
    QString mHoverText;
};

} // namespace ecgscope::ui
