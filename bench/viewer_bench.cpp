// ecgscope-bench-viewer: full redraw of a 12-lead, 10 s, 500 Hz record in the viewer (each layout, with
// and without display filters), for comparison the same leads as a QCustomPlot chart, and the analysis
// views (rhythm plots, serial comparison).
// Run offscreen: QT_QPA_PLATFORM=offscreen ecgscope-bench-viewer [--repeats N]
#include "ui/customplot.h"
#include "core/dsp/intervals.h"
#include "core/synth/generator.h"
#include "core/timing.h"
#include "ui/ecgview.h"
#include "ui/rhythmpanel.h"
#include "ui/serialcomparison.h"

#include <QApplication>
#include <QImage>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace ecgscope;

namespace {

/// Median and 90th percentile of `repeats` timings of `work`, ms.
template<typename Work>
std::pair<double, double> measure(int repeats, Work &&work)
{
    const std::vector<double> ms = timeRepeatedMs(repeats, work);
    return {medianOf(ms), ms[size_t(double(ms.size()) * 0.9)]};
}

void row(const char *what, std::pair<double, double> t)
{
    std::printf("| %-58s | %8.2f | %8.2f |\n", what, t.first, t.second);
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const int repeats = argc > 2 && QByteArray(argv[1]) == "--repeats" ? std::max(3, atoi(argv[2])) : 50;
    synth::Options o;
    o.seed = 3;
    o.sampleRateHz = 500;
    const Ecg ecg = synth::generate(o)->ecg;
    const dsp::Intervals intervals = dsp::measureIntervals(ecg);
    const QSize size(1280, 800);
    QImage image(size, QImage::Format_ARGB32_Premultiplied);

    std::printf("12 leads, 10 s, 500 Hz; %dx%d px widget at true scale (96 dpi); %d repeats\n\n", size.width(), size.height(), repeats);
    std::printf("| %-58s | %8s | %8s |\n|%s|----------|----------|\n", "redraw", "median ms", "p90 ms", std::string(60, '-').c_str());
    ui::EcgView view;
    view.resize(size);
    view.setRecord(ecg, intervals);
    for (ui::Layout layout : ui::allLayouts()) {
        ui::PaperSettings paper;
        paper.layout = layout;
        view.setPaper(paper);
        view.setZoom(1.0);
        row(qPrintable(QStringLiteral("EcgView %1").arg(ui::toString(layout))), measure(repeats, [&] { view.render(&image); }));
    }
    view.setPaper(ui::PaperSettings{});
    view.zoomToFit();
    row("EcgView 3x4 + 1 rhythm, zoomed to fit the width", measure(repeats, [&] { view.render(&image); }));
    view.setZoom(1.0);
    dsp::DisplayFilter all;
    all.baselineRemoval = true;
    all.notchHz = 50;
    all.lowpassHz = 40;
    view.setFilter(all);
    row("EcgView 3x4 + 1 rhythm, filtered 0.5-40 Hz + 50 Hz notch", measure(repeats, [&] { view.render(&image); }));
    row("  filter change (re-filter all 12 leads) + redraw", measure(repeats, [&] {
            view.setFilter(dsp::DisplayFilter{});
            view.setFilter(all);
            view.render(&image);
        }));

    // The same 12 leads as a QCustomPlot chart: one graph per lead in stacked axis rects.
    QCustomPlot plot;
    plot.resize(size);
    plot.plotLayout()->clear();
    for (const LeadSignal &lead : ecg.leads) {
        auto *rect = new QCPAxisRect(&plot);
        plot.plotLayout()->addElement(plot.plotLayout()->rowCount(), 0, rect);
        QCPGraph *g = plot.addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        QVector<double> t(int(lead.microvolts.size())), v(int(lead.microvolts.size()));
        for (int i = 0; i < t.size(); ++i) {
            t[i] = i * 1000.0 / ecg.sampleRateHz;
            v[i] = lead.microvolts[size_t(i)];
        }
        g->setData(t, v, true);
        g->rescaleAxes();
    }
    row("QCustomPlot, 12 stacked graphs (adaptive sampling on)", measure(repeats, [&] {
            plot.replot(QCustomPlot::rpImmediateRefresh);
            plot.render(&image);
        }));

    // The analysis views: the rhythm panel's three plots (a record with premature beats) at a dock's
    // size, and the serial comparison's two locked sheets.
    synth::Options vpc = o;
    vpc.rhythm = synth::Rhythm::Vpc;
    const Ecg ectopic = synth::generate(vpc)->ecg;
    const dsp::Intervals ectopicIntervals = dsp::measureIntervals(ectopic);
    ui::RhythmPanel panel;
    panel.resize(340, 800);
    panel.setRecord(ectopic, ectopicIntervals);
    panel.show(); // laid out, as in its dock (offscreen)
    QApplication::processEvents();
    row("Rhythm plots: tachogram + Poincare + beat overlay, redraw", measure(repeats, [&] { panel.replotAll(); }));
    row("Rhythm plots: new record (beats, overlay, all three drawn)", measure(repeats, [&] {
            panel.setRecord(ectopic, ectopicIntervals);
            panel.replotAll();
        }));
    ui::ComparedEcg prior, current;
    prior.ecg = ecg;
    prior.intervals = intervals;
    current.ecg = ectopic;
    current.intervals = ectopicIntervals;
    ui::SerialComparisonWindow compare(prior, current, ui::PaperSettings{}, 96.0 / 25.4, {}, -1);
    compare.resize(size);
    compare.show();
    QApplication::processEvents();
    row("Serial comparison: both sheets (fit width) and the table", measure(repeats, [&] { compare.render(&image); }));
    return 0;
}
