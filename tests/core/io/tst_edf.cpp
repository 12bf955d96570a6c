#include "core/io/edf.h"
#include "core/io/reader.h"
#include "core/synth/generator.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "tests/core/io/testfiles.h"

#include <cmath>

using namespace ecgscope;

namespace {

const QString kSamples = QStringLiteral(ECGSCOPE_SHARED_DIR "/samples/");

QByteArray field(const QString &text, int width)
{
    return text.toLatin1().leftJustified(width, ' ', true);
}

void put16(QByteArray &b, int v)
{
    b += char(v & 0xFF);
    b += char((v >> 8) & 0xFF);
}

/// An EDF+ file built by hand from the specification: 2 data records of 1 s; "ECG II" at 4 Hz in µV
/// (digital -100..100 for -200..200 µV: 2 µV a step), an accelerometer at 2 Hz in g, and the EDF
/// Annotations signal (16 samples = 32 bytes a record).
QByteArray handBuiltEdfPlus(int records = 2, int declaredRecords = 2)
{
    QByteArray h;
    h += field(QStringLiteral("0"), 8);
    h += field(QStringLiteral("MCH-0234567 F 02-MAY-1951 Haagse_Harry"), 80);
    h += field(QStringLiteral("Startdate 02-MAR-2002 EMR-1 T1 Holter_3000"), 80);
    h += field(QStringLiteral("02.03.02"), 8) + field(QStringLiteral("13.14.15"), 8);
    h += field(QString::number(256 * 4), 8) + field(QStringLiteral("EDF+C"), 44);
    h += field(QString::number(declaredRecords), 8) + field(QStringLiteral("1"), 8) + field(QStringLiteral("3"), 4);
    const QStringList labels{QStringLiteral("ECG II"), QStringLiteral("Accelerometer X"), QStringLiteral("EDF Annotations")};
    const QStringList dims{QStringLiteral("uV"), QStringLiteral("g"), QString()};
    const QStringList physMin{QStringLiteral("-200"), QStringLiteral("-4"), QStringLiteral("-1")};
    const QStringList physMax{QStringLiteral("200"), QStringLiteral("4"), QStringLiteral("1")};
    const QStringList digMin{QStringLiteral("-100"), QStringLiteral("-2048"), QStringLiteral("-32768")};
    const QStringList digMax{QStringLiteral("100"), QStringLiteral("2047"), QStringLiteral("32767")};
    const QStringList samples{QStringLiteral("4"), QStringLiteral("2"), QStringLiteral("16")};
    for (const QString &v : labels) h += field(v, 16);
    for (int s = 0; s < 3; ++s) h += field(QString(), 80);
    for (const QString &v : dims) h += field(v, 8);
    for (const QString &v : physMin) h += field(v, 8);
    for (const QString &v : physMax) h += field(v, 8);
    for (const QString &v : digMin) h += field(v, 8);
    for (const QString &v : digMax) h += field(v, 8);
    for (int s = 0; s < 3; ++s) h += field(QString(), 80);
    for (const QString &v : samples) h += field(v, 8);
    for (int s = 0; s < 3; ++s) h += field(QString(), 32);
    for (int r = 0; r < records; ++r) {
        // ECG: 10, 20, 30, 40 digital (+1 per record); the second record's last sample is lead-off (-32768).
        for (int k = 0; k < 4; ++k)
            put16(h, r == 1 && k == 3 ? -32768 : 10 * (k + 1) + r);
        put16(h, 100);
        put16(h, -100);
        QByteArray tal = r == 0 ? QByteArray("+0\x14\x14\0+0.5\x14Lead off V2\x14\0", 27) : QByteArray("+1\x14\x14\0", 5);
        tal = tal.leftJustified(32, '\0', true);
        h += tal;
    }
    return h;
}

} // namespace

class TestEdf : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsAHandBuiltEdfPlus()
    {
        QTemporaryDir dir;
        auto ecg = io::readEcg(writeTestFile(dir, QStringLiteral("a.edf"), handBuiltEdfPlus()));
        QVERIFY2(ecg, qPrintable(ecg.error()));
        QCOMPARE(ecg->sourceFormat, QStringLiteral("EDF+"));
        QCOMPARE(ecg->sampleRateHz, 4.0);
        QCOMPARE(ecg->leadNames(), QStringList{QStringLiteral("II")});
        // phys = -200 + (d + 100) x 2 µV: 10 -> 20 µV; the lead-off sample holds the last valid value.
        QCOMPARE(ecg->leads[0].microvolts, (std::vector<float>{20, 40, 60, 80, 22, 42, 62, 62}));
        QCOMPARE(ecg->leads[0].resolutionMicrovolts, 2.0);
        const QString notes = ecg->notes.join(QLatin1Char(';'));
        QVERIFY2(notes.contains(QStringLiteral("Accelerometer X (g)")), qPrintable(notes));
        QVERIFY2(notes.contains(QStringLiteral("lead II: 1 samples outside the declared digital range")), qPrintable(notes));
        QCOMPARE(ecg->statements, QStringList{QStringLiteral("0.50 s: Lead off V2")});
        QCOMPARE(ecg->patient.id, QStringLiteral("MCH-0234567"));
        QCOMPARE(ecg->patient.name, QStringLiteral("Haagse Harry"));
        QCOMPARE(ecg->patient.birthDate, QDate(1951, 5, 2));
        QVERIFY(ecg->patient.sex == Sex::Female);
        QCOMPARE(ecg->acquisition.start, QDateTime(QDate(2002, 3, 2), QTime(13, 14, 15)));
        QCOMPARE(ecg->acquisition.device, QStringLiteral("Holter 3000"));
    }

    void refusesOrNotesBrokenFiles()
    {
        QTemporaryDir dir;
        const QByteArray good = handBuiltEdfPlus();
        // Cut inside the second record: the first is read, with a note.
        auto cut = io::readEcg(writeTestFile(dir, QStringLiteral("cut.edf"), good.left(good.size() - 10)));
        QVERIFY2(cut, qPrintable(cut.error()));
        QCOMPARE(cut->sampleCount(), 4);
        QVERIFY(cut->notes.join(QLatin1Char(';')).contains(QStringLiteral("holds 1 of the 2 data records")));
        const auto error = [&dir](const char *name, const QByteArray &bytes) {
            const auto r = io::readEdf(writeTestFile(dir, QLatin1String(name), bytes));
            return r ? QStringLiteral("(read)") : r.error();
        };
        QVERIFY(error("short.edf", good.left(300)).contains(QStringLiteral("short.edf: EDF: the signal headers are cut short")));
        QByteArray badLength = good;
        badLength.replace(184, 8, field(QStringLiteral("512"), 8));
        QVERIFY2(error("len.edf", badLength).contains(QStringLiteral("header length 512 does not fit 3 signals")), qPrintable(error("len.edf", badLength)));
        QByteArray huge = good;
        huge.replace(256 + 16 * 3 + 80 * 3 + 8 * 5 * 3 + 80 * 3, 8, field(QStringLiteral("99999999"), 8));
        QVERIFY(error("huge.edf", huge).contains(QStringLiteral("samples per record")));
        QVERIFY(error("none.edf", handBuiltEdfPlus(0, 0)).contains(QStringLiteral("no complete data record")));
    }

    // EDF+ out, EDF+ in: exact in the source's steps (4.88 µV here, as GE MUSE stores), patient fields kept.
    void writesEdfPlusExactly()
    {
        synth::Options o;
        o.seed = 4;
        Ecg ecg = synth::generate(o)->ecg;
        for (LeadSignal &l : ecg.leads) {
            for (float &v : l.microvolts)
                v = float(std::lround(v / 4.88) * 4.88);
            l.resolutionMicrovolts = 4.88;
        }
        ecg.patient.id = QStringLiteral("P 17");
        ecg.patient.name = QStringLiteral("Ann Example");
        ecg.patient.sex = Sex::Female;
        ecg.patient.birthDate = QDate(1960, 12, 1);
        ecg.acquisition.start = QDateTime(QDate(2024, 2, 29), QTime(8, 9, 10));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("out.edf"));
        QVERIFY(io::writeEcg(ecg, path));
        auto back = io::readEcg(path);
        QVERIFY2(back, qPrintable(back.error()));
        QCOMPARE(back->sourceFormat, QStringLiteral("EDF+"));
        QCOMPARE(back->sampleRateHz, ecg.sampleRateHz);
        QCOMPARE(back->sampleCount(), ecg.sampleCount());
        QCOMPARE(back->leadNames(), ecg.leadNames());
        for (size_t l = 0; l < ecg.leads.size(); ++l) {
            QCOMPARE(back->leads[l].resolutionMicrovolts, 4.88);
            for (size_t k = 0; k < ecg.leads[l].microvolts.size(); ++k)
                QVERIFY2(std::abs(back->leads[l].microvolts[k] - ecg.leads[l].microvolts[k]) < 1e-3f, qPrintable(QStringLiteral("lead %1 sample %2").arg(l).arg(k)));
        }
        QCOMPARE(back->patient.id, QStringLiteral("P 17"));
        QCOMPARE(back->patient.name, QStringLiteral("Ann Example"));
        QCOMPARE(back->patient.birthDate, QDate(1960, 12, 1));
        QCOMPARE(back->acquisition.start, ecg.acquisition.start);
        QCOMPARE(QFile::permissions(path) & (QFileDevice::ReadOther | QFileDevice::ReadGroup), QFileDevice::Permissions());
        // A record without a date says so ("Startdate X"), never 1985.
        ecg.acquisition.start = QDateTime();
        QVERIFY(io::writeEcg(ecg, path));
        QVERIFY(!io::readEcg(path)->acquisition.start.isValid());
        ecg.sampleRateHz = 499.5;
        QVERIFY(io::writeEcg(ecg, path).error().contains(QStringLiteral("whole number")));
    }

    // The Contec recording: the EDF follows its header (whose scale is 6x the device's), and its raw
    // integers equal the SCP copy's for the 32,767 samples that copy holds.
    void contecEdfMatchesItsScpCopy()
    {
        const QString edfPath = kSamples + QStringLiteral("edf/0000050.ECG.edf"), scpPath = kSamples + QStringLiteral("scp/0000050.ECG.scp");
        if (!QFile::exists(edfPath))
            QSKIP(qPrintable(edfPath + QStringLiteral(" is absent")));
        auto edf = io::readEcg(edfPath);
        QVERIFY2(edf, qPrintable(edf.error()));
        QCOMPARE(edf->sampleRateHz, 800.0);
        QCOMPARE(edf->sampleCount(), 37855);
        QCOMPARE(edf->leadNames(), standardLeadNames());
        const double step = 2000000.0 / 65535.0; // the header: -1000..1000 mV over -32768..32767
        const auto raw = [step](float uv) { return int(std::lround((uv - (-1000000.0 + 32768 * step)) / step)); };
        const auto &i = edf->lead(QStringLiteral("I"))->microvolts;
        QCOMPARE((std::vector<int>{raw(i[0]), raw(i[1]), raw(i[2]), raw(i[3]), raw(i[4]), raw(i[5])}), (std::vector<int>{-20, -30, -33, -28, -10, -7}));
        QVERIFY2(edf->notes.join(QLatin1Char(';')).contains(QStringLiteral("implausible scale: 30.5 µV per stored unit")), qPrintable(edf->notes.join(QLatin1Char(';'))));
        auto scp = io::readEcg(scpPath);
        QVERIFY(scp);
        for (const QString &lead : {QStringLiteral("I"), QStringLiteral("II"), QStringLiteral("III"), QStringLiteral("aVR"), QStringLiteral("aVL"), QStringLiteral("aVF")})
            for (int k = 0; k < scp->sampleCount(); ++k)
                QVERIFY2(raw(edf->lead(lead)->microvolts[size_t(k)]) * 5 == std::lround(scp->lead(lead)->microvolts[size_t(k)]), qPrintable(QStringLiteral("%1 sample %2").arg(lead).arg(k)));
    }
};

QTEST_MAIN(TestEdf)
#include "tst_edf.moc"
