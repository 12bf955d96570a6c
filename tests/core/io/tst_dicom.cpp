#include "core/io/dicom.h"
#include "core/io/reader.h"
#include "core/synth/generator.h"

#include <dcmtk/dcmdata/dctk.h>

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace ecgscope;

namespace {

const QString kExample = QStringLiteral(ECGSCOPE_SHARED_DIR "/samples/dicom/Example.dcm");

/// Runs an independent DICOM tool; empty when it is not installed.
std::optional<QString> runTool(const QString &tool, const QStringList &args)
{
    const QString exe = QStandardPaths::findExecutable(tool);
    if (exe.isEmpty())
        return std::nullopt;
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(exe, args);
    p.waitForFinished(60000);
    return QString::fromUtf8(p.readAll());
}

Ecg synthetic(double durationMs)
{
    synth::Options o;
    o.rhythm = synth::Rhythm::Vpc;
    o.durationMs = durationMs;
    o.seed = 17;
    auto s = synth::generate(o);
    s->ecg.statements << QStringLiteral("Sinus rhythm with ventricular premature complexes");
    return s->ecg;
}

/// One channel of a waveform group written by hand with DCMTK: its source code, unit and raw samples.
struct Channel {
    const char *code, *scheme, *meaning, *unit;
    double sensitivity;
    std::vector<Sint16> raw;
};

/// A MAC-Lab-like Hemodynamic Waveform Storage file (or any SOP class) with one group of these channels.
QString writeWaveform(const QString &path, const char *sopClass, double rateHz, const std::vector<Channel> &channels)
{
    DcmFileFormat file;
    DcmDataset *ds = file.getDataset();
    char uid[100];
    ds->putAndInsertString(DCM_SOPClassUID, sopClass);
    ds->putAndInsertString(DCM_SOPInstanceUID, dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT));
    ds->putAndInsertString(DCM_Modality, "HD");
    ds->putAndInsertString(DCM_Manufacturer, "GE Medical Systems");
    DcmItem *group = nullptr;
    ds->findOrCreateSequenceItem(DCM_WaveformSequence, group, -2);
    const size_t samples = channels.front().raw.size();
    group->putAndInsertString(DCM_WaveformOriginality, "ORIGINAL");
    group->putAndInsertUint16(DCM_NumberOfWaveformChannels, Uint16(channels.size()));
    group->putAndInsertUint32(DCM_NumberOfWaveformSamples, Uint32(samples));
    group->putAndInsertString(DCM_SamplingFrequency, QByteArray::number(rateHz).constData());
    std::vector<Uint16> data(channels.size() * samples);
    for (size_t c = 0; c < channels.size(); ++c) {
        DcmItem *def = nullptr, *source = nullptr, *units = nullptr;
        group->findOrCreateSequenceItem(DCM_ChannelDefinitionSequence, def, -2);
        def->findOrCreateSequenceItem(DCM_ChannelSourceSequence, source, -2);
        source->putAndInsertString(DCM_CodeValue, channels[c].code);
        source->putAndInsertString(DCM_CodingSchemeDesignator, channels[c].scheme);
        source->putAndInsertString(DCM_CodeMeaning, channels[c].meaning);
        def->putAndInsertString(DCM_ChannelSensitivity, QByteArray::number(channels[c].sensitivity).constData());
        def->findOrCreateSequenceItem(DCM_ChannelSensitivityUnitsSequence, units, -2);
        units->putAndInsertString(DCM_CodeValue, channels[c].unit);
        units->putAndInsertString(DCM_CodingSchemeDesignator, "UCUM");
        def->putAndInsertUint16(DCM_WaveformBitsStored, 16);
        for (size_t t = 0; t < samples; ++t)
            data[t * channels.size() + c] = Uint16(channels[c].raw[t]);
    }
    group->putAndInsertUint16(DCM_WaveformBitsAllocated, 16);
    group->putAndInsertString(DCM_WaveformSampleInterpretation, "SS");
    group->putAndInsertUint16Array(DCM_WaveformData, data.data(), static_cast<unsigned long>(data.size()));
    file.saveFile(QFile::encodeName(path).constData(), EXS_LittleEndianExplicit);
    return path;
}

std::vector<Sint16> wave(double amplitude, double periodSamples, size_t n)
{
    std::vector<Sint16> v(n);
    for (size_t t = 0; t < n; ++t)
        v[t] = Sint16(std::lround(amplitude * std::sin(2.0 * M_PI * double(t) / periodSamples)));
    return v;
}

} // namespace

class TestDicom : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsReferenceExample()
    {
        if (!QFile::exists(kExample))
            QSKIP("../shared/samples/dicom is absent");
        auto ecg = io::readEcg(kExample);
        QVERIFY2(ecg, qPrintable(ecg.error()));
        QCOMPARE(ecg->sourceFormat, QStringLiteral("DICOM"));
        QCOMPARE(ecg->sampleRateHz, 500.0);
        QCOMPARE(ecg->sampleCount(), 5000);
        QCOMPARE(ecg->leadNames(), standardLeadNames());
        // Facts from shared/samples/README.md (checked there with pydicom).
        const auto &ii = ecg->lead(QStringLiteral("II"))->microvolts;
        QCOMPARE(*std::min_element(ii.begin(), ii.end()), -667.5f);
        QCOMPARE(*std::max_element(ii.begin(), ii.end()), 335.0f);
        QCOMPARE(ecg->lead(QStringLiteral("I"))->microvolts[1000], -12.5f);
        QCOMPARE(ii[1000], -17.5f);
        QCOMPARE(ecg->lead(QStringLiteral("III"))->microvolts[1000], -5.0f);
        QCOMPARE(ecg->patient.id, QStringLiteral("SBJ-123"));
        QVERIFY(ecg->patient.sex == Sex::Male);
        QCOMPARE(ecg->patient.birthDate, QDate(1953, 5, 8));
        QCOMPARE(ecg->acquisition.start, QDateTime(QDate(2002, 11, 22), QTime(9, 10)));
        QVERIFY(ecg->notes.join(QString()).contains(QStringLiteral("MEDIAN BEAT")));
        const auto pr = std::find_if(ecg->measurements.begin(), ecg->measurements.end(), [](const Measurement &m) { return m.name == QLatin1String("PR Interval"); });
        QVERIFY(pr != ecg->measurements.end());
        QCOMPARE(pr->value, 148.0);
        QCOMPARE(pr->unit, QStringLiteral("ms"));
    }

    void roundTripWithinOneStep_data()
    {
        QTest::addColumn<double>("durationMs");
        QTest::addColumn<QString>("sopClass");
        QTest::newRow("10 s: 12-lead IOD") << 10000.0 << QStringLiteral("TwelveLeadECG");
        QTest::newRow("40 s: General ECG IOD") << 40000.0 << QStringLiteral("GeneralECG");
    }
    void roundTripWithinOneStep()
    {
        QFETCH(double, durationMs);
        QFETCH(QString, sopClass);
        const Ecg ecg = synthetic(durationMs);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("rt.dcm"));
        const Status written = io::writeDicom(ecg, path);
        QVERIFY2(written, qPrintable(written.error()));
        auto back = io::readEcg(path);
        QVERIFY2(back, qPrintable(back.error()));
        QCOMPARE(back->leadNames(), ecg.leadNames());
        QCOMPARE(back->sampleRateHz, ecg.sampleRateHz);
        QCOMPARE(back->sampleCount(), ecg.sampleCount());
        for (size_t l = 0; l < ecg.leads.size(); ++l)
            for (size_t i = 0; i < ecg.leads[l].microvolts.size(); ++i)
                QVERIFY(std::abs(back->leads[l].microvolts[i] - ecg.leads[l].microvolts[i]) <= 0.5f + 1e-3f); // 1 µV steps
        QCOMPARE(back->patient.id, ecg.patient.id);
        QCOMPARE(back->patient.name, ecg.patient.name);
        QCOMPARE(back->patient.ageYears, ecg.patient.ageYears);
        QVERIFY(back->patient.sex == ecg.patient.sex);
        QCOMPARE(back->acquisition.start, ecg.acquisition.start);
        QCOMPARE(back->statements, ecg.statements);

        // The independent validator and dumper of dicom3tools / DCMTK.
        const auto verdict = runTool(QStringLiteral("dciodvfy"), {path});
        if (!verdict)
            QSKIP("dciodvfy (dicom3tools) is not installed");
        QVERIFY2(verdict->contains(sopClass), qPrintable(*verdict));
        QVERIFY2(!verdict->contains(QStringLiteral("Error")), qPrintable(*verdict));
        const auto dump = runTool(QStringLiteral("dcmdump"), {path});
        QVERIFY(dump && dump->contains(QStringLiteral("[") + ecg.patient.id + QStringLiteral("]")));
        QVERIFY(dump->contains(QStringLiteral("2:61")));        // lead III in the MDC scheme
        QVERIFY(dump->contains(QStringLiteral("Lead aVF")));
    }

    void deidentifies()
    {
        Ecg ecg = synthetic(10000.0);
        ecg.patient.name = QStringLiteral("Jane Roe");
        ecg.patient.id = QStringLiteral("MRN-556677");
        ecg.patient.birthDate = QDate(1961, 2, 3);
        ecg.acquisition.site = QStringLiteral("St Elsewhere");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("anon.dcm"));
        io::WriteOptions deid;
        deid.deidentify = Deidentifier{Deidentifier::newKey(), DateHandling::Remove};
        QVERIFY(io::writeEcg(ecg, path, deid));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        for (const char *secret : {"Roe", "MRN-556677", "19610203", "Elsewhere"})
            QVERIFY2(!bytes.contains(secret), secret);
        auto back = io::readEcg(path);
        QVERIFY(back);
        QVERIFY(back->patient.name.isEmpty());
        QCOMPARE(back->patient.id, deid.deidentify->pseudonym(ecg.patient.id));
        QVERIFY(!back->patient.birthDate.isValid());
        QVERIFY(!back->acquisition.start.isValid()); // the dummy dates are marked as such
        // The pseudonym is stable for a patient under one key.
        const QString second = dir.filePath(QStringLiteral("anon2.dcm"));
        QVERIFY(io::writeEcg(ecg, second, deid));
        QCOMPARE(io::readEcg(second)->patient.id, back->patient.id);
        // The file says what was done (DCMTK's dump, read independently of our reader).
        const auto dump = runTool(QStringLiteral("dcmdump"), {path});
        if (!dump)
            QSKIP("dcmdump (DCMTK) is not installed");
        QVERIFY2(dump->contains(QStringLiteral("(0012,0062) CS [YES]")), qPrintable(*dump));             // Patient Identity Removed
        QVERIFY2(dump->contains(QStringLiteral("(0028,0303) CS [REMOVED]")), qPrintable(*dump));         // Longitudinal Temporal Information Modified
        QVERIFY2(dump->contains(QStringLiteral("(0008,0023) DA [19000101]")), qPrintable(*dump));        // Content Date: the dummy
    }

    void readsEcgLeadsOfOtherWaveformClasses()
    {
        // GE MAC-Lab stores a resting 12-lead ECG as Hemodynamic Waveform Storage beside pressures.
        QTemporaryDir dir;
        const size_t n = 2400; // 10 s at 240 Hz
        const std::vector<Channel> channels{
            {"2:1", "MDC", "Lead I", "uV", 2.5, wave(200, 240, n)},
            {"5.6.3-9-2", "SCPECG", "Lead II", "mV", 0.005, wave(150, 180, n)},
            {"2:3", "MDC", "Lead V1", "uV", 2.5, wave(-300, 120, n)},
            {"8867-4", "LN", "Arterial pressure", "mm[Hg]", 0.125, wave(800, 200, n)},
        };
        const char *hemodynamic = "1.2.840.10008.5.1.4.1.1.9.2.1";
        auto ecg = io::readEcg(writeWaveform(dir.filePath(QStringLiteral("maclab.dcm")), hemodynamic, 240.0, channels));
        QVERIFY2(ecg, qPrintable(ecg.error()));
        QCOMPARE(ecg->sampleRateHz, 240.0);
        QCOMPARE(ecg->sampleCount(), int(n));
        QVERIFY(!ecg->lead(QStringLiteral("Arterial pressure")));
        // Stored raw x sensitivity: I 2.5 µV, II 5 µV (0.005 mV), V1 2.5 µV per unit.
        for (const size_t t : {size_t(0), size_t(60), size_t(1234)}) {
            QCOMPARE(ecg->lead(QStringLiteral("I"))->microvolts[t], float(channels[0].raw[t] * 2.5));
            QCOMPARE(ecg->lead(QStringLiteral("II"))->microvolts[t], float(channels[1].raw[t] * 5.0));
            QCOMPARE(ecg->lead(QStringLiteral("V1"))->microvolts[t], float(channels[2].raw[t] * 2.5));
        }
        const QString notes = ecg->notes.join(QLatin1Char('\n'));
        QVERIFY2(notes.contains(QStringLiteral("Arterial pressure (mm[Hg])")), qPrintable(notes));
        QVERIFY2(notes.contains(QLatin1String(hemodynamic)), qPrintable(notes));

        // Pressures alone: refused, naming what the file holds.
        auto pressures = io::readEcg(writeWaveform(dir.filePath(QStringLiteral("pressures.dcm")), hemodynamic, 240.0, {channels[3]}));
        QVERIFY(!pressures);
        QVERIFY2(pressures.error().contains(QStringLiteral("pressures.dcm: DICOM:")) && pressures.error().contains(QStringLiteral("no channel is an ECG lead"))
                     && pressures.error().contains(QStringLiteral("Arterial pressure")),
                 qPrintable(pressures.error()));
    }

    void refusesBrokenFiles()
    {
        if (!QFile::exists(kExample))
            QSKIP("../shared/samples/dicom is absent");
        QFile f(kExample);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        QTemporaryDir dir;
        const auto write = [&](const QString &name, const QByteArray &content) {
            QFile out(dir.filePath(name));
            out.open(QIODevice::WriteOnly);
            out.write(content);
            return out.fileName();
        };
        for (qsizetype cut : {qsizetype(200), qsizetype(2000), bytes.size() / 2, bytes.size() - 7}) {
            auto r = io::readEcg(write(QStringLiteral("cut.dcm"), bytes.left(cut)));
            QVERIFY2(!r, qPrintable(QString::number(cut)));
            QVERIFY2(r.error().contains(QStringLiteral("cut.dcm: DICOM:")), qPrintable(r.error()));
        }
        // Garbage after a valid preamble.
        QByteArray junk(128, '\0');
        junk += "DICM";
        junk += QByteArray(500, '\x7f');
        auto r = io::readEcg(write(QStringLiteral("junk.dcm"), junk));
        QVERIFY(!r);
        QVERIFY2(r.error().contains(QStringLiteral("junk.dcm: DICOM:")), qPrintable(r.error()));
        // Rates outside the ECG IODs are refused on writing.
        Ecg slow = synthetic(10000.0);
        slow.sampleRateHz = 100.0;
        QVERIFY(io::writeDicom(slow, dir.filePath(QStringLiteral("slow.dcm"))).error().contains(QStringLiteral("200-1000 Hz")));
    }
};

QTEST_GUILESS_MAIN(TestDicom)
#include "tst_dicom.moc"
