#include "core/dsp/beats.h"
#include "core/synth/generator.h"

#include <QTest>

#include <cmath>

using namespace ecgscope;

class TestBeats : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rrIntervalsByHand()
    {
        dsp::Intervals in;
        in.rPeaks = {100, 600, 900, 1500};
        in.dominantBeats = {100, 600, 1500}; // the beat at 900 is premature
        const auto rr = dsp::rrIntervals(in, 500.0);
        QCOMPARE(int(rr.size()), 3);
        QCOMPARE(rr[0].rrMs, 1000.0);
        QCOMPARE(rr[0].timeMs, 1200.0);
        QCOMPARE(rr[1].rrMs, 600.0);
        QVERIFY(!rr[1].dominant);
        QCOMPARE(rr[1].beat, size_t(2));
        QCOMPARE(rr[2].rrMs, 1200.0);
        QVERIFY(rr[2].dominant);
    }

    void overlayAlignsAtRAndRemovesEachBaseline()
    {
        // 1000 Hz: beats at 300, 1300, 2300 (dominant, R 1000 µV above levels 0, 50, 100) and 2700 (other,
        // R 500 µV above level 200); a window of -200..+300 ms with the QRS onset at -40 ms.
        std::vector<float> uv(3000, 0.0f);
        const int peaks[] = {300, 1300, 2300, 2700};
        const float level[] = {0.f, 50.f, 100.f, 200.f}, height[] = {1000.f, 1000.f, 1000.f, 500.f};
        for (int b = 0; b < 4; ++b) {
            for (int k = -200; k <= 300 && peaks[b] + k < 3000; ++k)
                uv[size_t(peaks[b] + k)] = level[b];
            uv[size_t(peaks[b])] = level[b] + height[b];
        }
        dsp::Intervals in;
        in.rPeaks = {300, 1300, 2300, 2700};
        in.dominantBeats = {300, 1300, 2300};
        in.beatWindowMs = {-200.0, 300.0};
        in.qrsOnsetMs = -40.0;
        const dsp::BeatOverlay o = dsp::beatOverlay(uv, 1000.0, in);
        QCOMPARE(o.startMs, -200.0);
        QCOMPARE(int(o.beats.size()), 3); // 2700 + 300 runs off the end... and so is left out
        for (const auto &b : o.beats) {
            QCOMPARE(int(b.microvolts.size()), 501);
            QCOMPARE(b.microvolts[200], 1000.0f); // R at 0 ms, above its own level
            QCOMPARE(b.microvolts[0], 0.0f);
        }
        QCOMPARE(int(o.median.size()), 501);
        QCOMPARE(o.median[200], 1000.0f);
    }

    void prematureVentricularBeatsAreTheOthers()
    {
        synth::Options opt;
        opt.rhythm = synth::Rhythm::Vpc;
        opt.seed = 4;
        opt.variants = false;
        const auto s = synth::generate(opt);
        QVERIFY(s);
        const dsp::Intervals in = dsp::measureIntervals(s->ecg);
        const auto rr = dsp::rrIntervals(in, s->ecg.sampleRateHz);
        int ventricular = 0, marked = 0;
        for (const synth::Beat &b : s->truth.beats)
            if (b.kind == synth::BeatKind::Ventricular && b.rPeakMs > 100 && b.rPeakMs < s->ecg.durationMs() - 100) {
                ++ventricular;
                // The RR ending at the ventricular beat is short and marked as not dominant.
                for (const auto &r : rr)
                    if (std::abs(r.timeMs - b.rPeakMs) < 60 && !r.dominant && r.rrMs < 0.9 * in.rrMeanMs)
                        ++marked;
            }
        QVERIFY2(ventricular > 0, "the generator drew no ventricular beat for this seed");
        QCOMPARE(marked, ventricular);
        const dsp::BeatOverlay o = dsp::beatOverlay(s->ecg.lead(QStringLiteral("II"))->microvolts, s->ecg.sampleRateHz, in);
        QVERIFY(!o.median.empty());
        QVERIFY(std::any_of(o.beats.begin(), o.beats.end(), [](const auto &b) { return !b.dominant; }));
    }
};

QTEST_APPLESS_MAIN(TestBeats)
#include "tst_beats.moc"
