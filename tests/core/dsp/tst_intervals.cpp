#include "core/dsp/intervals.h"
#include "core/synth/generator.h"

#include <QTest>

#include <cmath>
#include <numeric>

using namespace ecgscope;
using synth::Rhythm;

namespace {

struct Errors {
    std::vector<double> hr, pr, qrs, qt;
    static double meanAbs(const std::vector<double> &v) { return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0, [](double a, double b) { return a + std::abs(b); }) / double(v.size()); }
    static double maxAbs(const std::vector<double> &v) { double m = 0; for (double x : v) m = std::max(m, std::abs(x)); return m; }
    static double mean(const std::vector<double> &v) { return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / double(v.size()); }
};

double average(const std::vector<double> &v) { return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size()); }

} // namespace

class TestIntervals : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Against the generator's ground truth (each wave's onset and end are where its Gaussian lobe is
    // 2.5 sigma from its peak), with realistic noise, wander and the patient variants (bundle-branch
    // blocks, ST-T changes). Tolerances after IEC 60601-2-25's interval accuracy (mean error within
    // +-10 ms PR and QRS, +-25 ms QT), with a margin for single records.
    void matchesTheGeneratorsIntervals_data()
    {
        QTest::addColumn<int>("rhythm");
        QTest::addColumn<double>("rateHz");
        for (Rhythm r : {Rhythm::Sinus, Rhythm::SinusBradycardia, Rhythm::SinusTachycardia, Rhythm::FirstDegreeAvBlock})
            for (double fs : {500.0, 250.0})
                QTest::addRow("%s %g Hz", qPrintable(synth::toString(r)), fs) << int(r) << fs;
    }
    void matchesTheGeneratorsIntervals()
    {
        QFETCH(int, rhythm);
        QFETCH(double, rateHz);
        Errors e;
        for (uint64_t seed = 1; seed <= 12; ++seed) {
            synth::Options o;
            o.rhythm = Rhythm(rhythm);
            o.seed = seed;
            o.sampleRateHz = rateHz;
            const auto s = synth::generate(o);
            QVERIFY(s);
            const dsp::Intervals m = dsp::measureIntervals(s->ecg);
            std::vector<double> rr, pr, qt;
            const auto &beats = s->truth.beats;
            for (size_t i = 0; i < beats.size(); ++i) {
                if (i > 0)
                    rr.push_back(beats[i].rPeakMs - beats[i - 1].rPeakMs);
                if (beats[i].prMs)
                    pr.push_back(*beats[i].prMs);
                qt.push_back(beats[i].tEndMs - beats[i].qrsOnsetMs);
            }
            const QString where = QStringLiteral("seed %1: %2; true PR %3 QRS %4 QT %5").arg(seed).arg(m.summary()).arg(average(pr)).arg(s->truth.qrsMs).arg(average(qt));
            QVERIFY2(m.qrsMs && m.qtMs && m.prMs, qPrintable(where));
            e.hr.push_back(m.heartRateBpm - 60000.0 / average(rr));
            e.pr.push_back(*m.prMs - average(pr));
            e.qrs.push_back(*m.qrsMs - s->truth.qrsMs);
            e.qt.push_back(*m.qtMs - average(qt));
            QVERIFY2(std::abs(e.hr.back()) <= 2.0, qPrintable(where));
            QVERIFY2(std::abs(e.pr.back()) <= 30.0, qPrintable(where));
            QVERIFY2(std::abs(e.qrs.back()) <= 25.0, qPrintable(where));
            QVERIFY2(std::abs(e.qt.back()) <= 45.0, qPrintable(where));
        }
        qInfo("mean error (mean |error|): HR %.2f (%.2f) bpm, PR %.1f (%.1f) ms, QRS %.1f (%.1f) ms, QT %.1f (%.1f) ms",
              Errors::mean(e.hr), Errors::meanAbs(e.hr), Errors::mean(e.pr), Errors::meanAbs(e.pr),
              Errors::mean(e.qrs), Errors::meanAbs(e.qrs), Errors::mean(e.qt), Errors::meanAbs(e.qt));
        QVERIFY(std::abs(Errors::mean(e.pr)) <= 10.0);
        QVERIFY(std::abs(Errors::mean(e.qrs)) <= 10.0);
        QVERIFY(std::abs(Errors::mean(e.qt)) <= 25.0);
    }

    void noPrInAtrialFibrillation()
    {
        synth::Options o;
        o.rhythm = Rhythm::AtrialFibrillation;
        o.seed = 3;
        const auto s = synth::generate(o);
        const dsp::Intervals m = dsp::measureIntervals(s->ecg);
        QVERIFY(!m.prMs);
        QVERIFY(m.qrsMs);
        QVERIFY(m.rrSdMs > 0.15 * m.rrMeanMs);
    }

    void tooShortARecordGivesNoMeasurements()
    {
        Ecg ecg;
        ecg.sampleRateHz = 500;
        ecg.leads.push_back({QStringLiteral("II"), std::vector<float>(200, 0.0f)});
        const dsp::Intervals m = dsp::measureIntervals(ecg);
        QCOMPARE(m.heartRateBpm, 0.0);
        QVERIFY(!m.qrsMs);
        QCOMPARE(m.summary(), QStringLiteral("HR: too few beats"));
    }
};

QTEST_GUILESS_MAIN(TestIntervals)
#include "tst_intervals.moc"
