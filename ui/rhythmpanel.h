#pragma once

#include "core/dsp/beats.h"
#include "core/record/ecg.h"

#include <QHash>
#include <QWidget>

#include <optional>

class QComboBox;
class QCustomPlot;
class QLabel;

namespace ecgscope::ui {

/// Rhythm and beat plots beside the sheet (QCustomPlot: drag to pan, wheel to zoom, double-click to show
/// all): the RR tachogram (RR against time), the Poincaré plot (RR n+1 against RR n) and the beat
/// overlay of a chosen lead (every beat aligned at its R peak, the median beat bold, its fiducials
/// marked). Premature and differently shaped beats are coloured as on the rhythm strip. Clicking a
/// beat's point or trace emits beatChosen with its R peak's time, which the window marks on the sheet;
/// so do the keys: Left/Right the previous/next beat, Home/End the first/last, Page Down/Up the next/previous
/// premature or differently shaped beat.
class RhythmPanel : public QWidget {
    Q_OBJECT
public:
    explicit RhythmPanel(QWidget *parent = nullptr);

    /// The record as shown (display filters applied) and EcgScope's measurements of it.
    void setRecord(const Ecg &shown, const dsp::Intervals &intervals);
    QCustomPlot *tachogram() const { return mTachogram; }
    QCustomPlot *poincare() const { return mPoincare; }
    QCustomPlot *overlay() const { return mOverlay; }
    QComboBox *leadBox() const { return mLead; }
    /// Widget position of beat `beat`'s point (index in Intervals::rPeaks) on the tachogram or the
    /// Poincaré plot; nullopt when it has none there.
    std::optional<QPointF> tachogramPoint(size_t beat) const;
    std::optional<QPointF> poincarePoint(size_t beat) const;
    /// Redraws the three plots now (what a record change costs; the viewer benchmark times it).
    void replotAll();
    /// The beat chosen last (index in Intervals::rPeaks); -1: none yet.
    int chosenBeat() const { return mChosen; }

Q_SIGNALS:
    /// A beat was clicked: the time of its R peak from the record's start.
    void beatChosen(double timeMs);

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void showOverlay();
    void choose(size_t beat);

    Ecg mShown;
    dsp::Intervals mIntervals;
    std::vector<dsp::RrInterval> mRr;
    QCustomPlot *mTachogram;
    QCustomPlot *mPoincare;
    QCustomPlot *mOverlay;
    QComboBox *mLead;
    QLabel *mSummary;
    /// For each clickable plottable, the beats of its points in order.
    QHash<const void *, std::vector<size_t>> mBeatsOf;
    int mChosen = -1;
};

} // namespace ecgscope::ui
