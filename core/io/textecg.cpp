#include "core/io/textecg.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <cmath>

namespace ecgscope::io {

namespace {

QString fail(const QString &path, const QString &problem)
{
    return QStringLiteral("%1: text ECG: %2").arg(path, problem);
}

constexpr qint64 kMaxTextBytes = qint64(512) << 20;

/// The separator of a data line: the first of tab, semicolon, comma present, else runs of spaces.
QRegularExpression separatorOf(const QString &line)
{
    for (const char *s : {"\t", ";", ","})
        if (line.contains(QLatin1String(s)))
            return QRegularExpression(QStringLiteral("\\s*%1\\s*").arg(QRegularExpression::escape(QLatin1String(s))));
    return QRegularExpression(QStringLiteral("\\s+"));
}

bool isNumber(const QString &token)
{
    bool ok = false;
    token.toDouble(&ok);
    return ok;
}

/// A data line: every non-empty field a number (empty fields allowed: unconnected leads).
bool isDataLine(const QString &line)
{
    const QString t = line.trimmed();
    if (t.isEmpty())
        return false;
    bool any = false;
    for (const QString &field : t.split(separatorOf(t)))
        if (!field.isEmpty()) {
            if (!isNumber(field))
                return false;
            any = true;
        }
    return any;
}

} // namespace

bool looksLikeTextEcg(const QByteArray &head)
{
    if (head.contains('\0'))
        return false;
    int dataLines = 0;
    for (const QByteArray &line : head.split('\n').mid(0, 40))
        dataLines += isDataLine(QString::fromLatin1(line));
    return dataLines >= 3;
}

Result<Ecg> readTextEcg(const QString &path, const TextOptions &options)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<Ecg>::failure(fail(path, QStringLiteral("cannot open: %1").arg(f.errorString())));
    if (f.size() > kMaxTextBytes)
        return Result<Ecg>::failure(fail(path, QStringLiteral("%1 bytes is larger than any ECG text file").arg(f.size())));
    const QStringList lines = QString::fromUtf8(f.readAll()).split(QRegularExpression(QStringLiteral("\r\n|\r|\n")));
    Ecg ecg;
    ecg.sourcePath = QFileInfo(path).absoluteFilePath();
    ecg.sourceFormat = QStringLiteral("text");
    QStringList names = options.leads;
    double perUnit = options.microvoltsPerUnit;
    int timeColumn = -1;
    double timeScaleMs = 0.0;
    static const QRegularExpression museLine(QStringLiteral("^Rhythm signal:\\s*(\\d+)\\s*X\\s*(\\d+)"), QRegularExpression::CaseInsensitiveOption);
    std::vector<std::vector<QString>> rows;
    QRegularExpression separator;
    for (const QString &raw : lines) {
        const QString line = raw.trimmed();
        if (line.isEmpty())
            continue;
        if (const auto m = museLine.match(line); m.hasMatch()) {
            ecg.sourceFormat = QStringLiteral("GE MUSE text");
            if (names.isEmpty() && m.captured(2).toInt() == 12)
                names = standardLeadNames();
            continue;
        }
        if (rows.empty() && !isDataLine(line)) {
            // A header line: lead names, units in brackets ("I [mV]"), a time column.
            if (!options.leads.isEmpty())
                continue;
            names.clear();
            const QStringList fields = line.split(separatorOf(line));
            for (int c = 0; c < fields.size(); ++c) {
                static const QRegularExpression unit(QStringLiteral("^(.*?)\\s*[\\[(]\\s*([^\\])]+)\\s*[\\])]\\s*$"));
                QString name = fields[c].trimmed().remove(QLatin1Char('"'));
                QString u;
                if (const auto m = unit.match(name); m.hasMatch()) {
                    name = m.captured(1);
                    u = m.captured(2).trimmed();
                }
                if (name.compare(QLatin1String("time"), Qt::CaseInsensitive) == 0 || name.compare(QLatin1String("t"), Qt::CaseInsensitive) == 0) {
                    timeColumn = c;
                    timeScaleMs = u.compare(QLatin1String("ms"), Qt::CaseInsensitive) == 0 ? 1.0 : 1000.0;
                }
                if (perUnit == 0.0 && !u.isEmpty() && timeColumn != c)
                    perUnit = u.compare(QLatin1String("mV"), Qt::CaseInsensitive) == 0 ? 1000.0
                              : (u.compare(QLatin1String("uV"), Qt::CaseInsensitive) == 0 || u == QStringLiteral("µV")) ? 1.0
                                                                                                                    : 0.0;
                names << name;
            }
            continue;
        }
        if (!isDataLine(line))
            return Result<Ecg>::failure(fail(path, QStringLiteral("line '%1' is not a row of numbers").arg(line.left(40))));
        if (rows.empty())
            separator = separatorOf(line);
        const QStringList fields = line.split(separator);
        rows.emplace_back(fields.begin(), fields.end());
    }
    if (rows.size() < 2)
        return Result<Ecg>::failure(fail(path, QStringLiteral("fewer than two rows of samples")));
    const size_t columns = rows.front().size();
    for (size_t r = 0; r < rows.size(); ++r)
        if (rows[r].size() != columns)
            return Result<Ecg>::failure(fail(path, QStringLiteral("row %1 has %2 columns, the first %3").arg(r + 1).arg(rows[r].size()).arg(columns)));
    if (!names.isEmpty() && size_t(names.size()) != columns)
        return Result<Ecg>::failure(fail(path, QStringLiteral("%1 lead names for %2 columns").arg(names.size()).arg(columns)));
    ecg.sampleRateHz = options.rateHz;
    if (timeColumn >= 0 && ecg.sampleRateHz == 0.0) {
        const double dt = (rows.back()[size_t(timeColumn)].toDouble() - rows.front()[size_t(timeColumn)].toDouble()) * timeScaleMs / double(rows.size() - 1);
        if (dt > 0)
            ecg.sampleRateHz = std::round(1000.0 / dt * 1000.0) / 1000.0;
    }
    QStringList missing;
    if (!(ecg.sampleRateHz > 0.0))
        missing << QStringLiteral("the sampling rate (--input-rate HZ)");
    if (!(perUnit > 0.0))
        missing << QStringLiteral("the units (--input-units: uV, mV or µV per unit)");
    if (!missing.isEmpty())
        return Result<Ecg>::failure(fail(path, QStringLiteral("the file does not say %1").arg(missing.join(QStringLiteral(" or ")))));
    QStringList empty;
    for (size_t c = 0; c < columns; ++c) {
        if (int(c) == timeColumn)
            continue;
        const QString name = names.isEmpty() ? QStringLiteral("column %1").arg(c + 1) : canonicalLeadName(names[int(c)]);
        if (std::all_of(rows.begin(), rows.end(), [c](const std::vector<QString> &row) { return row[c].isEmpty(); })) {
            empty << name;
            continue;
        }
        LeadSignal lead;
        lead.name = name;
        lead.resolutionMicrovolts = perUnit;
        lead.microvolts.reserve(rows.size());
        for (const auto &row : rows)
            lead.microvolts.push_back(float(row[c].toDouble() * perUnit)); // an empty field in a used column: 0
        ecg.leads.push_back(std::move(lead));
    }
    if (!empty.isEmpty())
        ecg.notes << QStringLiteral("empty in every row, left out: %1").arg(empty.join(QStringLiteral(", ")));
    if (const QString problem = ecg.finishLoading(); !problem.isEmpty())
        return Result<Ecg>::failure(fail(path, problem));
    return ecg;
}

} // namespace ecgscope::io
