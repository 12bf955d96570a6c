#include "core/dataset/manifest.h"

#include "core/dataset/csv.h"
#include "core/privatefile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>

namespace ecgscope::dataset {

namespace {
const QStringList kSplits{QStringLiteral("train"), QStringLiteral("val"), QStringLiteral("test")};
}

QString ImportReport::summary() const
{
    return QStringLiteral("%1 records seen; excluded: %2 with none of the six classes, %3 with several, %4 with an ambiguous code only; %5 unreadable")
        .arg(recordsSeen)
        .arg(excludedNoTargetClass)
        .arg(excludedSeveralClasses)
        .arg(excludedAmbiguous)
        .arg(failures.size());
}

std::vector<int> Manifest::classCounts(const QString &split) const
{
    std::vector<int> counts(static_cast<size_t>(classCount), 0);
    for (const Entry &e : entries) {
        if ((split.isEmpty() || e.split == split) && e.label >= 0 && e.label < classCount)
            ++counts[size_t(e.label)];
    }
    return counts;
}

std::vector<const Entry *> Manifest::inSplit(const QString &split) const
{
    std::vector<const Entry *> out;
    for (const Entry &e : entries) {
        if (split.isEmpty() || e.split == split)
            out.push_back(&e);
    }
    return out;
}

QString Manifest::splitTable() const
{
    QString t;
    QTextStream s(&t);
    s << QStringLiteral("class").leftJustified(34);
    for (const QString &split : kSplits)
        s << split.rightJustified(8);
    s << QStringLiteral("total").rightJustified(8) << '\n';
    std::vector<std::vector<int>> counts;
    for (const QString &split : kSplits)
        counts.push_back(classCounts(split));
    const std::vector<int> all = classCounts();
    for (int c = 0; c < classCount; ++c) {
        s << QStringLiteral("%1 %2").arg(c + 1).arg(classLongName(c)).leftJustified(34);
        for (const auto &col : counts)
            s << QString::number(col[size_t(c)]).rightJustified(8);
        s << QString::number(all[size_t(c)]).rightJustified(8) << '\n';
    }
    s << QStringLiteral("total").leftJustified(34);
    for (const auto &col : counts)
        s << QString::number(std::accumulate(col.begin(), col.end(), 0)).rightJustified(8);
    s << QString::number(std::accumulate(all.begin(), all.end(), 0)).rightJustified(8) << '\n';
    return t;
}

Status writeManifest(const Manifest &m, const QString &path)
{
    const QDir base = QFileInfo(path).absoluteDir();
    QString text;
    QTextStream s(&text);
    s << "# ecgscope manifest 2\n# source: " << m.source << "\n# mapping: " << m.mappingVersion << "\n# classes: " << m.classCount << '\n';
    s << "path,patient_id,label,split,fold,codes,source,weight\n";
    for (const Entry &e : m.entries)
        s << csvField(base.relativeFilePath(QFileInfo(e.path).absoluteFilePath())) << ',' << csvField(e.patientId) << ',' << csvField(className(e.label)) << ','
          << e.split << ',' << e.fold << ',' << csvField(e.codes.join(QLatin1Char(' '))) << ',' << csvField(e.source) << ',' << e.weight << '\n';
    s.flush();
    return savePrivateFile(path, text.toUtf8()); // patient IDs: owner-only
}

Result<Manifest> readManifest(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<Manifest>::failure(QStringLiteral("%1: cannot open manifest: %2").arg(path, f.errorString()));
    const QString text = QString::fromUtf8(f.readAll());
    const QDir base = QFileInfo(path).absoluteDir();
    Manifest m;
    QString body;
    for (const QString &line : text.split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1Char('#'))) {
            const QString key = line.mid(1).section(QLatin1Char(':'), 0, 0).trimmed();
            const QString value = line.section(QLatin1Char(':'), 1).trimmed();
            if (key == QLatin1String("source"))
                m.source = value;
            else if (key == QLatin1String("mapping"))
                m.mappingVersion = value;
            else if (key == QLatin1String("classes"))
                m.classCount = value.toInt();
        } else {
            body += line + QLatin1Char('\n');
        }
    }
    if (m.classCount != kTargetClassCount && m.classCount != kTargetClassCount + 1)
        return Result<Manifest>::failure(QStringLiteral("%1: manifest declares %2 classes (6 or 7 expected)").arg(path).arg(m.classCount));
    if (!isKnownMappingVersion(m.mappingVersion))
        return Result<Manifest>::failure(QStringLiteral("%1: manifest uses label mapping '%2', unknown to this EcgScope (it has '%3'); re-import the dataset")
                                             .arg(path, m.mappingVersion, QLatin1String(kMappingVersion)));
    const auto rows = parseCsv(body);
    if (rows.empty() || rows.front().value(0) != QLatin1String("path"))
        return Result<Manifest>::failure(QStringLiteral("%1: not an EcgScope manifest (no 'path,...' header row)").arg(path));
    const QStringList names = classNames(m.classCount);
    // Version 1 manifests have six columns; version 2 adds source and weight.
    const qsizetype columns = rows.front().size() >= 8 ? 8 : 6;
    for (size_t r = 1; r < rows.size(); ++r) {
        const QStringList &row = rows[r];
        if (row.size() < columns)
            return Result<Manifest>::failure(QStringLiteral("%1: row %2 has %3 fields, expected %4").arg(path).arg(r + 1).arg(row.size()).arg(columns));
        Entry e;
        e.path = QDir::cleanPath(base.absoluteFilePath(row[0]));
        e.patientId = row[1];
        e.label = int(names.indexOf(row[2]));
        if (e.label < 0)
            return Result<Manifest>::failure(QStringLiteral("%1: row %2 has unknown label '%3' (expected one of %4)")
                                                 .arg(path).arg(r + 1).arg(row[2], names.join(QStringLiteral(", "))));
        e.split = row[3];
        if (!e.split.isEmpty() && !kSplits.contains(e.split))
            return Result<Manifest>::failure(QStringLiteral("%1: row %2 has unknown split '%3'").arg(path).arg(r + 1).arg(e.split));
        e.fold = row[4].toInt();
        e.codes = row[5].split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (columns == 8) {
            e.source = row[6];
            bool ok = false;
            e.weight = row[7].toDouble(&ok);
            if (!ok || !(e.weight >= 0.0))
                return Result<Manifest>::failure(QStringLiteral("%1: row %2 has weight '%3' (a number >= 0 expected)").arg(path).arg(r + 1).arg(row[7]));
        }
        m.entries.push_back(std::move(e));
    }
    return m;
}

Result<Source> readSource(const QString &spec)
{
    Source s;
    QString path = spec;
    // A weight after the last colon; a colon followed by anything else is part of the path.
    if (const qsizetype colon = spec.lastIndexOf(QLatin1Char(':')); colon > 0) {
        bool ok = false;
        const double w = spec.mid(colon + 1).toDouble(&ok);
        if (ok) {
            if (!(w > 0.0))
                return Result<Source>::failure(QStringLiteral("%1: a source's sampling weight must be positive").arg(spec));
            s.weight = w;
            path = spec.left(colon);
        }
    }
    auto m = readManifest(path);
    if (!m)
        return Result<Source>::failure(m.error());
    s.manifest = std::move(m).value();
    const QFileInfo info(path);
    s.name = info.completeBaseName() == QLatin1String("manifest") ? info.absoluteDir().dirName() : info.completeBaseName();
    return s;
}

Result<Manifest> mergeSources(const std::vector<Source> &sources, const QString &evaluationSource)
{
    using R = Result<Manifest>;
    if (sources.empty())
        return R::failure(QStringLiteral("merge: no sources"));
    Manifest out;
    out.mappingVersion = sources.front().manifest.mappingVersion;
    out.classCount = 0;
    QStringList names;
    for (const Source &s : sources) {
        if (s.manifest.mappingVersion != out.mappingVersion)
            return R::failure(QStringLiteral("merge: source '%1' uses label mapping '%2', '%3' uses '%4'; re-import it with this EcgScope")
                                  .arg(s.name, s.manifest.mappingVersion, sources.front().name, out.mappingVersion));
        out.classCount = std::max(out.classCount, s.manifest.classCount);
        names << s.name;
    }
    if (names.removeDuplicates() > 0)
        return R::failure(QStringLiteral("merge: two sources have the same name (%1); rename one manifest").arg(names.join(QStringLiteral(", "))));
    if (!evaluationSource.isEmpty() && !names.contains(evaluationSource))
        return R::failure(QStringLiteral("merge: --val-source '%1' is none of the sources (%2)").arg(evaluationSource, names.join(QStringLiteral(", "))));
    QStringList described;
    for (const Source &s : sources) {
        described << QStringLiteral("%1 (%2%3)").arg(s.name, s.manifest.source, s.weight != 1.0 ? QStringLiteral(", weight %1").arg(s.weight) : QString());
        for (Entry e : s.manifest.entries) {
            // A source that is itself merged keeps its entries' names.
            if (e.source.isEmpty())
                e.source = s.name;
            e.weight *= s.weight;
            if (!evaluationSource.isEmpty() && s.name != evaluationSource && (e.split == QLatin1String("val") || e.split == QLatin1String("test")))
                continue;
            out.entries.push_back(std::move(e));
        }
    }
    out.source = QStringLiteral("merged: %1").arg(described.join(QStringLiteral(", ")));
    return out;
}

Status assignSplits(Manifest &m, const SplitOptions &o)
{
    if (o.useFolds) {
        for (Entry &e : m.entries) {
            if (e.fold <= 0)
                return Status::failure(QStringLiteral("split: %1 has no dataset fold; use the patient-wise split").arg(e.path));
            e.split = e.fold == 10 ? QStringLiteral("test") : e.fold == 9 ? QStringLiteral("val") : QStringLiteral("train");
        }
        return success();
    }
    // Fractions may add up to 1: a dataset kept whole for testing (e.g. --val 0 --test 1).
    if (!(o.validationFraction >= 0 && o.testFraction >= 0 && o.validationFraction + o.testFraction <= 1.0))
        return Status::failure(QStringLiteral("split: fractions %1 + %2 must not exceed 1").arg(o.validationFraction).arg(o.testFraction));

    // Patient -> entries; a record without a patient id is its own patient.
    std::map<QString, std::vector<size_t>> patients;
    for (size_t i = 0; i < m.entries.size(); ++i) {
        const Entry &e = m.entries[i];
        patients[e.patientId.isEmpty() ? QStringLiteral("record:") + e.path : e.patientId].push_back(i);
    }
    const std::vector<int> counts = m.classCounts();
    // Stratum of a patient: the rarest class among their records, so rare classes spread over the splits.
    std::map<int, std::vector<QString>> strata;
    for (const auto &[id, idx] : patients) {
        int stratum = m.entries[idx.front()].label;
        for (size_t i : idx) {
            const int c = m.entries[i].label;
            if (counts[size_t(c)] < counts[size_t(stratum)])
                stratum = c;
        }
        strata[stratum].push_back(id); // std::map iterates ids in order: deterministic input to the shuffle
    }
    std::mt19937_64 rng(o.seed);
    for (auto &[stratum, ids] : strata) {
        std::shuffle(ids.begin(), ids.end(), rng);
        const size_t n = ids.size();
        size_t nTest = size_t(std::lround(double(n) * o.testFraction));
        size_t nVal = size_t(std::lround(double(n) * o.validationFraction));
        // Small strata still reach every split that asked for a share, training first.
        if (n >= 3) {
            nTest = std::max<size_t>(nTest, o.testFraction > 0 ? 1 : 0);
            nVal = std::max<size_t>(nVal, o.validationFraction > 0 ? 1 : 0);
        }
        nTest = std::min(nTest, n);
        nVal = std::min(nVal, n - nTest);
        for (size_t k = 0; k < n; ++k) {
            const QString split = k < nTest ? QStringLiteral("test") : k < nTest + nVal ? QStringLiteral("val") : QStringLiteral("train");
            for (size_t i : patients[ids[k]])
                m.entries[i].split = split;
        }
    }
    return success();
}

} // namespace ecgscope::dataset
