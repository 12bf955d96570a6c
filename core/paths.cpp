#include "core/paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <set>

namespace ecgscope {

QString dataDir()
{
    const QString fromEnv = qEnvironmentVariable("ECGSCOPE_DATA_DIR");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QDir(QCoreApplication::applicationDirPath()).absoluteFilePath(QStringLiteral("../share/ecgscope"));
}

QString bundledSamplePath()
{
    return dataDir() + QStringLiteral("/samples/sample.hea");
}

QStringList filesBelow(const QString &folder, const QStringList &patterns)
{
    QStringList files;
    std::set<QString> visited; // canonical paths of the folders seen
    QStringList pending{folder};
    while (!pending.isEmpty()) {
        const QDir dir(pending.takeLast());
        if (!visited.insert(QFileInfo(dir.absolutePath()).canonicalFilePath()).second)
            continue;
        for (const QFileInfo &f : dir.entryInfoList(patterns, QDir::Files))
            files << f.absoluteFilePath();
        for (const QFileInfo &d : dir.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot))
            pending << d.absoluteFilePath();
    }
    files.sort(); // file-system order differs between machines; manifests and imports must not
    return files;
}

} // namespace ecgscope
