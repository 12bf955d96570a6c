#include "core/dsp/intervals.h"
#include "core/io/ecgxml.h"
#include "core/io/reader.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "tests/core/io/testfiles.h"

#include <cmath>

using namespace ecgscope;

namespace {

const QString kSamples = QStringLiteral(ECGSCOPE_SHARED_DIR "/samples/");

#define REQUIRE_SAMPLES()                                                                                                \
    if (!QFile::exists(kSamples + QStringLiteral("README.md")))                                                          \
        QSKIP("../shared/samples is absent");

Ecg load(const QString &relative)
{
    auto r = io::readEcg(kSamples + relative);
    if (!r)
        qFatal("%s", qPrintable(r.error()));
    return std::move(r).value();
}

QByteArray bytesOf(const QString &path)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return f.readAll();
}

} // namespace

class TestEcgXml : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void aecgIsBitIdenticalToTheDicomCopy()
    {
        REQUIRE_SAMPLES();
        const Ecg xml = load(QStringLiteral("hl7aecg/Example_aECG.xml"));
        const Ecg dcm = load(QStringLiteral("dicom/Example.dcm"));
        QCOMPARE(xml.sourceFormat, QStringLiteral("HL7 aECG"));
        QCOMPARE(xml.sampleRateHz, 500.0);
        QCOMPARE(xml.leadNames(), standardLeadNames()); // stored I, II, V1-V6, III, aVR, aVL, aVF
        QCOMPARE(xml.sampleCount(), dcm.sampleCount());
        for (const QString &lead : standardLeadNames())
            QCOMPARE(xml.lead(lead)->microvolts, dcm.lead(lead)->microvolts);
        QCOMPARE(xml.patient.id, QStringLiteral("SBJ-123"));
        QCOMPARE(xml.patient.ageYears, std::optional<int>(46));
        QCOMPARE(xml.acquisition.start, QDateTime(QDate(2002, 11, 22), QTime(9, 10)));
        QVERIFY(xml.statements.contains(QStringLiteral("Sinus Rhythm")));
        const Ecg other = load(QStringLiteral("hl7aecg/subject1_0.xml"));
        QCOMPARE(other.leads.size(), size_t(12));
        QCOMPARE(other.durationMs(), 10000.0);
    }

    void philipsXliMatchesItsAecgConversion()
    {
        REQUIRE_SAMPLES();
        const Ecg philips = load(QStringLiteral("philips/ad4d3d80-d165_1-04_orig.xml"));
        const Ecg converted = load(QStringLiteral("hl7aecg/ad4d3d80-d165_1-04_converted.xml"));
        QCOMPARE(philips.sourceFormat, QStringLiteral("Philips XML"));
        QCOMPARE(philips.sampleRateHz, 500.0);
        // 11 s stored; the last 0.4 s (zeros, the 1 mV pulse, zeros) is calibration, cut off in both copies.
        QCOMPARE(philips.sampleCount(), 5300);
        QCOMPARE(converted.sampleCount(), 5300);
        QCOMPARE(philips.leadNames(), standardLeadNames());
        // shared/samples/README.md: equal within about +-3 LSB (5 µV each), the converted copy being
        // filtered. Measured: 99% of samples within 2 LSB, a handful at 4 LSB, none beyond; a decoding
        // error would be off by far more.
        for (const QString &lead : standardLeadNames()) {
            const auto &a = philips.lead(lead)->microvolts, &b = converted.lead(lead)->microvolts;
            int close = 0;
            for (int i = 0; i < philips.sampleCount(); ++i) {
                const float d = std::abs(a[size_t(i)] - b[size_t(i)]);
                QVERIFY2(d <= 20.0f, qPrintable(QStringLiteral("%1[%2]: %3 vs %4").arg(lead).arg(i).arg(a[size_t(i)]).arg(b[size_t(i)])));
                close += d <= 10.0f;
            }
            QVERIFY2(close >= 0.98 * philips.sampleCount(), qPrintable(lead));
        }
        QVERIFY(philips.statements.front().startsWith(QStringLiteral("SINUS BRADYCARDIA")));
        QVERIFY(philips.patient.sex == Sex::Female);
    }

    void philipsCalibrationPulseAndUtf16()
    {
        REQUIRE_SAMPLES();
        const Ecg mrx = load(QStringLiteral("philips/129DYPRG.XML"));
        // About 10.6 s of ECG, zeros, then a 1 mV x 200 ms calibration pulse near samples 5350-5449:
        // decoded in every lead (the pulse is found only where all leads hold it), then cut off.
        QCOMPARE(int(mrx.calibrationPulses.size()), 1);
        const CalibrationPulse &pulse = mrx.calibrationPulses.front();
        QCOMPARE(pulse.onsetMs, 5350 * 2.0);
        QCOMPARE(pulse.durationMs, 200.0);
        QCOMPARE(pulse.amplitudeMicrovolts, 1000.0);
        QCOMPARE(pulse.removedFirstSample + pulse.removedSamples, 5500);
        QCOMPARE(mrx.sampleCount(), pulse.removedFirstSample);
        QVERIFY(mrx.sampleCount() > 5200);
        const Ecg utf16 = load(QStringLiteral("philips/3191723_ZZDEMOPTONLY_1-04_orig.xml"));
        QCOMPARE(utf16.leads.size(), size_t(12));
        const Ecg beats = load(QStringLiteral("philips/repbeats_example.xml"));
        QCOMPARE(beats.sampleRateHz, 500.0); // the 1000 Hz representative beats are not the rhythm
        QCOMPARE(beats.sampleCount() + beats.calibrationPulses.front().removedSamples, 5500);
    }

    void museRhythmScaleAndCrc_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("rawMin");
        QTest::addColumn<int>("rawMax");
        QTest::newRow("example1") << QStringLiteral("muse/example1.xml") << -72 << 260;
        QTest::newRow("example2") << QStringLiteral("muse/example2.xml") << -154 << 380;
        QTest::newRow("example3") << QStringLiteral("muse/example3.xml") << -54 << 192;
    }
    void museRhythmScaleAndCrc()
    {
        REQUIRE_SAMPLES();
        QFETCH(QString, file);
        QFETCH(int, rawMin);
        QFETCH(int, rawMax);
        const Ecg ecg = load(file);
        QCOMPARE(ecg.sourceFormat, QStringLiteral("GE MUSE XML"));
        QCOMPARE(ecg.sampleCount(), 5000); // the rhythm, not the 600-sample median
        QCOMPARE(ecg.leadNames(), standardLeadNames());
        QVERIFY(ecg.lead(QStringLiteral("aVF"))->derived);
        const auto &ii = ecg.lead(QStringLiteral("II"))->microvolts;
        QCOMPARE(*std::min_element(ii.begin(), ii.end()), float(rawMin * 4.88));
        QCOMPARE(*std::max_element(ii.begin(), ii.end()), float(rawMax * 4.88));
        QVERIFY2(!ecg.notes.join(QString()).contains(QStringLiteral("CRC")), qPrintable(ecg.notes.join(QString()))); // every lead's CRC-32 holds
        QVERIFY(!ecg.measurements.empty());
    }

    // Schiller SEMA 2.64 (UTF-8 with BOM, upper-case AVR/AVL/AVF): the facts of the samples README.
    void schillerSemaRhythms()
    {
        REQUIRE_SAMPLES();
        const Ecg ecg = load(QStringLiteral("schiller/schiller.xml"));
        QCOMPARE(ecg.sourceFormat, QStringLiteral("Schiller SEMA XML"));
        QCOMPARE(ecg.sampleRateHz, 500.0);
        QCOMPARE(ecg.sampleCount(), 4998);
        QCOMPARE(ecg.leadNames(), standardLeadNames());
        const auto &i = ecg.lead(QStringLiteral("I"))->microvolts;
        QCOMPARE(std::vector<float>(i.begin(), i.begin() + 6), (std::vector<float>{-25, -65, -135, -195, -255, -295}));
        const auto range = [&ecg](const char *lead) {
            const auto &v = ecg.lead(QLatin1String(lead))->microvolts;
            return std::make_pair(*std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end()));
        };
        QCOMPARE(range("I"), std::make_pair(-315.0f, 1135.0f));
        QCOMPARE(range("II"), std::make_pair(-830.0f, 645.0f));
        QCOMPARE(range("V1"), std::make_pair(220.0f, 2310.0f));
        QVERIFY(!ecg.lead(QStringLiteral("aVR"))->derived); // stored, as AVR
        QCOMPARE(ecg.acquisition.start, QDateTime(QDate(2006, 5, 2), QTime(14, 6, 10)));
        QCOMPARE(ecg.acquisition.device, QStringLiteral("Schiller AT-110"));
        bool hr = false;
        for (const Measurement &m : ecg.measurements)
            hr |= m.name == QStringLiteral("HR") && m.value == 59.0 && m.unit == QStringLiteral("bpm");
        QVERIFY(hr);
    }

    // GE CardioSoft 6.73 (ISO-8859-1): strip II raw 40, 41, 41, 41, 42, 42, raw 17...420 at 5 µV; 42 bpm.
    void cardioSoftStrip()
    {
        REQUIRE_SAMPLES();
        const Ecg ecg = load(QStringLiteral("cardiosoft/example1.xml"));
        QCOMPARE(ecg.sourceFormat, QStringLiteral("GE CardioSoft XML"));
        QCOMPARE(ecg.sampleRateHz, 500.0);
        QCOMPARE(ecg.sampleCount(), 5000);
        QCOMPARE(ecg.leadNames(), standardLeadNames());
        const auto &ii = ecg.lead(QStringLiteral("II"))->microvolts;
        QCOMPARE(std::vector<float>(ii.begin(), ii.begin() + 6), (std::vector<float>{200, 205, 205, 205, 210, 210}));
        QCOMPARE(*std::min_element(ii.begin(), ii.end()), 85.0f);
        QCOMPARE(*std::max_element(ii.begin(), ii.end()), 2100.0f);
        QVERIFY(!ecg.acquisition.start.isValid()); // the file's year 1 means "not given"
        QStringList measured;
        for (const Measurement &m : ecg.measurements)
            measured << QStringLiteral("%1 %2 %3").arg(m.name).arg(m.value).arg(m.unit);
        QVERIFY2(measured.contains(QStringLiteral("VentricularRate 42 bpm")) && measured.contains(QStringLiteral("QRSDuration 106 ms")), qPrintable(measured.join(QLatin1Char(';'))));
        // Ours agrees: HR 42.
        QVERIFY2(std::abs(dsp::measureIntervals(ecg).heartRateBpm - 42.0) <= 1.5, qPrintable(dsp::measureIntervals(ecg).summary()));
    }

    void schillerAndCardioSoftRefuseBrokenFiles()
    {
        QTemporaryDir dir;
        const auto error = [&dir](const char *name, const QByteArray &xml) {
            const QString path = writeTestFile(dir, QLatin1String(name), xml);
            const auto r = io::readEcg(path);
            return r ? QStringLiteral("(read)") : r.error();
        };
        QString e = error("a.xml", "<SchillerEDI><eventdata><event><wavedata><type>ECG_RHYTHMS</type><resolution><samplerate><exponent>1</exponent>"
                                   "<value>500</value></samplerate><yres><unitperbit>1</unitperbit><units>UV</units></yres></resolution>"
                                   "<channel><name>I</name><data>1,2,x3</data></channel></wavedata></event></eventdata></SchillerEDI>");
        QVERIFY2(e.contains(QStringLiteral("a.xml: Schiller SEMA XML: channel I")), qPrintable(e));
        e = error("b.xml", "<SchillerEDI><eventdata/></SchillerEDI>");
        QVERIFY2(e.contains(QStringLiteral("no ECG_RHYTHMS")), qPrintable(e));
        e = error("c.xml", "<CardiologyXML><PatientInfo/></CardiologyXML>");
        QVERIFY2(e.contains(QStringLiteral("c.xml: GE CardioSoft XML: no StripData")), qPrintable(e));
        e = error("d.xml", "<CardiologyXML><StripData><SampleRate>500</SampleRate><Resolution units=\"furlongs\">5</Resolution></StripData></CardiologyXML>");
        QVERIFY2(e.contains(QStringLiteral("not a voltage")), qPrintable(e));
    }

    void crc32KnownValue() { QCOMPARE(io::crc32("123456789"), quint32(0xCBF43926)); }

    void hostileAndBrokenFiles()
    {
        REQUIRE_SAMPLES();
        QTemporaryDir dir;
        // Malformed base64 inside a MUSE lead.
        QByteArray muse = bytesOf(kSamples + QStringLiteral("muse/example1.xml"));
        const qsizetype at = muse.indexOf("<WaveFormData>", muse.indexOf("<WaveformType>Rhythm")) + 20;
        muse[at] = '*';
        auto r = io::readEcg(writeTestFile(dir, QStringLiteral("bad64.xml"), muse));
        QVERIFY(!r);
        QVERIFY2(r.error().contains(QStringLiteral("bad64.xml: GE MUSE XML: lead I: malformed base64")), qPrintable(r.error()));
        // A changed sample fails the lead's CRC-32 (a warning: the data stay readable).
        muse = bytesOf(kSamples + QStringLiteral("muse/example1.xml"));
        qsizetype data = muse.indexOf("<WaveFormData>", muse.indexOf("<WaveformType>Rhythm")) + 14;
        while (!QChar(muse[data]).isLetter())
            ++data; // skip the line break before the data
        muse[data] = muse[data] == 'A' ? 'B' : 'A';
        r = io::readEcg(writeTestFile(dir, QStringLiteral("crc.xml"), muse));
        QVERIFY2(r, qPrintable(r.error()));
        QVERIFY(r->notes.join(QString()).contains(QStringLiteral("lead I fails its CRC-32")));
        // Truncated XML.
        const QByteArray philips = bytesOf(kSamples + QStringLiteral("philips/129DYPRG.XML"));
        r = io::readEcg(writeTestFile(dir, QStringLiteral("cut.xml"), philips.left(philips.size() / 2)));
        QVERIFY(!r);
        QVERIFY2(r.error().contains(QStringLiteral("cut.xml: XML: XML error at line")), qPrintable(r.error()));
        // Unknown root element.
        r = io::readEcg(writeTestFile(dir, QStringLiteral("other.xml"), "<?xml version=\"1.0\"?><svg><g/></svg>"));
        QVERIFY(!r);
        QVERIFY(r.error().contains(QStringLiteral("root element <svg>")));
    }

    void entitiesAreNeitherFetchedNorExpandedWithoutBound()
    {
        QTemporaryDir dir;
        QByteArray laughs = "<?xml version=\"1.0\"?><!DOCTYPE RestingECG [<!ENTITY a \"aaaaaaaaaa\">";
        for (char c = 'b'; c <= 'k'; ++c)
            laughs += QStringLiteral("<!ENTITY %1 \"&%2;&%2;&%2;&%2;&%2;&%2;&%2;&%2;&%2;&%2;\">").arg(QChar(c)).arg(QChar(c - 1)).toLatin1();
        laughs += "]><RestingECG><PatientDemographics><PatientID>&k;</PatientID></PatientDemographics></RestingECG>";
        QElapsedTimer clock;
        clock.start();
        auto r = io::readEcg(writeTestFile(dir, QStringLiteral("laughs.xml"), laughs));
        QVERIFY(!r);
        QVERIFY(clock.elapsed() < 5000);
        const QByteArray external = "<?xml version=\"1.0\"?><!DOCTYPE AnnotatedECG [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                                    "<AnnotatedECG><component><series><code code=\"RHYTHM\"/>&x;</series></component></AnnotatedECG>";
        r = io::readEcg(writeTestFile(dir, QStringLiteral("xxe.xml"), external));
        QVERIFY(!r);
        QVERIFY(!r.error().contains(QStringLiteral("root:")));
    }

    void xliRejectsGarbageWithoutCrashing()
    {
        for (int seed = 0; seed < 200; ++seed) {
            QByteArray junk;
            for (int i = 0; i < 64 + seed; ++i)
                junk.append(char((i * 131 + seed * 17) & 0xFF));
            (void)io::decodeXliChunk(junk, qint16(seed)); // an error or some samples, never a crash
        }
        QVERIFY(io::decodeXliChunk(QByteArray(), 0));
    }
};

QTEST_GUILESS_MAIN(TestEcgXml)
#include "tst_ecgxml.moc"
