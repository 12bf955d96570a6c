#include "core/io/mfer.h"

#include "core/io/leadcodes.h"

#include <QFile>
#include <QFileInfo>
#include <QStringDecoder>

#include <cmath>
#include <map>
#include <optional>

namespace ecgscope::io {

namespace {

constexpr qint64 kMaxFileBytes = qint64(1) << 30;
constexpr qint64 kMaxSamples = qint64(256) << 20; // all leads together: about 1 GB as float

// Tags of ISO 22077-1 that the reader uses.
enum Tag : uint8_t {
    ByteOrder = 0x01, TextCode = 0x03, BlockLength = 0x04, Channels = 0x05, Sequences = 0x06, LeadCode = 0x09,
    DataType = 0x0A, Interval = 0x0B, Sensitivity = 0x0C, Offset = 0x0D, NullValue = 0x12, Manufacturer = 0x17,
    Waveform = 0x1E, ChannelAttributes = 0x3F, End = 0x80, PatientName = 0x81, PatientId = 0x82, PatientAge = 0x83,
    PatientSex = 0x84, Time = 0x85,
};

QString fail(const QString &path, const QString &problem) { return QStringLiteral("%1: MFER: %2").arg(path, problem); }

/// A value as mantissa x 10^exponent with its unit code (IVL: 0 Hz, 1 s; SEN: 0 V, 1 mmHg, ...).
struct Scaled {
    int unit = 0;
    double value = 0.0;
};

/// What a channel's definitions say; unset fields fall back to the file's top-level ones.
struct Attributes {
    std::optional<int> lead, dataType;
    std::optional<qint64> block, nullValue;
    std::optional<Scaled> interval, sensitivity;
    std::optional<double> offset;

    Attributes over(const Attributes &defaults) const
    {
        Attributes a = *this;
        const auto fill = [](auto &field, const auto &fallback) {
            if (!field)
                field = fallback;
        };
        fill(a.lead, defaults.lead), fill(a.dataType, defaults.dataType), fill(a.block, defaults.block);
        fill(a.nullValue, defaults.nullValue), fill(a.interval, defaults.interval);
        fill(a.sensitivity, defaults.sensitivity), fill(a.offset, defaults.offset);
        return a;
    }
};

/// Bytes per sample of a data type; 0 when not supported (compressed types).
int sampleBytes(int type)
{
    switch (type) {
    case 0: case 1: case 4: return 2; // int16, uint16, 16-bit status
    case 2: case 6: case 7: return 4; // int32, uint32, float32
    case 3: case 5: return 1;         // uint8, int8
    case 8: return 8;                 // float64
    default: return 0;
    }
}

class Parser {
public:
    explicit Parser(const QByteArray &data) : mData(data) {}

    /// An integer of the value's bytes in the file's byte order.
    qint64 integer(const QByteArray &v, bool isSigned) const
    {
        quint64 x = 0;
        const int n = int(std::min<qsizetype>(v.size(), 8));
        for (int i = 0; i < n; ++i)
            x |= quint64(uchar(v[mLittle ? i : n - 1 - i])) << (8 * i);
        if (isSigned && n > 0 && n < 8 && (x >> (8 * n - 1)) & 1)
            x |= ~quint64(0) << (8 * n);
        return qint64(x);
    }
    Scaled scaled(const QByteArray &v) const
    {
        if (v.size() < 3)
            return {0, 0.0};
        return {uchar(v[0]), double(integer(v.mid(2), true)) * std::pow(10.0, double(qint8(v[1])))};
    }
    double sample(const char *p, int type) const
    {
        const QByteArray v = QByteArray::fromRawData(p, sampleBytes(type));
        switch (type) {
        case 0: case 2: case 5: return double(integer(v, true));
        case 7: { const quint32 u = quint32(integer(v, false)); float f; std::memcpy(&f, &u, 4); return double(f); }
        case 8: { const quint64 u = quint64(integer(v, false)); double d; std::memcpy(&d, &u, 8); return d; }
        default: return double(integer(v, false));
        }
    }
    QString text(const QByteArray &v) const
    {
        QStringDecoder decoder(mTextCode.isEmpty() ? "Latin1" : mTextCode.constData());
        QString s = decoder.isValid() ? decoder.decode(v) : QString::fromLatin1(v);
        return s.left(s.indexOf(QChar(0)) < 0 ? s.size() : s.indexOf(QChar(0))).trimmed();
    }

    /// The next definition at `pos`: tag, channel (for 0x3F) and value. False at the end or on bytes
    /// that cannot be one (`problem` says which).
    bool next(qsizetype &pos, uint8_t &tag, qint64 &channel, QByteArray &value, QString &problem) const
    {
        if (pos >= mData.size())
            return false;
        tag = uchar(mData[pos++]);
        if (tag == End)
            return false;
        if (tag == ChannelAttributes && !number(pos, channel, problem))
            return false;
        qint64 length = 0;
        if (!number(pos, length, problem))
            return false;
        if (length > mData.size() - pos && tag == Waveform) {
            length = mData.size() - pos; // a file cut short: its whole sequences are read, and said
            mCut = true;
        }
        if (length > mData.size() - pos) {
            problem = QStringLiteral("definition 0x%1 at byte %2 declares %3 bytes, %4 remain").arg(tag, 2, 16, QLatin1Char('0')).arg(pos).arg(length).arg(mData.size() - pos);
            return false;
        }
        value = QByteArray::fromRawData(mData.constData() + pos, length);
        pos += length;
        return true;
    }

    bool mLittle = false; // MFER's default byte order is big endian
    mutable bool mCut = false;
    QByteArray mTextCode;

private:
    /// A length or channel number: one byte, or 0x80 | n and n big-endian bytes.
    bool number(qsizetype &pos, qint64 &out, QString &problem) const
    {
        if (pos >= mData.size()) {
            problem = QStringLiteral("file ends inside a definition");
            return false;
        }
        const uchar first = uchar(mData[pos++]);
        if (!(first & 0x80)) {
            out = first;
            return true;
        }
        const int n = first & 0x7F;
        if (n > 4 || pos + n > mData.size()) {
            problem = QStringLiteral("a length of %1 bytes at byte %2").arg(n).arg(pos - 1);
            return false;
        }
        out = 0;
        for (int i = 0; i < n; ++i)
            out = (out << 8) | uchar(mData[pos++]);
        return true;
    }

    const QByteArray &mData;
};

/// Applies one attribute definition (top level or inside a channel's 0x3F).
void setAttribute(const Parser &p, uint8_t tag, const QByteArray &v, Attributes &a)
{
    switch (tag) {
    case LeadCode: a.lead = int(p.integer(v, false)); break;
    case DataType: a.dataType = int(p.integer(v, false)); break;
    case BlockLength: a.block = p.integer(v, false); break;
    case NullValue: a.nullValue = p.integer(v, false); break;
    case Interval: a.interval = p.scaled(v); break;
    case Sensitivity: a.sensitivity = p.scaled(v); break;
    case Offset: a.offset = double(p.integer(v, true)); break;
    default: break;
    }
}

QString unitName(int unit)
{
    static const char *const names[] = {"V", "mmHg", "Pa", "cmH2O", "mmHg/s", "dyn", "N", "%", "°C"};
    return unit >= 0 && unit < int(std::size(names)) ? QString::fromUtf8(names[unit]) : QStringLiteral("unit %1").arg(unit);
}

} // namespace

bool looksLikeMfer(const QByteArray &head)
{
    if (head.size() >= 3 && uchar(head[0]) == 0x40 && uchar(head[1]) == 0x20)
        return true; // the preamble
    if (head.size() < 3 || uchar(head[0]) != ByteOrder || uchar(head[1]) != 1 || uchar(head[2]) > 1)
        return false;
    // Without a preamble: definitions from the byte order on, one of them saying what the waveform is.
    Parser p(head);
    qsizetype pos = 0;
    uint8_t tag = 0;
    qint64 channel = 0;
    QByteArray v;
    QString problem;
    while (p.next(pos, tag, channel, v, problem))
        if (tag == Channels || tag == Interval || tag == LeadCode || tag == Waveform || tag == ChannelAttributes)
            return true;
    return false;
}

Result<Ecg> readMfer(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<Ecg>::failure(fail(path, QStringLiteral("cannot open: %1").arg(f.errorString())));
    if (f.size() > kMaxFileBytes)
        return Result<Ecg>::failure(fail(path, QStringLiteral("%1 bytes is larger than EcgScope opens at once").arg(f.size())));
    const QByteArray data = f.readAll();
    Parser p(data);
    Attributes common;
    std::map<qint64, Attributes> perChannel;
    qint64 channels = 1, sequences = -1;
    std::vector<QByteArray> waveform;
    Ecg ecg;
    ecg.sourcePath = QFileInfo(path).absoluteFilePath();
    ecg.sourceFormat = QStringLiteral("MFER");

    qsizetype pos = 0;
    uint8_t tag = 0;
    qint64 channel = 0;
    QByteArray v;
    QString problem;
    while (p.next(pos, tag, channel, v, problem)) {
        switch (tag) {
        case ByteOrder: p.mLittle = v.size() == 1 && v[0] == 1; break;
        case TextCode: p.mTextCode = QByteArray(v.constData(), qsizetype(qstrnlen(v.constData(), size_t(v.size())))).trimmed(); break;
        case Channels: channels = p.integer(v, false); break;
        case Sequences: sequences = p.integer(v, false); break;
        case Waveform: waveform.push_back(v); break;
        case Manufacturer: ecg.acquisition.device = p.text(v).replace(QLatin1Char('^'), QLatin1Char(' ')).simplified(); break;
        case PatientName: ecg.patient.name = p.text(v).replace(QLatin1Char('^'), QLatin1Char(' ')).simplified(); break;
        case PatientId: ecg.patient.id = p.text(v); break;
        case PatientSex: ecg.patient.sex = v.size() == 1 && v[0] == 1 ? Sex::Male : v.size() == 1 && v[0] == 2 ? Sex::Female : Sex::Unknown; break;
        case PatientAge: // years (0xFF: unknown), days, birth year, month, day
            if (v.size() >= 1 && uchar(v[0]) != 0xFF)
                ecg.patient.ageYears = uchar(v[0]);
            if (v.size() >= 7)
                ecg.patient.birthDate = QDate(int(p.integer(v.mid(3, 2), false)), uchar(v[5]), uchar(v[6]));
            break;
        case Time: // year, month, day, hour, minute, second, ms, µs
            if (v.size() >= 7) {
                const QDate d(int(p.integer(v.left(2), false)), uchar(v[2]), uchar(v[3]));
                const QTime t{int(uchar(v[4])), int(uchar(v[5])), int(uchar(v[6]))};
                if (d.isValid())
                    ecg.acquisition.start = QDateTime(d, t.isValid() ? t : QTime(0, 0));
            }
            break;
        case ChannelAttributes: {
            qsizetype inner = 0;
            const QByteArray nested(v); // a copy: the nested parser walks it from 0
            Parser q(nested);
            q.mLittle = p.mLittle;
            uint8_t t = 0;
            qint64 unused = 0;
            QByteArray w;
            while (q.next(inner, t, unused, w, problem))
                setAttribute(q, t, w, perChannel[channel]);
            if (!problem.isEmpty())
                return Result<Ecg>::failure(fail(path, QStringLiteral("channel %1's attributes: %2").arg(channel + 1).arg(problem)));
            break;
        }
        default: setAttribute(p, tag, v, common); break;
        }
    }
    if (!problem.isEmpty())
        return Result<Ecg>::failure(fail(path, problem));
    if (channels < 1 || channels > 256)
        return Result<Ecg>::failure(fail(path, QStringLiteral("%1 channels declared (1-256)").arg(channels)));
    if (waveform.empty())
        return Result<Ecg>::failure(fail(path, QStringLiteral("no waveform data (tag 0x1E)")));
    QByteArray wave;
    for (const QByteArray &w : waveform)
        wave += w;

    // One sequence holds a block of every channel in turn.
    std::vector<Attributes> attrs;
    qint64 sequenceBytes = 0;
    for (qint64 c = 0; c < channels; ++c) {
        Attributes a = perChannel[c].over(common);
        const int type = a.dataType.value_or(0);
        const qint64 block = a.block.value_or(1);
        if (sampleBytes(type) == 0)
            return Result<Ecg>::failure(fail(path, QStringLiteral("channel %1: data type %2 is not supported (compressed)").arg(c + 1).arg(type)));
        if (block < 1 || block > kMaxSamples)
            return Result<Ecg>::failure(fail(path, QStringLiteral("channel %1: block of %2 samples").arg(c + 1).arg(block)));
        sequenceBytes += block * sampleBytes(type);
        attrs.push_back(a);
    }
    const qint64 whole = wave.size() / sequenceBytes;
    if (sequences < 0)
        sequences = whole;
    if (p.mCut && sequences < 0)
        ecg.notes << QStringLiteral("file cut short inside the waveform: its whole sequences read");
    if (sequences > whole) {
        ecg.notes << QStringLiteral("file cut short: %1 of the %2 data sequences it declares").arg(whole).arg(sequences);
        sequences = whole;
    }
    if (sequences == 0)
        return Result<Ecg>::failure(fail(path, QStringLiteral("the waveform holds %1 bytes, one sequence of all channels needs %2").arg(wave.size()).arg(sequenceBytes)));

    // ECG leads: a known lead code and a voltage; the first one's rate is the record's.
    QStringList others;
    std::vector<qint64> leadChannels;
    for (qint64 c = 0; c < channels; ++c) {
        const Attributes &a = attrs[size_t(c)];
        const QString lead = a.lead ? leadFromCode(*a.lead) : QString();
        const int unit = a.sensitivity ? a.sensitivity->unit : 0;
        const double rate = !a.interval ? 0.0 : a.interval->unit == 0 ? a.interval->value : a.interval->unit == 1 && a.interval->value > 0 ? 1.0 / a.interval->value : 0.0;
        const QString description = QStringLiteral("channel %1 (code 0x%2, %3, %4 Hz)").arg(c + 1).arg(a.lead.value_or(0), 0, 16).arg(unitName(unit)).arg(rate);
        if (lead.isEmpty() || unit != 0 || a.dataType.value_or(0) == 4) {
            others << description;
            continue;
        }
        if (!(rate > 0.0) || !std::isfinite(rate))
            return Result<Ecg>::failure(fail(path, QStringLiteral("lead %1 has no sampling interval or frequency (tag 0x0B)").arg(lead)));
        if (ecg.leads.empty())
            ecg.sampleRateHz = rate;
        if (std::abs(rate - ecg.sampleRateHz) > 1e-6 * rate) {
            others << description;
            continue;
        }
        if (!a.sensitivity)
            ecg.notes << QStringLiteral("lead %1 has no sensitivity (tag 0x0C): read as 1 µV per unit").arg(lead);
        const qint64 n = sequences * a.block.value_or(1);
        if (n * qint64(ecg.leads.size() + 1) > kMaxSamples)
            return Result<Ecg>::failure(fail(path, QStringLiteral("%1 samples per lead is longer than EcgScope opens at once").arg(n)));
        LeadSignal l;
        l.name = lead;
        l.resolutionMicrovolts = a.sensitivity ? a.sensitivity->value * 1.0e6 : 1.0;
        l.microvolts.resize(size_t(n));
        ecg.leads.push_back(std::move(l));
        leadChannels.push_back(c);
    }
    if (ecg.leads.empty())
        return Result<Ecg>::failure(fail(path, QStringLiteral("no channel is an ECG lead (%1)").arg(others.join(QStringLiteral(", ")))));
    if (!others.isEmpty())
        ecg.notes << QStringLiteral("channels that are not ECG leads at %1 Hz, not shown: %2").arg(ecg.sampleRateHz).arg(others.join(QStringLiteral(", ")));

    // Samples; nulls marked as NaN until the end decides what they become.
    for (size_t l = 0; l < leadChannels.size(); ++l) {
        const qint64 c = leadChannels[l];
        const Attributes &a = attrs[size_t(c)];
        const int type = a.dataType.value_or(0), size = sampleBytes(type);
        qint64 before = 0; // bytes of the channels ahead of it in a sequence
        for (qint64 k = 0; k < c; ++k)
            before += attrs[size_t(k)].block.value_or(1) * sampleBytes(attrs[size_t(k)].dataType.value_or(0));
        const qint64 block = a.block.value_or(1);
        LeadSignal &lead = ecg.leads[l];
        for (qint64 s = 0; s < sequences; ++s) {
            const char *at = wave.constData() + s * sequenceBytes + before;
            for (qint64 i = 0; i < block; ++i) {
                const double raw = p.sample(at + i * size, type);
                const bool null = a.nullValue && qint64(p.integer(QByteArray::fromRawData(at + i * size, size), false)) == *a.nullValue;
                lead.microvolts[size_t(s * block + i)] = null ? NAN : float((raw + a.offset.value_or(0.0)) * lead.resolutionMicrovolts);
            }
        }
    }
    // Trailing nulls in every lead: no data was recorded there.
    size_t end = ecg.leads.front().microvolts.size();
    while (end > 0 && std::all_of(ecg.leads.begin(), ecg.leads.end(), [end](const LeadSignal &l) { return std::isnan(l.microvolts[end - 1]); }))
        --end;
    if (end == 0)
        return Result<Ecg>::failure(fail(path, QStringLiteral("every sample is the null value")));
    if (end < ecg.leads.front().microvolts.size())
        ecg.notes << QStringLiteral("the last %1 samples are the null value in every lead (no data): cut").arg(ecg.leads.front().microvolts.size() - end);
    for (LeadSignal &l : ecg.leads) {
        l.microvolts.resize(end);
        int held = 0;
        float last = 0.0f;
        for (float &x : l.microvolts) {
            if (std::isnan(x)) {
                x = last;
                ++held;
            }
            last = x;
        }
        if (held > 0)
            ecg.notes << QStringLiteral("lead %1: %2 null samples (no data) held at the last valid value").arg(l.name).arg(held);
    }

    if (const QString bad = ecg.finishLoading(); !bad.isEmpty())
        return Result<Ecg>::failure(fail(path, bad));
    return ecg;
}

} // namespace ecgscope::io
