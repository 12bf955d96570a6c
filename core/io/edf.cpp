#include "core/io/edf.h"

#include "core/privatefile.h"

#include <QFile>
#include <QFileInfo>
#include <QLocale>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>

namespace ecgscope::io {

namespace {

QString fail(const QString &path, const QString &problem)
{
    return QStringLiteral("%1: EDF: %2").arg(path, problem);
}

const char *const kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};

/// "16-NOV-2020" (EDF+'s date spelling, English months whatever the locale).
QDate edfPlusDate(const QString &text)
{
    const QStringList parts = text.split(QLatin1Char('-'));
    if (parts.size() != 3)
        return {};
    for (int m = 0; m < 12; ++m)
        if (parts[1].compare(QLatin1String(kMonths[m]), Qt::CaseInsensitive) == 0)
            return QDate(parts[2].toInt(), m + 1, parts[0].toInt());
    return {};
}

QString edfPlusDateText(const QDate &d)
{
    return d.isValid() ? QStringLiteral("%1-%2-%3").arg(d.day(), 2, 10, QLatin1Char('0')).arg(QLatin1String(kMonths[d.month() - 1])).arg(d.year()) : QStringLiteral("X");
}

/// Microvolts per physical unit, or nullopt when the unit is not a voltage.
std::optional<double> microvoltsPer(const QString &dimension)
{
    const QString d = dimension.trimmed();
    if (d == QLatin1String("uV") || d == QLatin1String("UV") || d == QStringLiteral("µV"))
        return 1.0;
    if (d.compare(QLatin1String("mV"), Qt::CaseInsensitive) == 0)
        return 1000.0;
    if (d == QLatin1String("V"))
        return 1.0e6;
    if (d == QLatin1String("nV"))
        return 1.0e-3;
    return std::nullopt;
}

/// The lead an ECG signal's label names ("ECG II", "EKG V1", "II", "Lead aVF"), or empty.
QString leadOfLabel(const QString &label)
{
    QString l = label.trimmed();
    for (const char *prefix : {"ECG", "EKG", "Lead"})
        if (l.startsWith(QLatin1String(prefix), Qt::CaseInsensitive))
            l = l.mid(int(std::strlen(prefix))).trimmed();
    const QString name = canonicalLeadName(l);
    static const QStringList extra{QStringLiteral("V3R"), QStringLiteral("V4R"), QStringLiteral("V5R"), QStringLiteral("V7"), QStringLiteral("V8"),
                                   QStringLiteral("V9")};
    return standardLeadNames().contains(name) || extra.contains(name, Qt::CaseInsensitive) ? name : QString();
}

struct Signal {
    QString label, dimension;
    double physMin = 0, physMax = 0;
    int digMin = 0, digMax = 0;
    int samplesPerRecord = 0;
};

/// EDF+ time-stamped annotation lists: "+onset[\x15duration]\x14text\x14...\x14\0".
void readAnnotations(const QByteArray &bytes, QStringList &statements)
{
    for (const QByteArray &tal : bytes.split('\0')) {
        const QList<QByteArray> parts = tal.split('\x14');
        if (parts.size() < 2)
            continue;
        const double onset = parts[0].split('\x15').front().toDouble();
        for (qsizetype i = 1; i < parts.size(); ++i)
            if (!parts[i].trimmed().isEmpty())
                statements << QStringLiteral("%1 s: %2").arg(onset, 0, 'f', 2).arg(QString::fromUtf8(parts[i]).trimmed());
    }
}

} // namespace

bool looksLikeEdf(const QByteArray &head)
{
    if (head.size() < 256 || !head.startsWith("0       "))
        return false;
    bool ok = false;
    const int headerBytes = head.mid(184, 8).trimmed().toInt(&ok);
    return ok && headerBytes >= 512 && headerBytes % 256 == 0;
}

Result<Ecg> readEdf(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<Ecg>::failure(fail(path, QStringLiteral("cannot open: %1").arg(f.errorString())));
    const QByteArray main = f.read(256);
    if (main.size() < 256)
        return Result<Ecg>::failure(fail(path, QStringLiteral("the 256-byte header is cut short")));
    const auto field = [&main](int at, int width) { return QString::fromLatin1(main.mid(at, width)).trimmed(); };
    bool ok = false;
    const int signalCount = field(252, 4).toInt(&ok);
    if (!ok || signalCount < 1 || signalCount > 1024)
        return Result<Ecg>::failure(fail(path, QStringLiteral("declares %1 signals").arg(field(252, 4))));
    const int headerBytes = field(184, 8).toInt();
    if (headerBytes != 256 * (signalCount + 1))
        return Result<Ecg>::failure(fail(path, QStringLiteral("header length %1 does not fit %2 signals").arg(headerBytes).arg(signalCount)));
    const double recordSeconds = field(244, 8).toDouble(&ok);
    if (!ok || !(recordSeconds > 0.0) || recordSeconds > 86400.0)
        return Result<Ecg>::failure(fail(path, QStringLiteral("data record duration '%1' s").arg(field(244, 8))));
    const QByteArray sh = f.read(256 * qint64(signalCount));
    if (sh.size() < 256 * signalCount)
        return Result<Ecg>::failure(fail(path, QStringLiteral("the signal headers are cut short")));
    std::vector<Signal> sig(static_cast<size_t>(signalCount));
    qint64 recordBytes = 0;
    qint64 offset = 0;
    const auto column = [&](int width, int s) { return QString::fromLatin1(sh.mid(offset + qint64(width) * s, width)).trimmed(); };
    const int widths[] = {16, 80, 8, 8, 8, 8, 8, 80, 8, 32};
    for (int c = 0; c < 10; ++c) {
        for (int s = 0; s < signalCount; ++s) {
            const QString v = column(widths[c], s);
            Signal &g = sig[size_t(s)];
            switch (c) {
            case 0: g.label = v; break;
            case 2: g.dimension = v; break;
            case 3: g.physMin = v.toDouble(); break;
            case 4: g.physMax = v.toDouble(); break;
            case 5: g.digMin = v.toInt(); break;
            case 6: g.digMax = v.toInt(); break;
            case 8: g.samplesPerRecord = v.toInt(); break;
            default: break;
            }
        }
        offset += qint64(widths[c]) * signalCount;
    }
    for (const Signal &g : sig) {
        if (g.samplesPerRecord < 1 || g.samplesPerRecord > 10'000'000)
            return Result<Ecg>::failure(fail(path, QStringLiteral("signal '%1' has %2 samples per record").arg(g.label).arg(g.samplesPerRecord)));
        recordBytes += 2 * qint64(g.samplesPerRecord);
    }
    const qint64 dataBytes = f.size() - headerBytes;
    qint64 records = field(236, 8).toLongLong();
    Ecg ecg;
    if (records < 0 || records * recordBytes > dataBytes) {
        const qint64 whole = dataBytes / recordBytes;
        if (records >= 0)
            ecg.notes << QStringLiteral("the file holds %1 of the %2 data records its header declares").arg(whole).arg(records);
        records = whole;
    }
    if (records < 1)
        return Result<Ecg>::failure(fail(path, QStringLiteral("no complete data record")));

    // Which signals are ECG leads, at the rate of the first one.
    std::vector<int> ecgSignals;
    QStringList skipped;
    int annotations = -1;
    for (int s = 0; s < signalCount; ++s) {
        const Signal &g = sig[size_t(s)];
        if (g.label == QLatin1String("EDF Annotations")) {
            annotations = s;
            continue;
        }
        const QString lead = leadOfLabel(g.label);
        if (lead.isEmpty() || !microvoltsPer(g.dimension) || g.digMax <= g.digMin || g.physMax == g.physMin) {
            skipped << QStringLiteral("%1 (%2)").arg(g.label, g.dimension.isEmpty() ? QStringLiteral("no unit") : g.dimension);
            continue;
        }
        if (!ecgSignals.empty() && g.samplesPerRecord != sig[size_t(ecgSignals.front())].samplesPerRecord) {
            skipped << QStringLiteral("%1 (%2 Hz)").arg(g.label).arg(g.samplesPerRecord / recordSeconds);
            continue;
        }
        ecgSignals.push_back(s);
    }
    if (ecgSignals.empty())
        return Result<Ecg>::failure(fail(path, QStringLiteral("no ECG lead among the signals (%1)").arg(skipped.join(QStringLiteral(", ")))));
    if (!skipped.isEmpty())
        ecg.notes << QStringLiteral("signals not shown: %1").arg(skipped.join(QStringLiteral(", ")));
    ecg.sourcePath = QFileInfo(path).absoluteFilePath();
    ecg.sourceFormat = field(192, 44).startsWith(QLatin1String("EDF+")) ? QStringLiteral("EDF+") : QStringLiteral("EDF");
    ecg.sampleRateHz = sig[size_t(ecgSignals.front())].samplesPerRecord / recordSeconds;

    std::map<int, size_t> leadOf; // signal -> index into ecg.leads
    for (int s : ecgSignals) {
        const Signal &g = sig[size_t(s)];
        LeadSignal l;
        l.name = leadOfLabel(g.label);
        l.resolutionMicrovolts = (g.physMax - g.physMin) / (g.digMax - g.digMin) * *microvoltsPer(g.dimension);
        l.microvolts.reserve(size_t(records * g.samplesPerRecord));
        leadOf[s] = ecg.leads.size();
        ecg.leads.push_back(std::move(l));
    }
    std::vector<qint64> outOfRange(ecg.leads.size(), 0);
    QByteArray annotationBytes;
    f.seek(headerBytes);
    for (qint64 r = 0; r < records; ++r) {
        const QByteArray record = f.read(recordBytes);
        if (record.size() < recordBytes)
            break;
        const auto *b = reinterpret_cast<const uchar *>(record.constData());
        qint64 at = 0;
        for (int s = 0; s < signalCount; ++s) {
            const Signal &g = sig[size_t(s)];
            const auto lead = leadOf.find(s);
            if (s == annotations)
                annotationBytes.append(record.mid(at, 2 * qint64(g.samplesPerRecord)));
            if (lead != leadOf.end()) {
                LeadSignal &l = ecg.leads[lead->second];
                const double scale = (g.physMax - g.physMin) / (g.digMax - g.digMin) * *microvoltsPer(g.dimension);
                const double origin = g.physMin * *microvoltsPer(g.dimension);
                for (int k = 0; k < g.samplesPerRecord; ++k) {
                    const int d = int(int16_t(uint16_t(b[at + 2 * k] | (b[at + 2 * k + 1] << 8))));
                    if (d < g.digMin || d > g.digMax) {
                        // A lead-off marker, not signal: the last valid value is held.
                        ++outOfRange[lead->second];
                        l.microvolts.push_back(l.microvolts.empty() ? 0.0f : l.microvolts.back());
                    } else {
                        l.microvolts.push_back(float(origin + (d - g.digMin) * scale));
                    }
                }
            }
            at += 2 * qint64(g.samplesPerRecord);
        }
    }
    for (size_t l = 0; l < ecg.leads.size(); ++l)
        if (outOfRange[l])
            ecg.notes << QStringLiteral("lead %1: %2 samples outside the declared digital range (lead off), held at the last valid value")
                             .arg(ecg.leads[l].name)
                             .arg(outOfRange[l]);
    readAnnotations(annotationBytes, ecg.statements);

    // Patient and recording fields: EDF+ subfields, else free text.
    const QStringList patient = field(8, 80).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    const QStringList recording = field(88, 80).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    const auto known = [](const QString &v) { return v == QLatin1String("X") ? QString() : QString(v).replace(QLatin1Char('_'), QLatin1Char(' ')); };
    if (ecg.sourceFormat == QLatin1String("EDF+") && patient.size() >= 4) {
        ecg.patient.id = known(patient[0]);
        ecg.patient.sex = sexFromString(patient[1]);
        ecg.patient.birthDate = edfPlusDate(patient[2]);
        ecg.patient.name = known(patient.mid(3).join(QLatin1Char(' ')));
    } else if (!patient.isEmpty() && patient != QStringList{QStringLiteral("0")}) {
        ecg.patient.id = field(8, 80);
    }
    QDate date = QDate::fromString(field(168, 8), QStringLiteral("dd.MM.yy"));
    if (date.isValid() && date.year() < 1985)
        date = date.addYears(100); // EDF's two-digit years: 85-99 are 19xx, 00-84 20xx
    if (recording.size() >= 2 && recording[0] == QLatin1String("Startdate"))
        date = edfPlusDate(recording[1]); // "X": not known (the header's 01.01.85 is then a placeholder)
    if (recording.size() >= 5 && recording[0] == QLatin1String("Startdate"))
        ecg.acquisition.device = known(recording[4]);
    ecg.acquisition.start = QDateTime(date, QTime::fromString(field(176, 8), QStringLiteral("hh.mm.ss")));
    if (const QString problem = ecg.finishLoading(); !problem.isEmpty())
        return Result<Ecg>::failure(fail(path, problem));
    return ecg;
}

Status writeEdf(const Ecg &ecg, const QString &path)
{
    const int rate = int(std::lround(ecg.sampleRateHz));
    if (std::abs(ecg.sampleRateHz - rate) > 1e-9 || rate < 1)
        return Status::failure(fail(path, QStringLiteral("%1 Hz is not a whole number of samples per second (resample first)").arg(ecg.sampleRateHz)));
    const int n = ecg.sampleCount();
    const int records = (n + rate - 1) / rate; // the last record padded with its lead's last value
    constexpr int kDigital = 32000;
    const auto text = [](QString v, int width) { return v.left(width).leftJustified(width, QLatin1Char(' ')).toLatin1(); };
    const auto number = [](double v) {
        for (int precision = 8; precision > 0; --precision) {
            const QString t = QString::number(v, 'g', precision);
            if (t.size() <= 8 && !t.contains(QLatin1Char('e')))
                return t;
        }
        return QString::number(std::lround(v));
    };
    // Each lead's step: its stored resolution where 32,000 steps hold its range and the physical range is
    // exact in 8 characters; else the finest step (three significant digits) that holds it.
    std::vector<double> step(ecg.leads.size());
    for (size_t l = 0; l < ecg.leads.size(); ++l) {
        const auto &v = ecg.leads[l].microvolts;
        float peak = 1.0f;
        for (float x : v)
            peak = std::max(peak, std::abs(x));
        double s = ecg.leads[l].resolutionMicrovolts;
        const auto exact = [&number](double candidate) { return number(kDigital * candidate).toDouble() == kDigital * candidate; };
        if (!(s > 0.0) || peak / s > kDigital || !exact(s)) {
            s = double(peak) / kDigital;
            const double magnitude = std::pow(10.0, std::floor(std::log10(s)) - 2);
            s = std::ceil(s / magnitude) * magnitude;
        }
        step[l] = s;
    }
    QByteArray header;
    const PatientInfo &p = ecg.patient;
    const auto sub = [](const QString &v) { return v.trimmed().isEmpty() ? QStringLiteral("X") : QString(v.trimmed()).replace(QLatin1Char(' '), QLatin1Char('_')); };
    const QString sex = p.sex == Sex::Male ? QStringLiteral("M") : p.sex == Sex::Female ? QStringLiteral("F") : QStringLiteral("X");
    header += text(QStringLiteral("0"), 8);
    header += text(QStringLiteral("%1 %2 %3 %4").arg(sub(p.id), sex, edfPlusDateText(p.birthDate), sub(p.name)), 80);
    const QDateTime start = ecg.acquisition.start;
    header += text(QStringLiteral("Startdate %1 X X %2").arg(start.isValid() ? edfPlusDateText(start.date()) : QStringLiteral("X"), sub(ecg.acquisition.device)), 80);
    const QDateTime stamp = start.isValid() ? start : QDateTime(QDate(1985, 1, 1), QTime(0, 0)); // EDF+: 01.01.85 when unknown
    header += text(stamp.toString(QStringLiteral("dd.MM.yy")), 8) + text(stamp.toString(QStringLiteral("hh.mm.ss")), 8);
    header += text(QString::number(256 * (int(ecg.leads.size()) + 1)), 8);
    header += text(QStringLiteral("EDF+C"), 44) + text(QString::number(records), 8) + text(QStringLiteral("1"), 8) + text(QString::number(ecg.leads.size()), 4);
    const auto eachLead = [&](const std::function<QString(size_t)> &value, int width) {
        for (size_t l = 0; l < ecg.leads.size(); ++l)
            header += text(value(l), width);
    };
    eachLead([&](size_t l) { return QStringLiteral("ECG ") + ecg.leads[l].name; }, 16);
    eachLead([&](size_t) { return QStringLiteral("AgAgCl electrode"); }, 80);
    eachLead([&](size_t) { return QStringLiteral("uV"); }, 8);
    eachLead([&](size_t l) { return number(-kDigital * step[l]); }, 8);
    eachLead([&](size_t l) { return number(kDigital * step[l]); }, 8);
    eachLead([&](size_t) { return QString::number(-kDigital); }, 8);
    eachLead([&](size_t) { return QString::number(kDigital); }, 8);
    eachLead([&](size_t) { return QString(); }, 80);
    eachLead([&](size_t) { return QString::number(rate); }, 8);
    eachLead([&](size_t) { return QString(); }, 32);
    QByteArray data;
    data.reserve(qsizetype(records) * rate * qsizetype(ecg.leads.size()) * 2);
    for (int r = 0; r < records; ++r)
        for (size_t l = 0; l < ecg.leads.size(); ++l) {
            const auto &v = ecg.leads[l].microvolts;
            for (int k = 0; k < rate; ++k) {
                const float x = v[size_t(std::min(n - 1, r * rate + k))];
                const auto d = uint16_t(int16_t(std::clamp<long>(std::lround(x / step[l]), -kDigital, kDigital)));
                data += char(d & 0xFF);
                data += char(d >> 8);
            }
        }
    return savePrivateFile(path, header + data);
}

} // namespace ecgscope::io
