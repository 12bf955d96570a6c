#include "core/dsp/qrs.h"
#include "core/io/reader.h"
#include "core/synth/generator.h"

#include <QFile>
#include <QTest>

#include <cmath>

using namespace ecgscope;
using synth::Rhythm;

class TestQrs : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void findsTheGeneratorsBeats_data()
    {
        QTest::addColumn<int>("rhythm");
        QTest::addColumn<double>("rateHz");
        for (Rhythm r : synth::allRhythms())
            for (double fs : {500.0, 100.0})
                QTest::addRow("%s %g Hz", qPrintable(synth::toString(r)), fs) << int(r) << fs;
    }
    void findsTheGeneratorsBeats()
    {
        QFETCH(int, rhythm);
        QFETCH(double, rateHz);
        int truePositives = 0, beats = 0, detections = 0;
        for (uint64_t seed = 1; seed <= 6; ++seed) {
            synth::Options o;
            o.rhythm = Rhythm(rhythm);
            o.seed = seed;
            o.sampleRateHz = rateHz;
            o.noiseLevel = 1.0; // realistic noise, wander and motion artefacts
            const auto s = synth::generate(o);
            const auto peaks = dsp::detectQrs(s->ecg);
            detections += int(peaks.size());
            for (const auto &b : s->truth.beats) {
                if (b.qrsOnsetMs < 100.0 || b.qrsOffsetMs > s->ecg.durationMs() - 100.0)
                    continue; // beats cut by the record's edges
                ++beats;
                truePositives += std::any_of(peaks.begin(), peaks.end(), [&](int p) { return std::abs(1000.0 * p / rateHz - b.rPeakMs) <= 60.0; });
            }
        }
        const double sensitivity = double(truePositives) / beats;
        QVERIFY2(sensitivity >= 0.97, qPrintable(QStringLiteral("sensitivity %1 (%2/%3)").arg(sensitivity).arg(truePositives).arg(beats)));
        // Edge beats may be found too, so detections can exceed the counted beats a little.
        QVERIFY2(detections <= beats + 2 * 6 + int(0.03 * beats), qPrintable(QStringLiteral("%1 detections for %2 beats").arg(detections).arg(beats)));
    }

    void rhythmMeasuresByHand()
    {
        // Peaks at 1 kHz: RR 800, 800, 400 (premature), 1200 (pause), 800 ms.
        const std::vector<int> peaks{0, 800, 1600, 2000, 3200, 4000};
        const auto m = dsp::rhythmMeasures(peaks, 1000.0);
        QCOMPARE(m.beats, 6);
        QCOMPARE(m.rrMeanMs, 800.0);
        QCOMPARE(m.heartRateBpm, 75.0);
        QCOMPARE(m.prematureFraction, 1.0 / 5.0);
        QCOMPARE(m.longestPauseRatio, 1200.0 / 800.0);
        QCOMPARE(m.irregularFraction, 3.0 / 4.0); // |400-800|, |1200-400|, |800-1200| > 120 ms
        QVERIFY(std::abs(m.rrCv - std::sqrt((0 + 0 + 160000 + 160000 + 0) / 5.0) / 800.0) < 1e-12);
        QCOMPARE(dsp::rhythmMeasures(peaks, 1000.0, 1000, 3500).beats, 3);
    }

    void fibrillationIsIrregular()
    {
        for (uint64_t seed = 1; seed <= 5; ++seed) {
            synth::Options af, sinus;
            af.rhythm = Rhythm::AtrialFibrillation;
            af.seed = sinus.seed = seed;
            const auto a = synth::generate(af), s = synth::generate(sinus);
            const auto ma = dsp::rhythmMeasures(dsp::detectQrs(a->ecg), 500.0);
            const auto ms = dsp::rhythmMeasures(dsp::detectQrs(s->ecg), 500.0);
            QVERIFY2(ma.irregularFraction > ms.irregularFraction, qPrintable(QStringLiteral("%1 vs %2").arg(ma.irregularFraction).arg(ms.irregularFraction)));
            QVERIFY(std::abs(ms.heartRateBpm - s->truth.heartRateBpm) < 0.05 * s->truth.heartRateBpm);
        }
    }

    void realBradycardia()
    {
        const QString path = QStringLiteral(ECGSCOPE_SHARED_DIR "/data/cinc-sample/HR00002.hea"); // #Dx: sinus bradycardia
        if (!QFile::exists(path))
            QSKIP("../shared/data/cinc-sample is absent");
        const auto ecg = io::readEcg(path);
        const auto m = dsp::rhythmMeasures(dsp::detectQrs(ecg.value()), ecg->sampleRateHz);
        QVERIFY2(m.heartRateBpm > 35.0 && m.heartRateBpm < 60.0, qPrintable(QString::number(m.heartRateBpm)));
        QVERIFY(m.rrCv < 0.1);
    }
};

QTEST_APPLESS_MAIN(TestQrs)
#include "tst_qrs.moc"
