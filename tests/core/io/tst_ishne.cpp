#include "core/io/ishne.h"
#include "core/io/reader.h"
#include "core/io/scp.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include "tests/core/io/testfiles.h"

using namespace ecgscope;

namespace {

const QString kSample = QStringLiteral(ECGSCOPE_SHARED_DIR "/samples/ishne/ECG_P28.01.ecg");

void put16(QByteArray &b, int at, int v) { qToLittleEndian<qint16>(qint16(v), b.data() + at); }
void put32(QByteArray &b, int at, quint32 v) { qToLittleEndian<quint32>(v, b.data() + at); }

/// An ISHNE 1.0 file by the specification's byte layout: II (code 6) and V1 (code 11) at 250 Hz,
/// 2,500 nV per unit, samples (II, V1) = (t, -2t) for t = 0..4, the header CRC filled in.
QByteArray handBuilt()
{
    QByteArray b(522, '\0');
    b.replace(0, 8, "ISHNE1.0");
    put32(b, 10, 0);   // variable-length block
    put32(b, 14, 5);   // samples per lead
    put32(b, 18, 522); // variable block offset
    put32(b, 22, 522); // ECG block offset
    put16(b, 26, 1);
    b.replace(28, 4, "Anna");
    b.replace(68, 5, "Smith");
    b.replace(108, 6, "P-0042");
    put16(b, 128, 2); // female
    put16(b, 132, 17), put16(b, 134, 3), put16(b, 136, 1950); // birth: day, month, year
    put16(b, 138, 5), put16(b, 140, 6), put16(b, 142, 2021);  // recorded
    put16(b, 150, 14), put16(b, 152, 30), put16(b, 154, 15);  // start time
    put16(b, 156, 2);
    put16(b, 158, 6), put16(b, 160, 11);
    put16(b, 206, 2500), put16(b, 208, 2500);
    b.replace(232, 9, "Holter-X1");
    put16(b, 272, 250);
    for (int t = 0; t < 5; ++t) {
        QByteArray frame(4, '\0');
        put16(frame, 0, t), put16(frame, 2, -2 * t);
        b += frame;
    }
    put16(b, 8, qint16(io::crcCcitt(reinterpret_cast<const uint8_t *>(b.constData()) + 10, 512)));
    return b;
}

} // namespace

class TestIshne : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsTheSpecificationsLayout()
    {
        QTemporaryDir dir;
        auto ecg = io::readEcg(writeTestFile(dir, QStringLiteral("rec.ecg"), handBuilt()));
        QVERIFY2(ecg, qPrintable(ecg.error()));
        QCOMPARE(ecg->sourceFormat, QStringLiteral("ISHNE"));
        QCOMPARE(ecg->sampleRateHz, 250.0);
        QCOMPARE(ecg->sampleCount(), 5);
        QCOMPARE(ecg->lead(QStringLiteral("II"))->microvolts, (std::vector<float>{0.0f, 2.5f, 5.0f, 7.5f, 10.0f}));
        QCOMPARE(ecg->lead(QStringLiteral("V1"))->microvolts, (std::vector<float>{0.0f, -5.0f, -10.0f, -15.0f, -20.0f}));
        QCOMPARE(ecg->lead(QStringLiteral("II"))->resolutionMicrovolts, 2.5);
        QCOMPARE(ecg->patient.name, QStringLiteral("Anna Smith"));
        QCOMPARE(ecg->patient.id, QStringLiteral("P-0042"));
        QVERIFY(ecg->patient.sex == Sex::Female);
        QCOMPARE(ecg->patient.birthDate, QDate(1950, 3, 17));
        QCOMPARE(ecg->acquisition.start, QDateTime(QDate(2021, 6, 5), QTime(14, 30, 15)));
        QCOMPARE(ecg->acquisition.device, QStringLiteral("Holter-X1"));
        QVERIFY2(!ecg->notes.join(QLatin1Char(';')).contains(QStringLiteral("CRC")), qPrintable(ecg->notes.join(QLatin1Char(';'))));
    }

    void readsTheRealHolterExcerptAndItsBeats()
    {
        if (!QFile::exists(kSample))
            QSKIP("../shared/samples/ishne is absent");
        auto ecg = io::readEcg(kSample);
        QVERIFY2(ecg, qPrintable(ecg.error()));
        // The samples README: 12 leads (codes 5-16), 1000 Hz, 5,000 nV, 95,573 samples; header CRC valid.
        QCOMPARE(ecg->leadNames(), standardLeadNames());
        QCOMPARE(ecg->sampleRateHz, 1000.0);
        QCOMPARE(ecg->sampleCount(), 95573);
        const auto &ii = ecg->lead(QStringLiteral("II"))->microvolts;
        QCOMPARE(std::vector<float>(ii.begin(), ii.begin() + 10), (std::vector<float>{40, 35, 40, 45, 65, 50, 45, 40, 30, 35}));
        QCOMPARE(*std::min_element(ii.begin(), ii.end()), -397.0f * 5.0f);
        QCOMPARE(*std::max_element(ii.begin(), ii.end()), 271.0f * 5.0f);
        QVERIFY(!ecg->notes.join(QLatin1Char(';')).contains(QStringLiteral("CRC")));
        // The .ann beside it: 97 beats, 87 of them N.
        QCOMPARE(int(ecg->beats.size()), 97);
        QCOMPARE(int(std::count_if(ecg->beats.begin(), ecg->beats.end(), [](const BeatAnnotation &b) { return b.label == QLatin1String("N"); })), 87);
        QVERIFY(std::is_sorted(ecg->beats.begin(), ecg->beats.end(), [](const BeatAnnotation &a, const BeatAnnotation &b) { return a.sample < b.sample; }));
        // The beat file alone is not a record.
        const auto ann = io::readEcg(QString(kSample).replace(QStringLiteral(".ecg"), QStringLiteral(".ann")));
        QVERIFY(!ann);
        QVERIFY2(ann.error().contains(QStringLiteral("ISHNE: this is a beat annotation file")), qPrintable(ann.error()));
    }

    void hostileFiles()
    {
        QTemporaryDir dir;
        const QByteArray good = handBuilt();
        const auto read = [&](const QByteArray &bytes) { return io::readEcg(writeTestFile(dir, QStringLiteral("bad.ecg"), bytes)); };
        // Cut in the header, cut in the samples (whole frames kept, said).
        auto r = read(good.left(300));
        QVERIFY(!r);
        QVERIFY2(r.error().contains(QStringLiteral("bad.ecg: ISHNE:")) && r.error().contains(QStringLiteral("522-byte header")), qPrintable(r.error()));
        r = read(good.left(522 + 4 * 3 + 1));
        QVERIFY2(r && r->sampleCount() == 3 && r->notes.join(QString()).contains(QStringLiteral("3 of the 5 samples")), qPrintable(r ? r->notes.join(';') : r.error()));
        // A flipped byte in the header: the CRC says so.
        QByteArray flipped = good;
        flipped[300] = 'x';
        r = read(flipped);
        QVERIFY(r && r->notes.join(QString()).contains(QStringLiteral("header CRC does not match")));
        // Impossible counts and offsets.
        for (const auto &[at, value, message] : std::vector<std::tuple<int, int, QString>>{{156, 13, QStringLiteral("13 leads")},
                                                                                             {156, 0, QStringLiteral("0 leads")},
                                                                                             {272, 0, QStringLiteral("sampling rate 0 Hz")},
                                                                                             {206, -5, QStringLiteral("resolution is -5 nV")}}) {
            QByteArray bad = good;
            put16(bad, at, value);
            r = read(bad);
            QVERIFY2(!r && r.error().contains(message), qPrintable(r ? QStringLiteral("read") : r.error()));
        }
        QByteArray beyond = good;
        put32(beyond, 22, 1u << 30);
        QVERIFY(read(beyond).error().contains(QStringLiteral("lies outside the file")));
        QByteArray huge = good;
        put32(huge, 14, 0xFFFFFFF0u);
        r = read(huge);
        QVERIFY2(!r && r.error().contains(QStringLiteral("longer than EcgScope opens")), qPrintable(r ? QStringLiteral("read") : r.error()));
    }
};

QTEST_GUILESS_MAIN(TestIshne)
#include "tst_ishne.moc"
