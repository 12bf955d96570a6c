#include "core/io/wfdb.h"

#include "core/privatefile.h"

#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QMultiMap>
#include <QRegularExpression>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace ecgscope::io {

namespace {

constexpr double kDefaultGain = 200.0;      // adu per physical unit, when the header says 0 or nothing
constexpr double kDefaultRateHz = 250.0;    // WFDB's default sampling frequency
constexpr qint64 kMaxHeaderBytes = 1 << 20; // a header is text of a few kB; refuse anything absurd
constexpr qint64 kMaxSignalBytes = qint64(2) << 30;

struct SignalSpec {
    QString fileName;
    int format = 0;
    qint64 byteOffset = 0;
    double gain = kDefaultGain;
    double baseline = 0.0;
    double microvoltsPerUnit = 1000.0; // units: mV by default
    int initialValue = 0;
    std::optional<int> checksum;
    QString description;
    bool inferred = false; ///< file, format and gain taken from the next signal (a damaged header): verified against the data
};

struct Header {
    QString recordName;
    int signalCount = 0;
    double rateHz = kDefaultRateHz;
    std::optional<qint64> sampleCount;
    QDateTime start;
    std::vector<SignalSpec> signals_;
    QMultiMap<QString, QString> comments; // "#Key: value" lines
    QStringList statements;
    QString repair; ///< what was done to read a damaged header, for a note
};

QString fail(const QString &file, const QString &problem)
{
    return QStringLiteral("%1: WFDB: %2").arg(file, problem);
}

std::optional<double> unitScale(const QString &units)
{
    const QString u = units.toLower();
    if (u == QLatin1String("mv") || u.isEmpty())
        return 1000.0;
    if (u == QLatin1String("uv") || u == QStringLiteral("µv") || u == QLatin1String("microvolts"))
        return 1.0;
    if (u == QLatin1String("v"))
        return 1.0e6;
    return std::nullopt;
}

QDateTime parseStart(const QStringList &tokens)
{
    QTime time;
    QDate date;
    for (const QString &t : tokens) {
        if (!time.isValid())
            time = QTime::fromString(t, QStringLiteral("H:mm:ss"));
        if (!time.isValid())
            time = QTime::fromString(t, QStringLiteral("H:mm:ss.zzz"));
        if (!date.isValid())
            date = QDate::fromString(t, QStringLiteral("d/M/yyyy"));
        if (!date.isValid()) // the CinC Challenge writes e.g. 04-Jun-2020
            date = QLocale::c().toDate(t, QStringLiteral("dd-MMM-yyyy"));
    }
    if (!date.isValid())
        return {};
    return QDateTime(date, time.isValid() ? time : QTime(0, 0));
}

/// The fields after the gain: ADC resolution, ADC zero (the baseline unless the gain gave one), initial
/// value, checksum, block size, description.
void readSignalTail(SignalSpec &s, const QStringList &tail, int number, bool explicitBaseline)
{
    if (tail.size() > 1 && !explicitBaseline)
        s.baseline = tail[1].toDouble();
    if (tail.size() > 2)
        s.initialValue = tail[2].toInt();
    if (tail.size() > 3)
        s.checksum = tail[3].toInt();
    if (tail.size() > 5)
        s.description = tail.mid(5).join(QLatin1Char(' '));
    if (s.description.isEmpty())
        s.description = QStringLiteral("signal %1").arg(number);
}

/// A signal's format field: format[xN][:skew][+offset].
const QRegularExpression &formatPattern()
{
    static const QRegularExpression re(QStringLiteral("^(\\d+)(x\\d+)?(:\\d+)?(?:\\+(\\d+))?$"));
    return re;
}

/// One signal line: file, format[xN][:skew][+offset], gain(baseline)/units, ADC resolution, ADC zero,
/// initial value, checksum, block size, description. `number` counts from 1, for messages.
Result<SignalSpec> parseSignalLine(const QString &path, const QStringList &tok, int number)
{
    static const QRegularExpression gainRe(QStringLiteral("^([-+0-9.eE]+)(?:\\(([-+0-9]+)\\))?(?:/(\\S+))?$"));
    if (tok.size() < 2)
        return Result<SignalSpec>::failure(fail(path, QStringLiteral("signal line '%1' has no format").arg(tok.join(QLatin1Char(' ')))));
    SignalSpec s;
    s.fileName = tok[0];
    const auto fm = formatPattern().match(tok[1]);
    if (!fm.hasMatch())
        return Result<SignalSpec>::failure(fail(path, QStringLiteral("signal format '%1' is not understood").arg(tok[1])));
    if (fm.capturedLength(2) > 0 && fm.captured(2) != QLatin1String("x1"))
        return Result<SignalSpec>::failure(fail(path, QStringLiteral("multi-frequency signals ('%1') are not supported").arg(tok[1])));
    s.format = fm.captured(1).toInt();
    s.byteOffset = fm.captured(4).toLongLong();
    bool explicitBaseline = false;
    if (tok.size() > 2) {
        const auto gm = gainRe.match(tok[2]);
        if (!gm.hasMatch())
            return Result<SignalSpec>::failure(fail(path, QStringLiteral("gain '%1' is not understood").arg(tok[2])));
        const double g = gm.captured(1).toDouble();
        s.gain = g == 0.0 ? kDefaultGain : g;
        if (gm.capturedLength(2) > 0) {
            s.baseline = gm.captured(2).toDouble();
            explicitBaseline = true;
        }
        const auto scale = unitScale(gm.captured(3));
        if (!scale)
            return Result<SignalSpec>::failure(fail(path, QStringLiteral("units '%1' of signal %2 are not a voltage")
                                                          .arg(gm.captured(3))
                                                          .arg(number)));
        s.microvoltsPerUnit = *scale;
    }
    readSignalTail(s, tok.mid(3), number, explicitBaseline);
    return s;
}

Result<Header> parseHeader(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Result<Header>::failure(fail(path, QStringLiteral("cannot open header: %1").arg(file.errorString())));
    if (file.size() > kMaxHeaderBytes)
        return Result<Header>::failure(fail(path, QStringLiteral("header is %1 bytes, not a WFDB header").arg(file.size())));
    const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));

    Header h;
    bool haveRecordLine = false;
    QStringList damagedFirstSignal; // signal 1's fields that survived a damaged record line
    static const QRegularExpression ws(QStringLiteral("\\s+"));
    for (QString line : lines) {
        line = line.trimmed();
        if (line.isEmpty())
            continue;
        if (line.startsWith(QLatin1Char('#'))) {
            const QString body = line.mid(1).trimmed();
            const int colon = int(body.indexOf(QLatin1Char(':')));
            if (colon > 0) {
                const QString key = body.left(colon).trimmed();
                const QString value = body.mid(colon + 1).trimmed();
                if (key == QLatin1String("Statement"))
                    h.statements << value;
                else
                    h.comments.insert(key, value);
            }
            continue;
        }
        const QStringList tok = line.split(ws, Qt::SkipEmptyParts);
        if (!haveRecordLine) {
            haveRecordLine = true;
            if (tok.size() < 2)
                return Result<Header>::failure(fail(path, QStringLiteral("record line '%1' has no signal count").arg(line)));
            if (tok[0].contains(QLatin1Char('/')))
                return Result<Header>::failure(fail(path, QStringLiteral("multi-segment records are not supported")));
            h.recordName = tok[0];
            bool ok = false;
            h.signalCount = tok[1].toInt(&ok);
            if (!ok || h.signalCount < 1 || h.signalCount > 256)
                return Result<Header>::failure(fail(path, QStringLiteral("signal count '%1' is not in 1..256").arg(tok[1])));
            if (tok.size() > 2) {
                const double rate = tok[2].section(QLatin1Char('/'), 0, 0).toDouble(&ok);
                if (!ok || !(rate > 0.0) || rate > 1.0e6)
                    return Result<Header>::failure(fail(path, QStringLiteral("sampling frequency '%1' is invalid").arg(tok[2])));
                h.rateHz = rate;
            }
            if (tok.size() > 4 && (tok[3].toLongLong(&ok), !ok)) {
                // The line ran into signal 1's and lost what lay between (CinC's JS01052 as published:
                // "JS01052 12 500 500000/mV 16 0 15 31255 0 I"): signal 1's fields after its gain remain.
                damagedFirstSignal = tok.mid(4);
                h.repair = line;
                continue;
            }
            if (tok.size() > 3) {
                const qint64 n = tok[3].toLongLong(&ok);
                if (!ok || n < 0)
                    return Result<Header>::failure(fail(path, QStringLiteral("sample count '%1' is invalid").arg(tok[3])));
                if (n > 0)
                    h.sampleCount = n;
            }
            if (tok.size() > 5 && formatPattern().match(tok[5]).hasMatch()) { // a lost line break: signal 1's line follows
                auto spec = parseSignalLine(path, tok.mid(4), 1);
                if (!spec)
                    return Result<Header>::failure(spec.error());
                h.signals_.push_back(spec.value());
                h.repair = line;
                continue;
            }
            h.start = parseStart(tok.mid(4));
            continue;
        }
        if (int(h.signals_.size()) == h.signalCount)
            continue; // info strings after the signal lines
        auto spec = parseSignalLine(path, tok, int(h.signals_.size()) + 1);
        if (!spec)
            return Result<Header>::failure(spec.error());
        h.signals_.push_back(spec.value());
    }
    if (!haveRecordLine)
        return Result<Header>::failure(fail(path, QStringLiteral("header has no record line")));
    if (!damagedFirstSignal.isEmpty() && !h.signals_.empty()) {
        SignalSpec s = h.signals_.front(); // file, format and gain as signal 2's; checked against the data
        s.checksum.reset();
        s.description.clear();
        readSignalTail(s, damagedFirstSignal, 1, false);
        s.inferred = true;
        h.signals_.insert(h.signals_.begin(), s);
    }
    if (int(h.signals_.size()) != h.signalCount)
        return Result<Header>::failure(fail(path, QStringLiteral("header declares %1 signals but describes %2")
                                                      .arg(h.signalCount)
                                                      .arg(h.signals_.size())));
    return h;
}

/// Bytes per frame of `k` interleaved signals in a format; 0 when unsupported. 212 packs 2 samples in 3 bytes.
double bytesPerSample(int format)
{
    switch (format) {
    case 16: case 61: case 160: return 2.0;
    case 80: return 1.0;
    case 212: return 1.5;
    case 24: return 3.0;
    case 32: return 4.0;
    default: return 0.0;
    }
}

std::vector<double> decode(const QByteArray &bytes, int format, qint64 count)
{
    std::vector<double> v(static_cast<size_t>(count));
    const auto *b = reinterpret_cast<const uint8_t *>(bytes.constData());
    for (qint64 i = 0; i < count; ++i) {
        double x = 0.0;
        switch (format) {
        case 16: x = int16_t(uint16_t(b[2 * i] | (b[2 * i + 1] << 8))); break;
        case 61: x = int16_t(uint16_t((b[2 * i] << 8) | b[2 * i + 1])); break;
        case 160: x = double(uint16_t(b[2 * i] | (b[2 * i + 1] << 8))) - 32768.0; break;
        case 80: x = double(b[i]) - 128.0; break;
        case 24: {
            int32_t u = int32_t(b[3 * i] | (b[3 * i + 1] << 8) | (uint32_t(b[3 * i + 2]) << 16));
            x = (u & 0x800000) ? u - 0x1000000 : u;
            break;
        }
        case 32: x = int32_t(uint32_t(b[4 * i]) | (uint32_t(b[4 * i + 1]) << 8) | (uint32_t(b[4 * i + 2]) << 16) |
                             (uint32_t(b[4 * i + 3]) << 24));
            break;
        case 212: {
            // Two 12-bit samples in three bytes: the second byte's low nibble is the high nibble of the
            // first sample, its high nibble that of the second.
            const qint64 p = (i / 2) * 3;
            int u = (i % 2 == 0) ? (b[p] | ((b[p + 1] & 0x0F) << 8)) : (b[p + 2] | ((b[p + 1] & 0xF0) << 4));
            x = (u & 0x800) ? u - 0x1000 : u;
            break;
        }
        }
        v[size_t(i)] = x;
    }
    return v;
}

/// WFDB's "invalid sample" value of a format (the most negative code).
double invalidSample(int format)
{
    switch (format) {
    case 80: return -128.0;
    case 212: return -2048.0;
    case 24: return -8388608.0;
    case 32: return -2147483648.0;
    default: return -32768.0;
    }
}

struct MatMatrix {
    int rows = 0;
    qint64 cols = 0;
    std::vector<double> frames; // column-major = one column (all signals of a sample) after another
};

/// MATLAB v4 matrix (the PhysioNet/CinC Challenge `.mat` files): a 20-byte header (type, rows, cols,
/// imaginary flag, name length), the name, then the elements column by column.
Result<MatMatrix> readMat4(const QString &path, const QByteArray &data)
{
    if (data.size() < 20)
        return Result<MatMatrix>::failure(fail(path, QStringLiteral("MATLAB file is %1 bytes, shorter than its header").arg(data.size())));
    const auto *b = reinterpret_cast<const uint8_t *>(data.constData());
    const auto le32 = [b](int at) { return int32_t(uint32_t(b[at]) | (uint32_t(b[at + 1]) << 8) | (uint32_t(b[at + 2]) << 16) | (uint32_t(b[at + 3]) << 24)); };
    const int32_t type = le32(0), rows = le32(4), cols = le32(8), imag = le32(12), nameLength = le32(16);
    if (type < 0 || type >= 1000)
        return Result<MatMatrix>::failure(fail(path, QStringLiteral("not a little-endian MATLAB v4 file (type %1; v5 files are not supported)").arg(type)));
    if (type % 10 != 0 || imag != 0 || (type / 100) % 10 != 0)
        return Result<MatMatrix>::failure(fail(path, QStringLiteral("MATLAB matrix is not a real numeric matrix (type %1)").arg(type)));
    static const int sizes[] = {8, 4, 4, 2, 2, 1};
    const int precision = (type / 10) % 10;
    if (precision > 5)
        return Result<MatMatrix>::failure(fail(path, QStringLiteral("MATLAB precision code %1 is unknown").arg(precision)));
    if (rows <= 0 || cols <= 0 || nameLength <= 0 || nameLength > 64)
        return Result<MatMatrix>::failure(fail(path, QStringLiteral("MATLAB header is malformed (%1 x %2, name length %3)").arg(rows).arg(cols).arg(nameLength)));
    const qint64 elementSize = sizes[precision];
    const qint64 start = 20 + nameLength;
    const qint64 count = qint64(rows) * cols;
    if (start + count * elementSize > data.size())
        return Result<MatMatrix>::failure(fail(path, QStringLiteral("MATLAB matrix of %1 x %2 needs %3 bytes, file has %4")
                                                         .arg(rows).arg(cols).arg(start + count * elementSize).arg(data.size())));
    MatMatrix m;
    m.rows = rows;
    m.cols = cols;
    m.frames.resize(size_t(count));
    const uint8_t *p = b + start;
    for (qint64 i = 0; i < count; ++i) {
        const uint8_t *e = p + i * elementSize;
        double x = 0.0;
        switch (precision) {
        case 0: { double d; std::memcpy(&d, e, 8); x = d; break; }
        case 1: { float f; std::memcpy(&f, e, 4); x = f; break; }
        case 2: x = int32_t(uint32_t(e[0]) | (uint32_t(e[1]) << 8) | (uint32_t(e[2]) << 16) | (uint32_t(e[3]) << 24)); break;
        case 3: x = int16_t(uint16_t(e[0] | (e[1] << 8))); break;
        case 4: x = uint16_t(e[0] | (e[1] << 8)); break;
        case 5: x = e[0]; break;
        }
        m.frames[size_t(i)] = x;
    }
    return m;
}

int16_t checksum16(const std::vector<double> &frames, int stride, int column)
{
    uint16_t sum = 0;
    for (size_t i = size_t(column); i < frames.size(); i += size_t(stride))
        sum = uint16_t(sum + uint16_t(int64_t(frames[i])));
    return int16_t(sum);
}

/// Reduced-lead copies of PhysioNet/CinC records (the 2021 Challenge's 2-, 3-, 4- and 6-lead sets, or II
/// and V5) keep the full 12-lead header but store fewer rows in the .mat. Each row is identified by the
/// header's own signature of a signal: its initial value (first sample) and checksum. Returns the header
/// signal of every row, or nothing when a row matches no signal or more than one.
std::vector<int> identifyStoredRows(const Header &h, const std::vector<int> &members, const MatMatrix &mat)
{
    std::vector<int> rows;
    for (int r = 0; r < mat.rows; ++r) {
        const int first = int(mat.frames[size_t(r)]);
        const int16_t sum = checksum16(mat.frames, mat.rows, r);
        std::vector<int> candidates;
        for (int m : members) {
            const SignalSpec &s = h.signals_[size_t(m)];
            if (s.initialValue == first && (!s.checksum || int16_t(*s.checksum) == sum))
                candidates.push_back(m);
        }
        if (candidates.size() != 1 || std::find(rows.begin(), rows.end(), candidates.front()) != rows.end())
            return {};
        rows.push_back(candidates.front());
    }
    return rows;
}

QString headerPathFor(const QString &path)
{
    const QFileInfo fi(path);
    const QString suffix = fi.suffix().toLower();
    if (suffix == QLatin1String("hea"))
        return path;
    const QString base = (suffix == QLatin1String("dat") || suffix == QLatin1String("mat"))
                             ? fi.path() + QLatin1Char('/') + fi.completeBaseName()
                             : path;
    return base + QStringLiteral(".hea");
}

/// Patient data, labels and statements from the header's comment lines.
void applyHeaderMetadata(const Header &h, Ecg &ecg)
{
    if (!h.repair.isEmpty())
        ecg.notes << QStringLiteral("damaged header: the record line ran into signal 1's line ('%1'); read as two lines%2")
                         .arg(h.repair, h.signals_.front().inferred ? QStringLiteral(", signal 1's file, format and gain taken from signal 2's "
                                                                                    "and checked against its initial value and checksum")
                                                                   : QString());
    const auto &c = h.comments;
    bool ok = false;
    QString ageText = c.value(QStringLiteral("Age")).trimmed();
    ecg.patient.ageOver89 = ageText.endsWith(QLatin1Char('+')); // "90+": de-identified
    if (ecg.patient.ageOver89)
        ageText.chop(1);
    const int age = ageText.toInt(&ok);
    if (ok && age >= 0 && age < 150)
        ecg.patient.ageYears = age;
    ecg.patient.sex = sexFromString(c.value(QStringLiteral("Sex")));
    ecg.patient.id = c.value(QStringLiteral("Patient-ID"));
    ecg.patient.name = c.value(QStringLiteral("Patient-Name"));
    ecg.acquisition.device = c.value(QStringLiteral("Device"));
    ecg.acquisition.site = c.value(QStringLiteral("Site"));
    ecg.statements = h.statements;
    for (const QString &code : c.value(QStringLiteral("Dx")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!code.trimmed().isEmpty())
            ecg.labels.push_back({code.trimmed(), QStringLiteral("SNOMED-CT"), LabelOrigin::Dataset, {}});
    }
    // Labels of other coding systems, written by writeWfdb: "#Label: system|code|origin|author".
    QStringList labelLines = c.values(QStringLiteral("Label"));
    std::reverse(labelLines.begin(), labelLines.end()); // QMultiMap lists the latest first
    for (const QString &line : labelLines) {
        const QStringList parts = line.split(QLatin1Char('|'));
        if (parts.size() == 4)
            ecg.labels.push_back({parts[1], parts[0], labelOriginFromString(parts[2]).value_or(LabelOrigin::Dataset), parts[3]});
    }
}

} // namespace

Result<Ecg> readWfdbHeader(const QString &path)
{
    const QString headerPath = headerPathFor(path);
    auto header = parseHeader(headerPath);
    if (!header)
        return Result<Ecg>::failure(header.error());
    Ecg ecg;
    ecg.sampleRateHz = header->rateHz;
    ecg.sourcePath = QFileInfo(headerPath).absoluteFilePath();
    ecg.sourceFormat = QStringLiteral("WFDB");
    ecg.acquisition.start = header->start;
    for (const SignalSpec &sig : header->signals_)
        ecg.leads.push_back({canonicalLeadName(sig.description), {}, false});
    applyHeaderMetadata(header.value(), ecg);
    return ecg;
}

Result<Ecg> readWfdb(const QString &path)
{
    const QString headerPath = headerPathFor(path);
    if (!QFileInfo::exists(headerPath))
        return Result<Ecg>::failure(fail(path, QStringLiteral("header %1 not found").arg(headerPath)));
    auto header = parseHeader(headerPath);
    if (!header)
        return Result<Ecg>::failure(header.error());
    const Header &h = header.value();
    const QString dir = QFileInfo(headerPath).path();

    Ecg ecg;
    ecg.sampleRateHz = h.rateHz;
    ecg.sourcePath = QFileInfo(headerPath).absoluteFilePath();
    ecg.sourceFormat = QStringLiteral("WFDB");
    ecg.acquisition.start = h.start;
    ecg.leads.resize(h.signals_.size());
    std::vector<bool> absent(h.signals_.size(), false); // listed in the header, not stored in the file

    // Signals sharing a file are interleaved frame by frame, in the order the header lists them.
    QStringList files;
    for (const SignalSpec &s : h.signals_) {
        if (!files.contains(s.fileName))
            files << s.fileName;
    }
    std::optional<qint64> sampleCount = h.sampleCount;
    qint64 missing = 0;
    for (const QString &fileName : files) {
        std::vector<int> members;
        for (size_t i = 0; i < h.signals_.size(); ++i) {
            if (h.signals_[i].fileName == fileName)
                members.push_back(int(i));
        }
        const SignalSpec &first = h.signals_[size_t(members.front())];
        for (int m : members) {
            if (h.signals_[size_t(m)].format != first.format || h.signals_[size_t(m)].byteOffset != first.byteOffset)
                return Result<Ecg>::failure(fail(headerPath, QStringLiteral("signals in %1 mix formats or offsets").arg(fileName)));
        }
        if (fileName.contains(QLatin1Char('/')) || fileName == QLatin1String("-"))
            return Result<Ecg>::failure(fail(headerPath, QStringLiteral("signal file '%1' is not a plain file name").arg(fileName)));
        const QString dataPath = dir + QLatin1Char('/') + fileName;
        QFile data(dataPath);
        if (!data.open(QIODevice::ReadOnly))
            return Result<Ecg>::failure(fail(dataPath, QStringLiteral("cannot open signal file: %1").arg(data.errorString())));
        if (data.size() > kMaxSignalBytes)
            return Result<Ecg>::failure(fail(dataPath, QStringLiteral("signal file of %1 bytes is too large").arg(data.size())));
        const QByteArray bytes = data.readAll();
        int k = int(members.size());

        std::vector<double> frames;
        const bool isMat = fileName.endsWith(QLatin1String(".mat"), Qt::CaseInsensitive);
        if (isMat) {
            auto mat = readMat4(dataPath, bytes);
            if (!mat)
                return Result<Ecg>::failure(mat.error());
            if (mat->rows != k) {
                auto stored = identifyStoredRows(h, members, mat.value());
                if (stored.empty())
                    return Result<Ecg>::failure(fail(dataPath, QStringLiteral("MATLAB matrix has %1 rows but the header assigns %2 signals to it").arg(mat->rows).arg(k)));
                QStringList names;
                for (int m : stored)
                    names << h.signals_[size_t(m)].description;
                ecg.notes << QStringLiteral("reduced-lead file: the .mat holds %1 of the %2 leads its header lists (%3)")
                                 .arg(stored.size()).arg(k).arg(names.join(QStringLiteral(", ")));
                for (int m : members)
                    absent[size_t(m)] = std::find(stored.begin(), stored.end(), m) == stored.end();
                members = stored;
                k = int(members.size());
            }
            frames = std::move(mat->frames);
        } else {
            const double bps = bytesPerSample(first.format);
            if (bps == 0.0)
                return Result<Ecg>::failure(fail(headerPath, QStringLiteral("signal format %1 is not supported").arg(first.format)));
            if (first.byteOffset > bytes.size())
                return Result<Ecg>::failure(fail(dataPath, QStringLiteral("byte offset %1 lies beyond the file's %2 bytes").arg(first.byteOffset).arg(bytes.size())));
            const QByteArray payload = bytes.mid(first.byteOffset);
            const qint64 available = qint64(double(payload.size()) / (bps * k));
            const qint64 n = sampleCount.value_or(available);
            if (n > available)
                return Result<Ecg>::failure(fail(dataPath, QStringLiteral("header declares %1 samples per signal, file holds %2").arg(n).arg(available)));
            frames = decode(payload, first.format, n * k);
        }
        const qint64 n = qint64(frames.size()) / k;
        if (sampleCount && *sampleCount != n)
            return Result<Ecg>::failure(fail(dataPath, QStringLiteral("header declares %1 samples per signal, file holds %2").arg(*sampleCount).arg(n)));
        sampleCount = n;

        const double invalid = isMat ? std::numeric_limits<double>::quiet_NaN() : invalidSample(first.format);
        for (int j = 0; j < k; ++j) {
            const SignalSpec &s = h.signals_[size_t(members[size_t(j)])];
            LeadSignal &lead = ecg.leads[size_t(members[size_t(j)])];
            lead.name = canonicalLeadName(s.description);
            lead.microvolts.resize(size_t(n));
            const double scale = s.microvoltsPerUnit / s.gain;
            lead.resolutionMicrovolts = scale;
            for (qint64 t = 0; t < n; ++t) {
                const double raw = frames[size_t(t * k + j)];
                if (raw == invalid) {
                    lead.microvolts[size_t(t)] = 0.0f;
                    ++missing;
                } else {
                    lead.microvolts[size_t(t)] = float((raw - s.baseline) * scale);
                }
            }
            if (s.inferred && (n == 0 || int(frames[size_t(j)]) != s.initialValue || (s.checksum && checksum16(frames, k, j) != int16_t(*s.checksum))))
                return Result<Ecg>::failure(fail(headerPath, QStringLiteral("the record line ran into signal 1's line ('%1') and signal 1's data do not match "
                                                                            "what remains of its description (initial value, checksum): cannot be read safely")
                                                                 .arg(h.repair)));
            if (s.checksum && n > 0 && checksum16(frames, k, j) != int16_t(*s.checksum))
                ecg.notes << QStringLiteral("warning: checksum of signal %1 (%2) does not match the header").arg(members[size_t(j)] + 1).arg(lead.name);
        }
    }
    for (size_t i = absent.size(); i-- > 0;) {
        if (absent[i])
            ecg.leads.erase(ecg.leads.begin() + long(i));
    }
    if (missing > 0)
        ecg.notes << QStringLiteral("%1 invalid (missing) samples set to 0 µV").arg(missing);

    applyHeaderMetadata(h, ecg);

    if (const QString problem = ecg.finishLoading(); !problem.isEmpty())
        return Result<Ecg>::failure(fail(headerPath, problem));
    return ecg;
}

Status writeWfdb(const Ecg &ecg, const QString &basePath)
{
    QString base = basePath;
    if (base.endsWith(QLatin1String(".hea"), Qt::CaseInsensitive) || base.endsWith(QLatin1String(".dat"), Qt::CaseInsensitive))
        base.chop(4);
    const QFileInfo fi(base);
    const QString name = fi.fileName();
    static const QRegularExpression nameRe(QStringLiteral("^[A-Za-z0-9_]+$"));
    if (!nameRe.match(name).hasMatch())
        return Status::failure(fail(basePath, QStringLiteral("record name '%1' must be letters, digits and '_'").arg(name)));
    const QString problem = ecg.validate();
    if (!problem.isEmpty())
        return Status::failure(fail(basePath, QStringLiteral("cannot write an invalid record: %1").arg(problem)));

    const size_t n = size_t(ecg.sampleCount());
    const size_t k = ecg.leads.size();
    std::vector<double> gains(k);
    QByteArray payload(qsizetype(n * k * 2), Qt::Uninitialized);
    std::vector<std::vector<int16_t>> adc(k, std::vector<int16_t>(n));
    for (size_t j = 0; j < k; ++j) {
        const auto &v = ecg.leads[j].microvolts;
        const float peak = v.empty() ? 0.0f : std::abs(*std::max_element(v.begin(), v.end(), [](float a, float b) { return std::abs(a) < std::abs(b); }));
        // The source's own step where every sample is a whole number of it and the range fits (a read-back
        // is then exact); else 1 µV per unit where it fits, or the largest whole gain that keeps the peak
        // off -32768 (invalid).
        const double res = ecg.leads[j].resolutionMicrovolts;
        const bool native = res > 0.0 && peak / res < 32000.0
                            && std::all_of(v.begin(), v.end(), [res](float x) { return std::abs(x - std::round(x / res) * res) <= 1e-3 * res + 1e-4 * std::abs(x); });
        gains[j] = native ? 1000.0 / res : peak < 32000.0f ? 1000.0 : std::max(1.0, std::floor(32000.0 * 1000.0 / peak));
        for (size_t t = 0; t < n; ++t)
            adc[j][t] = int16_t(std::lround(v[t] / 1000.0 * gains[j]));
    }
    auto *out = reinterpret_cast<uint8_t *>(payload.data());
    for (size_t t = 0; t < n; ++t) {
        for (size_t j = 0; j < k; ++j) {
            const auto u = uint16_t(adc[j][t]);
            out[2 * (t * k + j)] = uint8_t(u & 0xFF);
            out[2 * (t * k + j) + 1] = uint8_t(u >> 8);
        }
    }

    QString text;
    QTextStream hs(&text);
    hs << name << ' ' << k << ' ' << ecg.sampleRateHz << ' ' << n;
    if (ecg.acquisition.start.isValid())
        hs << ' ' << ecg.acquisition.start.toString(QStringLiteral("HH:mm:ss dd/MM/yyyy"));
    hs << '\n';
    for (size_t j = 0; j < k; ++j) {
        uint16_t sum = 0;
        for (int16_t a : adc[j])
            sum = uint16_t(sum + uint16_t(a));
        hs << name << ".dat 16 " << QString::number(gains[j], 'g', 17) << "(0)/mV 16 0 " << (n ? adc[j][0] : 0) << ' ' << int16_t(sum) << " 0 "
           << ecg.leads[j].name << '\n';
    }
    if (ecg.patient.ageYears)
        hs << "#Age: " << *ecg.patient.ageYears << (ecg.patient.ageOver89 ? "+" : "") << '\n';
    if (ecg.patient.sex != Sex::Unknown)
        hs << "#Sex: " << toString(ecg.patient.sex) << '\n';
    QStringList snomed;
    for (const Label &l : ecg.labels) {
        if (l.system == QLatin1String("SNOMED-CT") && l.origin == LabelOrigin::Dataset && l.author.isEmpty())
            snomed << l.code;
        else
            hs << "#Label: " << l.system << '|' << l.code << '|' << toString(l.origin) << '|' << l.author << '\n';
    }
    if (!snomed.isEmpty())
        hs << "#Dx: " << snomed.join(QLatin1Char(',')) << '\n';
    const std::pair<const char *, QString> extras[] = {{"Patient-ID", ecg.patient.id},
                                                        {"Patient-Name", ecg.patient.name},
                                                        {"Device", ecg.acquisition.device},
                                                        {"Site", ecg.acquisition.site}};
    for (const auto &[key, value] : extras) {
        if (!value.isEmpty())
            hs << '#' << key << ": " << QString(value).replace(QLatin1Char('\n'), QLatin1Char(' ')) << '\n';
    }
    for (const QString &s : ecg.statements)
        hs << "#Statement: " << QString(s).replace(QLatin1Char('\n'), QLatin1Char(' ')) << '\n';
    hs.flush();

    if (auto s = savePrivateFile(base + QStringLiteral(".dat"), payload); !s)
        return s;
    return savePrivateFile(base + QStringLiteral(".hea"), text.toUtf8());
}

} // namespace ecgscope::io
