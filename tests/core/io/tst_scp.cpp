#include "core/io/reader.h"
#include "core/io/scp.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "tests/core/io/testfiles.h"

using namespace ecgscope;

namespace {

const QString kSamples = QStringLiteral(ECGSCOPE_SHARED_DIR "/samples/");

void put16(QByteArray &b, int at, int v)
{
    b[at] = char(v & 0xFF);
    b[at + 1] = char((v >> 8) & 0xFF);
}
void put32(QByteArray &b, int at, quint32 v)
{
    put16(b, at, int(v & 0xFFFF));
    put16(b, at + 2, int(v >> 16));
}

/// A section: 16-byte header (CRC filled in by finish()), then the body.
QByteArray section(int id, const QByteArray &body)
{
    QByteArray s(16, '\0');
    s += body;
    put16(s, 2, id);
    put32(s, 4, quint32(s.size()));
    s[8] = 20; // section version 2.0
    s[9] = 20;
    if (id == 0)
        s.replace(10, 6, "SCPECG"); // section 0's reserved bytes carry the format's name
    const quint16 crc = io::crcCcitt(reinterpret_cast<const uint8_t *>(s.constData()) + 2, size_t(s.size() - 2));
    put16(s, 0, crc);
    return s;
}

/// A minimal SCP-ECG file built by hand from the standard: one lead (I) of four samples, 0, +1, -2, -5 µV
/// (1000 nV per unit), 500 Hz, coded with the default Huffman table (0 | 100 | 1101 | 1111111110 + 8-bit
/// literal) or, with `customTable`, with a table of its own in Section 2 (0 | 10 | 110 | 111 + 8-bit literal).
/// `uncompressed`: no Section 2, the samples as 16-bit integers, and Section 3 declaring six of them.
QByteArray minimalScp(int bimodal = 0, int dataBytes = -1, bool customTable = false, bool uncompressed = false)
{
    QByteArray s3(2 + 9, '\0');
    s3[0] = 1;        // one lead
    s3[1] = 0x04;     // simultaneous leads, no reference beat subtraction
    put32(s3, 2, 1);  // samples 1..4
    put32(s3, 6, uncompressed ? 6 : 4);
    s3[10] = 1;       // lead I
    // Bits: 0 | 100 | 1101 | 1111111110 11111011  -> 0 1001101 11111111 1011111011 (padded with zeros)
    const QByteArray stream = QByteArray::fromHex(uncompressed ? "00000100FEFFFBFF" : customTable ? "5BFD80" : "4DFFBEC0");
    QByteArray s6(6 + 2, '\0');
    put16(s6, 0, 1000); // nV per unit
    put16(s6, 2, 2000); // µs per sample
    s6[4] = 0;          // no difference encoding
    s6[5] = char(bimodal);
    put16(s6, 6, dataBytes < 0 ? int(stream.size()) : dataBytes);
    s6 += stream;
    QByteArray s2(2, '\0');
    put16(s2, 0, customTable ? 1 : 19999); // one table of our own, or the default table
    if (customTable) {
        // Codes: prefix bits, total bits, mode (1 = value), base value, base code (first bit in bit 0).
        const int codes[4][5] = {{1, 1, 1, 0, 0}, {2, 2, 1, 1, 1}, {3, 3, 1, -2, 3}, {3, 11, 1, 0, 7}};
        QByteArray table(2 + 4 * 9, '\0');
        put16(table, 0, 4);
        for (int c = 0; c < 4; ++c) {
            table[2 + 9 * c] = char(codes[c][0]);
            table[3 + 9 * c] = char(codes[c][1]);
            table[4 + 9 * c] = char(codes[c][2]);
            put16(table, 5 + 9 * c, codes[c][3]);
            put32(table, 7 + 9 * c, quint32(codes[c][4]));
        }
        s2 += table;
    }
    const QByteArray sec2 = section(2, s2), sec3 = section(3, s3), sec6 = section(6, s6);
    // Section 0: pointers (id, length, 1-based index) for sections 0-11, then the sections in order.
    const int s0Length = 16 + 12 * 10;
    QByteArray body(12 * 10, '\0');
    int offset = 6 + s0Length + 1; // 1-based index of the first section after section 0
    std::vector<std::pair<int, QByteArray>> present{{2, sec2}, {3, sec3}, {6, sec6}};
    if (uncompressed)
        present.erase(present.begin());
    for (int id = 0; id < 12; ++id) {
        put16(body, id * 10, id);
        if (id == 0) {
            put32(body, 2, quint32(s0Length));
            put32(body, 6, 7);
        }
        for (const auto &[pid, bytes] : present) {
            if (pid == id) {
                put32(body, id * 10 + 2, quint32(bytes.size()));
                put32(body, id * 10 + 6, quint32(offset));
                offset += int(bytes.size());
            }
        }
    }
    QByteArray file(6, '\0');
    file += section(0, body);
    for (const auto &p : present)
        file += p.second;
    put32(file, 2, quint32(file.size()));
    put16(file, 0, io::crcCcitt(reinterpret_cast<const uint8_t *>(file.constData()) + 2, size_t(file.size() - 2)));
    return file;
}

} // namespace

class TestScp : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void crcKnownValue()
    {
        const QByteArray check("123456789");
        QCOMPARE(io::crcCcitt(reinterpret_cast<const uint8_t *>(check.constData()), 9), quint16(0x29B1)); // CRC-16/CCITT-FALSE
    }

    void decodesAHandBuiltFile()
    {
        QTemporaryDir dir;
        auto ecg = io::readEcg(writeTestFile(dir, QStringLiteral("min.scp"), minimalScp()));
        QVERIFY2(ecg, qPrintable(ecg.error()));
        QCOMPARE(ecg->sourceFormat, QStringLiteral("SCP-ECG"));
        QCOMPARE(ecg->sampleRateHz, 500.0);
        QCOMPARE(ecg->leadNames(), QStringList{QStringLiteral("I")});
        QCOMPARE(ecg->leads[0].microvolts, (std::vector<float>{0.0f, 1.0f, -2.0f, -5.0f}));
        QVERIFY2(ecg->notes.isEmpty(), qPrintable(ecg->notes.join(QLatin1Char(';'))));
    }

    // Without Section 2 the samples are plain 16-bit integers, read by the byte lengths of Section 6 even
    // where Section 3 declares more (the file says which, in a note).
    void decodesUncompressedDataByWhatIsStored()
    {
        QTemporaryDir dir;
        auto ecg = io::readEcg(writeTestFile(dir, QStringLiteral("raw.scp"), minimalScp(0, -1, false, true)));
        QVERIFY2(ecg, qPrintable(ecg.error()));
        QCOMPARE(ecg->leads[0].microvolts, (std::vector<float>{0.0f, 1.0f, -2.0f, -5.0f}));
        QVERIFY2(ecg->notes.join(QLatin1Char(';')).contains(QStringLiteral("section 3 declares 6 samples per lead but section 6 holds 4")),
                 qPrintable(ecg->notes.join(QLatin1Char(';'))));
    }

    // The Contec recording converted to SCP: Section 3 declares 37,855 samples, each lead holds 32,767.
    void contecScpReadsWhatEachLeadHolds()
    {
        const QString path = kSamples + QStringLiteral("scp/0000050.ECG.scp");
        if (!QFile::exists(path))
            QSKIP(qPrintable(path + QStringLiteral(" is absent")));
        auto ecg = io::readEcg(path);
        QVERIFY2(ecg, qPrintable(ecg.error()));
        QCOMPARE(ecg->sampleRateHz, 800.0);
        QCOMPARE(ecg->sampleCount(), 32767);
        // Lead I: raw -20, -30, -33, -28, -10, -7 at 5 µV (the samples README), within -315...1180 µV.
        const LeadSignal *i = ecg->lead(QStringLiteral("I"));
        QCOMPARE(std::vector<float>(i->microvolts.begin(), i->microvolts.begin() + 6), (std::vector<float>{-100, -150, -165, -140, -50, -35}));
        QCOMPARE(*std::min_element(i->microvolts.begin(), i->microvolts.end()), -315.0f);
        QCOMPARE(*std::max_element(i->microvolts.begin(), i->microvolts.end()), 1180.0f);
        const QString notes = ecg->notes.join(QLatin1Char(';'));
        QVERIFY2(notes.contains(QStringLiteral("declares 37855 samples")) && notes.contains(QStringLiteral("no signal in V1, V2, V3, V4, V5, V6")), qPrintable(notes));
    }

    void decodesACustomHuffmanTable()
    {
        QTemporaryDir dir;
        auto ecg = io::readEcg(writeTestFile(dir, QStringLiteral("custom.scp"), minimalScp(0, -1, true)));
        QVERIFY2(ecg, qPrintable(ecg.error()));
        QCOMPARE(ecg->leads[0].microvolts, (std::vector<float>{0.0f, 1.0f, -2.0f, -5.0f}));
    }

    void refusesWhatItCannotDecode()
    {
        QTemporaryDir dir;
        auto r = io::readEcg(writeTestFile(dir, QStringLiteral("bimodal.scp"), minimalScp(1)));
        QVERIFY(!r);
        QVERIFY2(r.error().contains(QStringLiteral("bimodal compression")), qPrintable(r.error()));
        // The lead's stream declared shorter than its samples need: the Huffman stream runs out.
        r = io::readEcg(writeTestFile(dir, QStringLiteral("short.scp"), minimalScp(0, 1)));
        QVERIFY(!r);
        QVERIFY2(r.error().contains(QStringLiteral("Huffman stream ends")), qPrintable(r.error()));
        // A file length field below the header's own size (found by the fuzzer).
        QByteArray tiny = minimalScp();
        put32(tiny, 2, 1);
        QVERIFY(io::readEcg(writeTestFile(dir, QStringLiteral("tiny.scp"), tiny)).value().notes.join(QString()).contains(QStringLiteral("declares 1 bytes")));
        // A section pointer beyond the end of the file.
        QByteArray beyond = minimalScp();
        put32(beyond, 6 + 16 + 6 * 10 + 2, 100000);
        r = io::readEcg(writeTestFile(dir, QStringLiteral("beyond.scp"), beyond));
        QVERIFY(!r);
        QVERIFY2(r.error().contains(QStringLiteral("section 6 declares 100000 bytes")), qPrintable(r.error()));
        // Truncated.
        const QByteArray whole = minimalScp();
        r = io::readEcg(writeTestFile(dir, QStringLiteral("cut.scp"), whole.left(whole.size() - 3)));
        QVERIFY(!r);
        QVERIFY2(r.error().startsWith(dir.filePath(QStringLiteral("cut.scp")) + QStringLiteral(": SCP-ECG:")), qPrintable(r.error()));
    }

    // A handheld's own format under SCP's name (16-bit length, 0-based pointers): refused with a message.
    void refusesNonConformingHandheldScp()
    {
        const QString path = kSamples + QStringLiteral("scp/62.SCP");
        if (!QFile::exists(path))
            QSKIP(qPrintable(path + QStringLiteral(" is absent")));
        const auto r = io::readEcg(path);
        QVERIFY(!r);
        QVERIFY2(r.error().startsWith(path + QStringLiteral(": SCP-ECG: not a conforming SCP-ECG file")), qPrintable(r.error()));
        QVERIFY2(r.error().contains(QStringLiteral("has 32768")), qPrintable(r.error()));
    }

    void reportsBrokenCrcsBySection()
    {
        QByteArray bytes = minimalScp();
        bytes[bytes.size() - 1] = char(bytes[bytes.size() - 1] ^ 0x01); // last padding bit of section 6's data
        QTemporaryDir dir;
        auto ecg = io::readEcg(writeTestFile(dir, QStringLiteral("crc.scp"), bytes));
        QVERIFY2(ecg, qPrintable(ecg.error()));
        const QString notes = ecg->notes.join(QLatin1Char(';'));
        QVERIFY2(notes.contains(QStringLiteral("CRC of section 6")), qPrintable(notes));
        QVERIFY(notes.contains(QStringLiteral("file CRC")));
    }

    void exampleIsBitIdenticalToDicomAndAecg()
    {
        if (!QFile::exists(kSamples + QStringLiteral("scp/Example.scp")))
            QSKIP("../shared/samples is absent");
        const auto scp = io::readEcg(kSamples + QStringLiteral("scp/Example.scp"));
        const auto dcm = io::readEcg(kSamples + QStringLiteral("dicom/Example.dcm"));
        const auto xml = io::readEcg(kSamples + QStringLiteral("hl7aecg/Example_aECG.xml"));
        QVERIFY2(scp && dcm && xml, qPrintable(scp.error()));
        QCOMPARE(scp->leadNames(), standardLeadNames());
        QVERIFY2(scp->notes.isEmpty(), qPrintable(scp->notes.join(QLatin1Char(';'))));
        for (const QString &lead : standardLeadNames()) {
            QCOMPARE(scp->lead(lead)->microvolts, dcm->lead(lead)->microvolts);
            QCOMPARE(scp->lead(lead)->microvolts, xml->lead(lead)->microvolts);
        }
        // Section 7 agrees with the DICOM file's own measurements.
        for (const char *name : {"PR Interval", "QRS Duration", "QT Interval"}) {
            const auto in = [name](const Ecg &e) {
                return std::find_if(e.measurements.begin(), e.measurements.end(), [name](const Measurement &m) { return m.name == QLatin1String(name); })->value;
            };
            QCOMPARE(in(scp.value()), in(dcm.value()));
        }
    }

    void welchAllynFilesAt600Hz_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("2017") << QStringLiteral("scp/ECG_20170504_163507_123456789.SCP");
        QTest::newRow("2007") << QStringLiteral("scp/ECG_20070321_110542_191010101010.SCP");
    }
    void welchAllynFilesAt600Hz()
    {
        QFETCH(QString, file);
        if (!QFile::exists(kSamples + file))
            QSKIP("../shared/samples is absent");
        const auto ecg = io::readEcg(kSamples + file);
        QVERIFY2(ecg, qPrintable(ecg.error()));
        QCOMPARE(ecg->sampleRateHz, 600.0); // sample interval 1667 µs
        QCOMPARE(ecg->sampleCount(), 6000);
        QCOMPARE(ecg->leadNames(), standardLeadNames()); // 8 stored, 4 derived
        QVERIFY(ecg->lead(QStringLiteral("aVR"))->derived);
        QVERIFY2(!ecg->notes.join(QString()).contains(QStringLiteral("CRC")), qPrintable(ecg->notes.join(QString()))); // valid CRCs
        QVERIFY(!ecg->statements.isEmpty());
        // Section 10 per-lead measurements: a lead's R wave is within the range of its samples.
        const auto r = std::find_if(ecg->measurements.begin(), ecg->measurements.end(), [](const Measurement &m) { return m.name == QLatin1String("V5 R Amplitude"); });
        QVERIFY(r != ecg->measurements.end());
        const auto &v5 = ecg->lead(QStringLiteral("V5"))->microvolts;
        QVERIFY(r->value > 0.3 * *std::max_element(v5.begin(), v5.end()) && r->value < 1.5 * (*std::max_element(v5.begin(), v5.end()) - *std::min_element(v5.begin(), v5.end())));
    }
};

QTEST_GUILESS_MAIN(TestScp)
#include "tst_scp.moc"
