#pragma once

#include "core/io/reader.h"

#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>

/// Writes `bytes` as `name` in `dir`. @return the file's path
inline QString writeTestFile(const QTemporaryDir &dir, const QString &name, const QByteArray &bytes)
{
    QFile f(dir.filePath(name));
    f.open(QIODevice::WriteOnly);
    f.write(bytes);
    return f.fileName();
}

/// Every file below `folder` that EcgScope reads as a record (signal files and notes left out), with
/// the record read.
inline std::vector<std::pair<QString, ecgscope::Ecg>> readableRecordsBelow(const QString &folder)
{
    std::vector<std::pair<QString, ecgscope::Ecg>> records;
    QDirIterator it(folder, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        if (file.endsWith(QStringLiteral(".dat")) || file.endsWith(QStringLiteral(".md")))
            continue;
        if (auto ecg = ecgscope::io::readEcg(file))
            records.emplace_back(file, std::move(ecg).value());
    }
    return records;
}
