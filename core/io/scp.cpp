#include "core/io/scp.h"

#include "core/io/bytes.h"
#include "core/io/leadcodes.h"

#include <QFile>
#include <QFileInfo>

#include <cmath>
#include <map>

namespace ecgscope::io {

namespace {

constexpr qint64 kMaxScpBytes = qint64(64) << 20;

QString fail(const QString &path, const QString &problem) { return QStringLiteral("%1: SCP-ECG: %2").arg(path, problem); }

struct Section {
    size_t offset = 0; ///< 0-based start of the section header
    size_t length = 0; ///< including its 16-byte header
};

struct HuffmanCode {
    int prefixBits;
    int totalBits;
    bool isValue; ///< false: switch to table `baseValue`
    int baseValue;
    uint32_t baseCode; ///< the prefix's bits, first bit read in bit 0
};
using HuffmanTable = std::vector<HuffmanCode>;

HuffmanTable defaultTable()
{
    // EN 1064 default table: values -8..8 by prefix length, then 8- and 16-bit literals.
    HuffmanTable t{{1, 1, true, 0, 0}};
    for (int v = 1; v <= 8; ++v) {
        const int bits = v + 2; // 3 bits for +-1 up to 10 bits for +-8
        const uint32_t ones = (1u << (bits - 2)) - 1;  // leading ones
        // Code: (bits-2) ones, a zero, then the sign bit (0 = positive); stored reversed (first bit in bit 0).
        const auto reversed = [bits](uint32_t msbFirst) {
            uint32_t r = 0;
            for (int i = 0; i < bits; ++i)
                r |= ((msbFirst >> (bits - 1 - i)) & 1u) << i;
            return r;
        };
        const uint32_t positive = (ones << 2) | 0u, negative = (ones << 2) | 1u;
        t.push_back({bits, bits, true, v, reversed(positive)});
        t.push_back({bits, bits, true, -v, reversed(negative)});
    }
    t.push_back({10, 18, true, 0, 0x1FF}); // 1111111110 + 8-bit value
    t.push_back({10, 26, true, 0, 0x3FF}); // 1111111111 + 16-bit value
    return t;
}

/// MSB-first bit reader over one lead's bytes.
class BitReader {
public:
    BitReader(const uint8_t *data, size_t size) : mData(data), mSize(size) {}
    bool bit(int &out)
    {
        if (mPos >= mSize * 8)
            return false;
        out = (mData[mPos / 8] >> (7 - mPos % 8)) & 1;
        ++mPos;
        return true;
    }

private:
    const uint8_t *mData;
    size_t mSize;
    size_t mPos = 0;
};

/// Decodes `count` values of one lead. Returns an error when the stream ends early or holds a code
/// that is in no table.
Result<std::vector<int>> huffmanDecode(const uint8_t *data, size_t size, size_t count, const std::vector<HuffmanTable> &tables)
{
    std::vector<int> out;
    out.reserve(count);
    BitReader in(data, size);
    size_t table = 0;
    while (out.size() < count) {
        uint32_t code = 0;
        int length = 0;
        const HuffmanCode *match = nullptr;
        while (!match) {
            int b;
            if (!in.bit(b))
                return Result<std::vector<int>>::failure(QStringLiteral("Huffman stream ends after %1 of %2 samples").arg(out.size()).arg(count));
            code |= uint32_t(b) << length;
            ++length;
            if (length > 32)
                return Result<std::vector<int>>::failure(QStringLiteral("Huffman code not in table %1").arg(table + 1));
            for (const HuffmanCode &c : tables[table]) {
                if (c.prefixBits == length && c.baseCode == code) {
                    match = &c;
                    break;
                }
            }
        }
        if (!match->isValue) {
            if (match->baseValue < 1 || size_t(match->baseValue) > tables.size())
                return Result<std::vector<int>>::failure(QStringLiteral("Huffman switch to table %1 of %2").arg(match->baseValue).arg(tables.size()));
            table = size_t(match->baseValue - 1);
            continue;
        }
        const int extra = match->totalBits - match->prefixBits;
        if (extra == 0) {
            out.push_back(match->baseValue);
            continue;
        }
        int value = 0;
        for (int i = 0; i < extra; ++i) {
            int b;
            if (!in.bit(b))
                return Result<std::vector<int>>::failure(QStringLiteral("Huffman stream ends inside a literal"));
            value = (value << 1) | b;
        }
        if (value & (1 << (extra - 1)))
            value -= 1 << extra; // two's complement of `extra` bits
        out.push_back(value);
    }
    return out;
}

void undoDifferences(std::vector<int> &v, int encoding)
{
    if (encoding == 1) {
        for (size_t i = 1; i < v.size(); ++i)
            v[i] += v[i - 1];
    } else if (encoding == 2) {
        for (size_t i = 2; i < v.size(); ++i)
            v[i] += 2 * v[i - 1] - v[i - 2];
    }
}

QString latin1(const Bytes &b, size_t offset, size_t length)
{
    if (!b.has(offset, length))
        return {};
    QByteArray raw(reinterpret_cast<const char *>(b.at(offset)), qsizetype(length));
    const qsizetype nul = raw.indexOf('\0');
    if (nul >= 0)
        raw.truncate(nul);
    return QString::fromLatin1(raw).trimmed();
}

struct CompressedLeads {
    int avmNanovolts = 0;
    int intervalMicroseconds = 0;
    int differences = 0;
    std::vector<std::vector<int>> leads;
};

/// Sections 5 and 6 share a layout: AVM, sample interval, difference encoding, bimodal flag, the byte
/// length of each lead, then each lead's data: a Huffman stream, or without Section 2 (`tables` null)
/// 16-bit signed samples. Uncompressed leads are read by their byte lengths, which are what the file holds;
/// where Section 3 declares another count, `notes` says so.
Result<CompressedLeads> readCompressed(const Bytes &b, const Section &s, int number, const std::vector<size_t> &samplesPerLead,
                                       const std::vector<HuffmanTable> *tables, const QString &path, QStringList &notes)
{
    using R = Result<CompressedLeads>;
    CompressedLeads c;
    const size_t base = s.offset + 16;
    c.avmNanovolts = b.u16(base);
    c.intervalMicroseconds = b.u16(base + 2);
    c.differences = b.u8(base + 4);
    const int bimodal = b.u8(base + 5);
    if (b.overrun())
        return R::failure(fail(path, QStringLiteral("section %1 is shorter than its header").arg(number)));
    if (bimodal != 0)
        return R::failure(fail(path, QStringLiteral("section %1 uses bimodal compression, which EcgScope does not decode").arg(number)));
    if (c.avmNanovolts == 0 || c.intervalMicroseconds == 0 || c.differences > 2)
        return R::failure(fail(path, QStringLiteral("section %1 declares amplitude %2 nV, interval %3 us, difference encoding %4")
                                         .arg(number).arg(c.avmNanovolts).arg(c.intervalMicroseconds).arg(c.differences)));
    size_t offset = base + 6 + 2 * samplesPerLead.size();
    std::vector<size_t> mismatched; ///< stored sample counts that differ from Section 3's
    for (size_t l = 0; l < samplesPerLead.size(); ++l) {
        const size_t bytes = b.u16(base + 6 + 2 * l);
        if (!b.has(offset, bytes) || offset + bytes > s.offset + s.length)
            return R::failure(fail(path, QStringLiteral("section %1 lead %2 declares %3 bytes beyond the section's end").arg(number).arg(l + 1).arg(bytes)));
        if (!tables) {
            std::vector<int> values(bytes / 2);
            for (size_t i = 0; i < values.size(); ++i)
                values[i] = int16_t(b.u16(offset + 2 * i));
            if (values.size() != samplesPerLead[l])
                mismatched.push_back(values.size());
            undoDifferences(values, c.differences);
            c.leads.push_back(std::move(values));
            offset += bytes;
            continue;
        }
        // Every Huffman code is at least one bit: a lead cannot hold more samples than its bits, which also
        // bounds what a hostile header can make us allocate.
        if (samplesPerLead[l] > 8 * bytes)
            return R::failure(fail(path, QStringLiteral("section %1 lead %2 declares %3 samples in %4 bytes").arg(number).arg(l + 1).arg(samplesPerLead[l]).arg(bytes)));
        auto values = huffmanDecode(b.at(offset), bytes, samplesPerLead[l], *tables);
        if (!values)
            return R::failure(fail(path, QStringLiteral("section %1 lead %2: %3").arg(number).arg(l + 1).arg(values.error())));
        undoDifferences(values.value(), c.differences);
        c.leads.push_back(std::move(values).value());
        offset += bytes;
    }
    if (!mismatched.empty()) {
        // The file contradicts itself (a writer's 16-bit overflow, say): what each lead holds wins, all
        // leads cut to the shortest so none is padded with the next one's bytes.
        size_t shortest = c.leads.front().size();
        for (const auto &lead : c.leads)
            shortest = std::min(shortest, lead.size());
        for (auto &lead : c.leads)
            lead.resize(shortest);
        notes << QStringLiteral("section 3 declares %1 samples per lead but section %2 holds %3: read %4 samples per lead (%5 s)")
                     .arg(samplesPerLead.front())
                     .arg(number)
                     .arg(mismatched.front())
                     .arg(shortest)
                     .arg(shortest * c.intervalMicroseconds / 1.0e6, 0, 'f', 2);
    }
    return c;
}

double rateFromInterval(int microseconds)
{
    const double exact = 1.0e6 / microseconds;
    const double rounded = std::round(exact);
    return std::abs(exact - rounded) / rounded < 0.001 ? rounded : exact; // 1667 us is 600 Hz
}

} // namespace

quint16 crcCcitt(const uint8_t *data, size_t size)
{
    quint16 crc = 0xFFFF;
    for (size_t i = 0; i < size; ++i) {
        crc ^= quint16(data[i] << 8);
        for (int k = 0; k < 8; ++k)
            crc = (crc & 0x8000) ? quint16((crc << 1) ^ 0x1021) : quint16(crc << 1);
    }
    return crc;
}

Result<Ecg> readScp(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<Ecg>::failure(fail(path, QStringLiteral("cannot open: %1").arg(f.errorString())));
    if (f.size() > kMaxScpBytes)
        return Result<Ecg>::failure(fail(path, QStringLiteral("%1 bytes is larger than any SCP-ECG file").arg(f.size())));
    const QByteArray data = f.readAll();
    const Bytes b(data);
    if (b.size() < 6 + 16)
        return Result<Ecg>::failure(fail(path, QStringLiteral("%1 bytes is shorter than the file and section 0 headers").arg(b.size())));
    Ecg ecg;
    ecg.sourcePath = QFileInfo(path).absoluteFilePath();
    ecg.sourceFormat = QStringLiteral("SCP-ECG");
    const uint32_t declared = b.u32(2);
    // Either one may be off in a real file; both off is another format under SCP's name (a Healforce
    // handheld writes 16-bit lengths, 0-based pointers, other CRCs, packed 12-bit samples).
    if (declared != b.size() && data.mid(6 + 10, 6) != "SCPECG")
        return Result<Ecg>::failure(fail(path, QStringLiteral("not a conforming SCP-ECG file: it declares %1 bytes and has %2, and section 0 lacks the 'SCPECG' "
                                                              "identifier (some handheld devices write their own format under this name; not supported)")
                                                   .arg(declared).arg(b.size())));
    if (declared != b.size())
        ecg.notes << QStringLiteral("warning: the file declares %1 bytes and has %2").arg(declared).arg(b.size());
    if (declared >= 2 && declared <= b.size() && crcCcitt(b.at(2), declared - 2) != b.u16(0))
        ecg.notes << QStringLiteral("warning: file CRC does not match");

    // Section 0: pointers to the other sections (1-based offsets).
    std::map<int, Section> sections;
    const size_t section0Length = b.u32(6 + 4);
    if (b.u16(6 + 2) != 0 || section0Length < 16 || !b.has(6, section0Length))
        return Result<Ecg>::failure(fail(path, QStringLiteral("section 0 (pointers) is missing or runs past the end")));
    for (size_t p = 6 + 16; p + 10 <= 6 + section0Length; p += 10) {
        const int id = b.u16(p);
        const size_t length = b.u32(p + 2), index = b.u32(p + 6);
        if (length == 0 || index == 0)
            continue;
        if (length < 16 || !b.has(index - 1, length))
            return Result<Ecg>::failure(fail(path, QStringLiteral("section %1 declares %2 bytes at byte %3, beyond the file's %4").arg(id).arg(length).arg(index).arg(b.size())));
        sections[id] = {index - 1, length};
        if (crcCcitt(b.at(index - 1 + 2), length - 2) != b.u16(index - 1))
            ecg.notes << QStringLiteral("warning: CRC of section %1 does not match").arg(id);
    }
    for (int required : {3, 6}) {
        if (!sections.count(required))
            return Result<Ecg>::failure(fail(path, QStringLiteral("section %1 (%2) is missing").arg(required).arg(required == 3 ? QStringLiteral("lead definition") : QStringLiteral("rhythm data"))));
    }

    // Section 1: tag, length, value; lengths are unreliable in real files, so each is bounds-checked
    // against the section.
    if (sections.count(1)) {
        const Section &s = sections[1];
        QString lastName, firstName;
        for (size_t p = s.offset + 16; p + 3 <= s.offset + s.length;) {
            const int tag = b.u8(p);
            const size_t length = b.u16(p + 1);
            if (tag == 255)
                break;
            const size_t value = p + 3;
            if (value + length > s.offset + s.length)
                break;
            switch (tag) {
            case 0: lastName = latin1(b, value, length); break;
            case 1: firstName = latin1(b, value, length); break;
            case 2: ecg.patient.id = latin1(b, value, length); break;
            case 4:
                if (length >= 3 && b.u8(value + 2) == 1)
                    ecg.patient.ageYears = b.u16(value);
                break;
            case 5:
                if (length >= 4)
                    ecg.patient.birthDate = QDate(b.u16(value), b.u8(value + 2), b.u8(value + 3));
                break;
            case 8:
                if (length >= 1)
                    ecg.patient.sex = b.u8(value) == 1 ? Sex::Male : b.u8(value) == 2 ? Sex::Female : Sex::Unknown;
                break;
            case 14:
                // Acquiring device: the model description starts at byte 22 of the machine id block.
                if (length > 22)
                    ecg.acquisition.device = latin1(b, value + 22, length - 22).section(QChar(0), 0, 0);
                break;
            case 25:
                if (length >= 4)
                    ecg.acquisition.start.setDate(QDate(b.u16(value), b.u8(value + 2), b.u8(value + 3)));
                break;
            case 26:
                if (length >= 3)
                    ecg.acquisition.start.setTime(QTime(b.u8(value), b.u8(value + 1), b.u8(value + 2)));
                break;
            default: break;
            }
            p = value + length;
        }
        ecg.patient.name = QStringList{firstName, lastName}.join(QLatin1Char(' ')).trimmed();
    }

    // Section 2: Huffman tables (19999: the standard's default table). Without Section 2 the samples are
    // not Huffman-coded at all.
    std::vector<HuffmanTable> tables{defaultTable()};
    const std::vector<HuffmanTable> *huffman = sections.count(2) ? &tables : nullptr;
    if (sections.count(2)) {
        const Section &s = sections[2];
        const int count = b.u16(s.offset + 16);
        if (count != 19999) {
            tables.clear();
            size_t p = s.offset + 18;
            for (int t = 0; t < count && t < 256; ++t) {
                const int codes = b.u16(p);
                p += 2;
                HuffmanTable table;
                for (int c = 0; c < codes && c < 1024; ++c, p += 9) {
                    table.push_back({b.u8(p), b.u8(p + 1), b.u8(p + 2) != 0, int16_t(b.u16(p + 3)), b.u32(p + 5)});
                    if (table.back().prefixBits < 1 || table.back().prefixBits > 32 || table.back().totalBits < table.back().prefixBits ||
                        table.back().totalBits - table.back().prefixBits > 31)
                        return Result<Ecg>::failure(fail(path, QStringLiteral("section 2 table %1 code %2 is malformed").arg(t + 1).arg(c + 1)));
                }
                tables.push_back(std::move(table));
            }
            if (b.overrun() || p > s.offset + s.length || tables.empty())
                return Result<Ecg>::failure(fail(path, QStringLiteral("section 2 (Huffman tables) runs past its end")));
        }
    }

    // Section 3: leads.
    const Section &s3 = sections[3];
    const int leadCount = b.u8(s3.offset + 16);
    const int flags = b.u8(s3.offset + 17);
    std::vector<size_t> samplesPerLead;
    std::vector<int> leadIds;
    for (int l = 0; l < leadCount; ++l) {
        const size_t p = s3.offset + 18 + 9 * size_t(l);
        const uint32_t first = b.u32(p), last = b.u32(p + 4);
        if (last < first || last - first > 10'000'000)
            return Result<Ecg>::failure(fail(path, QStringLiteral("section 3 lead %1 spans samples %2-%3").arg(l + 1).arg(first).arg(last)));
        samplesPerLead.push_back(last - first + 1);
        leadIds.push_back(b.u8(p + 8));
    }
    if (b.overrun() || leadCount == 0)
        return Result<Ecg>::failure(fail(path, QStringLiteral("section 3 (lead definition) is truncated or lists no leads")));

    auto rhythm = readCompressed(b, sections[6], 6, samplesPerLead, huffman, path, ecg.notes);
    if (!rhythm)
        return Result<Ecg>::failure(rhythm.error());
    ecg.sampleRateHz = rateFromInterval(rhythm->intervalMicroseconds);
    const double rhythmUv = rhythm->avmNanovolts / 1000.0;

    // Reference-beat subtraction: add the reference beat (Section 5) back in every type-0 QRS's zone.
    std::vector<std::vector<double>> values(static_cast<size_t>(leadCount));
    for (int l = 0; l < leadCount; ++l)
        for (int v : rhythm->leads[size_t(l)])
            values[size_t(l)].push_back(v * rhythmUv);
    if ((flags & 1) && sections.count(4) && sections.count(5)) {
        const Section &s4 = sections[4];
        const size_t referenceFiducial = b.u16(s4.offset + 18);
        const int qrsCount = b.u16(s4.offset + 20);
        std::vector<size_t> beatSamples(static_cast<size_t>(leadCount));
        const Section &s5 = sections[5];
        const int refInterval = b.u16(s5.offset + 18);
        if (refInterval != rhythm->intervalMicroseconds)
            return Result<Ecg>::failure(fail(path, QStringLiteral("reference beat at %1 us per sample, rhythm at %2: resampled subtraction is not supported").arg(refInterval).arg(rhythm->intervalMicroseconds)));
        const size_t beatLength = size_t(std::lround(b.u16(s4.offset + 16) * 1000.0 / refInterval));
        std::fill(beatSamples.begin(), beatSamples.end(), beatLength);
        auto reference = readCompressed(b, s5, 5, beatSamples, huffman, path, ecg.notes);
        if (!reference)
            return Result<Ecg>::failure(reference.error());
        const double referenceUv = reference->avmNanovolts / 1000.0;
        for (int q = 0; q < qrsCount; ++q) {
            const size_t p = s4.offset + 22 + 14 * size_t(q);
            const int type = b.u16(p);
            const long start = long(b.u32(p + 2)) - 1, fiducial = long(b.u32(p + 6)) - 1, end = long(b.u32(p + 10)) - 1;
            if (b.overrun())
                return Result<Ecg>::failure(fail(path, QStringLiteral("section 4 lists %1 QRS complexes beyond its end").arg(qrsCount)));
            if (type != 0)
                continue;
            for (int l = 0; l < leadCount; ++l) {
                for (long t = std::max(0L, start); t <= end && t < long(values[size_t(l)].size()); ++t) {
                    const long r = t - fiducial + long(referenceFiducial) - 1;
                    if (r >= 0 && r < long(beatLength))
                        values[size_t(l)][size_t(t)] += reference->leads[size_t(l)][size_t(r)] * referenceUv;
                }
            }
        }
    }
    for (int l = 0; l < leadCount; ++l) {
        LeadSignal lead;
        const QString name = leadFromCode(leadIds[size_t(l)]);
        lead.name = name.isEmpty() ? QStringLiteral("lead id %1").arg(leadIds[size_t(l)]) : name;
        lead.microvolts.assign(values[size_t(l)].begin(), values[size_t(l)].end());
        lead.resolutionMicrovolts = rhythmUv;
        ecg.leads.push_back(std::move(lead));
    }

    // Section 7: global measurements: beat-type and spike counts, average RR and PP intervals (ms), then
    // per reference beat type P onset/offset, QRS onset/offset, T offset (ms) and P, QRS, T axes (degrees).
    if (sections.count(7) && b.u8(sections[7].offset + 16) > 0) {
        const size_t p = sections[7].offset + 16;
        const auto known = [](int v) { return v != 29999 && v != 0xFFFF && v != -1; };
        const int rr = int16_t(b.u16(p + 2)), pOn = int16_t(b.u16(p + 6)), qrsOn = int16_t(b.u16(p + 10)),
                  qrsOff = int16_t(b.u16(p + 12)), tOff = int16_t(b.u16(p + 14));
        const int axes[] = {int16_t(b.u16(p + 16)), int16_t(b.u16(p + 18)), int16_t(b.u16(p + 20))};
        if (!b.overrun()) {
            const auto add = [&](const char *name, bool ok, double value, const char *unit) {
                if (ok)
                    ecg.measurements.push_back({QString::fromLatin1(name), value, QString::fromLatin1(unit)});
            };
            add("RR Interval", known(rr) && rr > 0, rr, "ms");
            add("PR Interval", known(pOn) && known(qrsOn) && qrsOn > pOn, qrsOn - pOn, "ms");
            add("QRS Duration", known(qrsOn) && known(qrsOff) && qrsOff > qrsOn, qrsOff - qrsOn, "ms");
            add("QT Interval", known(qrsOn) && known(tOff) && tOff > qrsOn, tOff - qrsOn, "ms");
            add("P Axis", known(axes[0]), axes[0], "deg");
            add("QRS Axis", known(axes[1]), axes[1], "deg");
            add("T Axis", known(axes[2]), axes[2], "deg");
        }
    }
    // Section 10: per-lead measurements: lead count, a manufacturer word, then per lead its id, the byte
    // length of its values and int16 values in a fixed order (durations in ms, amplitudes in µV).
    if (sections.count(10)) {
        const Section &s = sections[10];
        struct Field {
            int index;
            const char *name;
            const char *unit;
        };
        static const Field fields[] = {{4, "Q Duration", "ms"},   {9, "Q Amplitude", "uV"},  {10, "R Amplitude", "uV"},
                                       {11, "S Amplitude", "uV"}, {14, "J Amplitude", "uV"}, {17, "T+ Amplitude", "uV"},
                                       {18, "T- Amplitude", "uV"}};
        const int leads = b.u16(s.offset + 16);
        size_t p = s.offset + 20;
        for (int l = 0; l < leads && l < 256 && p + 4 <= s.offset + s.length; ++l) {
            const QString lead = leadFromCode(b.u16(p));
            const size_t bytes = b.u16(p + 2);
            if (p + 4 + bytes > s.offset + s.length)
                break;
            for (const Field &field : fields) {
                const int v = int16_t(b.u16(p + 4 + 2 * size_t(field.index)));
                if (!lead.isEmpty() && size_t(2 * field.index + 2) <= bytes && v != 29999 && v != 29998 && v != 19999)
                    ecg.measurements.push_back({lead + QLatin1Char(' ') + QLatin1String(field.name), double(v), QString::fromLatin1(field.unit)});
            }
            p += 4 + bytes;
        }
    }
    // Sections 8 and 11: interpretive statements (confirmation, date, time, count, then sequence number,
    // length and text per statement; Section 11 adds a type byte before each statement's text).
    for (int id : {8, 11}) {
        if (!sections.count(id))
            continue;
        const Section &s = sections[id];
        const int count = b.u8(s.offset + 16 + 8);
        size_t p = s.offset + 16 + 9;
        for (int k = 0; k < count && p + 3 <= s.offset + s.length; ++k) {
            const size_t length = b.u16(p + 1);
            if (p + 3 + length > s.offset + s.length)
                break;
            const QString text = latin1(b, p + 3 + (id == 11 ? 1 : 0), length - (id == 11 && length > 0 ? 1 : 0)).replace(QChar(0x1E), QLatin1Char(' '));
            if (!text.isEmpty())
                ecg.statements << text;
            p += 3 + length;
        }
    }

    if (const QString problem = ecg.finishLoading(); !problem.isEmpty())
        return Result<Ecg>::failure(fail(path, problem));
    return ecg;
}

} // namespace ecgscope::io
