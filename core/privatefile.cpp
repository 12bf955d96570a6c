#include "core/privatefile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace ecgscope {

namespace {
constexpr QFileDevice::Permissions kOwnerFile = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions kOwnerFolder = kOwnerFile | QFileDevice::ExeOwner;
} // namespace

Status createPrivateFile(const QString &path)
{
    QFile f(path);
    // Permissions first, while the file is still empty: nothing is ever readable by others.
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || !f.setPermissions(kOwnerFile))
        return Status::failure(QStringLiteral("%1: cannot create: %2").arg(path, f.errorString()));
    return success();
}

Status savePrivateFile(const QString &path, const QByteArray &bytes)
{
    QSaveFile f(path);
    // The temporary file is what becomes `path`: restricted before it holds anything.
    if (!f.open(QIODevice::WriteOnly) || !f.setPermissions(kOwnerFile) || f.write(bytes) != bytes.size() || !f.commit())
        return Status::failure(QStringLiteral("%1: cannot write: %2").arg(path, f.errorString()));
    return success();
}

Status makePrivate(const QString &path)
{
    if (!QFile::setPermissions(path, kOwnerFile))
        return Status::failure(QStringLiteral("%1: cannot make it private (owner-only)").arg(path));
    return success();
}

Status makePrivateFolder(const QString &path)
{
    // The missing part of the path, outermost first: those folders are ours to restrict; a folder that
    // exists already (the user's own) keeps its mode.
    QStringList missing;
    for (QFileInfo f(QDir::cleanPath(QFileInfo(path).absoluteFilePath())); !f.exists(); f = QFileInfo(f.absolutePath()))
        missing.prepend(f.absoluteFilePath());
    for (const QString &folder : missing)
        if (!QDir().mkdir(folder) || !QFile::setPermissions(folder, kOwnerFolder))
            return Status::failure(QStringLiteral("%1: cannot create the folder %2").arg(path, folder));
    if (!QFileInfo(path).isDir())
        return Status::failure(QStringLiteral("%1: not a folder").arg(path));
    return success();
}

bool readableByOthers(const QString &path)
{
    return QFileInfo(path).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther);
}

} // namespace ecgscope
