#include "core/io/reader.h"
#include "core/io/wfdb.h"
#include "core/synth/generator.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "tests/core/io/testfiles.h"

#include <cmath>
#include <cstring>

using namespace ecgscope;

namespace {

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(bytes), bytes.size());
}

QByteArray le16(int16_t v)
{
    const auto u = uint16_t(v);
    QByteArray b(2, '\0');
    b[0] = char(u & 0xFF);
    b[1] = char(u >> 8);
    return b;
}

QByteArray le32(int32_t v)
{
    QByteArray b(4, '\0');
    std::memcpy(b.data(), &v, 4);
    return b;
}

const QString kShared = QStringLiteral(ECGSCOPE_SHARED_DIR);

} // namespace

class TestWfdb : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTripWithinOneAdcUnit()
    {
        auto made = synth::generate({synth::Rhythm::AtrialFibrillation, 500.0, 10000.0, 0.0, 11, 1.0});
        QVERIFY(made);
        Ecg ecg = made->ecg;
        // One lead far beyond int16 at 1 µV/unit forces a smaller gain for that lead.
        for (float &v : ecg.leads[7].microvolts)
            v *= 40.0f;
        ecg.statements << QStringLiteral("Atrial fibrillation with rapid ventricular response");
        ecg.patient.id = QStringLiteral("P-42");
        ecg.acquisition.site = QStringLiteral("Ward 3");
        QTemporaryDir dir;
        const QString base = dir.filePath(QStringLiteral("rec_1"));
        const Status written = io::writeWfdb(ecg, base);
        QVERIFY2(written, qPrintable(written.error()));
        auto back = io::readWfdb(base + QStringLiteral(".hea"));
        QVERIFY2(back, qPrintable(back.error()));
        QCOMPARE(back->sampleRateHz, 500.0);
        QCOMPARE(back->sampleCount(), ecg.sampleCount());
        QCOMPARE(back->leadNames(), ecg.leadNames());
        QVERIFY2(back->notes.isEmpty(), qPrintable(back->notes.join(QLatin1Char(';')))); // checksums verified
        for (size_t l = 0; l < ecg.leads.size(); ++l) {
            // One ADC unit: 1 µV at gain 1000/mV, more for the rescaled lead.
            const float peak = *std::max_element(ecg.leads[l].microvolts.begin(), ecg.leads[l].microvolts.end(),
                                                 [](float a, float b) { return std::abs(a) < std::abs(b); });
            const double unit = std::abs(peak) < 32000.0f ? 1.0 : 1000.0 / std::floor(32000.0 * 1000.0 / std::abs(peak));
            for (int i = 0; i < ecg.sampleCount(); ++i)
                QVERIFY(std::abs(back->leads[l].microvolts[size_t(i)] - ecg.leads[l].microvolts[size_t(i)]) <= unit);
        }
        QCOMPARE(back->labels, ecg.labels);
        QCOMPARE(back->patient.id, QStringLiteral("P-42"));
        QCOMPARE(back->patient.ageYears, ecg.patient.ageYears);
        QVERIFY(back->patient.sex == ecg.patient.sex);
        QCOMPARE(back->acquisition.site, QStringLiteral("Ward 3"));
        QCOMPARE(back->acquisition.start, ecg.acquisition.start);
        QCOMPARE(back->statements, ecg.statements);
    }

    // Every real sample EcgScope reads, written as WFDB and read back: each lead at its source's own step
    // (4.88 µV for MUSE, 2.5 for DICOM, 5 for Philips and EDF, 0.9536 for a Mindray aECG ...) comes back
    // exactly; no lead is more than half its step off.
    void convertKeepsTheSourcesSteps()
    {
        const QString samples = kShared + QStringLiteral("/samples");
        if (!QFileInfo::exists(samples))
            QSKIP("../shared/samples is absent");
        QTemporaryDir dir;
        int files = 0, exactLeads = 0, leads = 0;
        for (const auto &[file, source] : readableRecordsBelow(samples)) {
            const QString out = dir.filePath(QStringLiteral("r%1.hea").arg(++files));
            QVERIFY2(io::writeEcg(source, out), qPrintable(file));
            auto back = io::readEcg(out);
            QVERIFY2(back, qPrintable(back.error()));
            for (size_t l = 0; l < source.leads.size(); ++l) {
                const LeadSignal &a = source.leads[l];
                const LeadSignal *b = back->lead(a.name);
                QVERIFY2(b, qPrintable(file + QLatin1Char(' ') + a.name));
                double worst = 0.0;
                for (size_t k = 0; k < a.microvolts.size(); ++k)
                    worst = std::max(worst, double(std::abs(b->microvolts[k] - a.microvolts[k])));
                const double step = a.resolutionMicrovolts > 0 ? a.resolutionMicrovolts : 1.0;
                QVERIFY2(worst <= std::max(0.5, step / 2) + 1e-3, qPrintable(QStringLiteral("%1 %2: %3 µV off").arg(file, a.name).arg(worst)));
                ++leads;
                exactLeads += worst <= 1e-3 * step + 1e-3;
            }
        }
        qInfo("%d files, %d of %d leads exact after WFDB export", files, exactLeads, leads);
        QVERIFY(files >= 20);
        QVERIFY(exactLeads * 10 >= leads * 9);
    }

    void readsFormat212()
    {
        // Hand-packed: signals a = {100, -200, 2047}, b = {-1, 0, -2047}, interleaved a0 b0 a1 b1 a2 b2;
        // each pair (x, y) -> x & 0xFF, (x >> 8 & 0xF) | (y >> 8 & 0xF) << 4, y & 0xFF.
        const int stream[6] = {100, -1, -200, 0, 2047, -2047};
        QByteArray bytes;
        for (int p = 0; p < 6; p += 2) {
            const int x = stream[p] & 0xFFF, y = stream[p + 1] & 0xFFF;
            bytes.append(char(x & 0xFF)).append(char(((x >> 8) & 0xF) | (((y >> 8) & 0xF) << 4))).append(char(y & 0xFF));
        }
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("r212.dat")), bytes);
        writeFile(dir.filePath(QStringLiteral("r212.hea")),
                  "r212 2 360 3\nr212.dat 212 200/mV 12 0 100 0 0 MLII\nr212.dat 212 200(10)/mV 12 0 -1 0 0 V5\n");
        auto ecg = io::readWfdb(dir.filePath(QStringLiteral("r212")));
        QVERIFY2(ecg, qPrintable(ecg.error()));
        QCOMPARE(ecg->sampleRateHz, 360.0);
        // Standard leads sort first: V5 before the non-standard MLII.
        QCOMPARE(ecg->leadNames(), (QStringList{QStringLiteral("V5"), QStringLiteral("MLII")}));
        // µV = (adc - baseline) / 200 * 1000 = 5 µV per unit.
        QCOMPARE(ecg->lead(QStringLiteral("MLII"))->microvolts, (std::vector<float>{500.0f, -1000.0f, 10235.0f}));
        QCOMPARE(ecg->lead(QStringLiteral("V5"))->microvolts, (std::vector<float>{-55.0f, -50.0f, -10285.0f}));
    }

    void readsSignalsSpreadOverFilesWithOffsetAndUnits()
    {
        QTemporaryDir dir;
        // File a: 16-byte preamble then I, II interleaved; file b: V1 alone, in µV.
        QByteArray a(16, 'x');
        for (int16_t v : {10, 20, 11, 21, 12, 22})
            a.append(le16(v));
        QByteArray b;
        for (int16_t v : {-5, -6, -7})
            b.append(le16(v));
        writeFile(dir.filePath(QStringLiteral("a.dat")), a);
        writeFile(dir.filePath(QStringLiteral("b.dat")), b);
        writeFile(dir.filePath(QStringLiteral("multi.hea")),
                  "# a comment before the record line\nmulti 3 500 3 12:30:00 25/11/2026\n"
                  "a.dat 16+16 100/mV 16 0 10 0 0 I\na.dat 16+16 0/mV 16 0 20 0 0 II\nb.dat 16 2/uV 16 0 -5 0 0 V1\n"
                  "#Age: 61\n#Sex: F\n#Dx: 164889003,59118001\n");
        auto ecg = io::readWfdb(dir.filePath(QStringLiteral("multi.hea")));
        QVERIFY2(ecg, qPrintable(ecg.error()));
        QCOMPARE(ecg->lead(QStringLiteral("I"))->microvolts, (std::vector<float>{100.0f, 110.0f, 120.0f})); // 10 µV/unit
        QCOMPARE(ecg->lead(QStringLiteral("II"))->microvolts, (std::vector<float>{100.0f, 105.0f, 110.0f})); // gain 0 = 200
        QCOMPARE(ecg->lead(QStringLiteral("V1"))->microvolts, (std::vector<float>{-2.5f, -3.0f, -3.5f}));
        // 8-lead style: III, aVR, aVL, aVF are derived from I and II.
        QCOMPARE(ecg->leads.size(), size_t(7));
        QVERIFY(ecg->lead(QStringLiteral("aVF"))->derived);
        QCOMPARE(ecg->patient.ageYears, std::optional<int>(61));
        QVERIFY(ecg->patient.sex == Sex::Female);
        QCOMPARE(ecg->labels.size(), size_t(2));
        QCOMPARE(ecg->labels[1].code, QStringLiteral("59118001"));
        QCOMPARE(ecg->labels[1].system, QStringLiteral("SNOMED-CT"));
        QCOMPARE(ecg->acquisition.start, QDateTime(QDate(2026, 11, 25), QTime(12, 30)));
    }

    void readsMatlabV4OfTheChallenges_data()
    {
        QTest::addColumn<int>("type"); // MOPT: 30 = int16, 0 = double
        QTest::newRow("int16") << 30;
        QTest::newRow("double") << 0;
    }
    void readsMatlabV4OfTheChallenges()
    {
        QFETCH(int, type);
        // 12 x 4 matrix 'val', stored column by column: element (lead r, sample c) = 100 * r - c.
        QByteArray mat = le32(type) + le32(12) + le32(4) + le32(0) + le32(4) + QByteArray("val", 4);
        for (int c = 0; c < 4; ++c) {
            for (int r = 0; r < 12; ++r) {
                const int v = 100 * r - c;
                if (type == 30) {
                    mat.append(le16(int16_t(v)));
                } else {
                    double d = v;
                    mat.append(QByteArray(reinterpret_cast<const char *>(&d), 8));
                }
            }
        }
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("X0001.mat")), mat);
        QString header = QStringLiteral("X0001 12 500 4 05-Jun-2020 10:00:00\n");
        for (const QString &lead : standardLeadNames())
            header += QStringLiteral("X0001.mat 16+24 1000/mV 16 0 0 0 0 %1\n").arg(lead);
        header += QStringLiteral("#Age: 70\n#Sex: Male\n#Dx: 270492004\n");
        writeFile(dir.filePath(QStringLiteral("X0001.hea")), header.toUtf8());
        auto ecg = io::readEcg(dir.filePath(QStringLiteral("X0001.mat"))); // the signal file finds its header
        QVERIFY2(ecg, qPrintable(ecg.error()));
        QCOMPARE(ecg->leadNames(), standardLeadNames());
        for (int r = 0; r < 12; ++r)
            for (int c = 0; c < 4; ++c)
                QCOMPARE(ecg->leads[size_t(r)].microvolts[size_t(c)], float(100 * r - c));
        QCOMPARE(ecg->acquisition.start.date(), QDate(2020, 6, 5));
        QCOMPARE(ecg->labels.front().code, QStringLiteral("270492004"));
    }

    void errorsNameFileAndProblem_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<QString>("expected");
        const QByteArray ok = "r 1 500 4\nr.dat 16 1000/mV 16 0 0 0 0 I\n";
        QTest::newRow("missing dat") << ok << QByteArray() << "cannot open signal file";
        QTest::newRow("truncated dat") << ok << QByteArray(6, '\0') << "declares 4 samples per signal, file holds 3";
        QTest::newRow("unsupported format") << QByteArray("r 1 500 4\nr.dat 311 1000/mV 16 0 0 0 0 I\n") << QByteArray(8, '\0') << "format 311 is not supported";
        QTest::newRow("bad units") << QByteArray("r 1 500 4\nr.dat 16 1000/mmHg 16 0 0 0 0 I\n") << QByteArray(8, '\0') << "units 'mmHg'";
        QTest::newRow("too few signal lines") << QByteArray("r 2 500 4\nr.dat 16 1000/mV 16 0 0 0 0 I\n") << QByteArray(16, '\0') << "declares 2 signals but describes 1";
        QTest::newRow("bad rate") << QByteArray("r 1 -5 4\nr.dat 16\n") << QByteArray(8, '\0') << "sampling frequency";
        QTest::newRow("path in file name") << QByteArray("r 1 500 4\n../etc/r.dat 16\n") << QByteArray(8, '\0') << "not a plain file name";
        QTest::newRow("offset beyond file") << QByteArray("r 1 500 4\nr.dat 16+4096 1000/mV\n") << QByteArray(8, '\0') << "byte offset 4096";
        QTest::newRow("multi-segment") << QByteArray("r/2 1 500 4\n") << QByteArray() << "multi-segment";
    }
    void errorsNameFileAndProblem()
    {
        QFETCH(QByteArray, header);
        QFETCH(QByteArray, data);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("r.hea")), header);
        if (!data.isEmpty())
            writeFile(dir.filePath(QStringLiteral("r.dat")), data);
        auto ecg = io::readEcg(dir.filePath(QStringLiteral("r.hea")));
        QVERIFY(!ecg);
        QVERIFY2(ecg.error().contains(expected), qPrintable(ecg.error()));
        QVERIFY2(ecg.error().contains(dir.path()), qPrintable(ecg.error()));
    }

    void refusesBadMatlabFiles()
    {
        QTemporaryDir dir;
        QString header = QStringLiteral("M 12 500 1000\n");
        for (const QString &lead : standardLeadNames())
            header += QStringLiteral("M.mat 16+24 1000/mV 16 0 0 0 0 %1\n").arg(lead);
        writeFile(dir.filePath(QStringLiteral("M.hea")), header.toUtf8());
        // Declares 12 x 1000 int16 but holds only a few bytes: an error, no over-read.
        writeFile(dir.filePath(QStringLiteral("M.mat")), le32(30) + le32(12) + le32(1000) + le32(0) + le32(4) + QByteArray("val", 4) + QByteArray(10, '\0'));
        auto ecg = io::readEcg(dir.filePath(QStringLiteral("M.hea")));
        QVERIFY(!ecg);
        QVERIFY2(ecg.error().contains(QStringLiteral("needs")), qPrintable(ecg.error()));
        // A MATLAB v5 file (text header) is refused by name.
        writeFile(dir.filePath(QStringLiteral("M.mat")), QByteArray("MATLAB 5.0 MAT-file") + QByteArray(200, ' '));
        ecg = io::readEcg(dir.filePath(QStringLiteral("M.hea")));
        QVERIFY(!ecg);
        QVERIFY2(ecg.error().contains(QStringLiteral("MATLAB v4")), qPrintable(ecg.error()));
    }

    void writerRefusesBadNames()
    {
        auto made = synth::generate({});
        QVERIFY(made);
        QTemporaryDir dir;
        const Status s = io::writeWfdb(made->ecg, dir.filePath(QStringLiteral("bad name")));
        QVERIFY(!s);
        QVERIFY(s.error().contains(QStringLiteral("letters, digits")));
    }

    void readsPtbDiagnosticRecordOverTwoFiles()
    {
        const QString hea = kShared + QStringLiteral("/samples/wfdb/s0010_re.hea");
        if (!QFile::exists(hea))
            QSKIP("../shared/samples/wfdb is absent");
        auto ecg = io::readEcg(hea);
        QVERIFY2(ecg, qPrintable(ecg.error()));
        QCOMPARE(ecg->sampleRateHz, 1000.0);
        QCOMPARE(ecg->sampleCount(), 38400);
        QCOMPARE(ecg->leads.size(), size_t(15));
        QCOMPARE(ecg->leadNames().mid(0, 12), standardLeadNames()); // lower-case names canonicalised
        QCOMPARE(ecg->leadNames().mid(12), (QStringList{QStringLiteral("vx"), QStringLiteral("vy"), QStringLiteral("vz")}));
        // The header's own checksums and first values are the independent reference.
        QVERIFY2(ecg->notes.isEmpty(), qPrintable(ecg->notes.join(QLatin1Char(';'))));
        QFile f(hea);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'));
        for (int s = 1; s <= 15; ++s) {
            const QStringList tok = lines[s].split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
            const double gain = tok[2].section(QLatin1Char('/'), 0, 0).section(QLatin1Char('('), 0, 0).toDouble();
            const double expected = (tok[5].toDouble() - tok[4].toDouble()) / gain * 1000.0;
            QCOMPARE(double(ecg->leads[size_t(s - 1)].microvolts[0]), expected);
        }
    }

    void readsEveryChallengeRecord()
    {
        const QDir dir(kShared + QStringLiteral("/data/cinc-sample"));
        if (!dir.exists())
            QSKIP("../shared/data/cinc-sample is absent");
        const QStringList headers = dir.entryList({QStringLiteral("*.hea")}, QDir::Files);
        QCOMPARE(headers.size(), 159);
        int reduced = 0;
        for (const QString &h : headers) {
            auto ecg = io::readEcg(dir.filePath(h));
            QVERIFY2(ecg, qPrintable(ecg.error()));
            QVERIFY(!ecg->labels.empty());
            // Standard leads in standard order; all 12, or a CinC 2021 reduced-lead set plus derived limb leads.
            QStringList expected = standardLeadNames();
            if (ecg->leads.size() != 12) {
                ++reduced;
                QVERIFY2(ecg->notes.join(QLatin1Char(';')).contains(QStringLiteral("reduced-lead")), qPrintable(h));
                expected.erase(std::remove_if(expected.begin(), expected.end(), [&](const QString &n) { return !ecg->lead(n); }), expected.end());
                QVERIFY(ecg->leads.size() == 2 || ecg->leads.size() == 6 || ecg->leads.size() == 7); // II+V5 cannot derive
            } else {
                // The only note a complete record may carry: leads it holds no signal in (JS45544's V2-V6).
                QVERIFY2(ecg->notes.isEmpty() || (ecg->notes.size() == 1 && ecg->notes.front().startsWith(QStringLiteral("no signal in "))),
                         qPrintable(h + QStringLiteral(": ") + ecg->notes.join(QLatin1Char(';'))));
            }
            QCOMPARE(ecg->leadNames(), expected);
        }
        QCOMPARE(reduced, 33);
    }

    void readsHeaderWhoseRecordLineRanIntoTheFirstSignal_data()
    {
        // Element (lead r, sample c) = 100 * r - c: lead I's first sample 0, its checksum 0 - 1 - 2 - 3 = -6.
        QTest::addColumn<QString>("recordLine");
        QTest::addColumn<bool>("readable");
        // CinC's JS01052 as published: a lost line break took the sample count's end and I's file, format, gain.
        QTest::newRow("bytes lost") << QStringLiteral("X0001 12 500 400000/mV 16 0 0 -6 0 I") << true;
        QTest::newRow("line break lost") << QStringLiteral("X0001 12 500 4 X0001.mat 16+24 1000/mV 16 0 0 -6 0 I") << true;
        QTest::newRow("data disagree") << QStringLiteral("X0001 12 500 400000/mV 16 0 0 1234 0 I") << false;
    }
    void readsHeaderWhoseRecordLineRanIntoTheFirstSignal()
    {
        QFETCH(QString, recordLine);
        QFETCH(bool, readable);
        QByteArray mat = le32(30) + le32(12) + le32(4) + le32(0) + le32(4) + QByteArray("val", 4);
        for (int c = 0; c < 4; ++c)
            for (int r = 0; r < 12; ++r)
                mat.append(le16(int16_t(100 * r - c)));
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("X0001.mat")), mat);
        QString header = recordLine + QLatin1Char('\n');
        for (int r = 1; r < 12; ++r)
            header += QStringLiteral("X0001.mat 16+24 1000/mV 16 0 %1 %2 0 %3\n").arg(100 * r).arg(400 * r - 6).arg(standardLeadNames()[r]);
        writeFile(dir.filePath(QStringLiteral("X0001.hea")), header.toUtf8());
        auto ecg = io::readEcg(dir.filePath(QStringLiteral("X0001.hea")));
        if (!readable) {
            QVERIFY(!ecg);
            QVERIFY2(ecg.error().contains(QStringLiteral("X0001.hea: WFDB:")) && ecg.error().contains(QStringLiteral("cannot be read safely")),
                     qPrintable(ecg.error()));
            return;
        }
        QVERIFY2(ecg, qPrintable(ecg.error()));
        QCOMPARE(ecg->leadNames(), standardLeadNames());
        QCOMPARE(ecg->sampleCount(), 4);
        for (int r = 0; r < 12; ++r)
            for (int c = 0; c < 4; ++c)
                QCOMPARE(ecg->leads[size_t(r)].microvolts[size_t(c)], float(100 * r - c));
        QVERIFY2(ecg->notes.join(QLatin1Char(';')).contains(QStringLiteral("damaged header")), qPrintable(ecg->notes.join(QLatin1Char(';'))));
    }

    void readsReducedLeadChallengeRecord()
    {
        const QString hea = kShared + QStringLiteral("/data/cinc-sample/E07524.hea");
        if (!QFile::exists(hea))
            QSKIP("../shared/data/cinc-sample is absent");
        auto ecg = io::readEcg(hea);
        QVERIFY2(ecg, qPrintable(ecg.error()));
        // The .mat holds I, II, V2 (first samples -102, 0, 73 in the header); III, aVR, aVL, aVF are derived.
        QCOMPARE(ecg->leadNames(), (QStringList{QStringLiteral("I"), QStringLiteral("II"), QStringLiteral("III"), QStringLiteral("aVR"),
                                                QStringLiteral("aVL"), QStringLiteral("aVF"), QStringLiteral("V2")}));
        QCOMPARE(ecg->lead(QStringLiteral("V2"))->microvolts[0], 73.0f);
        QCOMPARE(ecg->lead(QStringLiteral("III"))->microvolts[0], 102.0f); // II - I, as the header's own III says
        QVERIFY(ecg->lead(QStringLiteral("III"))->derived);
    }

    void readsPtbXlRecordWithGainAndLeadOrder()
    {
        const QString base = kShared + QStringLiteral("/data/cinc-sample/HR00002");
        if (!QFile::exists(base + QStringLiteral(".hea")))
            QSKIP("../shared/data/cinc-sample is absent");
        auto ecg = io::readEcg(base + QStringLiteral(".hea"));
        QVERIFY2(ecg, qPrintable(ecg.error()));
        QCOMPARE(ecg->sampleRateHz, 500.0);
        QCOMPARE(ecg->sampleCount(), 5000);
        // Independent decode of the .mat: int16 column-major after a 24-byte preamble, 1000 units per mV.
        QFile mat(base + QStringLiteral(".mat"));
        QVERIFY(mat.open(QIODevice::ReadOnly));
        const QByteArray bytes = mat.readAll();
        for (int t : {0, 1234, 4999}) {
            for (int r = 0; r < 12; ++r) {
                int16_t raw;
                std::memcpy(&raw, bytes.constData() + 24 + 2 * (t * 12 + r), 2);
                QCOMPARE(ecg->leads[size_t(r)].microvolts[size_t(t)], float(raw));
            }
        }
        QCOMPARE(ecg->leads[0].microvolts[0], -15.0f); // header initial value of lead I
        QCOMPARE(ecg->patient.ageYears, std::optional<int>(19));
        QVERIFY(ecg->patient.sex == Sex::Male);
        QCOMPARE(ecg->labels.size(), size_t(2));
        QCOMPARE(ecg->labels[0].code, QStringLiteral("426177001"));
    }
};

QTEST_GUILESS_MAIN(TestWfdb)
#include "tst_wfdb.moc"
