#include "core/io/reader.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "tests/core/io/testfiles.h"

#include <cmath>

using namespace ecgscope;

namespace {

const QString kSamples = QStringLiteral(ECGSCOPE_SHARED_DIR "/samples/");

io::ReadOptions given(double rate, double perUnit, QStringList leads = {})
{
    io::ReadOptions o;
    o.text.rateHz = rate;
    o.text.microvoltsPerUnit = perUnit;
    o.text.leads = std::move(leads);
    return o;
}

} // namespace

class TestTextEcg : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void headerGivesNamesUnitsAndRate()
    {
        QTemporaryDir dir;
        const QString path = writeTestFile(dir, QStringLiteral("a.csv"), "time [s],I [mV],II [mV]\n0.000,0.1,-0.2\n0.004,0.15,-0.25\n0.008,0.2,-0.3\n0.012,0.25,-0.35\n");
        auto ecg = io::readEcg(path);
        QVERIFY2(ecg, qPrintable(ecg.error()));
        QCOMPARE(ecg->sampleRateHz, 250.0);
        QCOMPARE(ecg->sampleCount(), 4);
        QCOMPARE(ecg->lead(QStringLiteral("I"))->microvolts, (std::vector<float>{100, 150, 200, 250}));
        QVERIFY(ecg->lead(QStringLiteral("aVF"))->derived);
    }

    void refusesWhatItCannotKnowOrRead()
    {
        QTemporaryDir dir;
        const auto error = [&dir](const char *name, const QByteArray &bytes, const io::ReadOptions &o = {}) {
            const auto r = io::readEcg(writeTestFile(dir, QLatin1String(name), bytes), o);
            return r ? QStringLiteral("(read)") : r.error();
        };
        QString e = error("a.csv", "1,2\n3,4\n5,6\n");
        QVERIFY2(e.contains(QStringLiteral("a.csv: text ECG: the file does not say the sampling rate")) && e.contains(QStringLiteral("units")), qPrintable(e));
        e = error("b.csv", "1,2\n3,4\n5,6,7\n", given(500, 1));
        QVERIFY2(e.contains(QStringLiteral("row 3 has 3 columns")), qPrintable(e));
        e = error("c.csv", "1,2\n3,4\nabc,def\n5,6\n", given(500, 1));
        QVERIFY2(e.contains(QStringLiteral("line 'abc,def' is not a row of numbers")), qPrintable(e));
        e = error("d.csv", "1,2\n3,4\n5,6\n", given(500, 1, {QStringLiteral("I")}));
        QVERIFY2(e.contains(QStringLiteral("1 lead names for 2 columns")), qPrintable(e));
    }

    // GE MUSE's text export: 5000 rows of I, II, III, aVR, aVL, aVF, V1-V6; III = II - I on every row.
    void museTextExport()
    {
        const QString path = kSamples + QStringLiteral("csv/J123456_10sec.txt");
        if (!QFile::exists(path))
            QSKIP(qPrintable(path + QStringLiteral(" is absent")));
        QVERIFY(io::readEcg(path).error().contains(QStringLiteral("sampling rate")));
        auto ecg = io::readEcg(path, given(500, 1));
        QVERIFY2(ecg, qPrintable(ecg.error()));
        QCOMPARE(ecg->sourceFormat, QStringLiteral("GE MUSE text"));
        QCOMPARE(ecg->sampleCount(), 5000);
        QCOMPARE(ecg->leadNames(), standardLeadNames());
        std::vector<float> first;
        for (const LeadSignal &l : ecg->leads)
            first.push_back(l.microvolts.front());
        QCOMPARE(first, (std::vector<float>{-68, -117, -49, 92, -10, -83, 98, 117, 88, 20, 20, 10}));
        const auto &i = ecg->lead(QStringLiteral("I"))->microvolts, &ii = ecg->lead(QStringLiteral("II"))->microvolts, &iii = ecg->lead(QStringLiteral("III"))->microvolts;
        for (size_t k = 0; k < i.size(); ++k)
            QCOMPARE(iii[k], ii[k] - i[k]);
    }

    // The Contec CSV (raw units, 800 Hz, not in the file) equals its SCP copy for the samples that copy holds.
    void contecCsvMatchesItsScpCopy()
    {
        const QString csv = kSamples + QStringLiteral("csv/0000050.ECG.csv");
        if (!QFile::exists(csv))
            QSKIP(qPrintable(csv + QStringLiteral(" is absent")));
        auto ecg = io::readEcg(csv, given(800, 5, standardLeadNames()));
        QVERIFY2(ecg, qPrintable(ecg.error()));
        QCOMPARE(ecg->sampleCount(), 37855);
        QVERIFY(ecg->notes.join(QLatin1Char(';')).contains(QStringLiteral("left out: V1, V2, V3, V4, V5, V6")));
        auto scp = io::readEcg(kSamples + QStringLiteral("scp/0000050.ECG.scp"));
        QVERIFY(scp);
        for (const QString &lead : {QStringLiteral("I"), QStringLiteral("II"), QStringLiteral("III"), QStringLiteral("aVR"), QStringLiteral("aVL"), QStringLiteral("aVF")})
            for (int k = 0; k < scp->sampleCount(); ++k)
                QVERIFY2(ecg->lead(lead)->microvolts[size_t(k)] == scp->lead(lead)->microvolts[size_t(k)], qPrintable(QStringLiteral("%1 sample %2").arg(lead).arg(k)));
    }
};

QTEST_MAIN(TestTextEcg)
#include "tst_textecg.moc"
