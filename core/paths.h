#pragma once

#include <QString>

namespace ecgscope {

/// The folder with EcgScope's data (bundled samples and models): `$ECGSCOPE_DATA_DIR` when set, else
/// `../share/ecgscope` beside the running executable, which holds in the build tree and in an install.
QString dataDir();

/// The bundled sample ECG (a synthetic WFDB record made by the build).
QString bundledSamplePath();

} // namespace ecgscope
