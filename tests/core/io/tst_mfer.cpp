#include "core/io/mfer.h"
#include "core/io/reader.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "tests/core/io/testfiles.h"

using namespace ecgscope;

namespace {

const QString kSample = QStringLiteral(ECGSCOPE_SHARED_DIR "/samples/mfer/test-file.MWF");

QByteArray tlv(uint8_t tag, const QByteArray &value)
{
    return QByteArray(1, char(tag)) + QByteArray(1, char(value.size())) + value;
}

QByteArray bytes(std::initializer_list<int> values)
{
    QByteArray b;
    for (int v : values)
        b.append(char(v));
    return b;
}

/// A big-endian MFER file written from ISO 22077-1's encoding rules: 3 channels, top-level defaults
/// (int16, 2 ms = 500 Hz, 5 µV, null 0x8000, block of 4) with channel 2 overriding its sensitivity
/// (10 µV) and channel 3 a pressure (mmHg); 2 sequences; the waveform tag's length in the long form.
QByteArray handBuilt(bool nullsAtEnd)
{
    QByteArray f = tlv(0x40, QByteArray("MFR test").leftJustified(32, '\0'));
    f += tlv(0x01, bytes({0}));             // big endian
    f += tlv(0x05, bytes({3}));             // channels
    f += tlv(0x06, bytes({2}));             // sequences
    f += tlv(0x04, bytes({0, 4}));          // block: 4 samples
    f += tlv(0x0A, bytes({0}));             // int16
    f += tlv(0x0B, bytes({1, 0xFD, 2}));    // interval 2 x 10^-3 s
    f += tlv(0x0C, bytes({0, 0xFA, 5}));    // 5 x 10^-6 V
    f += tlv(0x12, bytes({0x80, 0x00}));    // null value
    f += tlv(0x81, QByteArray("Doe^Jane"));
    f += tlv(0x82, QByteArray("ID-77"));
    f += tlv(0x84, bytes({2}));
    f += tlv(0x85, bytes({0x07, 0xE5, 3, 14, 9, 26, 53, 0, 0, 0, 0})); // 2021-03-14 09:26:53
    const auto channel = [](int number, const QByteArray &defs) { return QByteArray(1, char(0x3F)) + char(number) + char(defs.size()) + defs; };
    f += channel(0, tlv(0x09, bytes({0, 1})));                                  // lead I
    f += channel(1, tlv(0x09, bytes({0, 61})) + tlv(0x0C, bytes({0, 0xFA, 10}))); // lead III, 10 µV
    f += channel(2, tlv(0x09, bytes({0xC0, 0x0A})) + tlv(0x0C, bytes({1, 0xFD, 125}))); // a pressure
    QByteArray wave;
    for (int s = 0; s < 2; ++s)
        for (int c = 0; c < 3; ++c)
            for (int i = 0; i < 4; ++i) {
                const int t = 4 * s + i;
                int v = c == 0 ? t : c == 1 ? -t : 800;
                if ((nullsAtEnd && t >= 6 && c < 2) || (c == 0 && t == 2))
                    v = -32768; // no data
                wave += bytes({(v >> 8) & 0xFF, v & 0xFF});
            }
    f += QByteArray(1, char(0x1E)) + bytes({0x82, int(wave.size() >> 8), int(wave.size() & 0xFF)}) + wave;
    f += QByteArray(1, char(0x80));
    return f;
}

} // namespace

class TestMfer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsTheEncodingRules()
    {
        QTemporaryDir dir;
        auto ecg = io::readEcg(writeTestFile(dir, QStringLiteral("rec.mwf"), handBuilt(false)));
        QVERIFY2(ecg, qPrintable(ecg.error()));
        QCOMPARE(ecg->sourceFormat, QStringLiteral("MFER"));
        QCOMPARE(ecg->sampleRateHz, 500.0);
        QCOMPARE(ecg->sampleCount(), 8);
        // I = 5 µV x t, its null at t = 2 held at the value before; III = -10 µV x t.
        QCOMPARE(ecg->lead(QStringLiteral("I"))->microvolts, (std::vector<float>{0, 5, 5, 15, 20, 25, 30, 35}));
        QCOMPARE(ecg->lead(QStringLiteral("III"))->microvolts, (std::vector<float>{0, -10, -20, -30, -40, -50, -60, -70}));
        QCOMPARE(ecg->leadNames(), (QStringList{QStringLiteral("I"), QStringLiteral("III")})); // the pressure is not a lead
        const QString notes = ecg->notes.join(QLatin1Char(';'));
        QVERIFY2(notes.contains(QStringLiteral("lead I: 1 null samples")) && notes.contains(QStringLiteral("channel 3 (code 0xc00a, mmHg")), qPrintable(notes));
        QCOMPARE(ecg->patient.name, QStringLiteral("Doe Jane"));
        QCOMPARE(ecg->patient.id, QStringLiteral("ID-77"));
        QVERIFY(ecg->patient.sex == Sex::Female);
        QCOMPARE(ecg->acquisition.start, QDateTime(QDate(2021, 3, 14), QTime(9, 26, 53)));
        // Nulls at the end of every lead: no data there, cut.
        ecg = io::readEcg(writeTestFile(dir, QStringLiteral("tail.mwf"), handBuilt(true)));
        QVERIFY2(ecg, qPrintable(ecg.error()));
        QCOMPARE(ecg->sampleCount(), 6);
        QVERIFY(ecg->notes.join(QLatin1Char(';')).contains(QStringLiteral("the last 2 samples are the null value")));
    }

    // The preamble is optional: without it the definitions themselves must say what the file is.
    void detectsFilesWithoutPreambleButNotLookalikes()
    {
        QTemporaryDir dir;
        const QByteArray bare = handBuilt(false).mid(34);
        QCOMPARE(io::detectFormat(writeTestFile(dir, QStringLiteral("bare.mwf"), bare)), io::Format::Mfer);
        QVERIFY(io::readEcg(dir.filePath(QStringLiteral("bare.mwf"))));
        // Bytes that happen to start like a byte-order definition, and say nothing else.
        QCOMPARE(io::detectFormat(writeTestFile(dir, QStringLiteral("ones.bin"), QByteArray(64, '\x01'))), io::Format::Unknown);
    }

    void readsTheNihonKohdenMonitorFile()
    {
        if (!QFile::exists(kSample))
            QSKIP("../shared/samples/mfer is absent");
        auto ecg = io::readEcg(kSample);
        QVERIFY2(ecg, qPrintable(ecg.error()));
        // The samples README: ECG II and V5 at 250 Hz, 2 µV; first raw of II 18, 15, 8, 3, 0, -7, -12, -15;
        // valid raw -72...327; 720 s of which the last 1,663 samples are the null value; ART, PAP, CVP
        // at 125 Hz and the pacing status are not ECG.
        QCOMPARE(ecg->sampleRateHz, 250.0);
        QCOMPARE(ecg->sampleCount(), 180000 - 1663);
        const auto &ii = ecg->lead(QStringLiteral("II"))->microvolts;
        QCOMPARE(std::vector<float>(ii.begin(), ii.begin() + 8), (std::vector<float>{36, 30, 16, 6, 0, -14, -24, -30}));
        QCOMPARE(*std::min_element(ii.begin(), ii.end()), -144.0f);
        QCOMPARE(*std::max_element(ii.begin(), ii.end()), 654.0f);
        QVERIFY(ecg->lead(QStringLiteral("V5")));
        QCOMPARE(ecg->patient.name, QStringLiteral("TRWRU")); // UTF-16LE in the file
        QVERIFY(ecg->acquisition.device.startsWith(QStringLiteral("NIHON KOHDEN")));
        QCOMPARE(int(std::count_if(ecg->notes.begin(), ecg->notes.end(), [](const QString &n) { return n.contains(QStringLiteral("mmHg, 125 Hz")); })), 1);
    }

    void hostileFiles()
    {
        QTemporaryDir dir;
        const QByteArray good = handBuilt(false);
        const auto read = [&](const QByteArray &b) { return io::readMfer(writeTestFile(dir, QStringLiteral("bad.mwf"), b)); };
        // Cut inside the waveform: whole sequences kept, said; cut inside the definitions: refused.
        auto r = read(good.left(good.size() - 10));
        QVERIFY2(r && r->sampleCount() == 4 && r->notes.join(QString()).contains(QStringLiteral("file cut short: 1 of the 2 data sequences")),
                 qPrintable(r ? r->notes.join(';') : r.error()));
        r = read(good.left(40));
        QVERIFY2(!r && r.error().contains(QStringLiteral("no waveform data")), qPrintable(r ? QStringLiteral("read") : r.error()));
        // A length past the end, a long-form length of 9 bytes, a compressed data type, no ECG lead.
        r = read(good.left(34) + bytes({0x17, 0x7F}) + QByteArray("abc"));
        QVERIFY2(!r && r.error().contains(QStringLiteral("declares 127 bytes, 3 remain")), qPrintable(r ? QStringLiteral("read") : r.error()));
        r = read(good.left(34) + bytes({0x17, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9}) + good.mid(34));
        QVERIFY2(!r && r.error().contains(QStringLiteral("a length of 9 bytes")), qPrintable(r ? QStringLiteral("read") : r.error()));
        QByteArray compressed = good;
        compressed.replace(QByteArray::fromHex("0a0100"), QByteArray::fromHex("0a010a"));
        r = read(compressed);
        QVERIFY2(!r && r.error().contains(QStringLiteral("data type 10 is not supported")), qPrintable(r ? QStringLiteral("read") : r.error()));
        QByteArray pressures = good;
        pressures.replace(QByteArray::fromHex("09020001"), QByteArray::fromHex("0902c00b")).replace(QByteArray::fromHex("0902003d"), QByteArray::fromHex("0902c00c"));
        r = read(pressures);
        QVERIFY2(!r && r.error().contains(QStringLiteral("no channel is an ECG lead")), qPrintable(r ? QStringLiteral("read") : r.error()));
    }
};

QTEST_GUILESS_MAIN(TestMfer)
#include "tst_mfer.moc"
