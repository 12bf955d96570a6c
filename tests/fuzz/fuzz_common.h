#pragma once
// Shared by the libFuzzer targets: the readers take paths, so each input is written to a scratch file.

#include <QDir>
#include <QFile>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <unistd.h>

namespace ecgscope::fuzz {

/// A per-process scratch folder, so parallel fuzzing jobs do not share files.
inline QString scratchDir()
{
    static const QString dir = [] {
        const QString d = QDir::tempPath() + QStringLiteral("/ecgscope-fuzz-%1").arg(getpid());
        QDir().mkpath(d);
        return d;
    }();
    return dir;
}

inline QString writeScratch(const QString &name, const uint8_t *data, size_t size)
{
    const QString path = scratchDir() + QLatin1Char('/') + name;
    QFile f(path);
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(reinterpret_cast<const char *>(data), qint64(size));
    return path;
}

} // namespace ecgscope::fuzz
