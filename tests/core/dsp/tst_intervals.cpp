#include "core/dsp/intervals.h"
#include "core/dsp/serial.h"
#include "core/io/reader.h"
#include "core/synth/generator.h"

#include <QFile>

#include <QDir>
#include <QTest>

#include "tests/core/io/testfiles.h"

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

    void ventricularBeatsAreLeftOutOfTheMedianBeat()
    {
        synth::Options o;
        o.rhythm = Rhythm::Vpc;
        o.seed = 7;
        o.heartRateBpm = 72;
        const auto s = synth::generate(o);
        const dsp::Intervals m = dsp::measureIntervals(s->ecg);
        int ventricular = 0;
        for (const auto &b : s->truth.beats) {
            if (b.kind != synth::BeatKind::Ventricular)
                continue;
            ++ventricular;
            for (int r : m.dominantBeats)
                QVERIFY2(std::abs(1000.0 * r / s->ecg.sampleRateHz - b.rPeakMs) > 60.0, qPrintable(QString::number(b.rPeakMs)));
        }
        QVERIFY(ventricular >= 1);
        QVERIFY(m.dominantBeats.size() >= 5);
        // The normal beats' QRS and PR are measured, not the wide ectopic one's.
        QVERIFY2(m.prMs, qPrintable(m.summary()));
        QVERIFY2(m.qrsMs && std::abs(*m.qrsMs - s->truth.qrsMs) <= 25.0, qPrintable(m.summary()));
    }

    // The frontal QRS axis against the generator's net QRS vector (normal conduction, arms not swapped),
    // over the whole range of axes it draws (-45 to +110°), with realistic noise.
    void frontalAxisMatchesTheGenerator()
    {
        std::vector<double> errors;
        for (uint64_t seed = 1; seed <= 24; ++seed) {
            synth::Options o;
            o.rhythm = seed % 2 ? Rhythm::Sinus : Rhythm::SinusTachycardia;
            o.seed = seed;
            o.variants = false;
            const auto s = synth::generate(o);
            const dsp::Intervals m = dsp::measureIntervals(s->ecg);
            QVERIFY2(m.qrsAxisDeg, qPrintable(m.summary()));
            const double error = std::remainder(*m.qrsAxisDeg - s->truth.qrsAxisDeg, 360.0);
            QVERIFY2(std::abs(error) <= 15.0, qPrintable(QStringLiteral("seed %1: %2°, true %3°").arg(seed).arg(*m.qrsAxisDeg).arg(s->truth.qrsAxisDeg)));
            errors.push_back(error);
        }
        qInfo("axis error vs the generator: mean |error| %.1f°, largest %.1f°", Errors::meanAbs(errors), Errors::maxAbs(errors));
        QVERIFY(Errors::meanAbs(errors) <= 6.0);
    }

    // Serial comparison: changes and highlights against values set by hand.
    void comparesWithAPriorEcg()
    {
        dsp::Intervals before, after;
        before.heartRateBpm = 60, before.prMs = 160, before.qrsMs = 90, before.qtMs = 400, before.qtcBazettMs = 400, before.qrsAxisDeg = 170;
        after.heartRateBpm = 85, after.prMs = 210, after.qrsMs = 100, after.qtMs = 420, after.qtcBazettMs = 435, after.qrsAxisDeg = -160;
        const auto c = dsp::compareMeasurements(before, after);
        QCOMPARE(int(c.size()), 6);
        const auto row = [&c](const char *name) { return *std::find_if(c.begin(), c.end(), [name](const dsp::SerialChange &x) { return x.name == QLatin1String(name); }); };
        QCOMPARE(*row("HR").change, 25.0);
        QCOMPARE(row("HR").flag, QStringLiteral("HR +25 bpm (limit +20)"));
        QCOMPARE(*row("PR").change, 50.0);
        QVERIFY(!row("PR").flag.isEmpty());
        QCOMPARE(*row("QRS").change, 10.0);
        QVERIFY(row("QRS").flag.isEmpty());
        QCOMPARE(*row("QTc").change, 35.0);
        QVERIFY(!row("QTc").flag.isEmpty());
        QCOMPARE(*row("axis").change, 30.0); // 170° to -160° is 30° the short way round
        QVERIFY(row("axis").flag.isEmpty());
        before.qtcBazettMs = 480; // a new QTc above 500, though only +25
        after.qtcBazettMs = 505;
        QCOMPARE(row("QTc").flag, QStringLiteral("QTc +35 ms (limit +30)"));
        QCOMPARE(dsp::compareMeasurements(before, after)[4].flag, QStringLiteral("QTc 505 ms, above 500"));
        after.prMs.reset();
        QVERIFY(!dsp::compareMeasurements(before, after)[1].change);
        // The model's class: a new arrhythmia class is a finding, a change to "Other" or none is not.
        const QStringList classes{QStringLiteral("AVB1/2"), QStringLiteral("AF/AFL"), QStringLiteral("Other")};
        QCOMPARE(dsp::newClassFlag(2, 1, classes, 2), QStringLiteral("new AF/AFL"));
        QVERIFY(dsp::newClassFlag(1, 2, classes, 2).isEmpty());
        QVERIFY(dsp::newClassFlag(1, 1, classes, 2).isEmpty());

        // Generated records of known rates and QTc: the changes EcgScope reports are the truth's.
        synth::Options o;
        o.variants = false;
        o.seed = 8;
        o.heartRateBpm = 62;
        const auto slow = synth::generate(o);
        o.heartRateBpm = 95;
        o.seed = 9;
        const auto fast = synth::generate(o);
        const auto changes = dsp::compareMeasurements(dsp::measureIntervals(slow->ecg), dsp::measureIntervals(fast->ecg));
        QVERIFY(std::abs(*changes[0].change - (fast->truth.heartRateBpm - slow->truth.heartRateBpm)) <= 3.0);
        QVERIFY(!changes[0].flag.isEmpty());
        QVERIFY2(std::abs(*changes[4].change - (fast->truth.qtcMs - slow->truth.qtcMs)) <= 25.0, qPrintable(QString::number(*changes[4].change)));
    }

    // The devices' own QRS axes in ../shared/samples (SCP Section 7, MUSE RAxis, Schiller AXIS_QRS).
    void frontalAxisMatchesTheDevices()
    {
        const QString samples = QStringLiteral(ECGSCOPE_SHARED_DIR "/samples");
        if (!QDir(samples).exists())
            QSKIP("../shared/samples is absent");
        std::vector<double> errors;
        for (const auto &[file, ecg] : readableRecordsBelow(samples)) {
            const auto device = std::find_if(ecg.measurements.begin(), ecg.measurements.end(), [](const Measurement &x) {
                return x.name == QLatin1String("QRS Axis") || x.name == QLatin1String("RAxis") || x.name == QLatin1String("AXIS_QRS");
            });
            if (device == ecg.measurements.end())
                continue;
            const dsp::Intervals m = dsp::measureIntervals(ecg);
            QVERIFY2(m.qrsAxisDeg, qPrintable(file));
            errors.push_back(std::remainder(*m.qrsAxisDeg - device->value, 360.0));
            QVERIFY2(std::abs(errors.back()) <= 25.0, qPrintable(QStringLiteral("%1: %2° against the device's %3°").arg(file).arg(*m.qrsAxisDeg).arg(device->value)));
        }
        QVERIFY(errors.size() >= 8);
        qInfo("axis vs %d devices' values: mean |difference| %.1f°, largest %.1f°", int(errors.size()), Errors::meanAbs(errors), Errors::maxAbs(errors));
        QVERIFY(Errors::meanAbs(errors) <= 8.0);
    }

    // A regular sinus rhythm has no ectopic beats, its first and last included: a beat too near the
    // record's edge for the median beat's window is still judged by its QRS shape.
    void edgeBeatsOfASinusRhythmAreDominant()
    {
        int edgeBeats = 0;
        for (uint64_t seed = 1; seed <= 12; ++seed) {
            synth::Options o;
            o.rhythm = Rhythm::Sinus;
            o.seed = seed;
            o.heartRateBpm = 61;
            const auto s = synth::generate(o);
            QVERIFY(s);
            const dsp::Intervals m = dsp::measureIntervals(s->ecg);
            QCOMPARE(m.rPeaks.size(), s->truth.beats.size());
            QCOMPARE(m.dominantBeats, m.rPeaks);
            const double rrMs = 60000.0 / 61.0;
            const double firstMs = 1000.0 * m.rPeaks.front() / s->ecg.sampleRateHz;
            const double lastMs = s->ecg.durationMs() - 1000.0 * m.rPeaks.back() / s->ecg.sampleRateHz;
            edgeBeats += (firstMs < 0.75 * rrMs) + (lastMs < 0.85 * rrMs);
            QVERIFY2(m.prMs && m.qrsMs && m.qtMs, qPrintable(m.summary()));
        }
        QVERIFY2(edgeBeats >= 6, "the seeds should put beats near the edges"); // else the test shows nothing
    }

    // Real recordings against the acquiring device's own global measurements (GE MUSE, DICOM, SCP-ECG),
    // as stored in the files (values from ../shared/samples, read here by hand from the files).
    void agreesWithTheDevicesMeasurements_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<double>("rateBpm"); // 0: not stated
        QTest::addColumn<double>("pr");
        QTest::addColumn<double>("qrs");
        QTest::addColumn<double>("qt");
        QTest::addRow("MUSE example1") << "muse/example1.xml" << 48.0 << 138.0 << 96.0 << 452.0;
        QTest::addRow("MUSE example3") << "muse/example3.xml" << 59.0 << 164.0 << 106.0 << 436.0;
        QTest::addRow("DICOM Example") << "dicom/Example.dcm" << 0.0 << 148.0 << 120.0 << 420.0;
        QTest::addRow("SCP 2007") << "scp/ECG_20070321_110542_191010101010.SCP" << 75.0 << 157.0 << 88.0 << 360.0;
        QTest::addRow("SCP 2017") << "scp/ECG_20170504_163507_123456789.SCP" << 60.0 << 167.0 << 88.0 << 386.0;
    }
    void agreesWithTheDevicesMeasurements()
    {
        QFETCH(QString, file);
        QFETCH(double, rateBpm);
        QFETCH(double, pr);
        QFETCH(double, qrs);
        QFETCH(double, qt);
        const QString path = QStringLiteral(ECGSCOPE_SHARED_DIR "/samples/") + file;
        if (!QFile::exists(path))
            QSKIP(qPrintable(QStringLiteral("%1 is absent (../shared/samples not beside the checkout)").arg(path)));
        const auto ecg = io::readEcg(path);
        QVERIFY2(ecg, qPrintable(ecg.error()));
        const dsp::Intervals m = dsp::measureIntervals(ecg.value());
        const QString what = m.summary();
        if (rateBpm > 0)
            QVERIFY2(std::abs(m.heartRateBpm - rateBpm) <= 2.0, qPrintable(what));
        QVERIFY2(m.prMs && std::abs(*m.prMs - pr) <= 20.0, qPrintable(what));
        QVERIFY2(m.qrsMs && std::abs(*m.qrsMs - qrs) <= 20.0, qPrintable(what));
        // Our QT ends the T wave a little earlier than these devices do (10-30 ms on these files).
        QVERIFY2(m.qtMs && *m.qtMs - qt <= 20.0 && *m.qtMs - qt >= -45.0, qPrintable(what));
    }

    void noPrInAtrialFibrillation()
    {
        for (uint64_t seed = 1; seed <= 8; ++seed) {
            synth::Options o;
            o.rhythm = Rhythm::AtrialFibrillation;
            o.seed = seed;
            const auto s = synth::generate(o);
            const dsp::Intervals m = dsp::measureIntervals(s->ecg);
            QVERIFY2(!m.prMs && m.qrsMs, qPrintable(QStringLiteral("seed %1: %2").arg(seed).arg(m.summary())));
        }
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
