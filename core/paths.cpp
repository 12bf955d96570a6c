#include "core/paths.h"

#include <QCoreApplication>
#include <QDir>

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

} // namespace ecgscope
