#include "ui/paper.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace ecgscope::ui {

namespace {

constexpr double kCalibrationMs = 200.0; // the 1 mV pulse is 200 ms wide (5 mm at 25 mm/s)
constexpr double kFooterMm = 13.0; // the saliency band and the speed/gain/filter line

const QColor kMinorGrid(0xf6, 0xc9, 0xc9);
const QColor kMajorGrid(0xe3, 0x8a, 0x8a);
const QColor kTrace(Qt::black);

QStringList standardRhythmLeads(const PaperSettings &paper, int count)
{
    if (paper.rhythmLeads.size() == count)
        return paper.rhythmLeads;
    if (count == 3)
        return {QStringLiteral("V1"), QStringLiteral("II"), QStringLiteral("V5")};
    return {paper.rhythmLeads.value(0, QStringLiteral("II"))};
}

void drawGrid(QPainter &p, const QRectF &area, double devicePixelsPerMm)
{
    const double pixelMm = 1.0 / devicePixelsPerMm;
    // Minor lines only where they are at least three device pixels apart.
    for (int pass = 0; pass < 2; ++pass) {
        const bool major = pass == 1;
        if (!major && devicePixelsPerMm < 3.0)
            continue;
        p.setPen(QPen(major ? kMajorGrid : kMinorGrid, std::max(major ? 0.15 : 0.08, pixelMm)));
        const double step = major ? 5.0 : 1.0;
        QVector<QLineF> lines;
        for (double x = std::ceil(area.left() / step) * step; x <= area.right(); x += step)
            if (major || std::fmod(x, 5.0) != 0.0)
                lines.append(QLineF(x, area.top(), x, area.bottom()));
        for (double y = std::ceil(area.top() / step) * step; y <= area.bottom(); y += step)
            if (major || std::fmod(y, 5.0) != 0.0)
                lines.append(QLineF(area.left(), y, area.right(), y));
        p.drawLines(lines);
    }
}

void drawTrace(QPainter &p, const Panel &panel, const Ecg &ecg, const PaperSettings &paper, double devicePixelsPerMm, const QRectF &visible)
{
    const double fs = ecg.sampleRateHz;
    const int n = ecg.sampleCount();
    const double fromMs = std::max(panel.startMs, panel.timeMs(visible.left()));
    const double toMs = std::min(panel.startMs + panel.durationMs, panel.timeMs(visible.right()));
    if (toMs <= fromMs)
        return;
    const int first = std::clamp(int(std::floor(fromMs * fs / 1000.0)), 0, n - 1);
    const int last = std::clamp(int(std::ceil(toMs * fs / 1000.0)), 0, n - 1);
    QPolygonF line;
    if (panel.leadIndex < 0) {
        line << QPointF(panel.xMm(first * 1000.0 / fs), panel.baselineMm) << QPointF(panel.xMm(last * 1000.0 / fs), panel.baselineMm);
    } else {
        const std::vector<float> &v = ecg.leads[size_t(panel.leadIndex)].microvolts;
        const double samplesPerPixel = fs / (paper.mmPerSecond * devicePixelsPerMm);
        const auto point = [&](int i) { return QPointF(panel.xMm(i * 1000.0 / fs), panel.yMm(v[size_t(i)], paper)); };
        if (samplesPerPixel <= 2.0) {
            line.reserve(last - first + 1);
            for (int i = first; i <= last; ++i)
                line << point(i);
        } else {
            // One device column gets its extremes, in the order they occur, so peaks are never lost.
            const int bucket = int(samplesPerPixel);
            line.reserve(2 * ((last - first) / bucket + 2));
            for (int start = first; start <= last; start += bucket) {
                const int end = std::min(last, start + bucket - 1);
                int lo = start, hi = start;
                for (int i = start + 1; i <= end; ++i) {
                    if (v[size_t(i)] < v[size_t(lo)])
                        lo = i;
                    if (v[size_t(i)] > v[size_t(hi)])
                        hi = i;
                }
                line << point(std::min(lo, hi)) << point(std::max(lo, hi));
            }
        }
    }
    p.setPen(QPen(kTrace, std::max(0.2, 1.0 / devicePixelsPerMm), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.drawPolyline(line);
}

void drawMarks(QPainter &p, const Panel &panel, const dsp::Intervals &intervals, double fs)
{
    const double top = panel.rectMm.top() + 1.0;
    for (int r : intervals.rPeaks) {
        const double t = 1000.0 * r / fs;
        if (!panel.shows(t))
            continue;
        const double x = panel.xMm(t);
        // Beats left out of the median beat (premature or shaped differently) are marked in another colour.
        const bool dominant = intervals.isDominant(r);
        p.setPen(QPen(dominant ? kDominantBeat : kOtherBeat, 0.25));
        p.setBrush(dominant ? kDominantBeat : kOtherBeat);
        p.drawPolygon(QPolygonF{QPointF(x - 0.8, top), QPointF(x + 0.8, top), QPointF(x, top + 1.4)});
        if (!dominant)
            continue;
        // The median beat's fiducials on each dominant beat: P onset, QRS onset and offset, T end.
        for (const auto &f : {intervals.pOnsetMs, intervals.qrsOnsetMs, intervals.qrsOffsetMs, intervals.tEndMs})
            if (f && panel.shows(t + *f))
                p.drawLine(QPointF(panel.xMm(t + *f), panel.rectMm.bottom() - 3.0), QPointF(panel.xMm(t + *f), panel.rectMm.bottom() - 1.0));
    }
    p.setBrush(Qt::NoBrush);
}

/// The model's saliency as a heat band along time: white (no influence) to dark red (most).
void drawSaliency(QPainter &p, const Sheet &sheet, const std::vector<float> &saliency, double stepMs, double mmPerSecond, double devicePixelsPerMm)
{
    const QRectF band = sheet.saliencyMm;
    const double mmPerStep = stepMs / 1000.0 * mmPerSecond;
    const int stride = std::max(1, int(1.0 / (mmPerStep * devicePixelsPerMm))); // about one value per device pixel
    for (size_t i = 0; i < saliency.size(); i += size_t(stride)) {
        const double x = band.left() + double(i) * mmPerStep;
        if (x >= band.right())
            break;
        float v = 0.0f;
        for (size_t k = i; k < std::min(saliency.size(), i + size_t(stride)); ++k)
            v = std::max(v, saliency[k]);
        const int shade = int(std::lround(255.0 * (1.0 - std::clamp(double(v), 0.0, 1.0))));
        p.fillRect(QRectF(x, band.top(), mmPerStep * stride, band.height()), QColor(180 + shade * 75 / 255, shade, shade));
    }
    p.setPen(QPen(kTrace, 0.15));
    p.setBrush(Qt::NoBrush);
    p.drawRect(band);
    drawTextMm(p, QPointF(0.5, band.bottom()), QStringLiteral("model"), 2.2, devicePixelsPerMm);
}

/// The row's calibration: the record's own pulse where the device wrote one (cut off the trace on
/// loading), else the standard 1 mV, 200 ms.
void drawCalibrationPulse(QPainter &p, double baselineMm, double gainMmPerMv, double mmPerSecond, const CalibrationPulse *device)
{
    const double widthMs = device ? std::min(device->durationMs, kCalibrationMs) : kCalibrationMs;
    const double width = widthMs / 1000.0 * mmPerSecond;
    const double x0 = 1.5, x1 = x0 + 1.5, x2 = x1 + width, x3 = x2 + 1.5;
    const double top = baselineMm - gainMmPerMv * (device ? device->amplitudeMicrovolts / 1000.0 : 1.0);
    p.setPen(QPen(kTrace, 0.25));
    p.drawPolyline(QPolygonF{QPointF(x0, baselineMm), QPointF(x1, baselineMm), QPointF(x1, top), QPointF(x2, top),
                             QPointF(x2, baselineMm), QPointF(x3, baselineMm)});
}

} // namespace

void drawTextMm(QPainter &p, QPointF mm, const QString &text, double heightMm, double devicePixelsPerMm, bool bold)
{
    const QPointF at = p.transform().map(mm);
    p.save();
    p.resetTransform();
    QFont font = p.font();
    font.setPixelSize(std::max(6, int(std::lround(heightMm * devicePixelsPerMm))));
    font.setBold(bold);
    p.setFont(font);
    p.drawText(at, text);
    p.restore();
}

QString toString(Layout layout)
{
    switch (layout) {
    case Layout::ThreeByFour: return QStringLiteral("3x4 + 1 rhythm");
    case Layout::ThreeByFourThreeRhythm: return QStringLiteral("3x4 + 3 rhythm");
    case Layout::SixByTwo: return QStringLiteral("6x2");
    case Layout::TwelveByOne: return QStringLiteral("12x1");
    }
    return {};
}

const std::vector<Layout> &allLayouts()
{
    static const std::vector<Layout> all{Layout::ThreeByFour, Layout::ThreeByFourThreeRhythm, Layout::SixByTwo, Layout::TwelveByOne};
    return all;
}

bool isLimbLead(const QString &lead)
{
    static const QStringList limb{QStringLiteral("I"), QStringLiteral("II"), QStringLiteral("III"),
                                  QStringLiteral("aVR"), QStringLiteral("aVL"), QStringLiteral("aVF")};
    return limb.contains(lead);
}

double PaperSettings::mmPerMicrovolt(const QString &lead) const
{
    return (isLimbLead(lead) ? limbMmPerMv : chestMmPerMv) / 1000.0;
}

QString PaperSettings::describe() const
{
    return QStringLiteral("%1 mm/s, limb %2 mm/mV, chest %3 mm/mV").arg(mmPerSecond).arg(limbMmPerMv).arg(chestMmPerMv);
}

double Panel::xMm(double t) const { return rectMm.left() + (t - startMs) / durationMs * rectMm.width(); }
double Panel::timeMs(double x) const { return startMs + (x - rectMm.left()) / rectMm.width() * durationMs; }
double Panel::yMm(double uv, const PaperSettings &paper) const { return baselineMm - uv * paper.mmPerMicrovolt(lead); }
double Panel::microvolts(double y, const PaperSettings &paper) const { return (baselineMm - y) / paper.mmPerMicrovolt(lead); }

int Sheet::panelAt(QPointF mm) const
{
    for (size_t i = 0; i < panels.size(); ++i)
        if (panels[i].rectMm.contains(mm))
            return int(i);
    return -1;
}

Sheet layoutSheet(const Ecg &ecg, const PaperSettings &paper)
{
    const double duration = ecg.durationMs();
    // Each entry: lead names by column for one row, the columns splitting the record evenly.
    std::vector<QStringList> rows;
    std::vector<bool> rhythm;
    const auto addRhythm = [&](const QStringList &leads) {
        for (const QString &l : leads) {
            rows.push_back({l});
            rhythm.push_back(true);
        }
    };
    if (!paper.singleLead.isEmpty()) {
        addRhythm({paper.singleLead});
    } else {
        switch (paper.layout) {
        case Layout::ThreeByFour:
        case Layout::ThreeByFourThreeRhythm:
            rows = {{QStringLiteral("I"), QStringLiteral("aVR"), QStringLiteral("V1"), QStringLiteral("V4")},
                    {QStringLiteral("II"), QStringLiteral("aVL"), QStringLiteral("V2"), QStringLiteral("V5")},
                    {QStringLiteral("III"), QStringLiteral("aVF"), QStringLiteral("V3"), QStringLiteral("V6")}};
            rhythm.assign(3, false);
            addRhythm(standardRhythmLeads(paper, paper.layout == Layout::ThreeByFour ? 1 : 3));
            break;
        case Layout::SixByTwo:
            rows = {{QStringLiteral("I"), QStringLiteral("V1")},   {QStringLiteral("II"), QStringLiteral("V2")},
                    {QStringLiteral("III"), QStringLiteral("V3")}, {QStringLiteral("aVR"), QStringLiteral("V4")},
                    {QStringLiteral("aVL"), QStringLiteral("V5")}, {QStringLiteral("aVF"), QStringLiteral("V6")}};
            rhythm.assign(6, false);
            break;
        case Layout::TwelveByOne: {
            QStringList names = ecg.leadNames();
            if (names.isEmpty())
                names = QStringList{QStringLiteral("I"), QStringLiteral("II")};
            for (const QString &l : names) {
                rows.push_back({l});
                rhythm.push_back(rows.size() == size_t(names.size())); // beats are marked on the last lead
            }
            break;
        }
        }
    }
    Sheet sheet;
    const double gain = std::max(paper.limbMmPerMv, paper.chestMmPerMv);
    const double pitch = gain * (!paper.singleLead.isEmpty() ? 4.0 : rows.size() <= 4 ? 3.5 : 2.8);
    sheet.traceLeftMm = 5.0 + kCalibrationMs / 1000.0 * paper.mmPerSecond;
    const double traceWidth = duration / 1000.0 * paper.mmPerSecond;
    for (size_t r = 0; r < rows.size(); ++r) {
        const double top = double(r) * pitch;
        const double baseline = top + 0.6 * pitch;
        sheet.rowBaselinesMm.push_back(baseline);
        sheet.rowGainsMmPerMv.push_back(isLimbLead(rows[r].front()) ? paper.limbMmPerMv : paper.chestMmPerMv);
        const int columns = int(rows[r].size());
        for (int c = 0; c < columns; ++c) {
            Panel panel;
            panel.lead = rows[r][c];
            panel.leadIndex = ecg.leadIndex(panel.lead);
            panel.durationMs = duration / columns;
            panel.startMs = c * panel.durationMs;
            panel.rectMm = QRectF(sheet.traceLeftMm + c * traceWidth / columns, top, traceWidth / columns, pitch);
            panel.baselineMm = baseline;
            panel.rhythmStrip = rhythm[r];
            sheet.panels.push_back(panel);
        }
    }
    sheet.saliencyMm = QRectF(sheet.traceLeftMm, double(rows.size()) * pitch + 1.0, traceWidth, 3.0);
    sheet.footerMm = double(rows.size()) * pitch + 10.0;
    sheet.sizeMm = QSizeF(sheet.traceLeftMm + traceWidth + 3.0, double(rows.size()) * pitch + kFooterMm);
    return sheet;
}

QString CaliperReading::text() const
{
    return QStringLiteral("Δt %1 ms · %2 bpm · ΔV %3 µV")
        .arg(deltaMs, 0, 'f', 0)
        .arg(rateBpm, 0, 'f', 0)
        .arg(deltaMicrovolts, 0, 'f', 0);
}

CaliperReading caliperReading(double t0Ms, double t1Ms, double v0Microvolts, double v1Microvolts)
{
    CaliperReading r;
    r.deltaMs = std::abs(t1Ms - t0Ms);
    r.rateBpm = r.deltaMs > 0 ? 60000.0 / r.deltaMs : 0.0;
    r.deltaMicrovolts = v1Microvolts - v0Microvolts;
    return r;
}

void drawSheet(QPainter &p, const SheetContent &content, double devicePixelsPerMm, const QRectF &visibleMm)
{
    const Sheet &sheet = *content.sheet;
    const PaperSettings &paper = *content.paper;
    const QRectF area = QRectF(QPointF(0, 0), sheet.sizeMm).intersected(visibleMm);
    if (area.isEmpty())
        return;
    p.save();
    p.setClipRect(area);
    p.fillRect(area, Qt::white);
    drawGrid(p, area, devicePixelsPerMm);
    p.setRenderHint(QPainter::Antialiasing, true);
    const CalibrationPulse *device = content.ecg->calibrationPulses.empty() ? nullptr : &content.ecg->calibrationPulses.front();
    for (size_t r = 0; r < sheet.rowBaselinesMm.size(); ++r)
        drawCalibrationPulse(p, sheet.rowBaselinesMm[r], sheet.rowGainsMmPerMv[r], paper.mmPerSecond, device);
    for (const Panel &panel : sheet.panels) {
        if (!panel.rectMm.intersects(area))
            continue;
        drawTrace(p, panel, *content.ecg, paper, devicePixelsPerMm, area);
        if (panel.startMs > 0) // column boundary tick
            p.drawLine(QPointF(panel.rectMm.left(), panel.baselineMm - 3.0), QPointF(panel.rectMm.left(), panel.baselineMm + 3.0));
        p.setPen(kTrace);
        drawTextMm(p, panel.rectMm.topLeft() + QPointF(1.0, 4.0), panel.leadIndex < 0 ? panel.lead + QStringLiteral(" (none)") : panel.lead,
                 3.0, devicePixelsPerMm, true);
        if (content.intervals && panel.rhythmStrip)
            drawMarks(p, panel, *content.intervals, content.ecg->sampleRateHz);
    }
    if (content.saliency && !content.saliency->empty())
        drawSaliency(p, sheet, *content.saliency, content.saliencyStepMs, paper.mmPerSecond, devicePixelsPerMm);
    p.setPen(kTrace);
    drawTextMm(p, QPointF(sheet.traceLeftMm, sheet.footerMm),
             QStringLiteral("%1   ·   %2%3")
                 .arg(paper.describe(), content.filterText,
                      device ? QStringLiteral("   ·   calibration: the device's own pulse, %1 mV × %2 ms").arg(device->amplitudeMicrovolts / 1000.0, 0, 'f', 2).arg(device->durationMs, 0, 'f', 0)
                             : QString()),
             3.0, devicePixelsPerMm);
    p.restore();
}

} // namespace ecgscope::ui
