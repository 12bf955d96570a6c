#include "core/dsp/calibrationpulse.h"
#include "core/dsp/intervals.h"
#include "core/io/reader.h"
#include "core/synth/generator.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include "tests/core/io/testfiles.h"

#include <algorithm>

using namespace ecgscope;

namespace {

const QString kShared = QStringLiteral(ECGSCOPE_SHARED_DIR);

Ecg sinus(uint64_t seed)
{
    synth::Options o;
    o.seed = seed;
    return synth::generate(o)->ecg;
}

/// Puts `before` zeros, `pulse` samples at `microvolts` and `after` zeros around ... at one end of every
/// lead (or only of the leads `leads` names), as a device writes its calibration.
Ecg withPulse(Ecg ecg, bool atStart, int before, int pulse, int after, float microvolts, int leads = -1)
{
    std::vector<float> block(size_t(before), 0.0f);
    block.insert(block.end(), size_t(pulse), microvolts);
    block.insert(block.end(), size_t(after), 0.0f);
    for (int l = 0; l < int(ecg.leads.size()); ++l) {
        auto &v = ecg.leads[size_t(l)].microvolts;
        std::vector<float> b = l < leads || leads < 0 ? block : std::vector<float>(block.size(), 0.0f);
        v.insert(atStart ? v.begin() : v.end(), b.begin(), b.end());
    }
    return ecg;
}

} // namespace

class TestCalibrationPulse : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Philips' pattern at the end (50 zeros, 100 samples at 1 mV, 50 zeros) and a pulse first thing in
    // a record: cut off exactly, the ECG left as it was.
    void cutsPulseOffEitherEnd_data()
    {
        QTest::addColumn<bool>("atStart");
        QTest::addColumn<int>("before");
        QTest::addColumn<int>("after");
        QTest::newRow("Philips, end") << false << 50 << 50;
        QTest::newRow("pulse last") << false << 30 << 0;
        QTest::newRow("pulse first") << true << 0 << 40;
        QTest::newRow("zeros, pulse, zeros first") << true << 25 << 25;
    }
    void cutsPulseOffEitherEnd()
    {
        QFETCH(bool, atStart);
        QFETCH(int, before);
        QFETCH(int, after);
        const Ecg clean = sinus(3);
        Ecg ecg = withPulse(clean, atStart, before, 100, after, 1000.0f);
        QVERIFY(ecg.finishLoading().isEmpty());
        QCOMPARE(ecg.sampleCount(), clean.sampleCount());
        for (size_t l = 0; l < clean.leads.size(); ++l)
            QCOMPARE(ecg.leads[l].microvolts, clean.leads[l].microvolts);
        QCOMPARE(int(ecg.calibrationPulses.size()), 1);
        const CalibrationPulse &p = ecg.calibrationPulses.front();
        QCOMPARE(p.atStart, atStart);
        QCOMPARE(p.amplitudeMicrovolts, 1000.0);
        QCOMPARE(p.durationMs, 200.0); // 100 samples at 500 Hz
        QCOMPARE(p.removedSamples, before + 100 + after);
        QVERIFY2(ecg.notes.join(QLatin1Char(';')).contains(QStringLiteral("calibration pulse of 1000 µV × 200 ms")), qPrintable(ecg.notes.join(QLatin1Char(';'))));
    }

    // What is not a device's calibration stays: a step in only some leads, zeros alone (leads off),
    // a step far from 1 mV, a plateau too short, and ordinary ECGs of every rhythm.
    void leavesWhatIsNotAPulse()
    {
        const Ecg clean = sinus(5);
        for (Ecg ecg : {withPulse(clean, false, 50, 100, 50, 1000.0f, 11), withPulse(clean, false, 300, 0, 0, 0.0f),
                        withPulse(clean, false, 50, 100, 50, 5000.0f), withPulse(clean, false, 50, 10, 50, 1000.0f)}) {
            const int n = ecg.sampleCount();
            QVERIFY(ecg.finishLoading().isEmpty());
            QCOMPARE(ecg.sampleCount(), n);
            QVERIFY(ecg.calibrationPulses.empty());
        }
        for (const synth::Rhythm r : synth::allRhythms()) {
            synth::Options o;
            o.rhythm = r;
            o.seed = uint64_t(40 + int(r));
            Ecg ecg = synth::generate(o)->ecg;
            QVERIFY(!dsp::findCalibrationPulse(ecg, false) && !dsp::findCalibrationPulse(ecg, true));
        }
    }

    // Every Philips sample ends with the pulse (the samples README); lead ranges, measurements and
    // classification then see ECG only.
    void philipsFilesLoseTheirPulse()
    {
        const QString folder = kShared + QStringLiteral("/samples/philips");
        if (!QDir(folder).exists())
            QSKIP("../shared/samples/philips is absent");
        const auto records = readableRecordsBelow(folder);
        QCOMPARE(int(records.size()), 6);
        for (const auto &[file, ecg] : records) {
            QCOMPARE(int(ecg.calibrationPulses.size()), 1);
            const CalibrationPulse &p = ecg.calibrationPulses.front();
            QVERIFY2(!p.atStart && std::abs(p.amplitudeMicrovolts - 1000.0) <= 10.0 && std::abs(p.durationMs - 200.0) <= 4.0, qPrintable(file));
            // The pulse lies in the last 0.4-1 s of 11 s: the ECG keeps 10-10.6 s.
            QVERIFY2(ecg.durationMs() >= 10000.0 && ecg.durationMs() <= 10600.0, qPrintable(file));
        }
        // Philips103Example01: lead I raw -64...200, II -183...200 at 5 µV, where 200 is the pulse.
        const auto find = [&](const char *name) {
            return std::find_if(records.begin(), records.end(), [&](const auto &r) { return r.first.endsWith(QLatin1String(name)); })->second;
        };
        const Ecg touch = find("Philips103Example01.xml");
        for (const char *lead : {"I", "II"}) {
            const auto &v = touch.lead(QLatin1String(lead))->microvolts;
            QVERIFY2(*std::max_element(v.begin(), v.end()) < 1000.0f, lead);
        }
        QCOMPARE(*std::min_element(touch.lead(QStringLiteral("I"))->microvolts.begin(), touch.lead(QStringLiteral("I"))->microvolts.end()), -320.0f);
        QCOMPARE(*std::min_element(touch.lead(QStringLiteral("II"))->microvolts.begin(), touch.lead(QStringLiteral("II"))->microvolts.end()), -915.0f);
        // The 15-lead file: V3R, V4R, V7 held only the pulse; lead II raw -117...429 is ECG.
        const Ecg fifteen = find("ecg_900657176_1.xml");
        for (const char *lead : {"V3R", "V4R", "V7"})
            QVERIFY2(!fifteen.lead(QLatin1String(lead))->hasSignal(), lead);
        QVERIFY(fifteen.notes.join(QLatin1Char(';')).contains(QStringLiteral("no signal in V3R, V4R, V7")));
        QCOMPARE(*std::max_element(fifteen.lead(QStringLiteral("II"))->microvolts.begin(), fifteen.lead(QStringLiteral("II"))->microvolts.end()), 2145.0f);
        QCOMPARE(*std::min_element(fifteen.lead(QStringLiteral("II"))->microvolts.begin(), fifteen.lead(QStringLiteral("II"))->microvolts.end()), -585.0f);
        // The pulse no longer passes for beats: RR regular (SD 288 ms with the pulse).
        QVERIFY(dsp::measureIntervals(find("129DYPRG.XML")).rrSdMs < 20.0);
    }

    // No other real file holds one: every other sample and the 868 labelled ECGs keep every sample.
    void realRecordsWithoutAPulseKeepEverySample()
    {
        if (!QDir(kShared).exists())
            QSKIP("../shared is absent");
        int records = 0;
        for (const QString &folder : {QStringLiteral("/samples"), QStringLiteral("/data")}) {
            for (const auto &[file, ecg] : readableRecordsBelow(kShared + folder)) {
                ++records;
                const bool philips = file.contains(QStringLiteral("/philips/")) || file.endsWith(QStringLiteral("_converted.xml"));
                QVERIFY2(ecg.calibrationPulses.empty() != philips, qPrintable(file));
            }
        }
        QVERIFY(records > 800);
    }
};

QTEST_GUILESS_MAIN(TestCalibrationPulse)
#include "tst_calibrationpulse.moc"
