#include "core/io/ishne.h"

#include "core/io/bytes.h"
#include "core/io/scp.h"

#include <QFile>
#include <QFileInfo>

#include <algorithm>

namespace ecgscope::io {

namespace {

constexpr size_t kHeaderEnd = 522;                  // magic 8, CRC 2, fixed header 512
constexpr qint64 kMaxSamples = qint64(256) << 20;   // all leads together: about 1 GB as float
const QByteArray kEcgMagic("ISHNE1.0"), kAnnMagic("ANN  1.0");

QString fail(const QString &path, const QString &problem) { return QStringLiteral("%1: ISHNE: %2").arg(path, problem); }

QString leadName(int code, int index)
{
    static const char *const names[] = {nullptr, "bipolar", "X", "Y", "Z", "I", "II", "III", "aVR", "aVL", "aVF",
                                        "V1", "V2", "V3", "V4", "V5", "V6", "ES", "AS", "AI"};
    if (code > 0 && code < int(std::size(names)))
        return QString::fromLatin1(names[code]);
    return QStringLiteral("lead %1").arg(index + 1);
}

QString latin1Field(const Bytes &b, size_t offset, size_t size)
{
    const auto *p = reinterpret_cast<const char *>(b.at(offset));
    return QString::fromLatin1(p, qsizetype(std::find(p, p + size, '\0') - p)).trimmed();
}

/// Day, month, year as three shorts; -9 or 0 = not known.
QDate dateField(const Bytes &b, size_t offset)
{
    const QDate d(b.i16(offset + 4), b.i16(offset + 2), b.i16(offset));
    return d.isValid() && d.year() > 1800 ? d : QDate();
}

/// The .ann beside the .ecg: a copy of the header, then the first beat's sample (uint32) and 4 bytes per
/// beat: label, a byte for the writer's own use, samples since the previous beat (uint16).
void readAnnotations(const QString &ecgPath, Ecg &ecg)
{
    const QFileInfo fi(ecgPath);
    QString annPath;
    for (const QString &suffix : {QStringLiteral(".ann"), QStringLiteral(".ANN")})
        if (QFileInfo::exists(fi.path() + QLatin1Char('/') + fi.completeBaseName() + suffix))
            annPath = fi.path() + QLatin1Char('/') + fi.completeBaseName() + suffix;
    QFile f(annPath);
    if (annPath.isEmpty() || !f.open(QIODevice::ReadOnly))
        return;
    const QByteArray data = f.read(qint64(64) << 20);
    const Bytes b(data);
    const size_t offset = b.u32(22);
    if (!data.startsWith(kAnnMagic) || b.overrun() || !b.has(offset, 4)) {
        ecg.notes << QStringLiteral("beat file %1 is not an ISHNE annotation file: not read").arg(QFileInfo(annPath).fileName());
        return;
    }
    qint64 sample = b.u32(offset);
    for (size_t p = offset + 4; b.has(p, 4); p += 4) {
        sample += b.u16(p + 2);
        if (sample >= ecg.sampleCount())
            break;
        ecg.beats.push_back({int(sample), QString(QLatin1Char(char(b.u8(p))))});
    }
    ecg.notes << QStringLiteral("%1 beat annotations read from %2").arg(ecg.beats.size()).arg(QFileInfo(annPath).fileName());
}

} // namespace

bool looksLikeIshne(const QByteArray &head)
{
    return head.startsWith(kEcgMagic) || head.startsWith(kAnnMagic);
}

Result<Ecg> readIshne(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<Ecg>::failure(fail(path, QStringLiteral("cannot open: %1").arg(f.errorString())));
    const QByteArray head = f.read(qint64(kHeaderEnd) + (qint64(1) << 20));
    if (head.startsWith(kAnnMagic))
        return Result<Ecg>::failure(fail(path, QStringLiteral("this is a beat annotation file: open the .ecg file of the same name")));
    const Bytes b(head);
    if (!head.startsWith(kEcgMagic) || !b.has(0, kHeaderEnd))
        return Result<Ecg>::failure(fail(path, QStringLiteral("%1 bytes is shorter than the 522-byte header").arg(f.size())));
    const size_t variableLength = b.u32(10), ecgOffset = b.u32(22);
    const qint64 samples = b.u32(14);
    const int leads = b.i16(156), rate = b.i16(272);
    if (leads < 1 || leads > 12)
        return Result<Ecg>::failure(fail(path, QStringLiteral("%1 leads declared (1-12)").arg(leads)));
    if (rate <= 0)
        return Result<Ecg>::failure(fail(path, QStringLiteral("sampling rate %1 Hz is not positive").arg(rate)));
    if (ecgOffset < kHeaderEnd || qint64(ecgOffset) > f.size())
        return Result<Ecg>::failure(fail(path, QStringLiteral("ECG block offset %1 lies outside the file's %2 bytes").arg(ecgOffset).arg(f.size())));
    if (samples * leads > kMaxSamples)
        return Result<Ecg>::failure(fail(path, QStringLiteral("%1 samples per lead (%2 h) is longer than EcgScope opens at once").arg(samples).arg(double(samples) / rate / 3600.0, 0, 'f', 1)));

    Ecg ecg;
    ecg.sourcePath = QFileInfo(path).absoluteFilePath();
    ecg.sourceFormat = QStringLiteral("ISHNE");
    ecg.sampleRateHz = rate;
    // The header's CRC covers the fixed and variable headers.
    if (b.has(10, kHeaderEnd - 10 + variableLength) && crcCcitt(b.at(10), kHeaderEnd - 10 + variableLength) != b.u16(8))
        ecg.notes << QStringLiteral("warning: header CRC does not match");

    const qint64 available = (f.size() - qint64(ecgOffset)) / (2 * leads);
    const qint64 n = std::min(samples, available);
    if (n <= 0)
        return Result<Ecg>::failure(fail(path, QStringLiteral("no samples (header declares %1 per lead)").arg(samples)));
    if (n < samples)
        ecg.notes << QStringLiteral("file cut short: %1 of the %2 samples per lead the header declares").arg(n).arg(samples);
    f.seek(qint64(ecgOffset));
    const QByteArray raw = f.read(n * leads * 2);
    const Bytes data(raw);
    for (int l = 0; l < leads; ++l) {
        const int nanovolts = b.i16(206 + 2 * size_t(l));
        if (nanovolts <= 0)
            return Result<Ecg>::failure(fail(path, QStringLiteral("lead %1's resolution is %2 nV").arg(l + 1).arg(nanovolts)));
        LeadSignal lead;
        lead.name = canonicalLeadName(leadName(b.i16(158 + 2 * size_t(l)), l));
        lead.resolutionMicrovolts = nanovolts / 1000.0;
        lead.microvolts.resize(size_t(n));
        for (qint64 t = 0; t < n; ++t)
            lead.microvolts[size_t(t)] = float(data.i16(size_t(2 * (t * leads + l))) * lead.resolutionMicrovolts);
        ecg.leads.push_back(std::move(lead));
    }

    QStringList name; // writers fill unknown names with "none"
    for (const size_t at : {size_t(28), size_t(68)})
        if (const QString part = latin1Field(b, at, 40); part.compare(QLatin1String("none"), Qt::CaseInsensitive) != 0)
            name << part;
    ecg.patient.name = name.join(QLatin1Char(' ')).trimmed();
    ecg.patient.id = latin1Field(b, 108, 20);
    ecg.patient.sex = b.i16(128) == 1 ? Sex::Male : b.i16(128) == 2 ? Sex::Female : Sex::Unknown;
    ecg.patient.birthDate = dateField(b, 132);
    const QTime start(b.i16(150), b.i16(152), b.i16(154));
    if (const QDate recorded = dateField(b, 138); recorded.isValid())
        ecg.acquisition.start = QDateTime(recorded, start.isValid() ? start : QTime(0, 0));
    ecg.acquisition.device = latin1Field(b, 232, 40);
    if (b.i16(230) > 0)
        ecg.notes << QStringLiteral("pacemaker (ISHNE code %1)").arg(b.i16(230));
    readAnnotations(path, ecg);

    if (const QString problem = ecg.finishLoading(); !problem.isEmpty())
        return Result<Ecg>::failure(fail(path, problem));
    return ecg;
}

} // namespace ecgscope::io
