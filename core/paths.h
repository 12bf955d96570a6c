#pragma once

#include <QStringList>

namespace ecgscope {

/// The folder with EcgScope's data (bundled samples and models): `$ECGSCOPE_DATA_DIR` when set, else
/// `../share/ecgscope` beside the running executable, which holds in the build tree and in an install.
QString dataDir();

/// The bundled sample ECG (a synthetic WFDB record made by the build).
QString bundledSamplePath();

/// Every file below `folder` whose name matches one of `patterns` (all files when empty), sorted, following
/// symbolic links to folders (a dataset is often a folder of links) and visiting each real folder once,
/// so a link loop ends.
QStringList filesBelow(const QString &folder, const QStringList &patterns = {});

} // namespace ecgscope
