#pragma once

#include "core/result.h"

#include <QString>

namespace ecgscope {

/// Files and folders that may hold protected health information (the study database, records, exports,
/// printouts, run folders) are their owner's alone, whatever the umask.

/// Creates `path` (or empties it) owner-only (0600), so that a writer opening it afterwards keeps the mode.
Status createPrivateFile(const QString &path);
/// Writes `bytes` as `path` all at once (QSaveFile: a failed write leaves no half-written file), owner-only
/// before the first byte. @return the error as "<path>: cannot write: <reason>"
Status savePrivateFile(const QString &path, const QByteArray &bytes);
/// Sets owner-only read and write (0600) on an existing file.
Status makePrivate(const QString &path);
/// Creates the folder and its missing parents, each created one 0700 (an existing folder is left as it is).
Status makePrivateFolder(const QString &path);
/// True when the group or others may read the file.
bool readableByOthers(const QString &path);

} // namespace ecgscope
