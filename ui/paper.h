#pragma once

#include "core/dsp/filter.h"
#include "core/dsp/intervals.h"
#include "core/record/ecg.h"

#include <QColor>
#include <QRectF>
#include <QStringList>

#include <optional>
#include <vector>

class QPainter;

namespace ecgscope::ui {

/// Colours of beat marks, alike on the sheet and in the rhythm plots: beats of the median beat, and the
/// others (premature or shaped differently).
inline const QColor kDominantBeat{0x1f, 0x4e, 0xb4};
inline const QColor kOtherBeat{0xd9, 0x6c, 0x00};

/// How the leads are arranged on the sheet, as on clinical printouts.
enum class Layout {
    ThreeByFour,          ///< 3 rows x 4 columns of 2.5 s, plus one full-length rhythm strip
    ThreeByFourThreeRhythm, ///< 3 x 4 plus three rhythm strips
    SixByTwo,             ///< limb leads in the first half of the record, chest leads in the second
    TwelveByOne,          ///< every lead over the whole record
};
QString toString(Layout layout);
const std::vector<Layout> &allLayouts();

/// Paper settings: speed and gains are in the units printed on the sheet.
struct PaperSettings {
    Layout layout = Layout::ThreeByFour;
    double mmPerSecond = 25.0;  ///< 25 or 50
    double limbMmPerMv = 10.0;  ///< 5, 10 or 20: I, II, III, aVR, aVL, aVF
    double chestMmPerMv = 10.0; ///< 5, 10 or 20: V1-V6 (and any other lead)
    QStringList rhythmLeads{QStringLiteral("II")}; ///< one strip, or three for ThreeByFourThreeRhythm
    QString singleLead; ///< when set: that lead alone over the whole record (the full-screen lead view)

    double mmPerMicrovolt(const QString &lead) const;
    /// "25 mm/s, limb 10 mm/mV, chest 10 mm/mV"
    QString describe() const;
};

bool isLimbLead(const QString &lead);

/// One trace on the sheet. Times in ms from the record's start; geometry in mm from the sheet's corner.
struct Panel {
    QString lead;
    int leadIndex = -1; ///< into Ecg::leads; -1 when the record has no such lead (drawn as a flat line)
    double startMs = 0.0, durationMs = 0.0;
    QRectF rectMm;      ///< the panel's cell; the baseline runs through baselineMm
    double baselineMm = 0.0;
    bool rhythmStrip = false; ///< a full-length strip (beats and intervals are marked on it)

    double xMm(double timeMs) const;
    /// Whether the panel shows the moment `timeMs` (its ends included).
    bool shows(double timeMs) const { return timeMs >= startMs && timeMs <= startMs + durationMs; }
    double timeMs(double xMm) const;
    double yMm(double microvolts, const PaperSettings &paper) const;
    double microvolts(double yMm, const PaperSettings &paper) const;
};

/// The whole sheet of one record in mm: panels, rows (one calibration pulse each), and its size.
struct Sheet {
    QSizeF sizeMm;
    std::vector<Panel> panels;
    std::vector<double> rowBaselinesMm;
    std::vector<double> rowGainsMmPerMv; ///< the calibration pulse's height per row
    double traceLeftMm = 0.0;            ///< where time 0 is; the calibration pulses are left of it
    QRectF saliencyMm;                   ///< the band under the rows where the model's saliency is drawn
    double footerMm = 0.0;               ///< baseline of the printed speed/gain/filter line

    /// The panel containing a point, or -1.
    int panelAt(QPointF mm) const;
};

Sheet layoutSheet(const Ecg &ecg, const PaperSettings &paper);

/// A caliper's read-out between two points of one panel.
struct CaliperReading {
    double deltaMs = 0.0;
    double rateBpm = 0.0;  ///< 60000 / deltaMs; 0 for a zero interval
    double deltaMicrovolts = 0.0;
    QString text() const;  ///< "Δt 833 ms · 72 bpm · ΔV 1250 µV"
};
CaliperReading caliperReading(double t0Ms, double t1Ms, double v0Microvolts, double v1Microvolts);

/// Everything drawn on a sheet besides the paper itself.
struct SheetContent {
    const Ecg *ecg = nullptr;       ///< already display-filtered
    const PaperSettings *paper = nullptr;
    const Sheet *sheet = nullptr;
    QString filterText;             ///< printed with speed and gain
    const dsp::Intervals *intervals = nullptr; ///< beats and fiducials to mark, may be null
    const std::vector<float> *saliency = nullptr; ///< 0-1 every `saliencyStepMs` from the record's start, may be null
    double saliencyStepMs = 10.0;
};

/// Text whose height is given in mm on a painter whose coordinates are mm; drawn in device coordinates so
/// that fonts are hinted normally. `at` is the left end of the baseline.
void drawTextMm(QPainter &painter, QPointF at, const QString &text, double heightMm, double devicePixelsPerMm, bool bold = false);

/// Draws grid, calibration pulses, traces, labels, marks and the speed/gain/filter line. The painter's
/// coordinates are mm; devicePixelsPerMm says how fine the device is (traces are reduced to a min/max pair
/// per device pixel column, grid lines are at least one device pixel wide). `visibleMm` limits the work.
void drawSheet(QPainter &painter, const SheetContent &content, double devicePixelsPerMm, const QRectF &visibleMm);

} // namespace ecgscope::ui
