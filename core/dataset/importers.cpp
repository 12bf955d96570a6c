#include "core/dataset/importers.h"

#include "core/dataset/csv.h"
#include "core/io/wfdb.h"
#include "core/paths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace ecgscope::dataset {

namespace {

/// Adds a record to the manifest when its labels map to a class; counts it in the report either way.
void addMapped(Manifest &m, ImportReport &report, Entry entry, const std::vector<Label> &labels, const MappingOptions &options)
{
    ++report.recordsSeen;
    const Mapped mapped = mapLabels(labels, options);
    if (!mapped.cls) {
        if (mapped.exclusion == Exclusion::SeveralTargetClasses)
            ++report.excludedSeveralClasses;
        else if (mapped.exclusion == Exclusion::Ambiguous)
            ++report.excludedAmbiguous;
        else
            ++report.excludedNoTargetClass;
        return;
    }
    entry.label = *mapped.cls;
    for (const Label &l : labels)
        entry.codes << l.system + QLatin1Char(':') + l.code;
    m.entries.push_back(std::move(entry));
}

Manifest emptyManifest(const QString &source, const MappingOptions &options)
{
    Manifest m;
    m.source = source;
    m.classCount = options.includeOther ? kTargetClassCount + 1 : kTargetClassCount;
    return m;
}

Result<std::vector<QStringList>> readCsvFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<std::vector<QStringList>>::failure(QStringLiteral("%1: cannot open: %2").arg(path, f.errorString()));
    auto rows = parseCsv(QString::fromUtf8(f.readAll()));
    if (rows.empty())
        return Result<std::vector<QStringList>>::failure(QStringLiteral("%1: empty CSV file").arg(path));
    return rows;
}

} // namespace

Result<Manifest> importChallengeFolder(const QString &dir, const MappingOptions &options, ImportReport &report)
{
    if (!QFileInfo(dir).isDir())
        return Result<Manifest>::failure(QStringLiteral("%1: not a folder").arg(dir));
    const QStringList headers = filesBelow(dir, {QStringLiteral("*.hea")});
    Manifest m = emptyManifest(QStringLiteral("challenge"), options);
    for (const QString &h : headers) {
        auto header = io::readWfdbHeader(h);
        if (!header) {
            ++report.recordsSeen;
            report.failures << header.error();
            continue;
        }
        Entry e;
        e.path = QFileInfo(h).absoluteFilePath();
        e.patientId = header->patient.id.isEmpty() ? QFileInfo(h).completeBaseName() : header->patient.id;
        addMapped(m, report, e, header->labels, options);
    }
    if (headers.isEmpty())
        return Result<Manifest>::failure(QStringLiteral("%1: no WFDB headers (.hea) found").arg(dir));
    return m;
}

Result<Manifest> importPtbXl(const QString &dir, int rateHz, const MappingOptions &options, ImportReport &report)
{
    if (rateHz != 100 && rateHz != 500)
        return Result<Manifest>::failure(QStringLiteral("PTB-XL: rate must be 100 or 500 Hz, not %1").arg(rateHz));
    const QString csv = QDir(dir).filePath(QStringLiteral("ptbxl_database.csv"));
    auto rows = readCsvFile(csv);
    if (!rows)
        return Result<Manifest>::failure(rows.error());
    const QStringList header = rows->front();
    const int colPatient = int(header.indexOf(QStringLiteral("patient_id")));
    const int colCodes = int(header.indexOf(QStringLiteral("scp_codes")));
    const int colFold = int(header.indexOf(QStringLiteral("strat_fold")));
    const int colFile = int(header.indexOf(rateHz == 100 ? QStringLiteral("filename_lr") : QStringLiteral("filename_hr")));
    if (colPatient < 0 || colCodes < 0 || colFold < 0 || colFile < 0)
        return Result<Manifest>::failure(QStringLiteral("%1: missing one of the columns patient_id, scp_codes, strat_fold, %2")
                                             .arg(csv, rateHz == 100 ? QStringLiteral("filename_lr") : QStringLiteral("filename_hr")));
    static const QRegularExpression codeRe(QStringLiteral("'([A-Za-z0-9_]+)'\\s*:"));
    Manifest m = emptyManifest(QStringLiteral("ptbxl"), options);
    const int needed = std::max({colPatient, colCodes, colFold, colFile});
    for (size_t r = 1; r < rows->size(); ++r) {
        const QStringList &row = rows.value()[r];
        if (row.size() <= needed) {
            ++report.recordsSeen;
            report.failures << QStringLiteral("%1: row %2 has %3 fields").arg(csv).arg(r + 1).arg(row.size());
            continue;
        }
        std::vector<Label> labels;
        auto matches = codeRe.globalMatch(row[colCodes]);
        while (matches.hasNext())
            labels.push_back({matches.next().captured(1), QStringLiteral("PTB-XL"), LabelOrigin::Dataset, {}});
        Entry e;
        e.path = QDir(dir).absoluteFilePath(row[colFile] + QStringLiteral(".hea"));
        e.patientId = QString::number(qint64(row[colPatient].toDouble())); // stored as "15709.0"
        e.fold = row[colFold].toInt();
        if (!QFile::exists(e.path)) {
            ++report.recordsSeen;
            report.failures << QStringLiteral("%1: record listed in %2 is missing").arg(e.path, csv);
            continue;
        }
        addMapped(m, report, e, labels, options);
    }
    return m;
}

Result<Manifest> importLabelCsv(const QString &folder, const QString &csvPath, const MappingOptions &options, ImportReport &report)
{
    auto rows = readCsvFile(csvPath);
    if (!rows)
        return Result<Manifest>::failure(rows.error());
    const QStringList header = rows->front();
    const int colFile = int(header.indexOf(QStringLiteral("file")));
    const int colLabel = int(header.indexOf(QStringLiteral("label")));
    const int colPatient = int(header.indexOf(QStringLiteral("patient_id")));
    const int colSplit = int(header.indexOf(QStringLiteral("split")));
    if (colFile < 0 || colLabel < 0)
        return Result<Manifest>::failure(QStringLiteral("%1: needs the columns 'file' and 'label'").arg(csvPath));
    Manifest m = emptyManifest(QStringLiteral("csv"), options);
    const QDir base(folder);
    for (size_t r = 1; r < rows->size(); ++r) {
        const QStringList &row = rows.value()[r];
        if (row.size() <= std::max(colFile, colLabel)) {
            ++report.recordsSeen;
            report.failures << QStringLiteral("%1: row %2 has %3 fields").arg(csvPath).arg(r + 1).arg(row.size());
            continue;
        }
        const QString label = row[colLabel].trimmed();
        Label l{label, QStringLiteral("EcgScope"), LabelOrigin::Dataset, {}};
        bool isNumber = false;
        const int number = label.toInt(&isNumber);
        if (isNumber && number >= 1 && number <= kTargetClassCount)
            l.code = className(number - 1);
        else if (label.contains(QLatin1Char(':')))
            l = {label.section(QLatin1Char(':'), 1), label.section(QLatin1Char(':'), 0, 0), LabelOrigin::Dataset, {}};
        Entry e;
        e.path = QDir::cleanPath(base.absoluteFilePath(row[colFile]));
        e.patientId = colPatient >= 0 ? row.value(colPatient) : QString();
        e.split = colSplit >= 0 ? row.value(colSplit) : QString();
        if (!QFile::exists(e.path)) {
            ++report.recordsSeen;
            report.failures << QStringLiteral("%1: file listed in %2 is missing").arg(e.path, csvPath);
            continue;
        }
        addMapped(m, report, e, {l}, options);
    }
    return m;
}

} // namespace ecgscope::dataset
