#pragma once

#include "core/record/ecg.h"
#include "core/result.h"

namespace ecgscope::io {

/// Reads a PhysioNet WFDB record: the `.hea` header and the signal files it names.
/// `path` may be the header, a signal file beside it (`.dat`, `.mat`), or the record path without extension.
/// Supports signal formats 16, 61, 80, 160, 212, 24 and 32, byte offsets (`16+24`), signals spread
/// over several files, and the MATLAB v4 `.mat` files of the PhysioNet/CinC Challenges.
/// Header comments `#Age:`, `#Sex:` and `#Dx:` (SNOMED-CT codes) become patient data and dataset labels.
/// Samples are converted to microvolts from each signal's gain, baseline and units.
Result<Ecg> readWfdb(const QString &path);

/// Reads only the header: rate, lead names (without samples), patient data and labels. For fast
/// dataset imports that need the labels of thousands of records.
Result<Ecg> readWfdbHeader(const QString &path);

/// Writes `<base>.hea` and `<base>.dat` (format 16, all leads interleaved). Each lead gets the gain
/// 1000 adu/mV (1 µV per unit) unless its range needs a smaller one, so a read-back is equal to the
/// record within one ADC unit. Patient data, labels and statements go into header comments.
/// `basePath` may end in `.hea`; the record name (its file name) must be letters, digits and `_`.
Status writeWfdb(const Ecg &ecg, const QString &basePath);

} // namespace ecgscope::io
