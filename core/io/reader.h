#pragma once

#include "core/io/textecg.h"
#include "core/record/deidentify.h"
#include "core/record/ecg.h"
#include "core/result.h"

#include <optional>

namespace ecgscope::io {

/// Formats EcgScope can read, detected from a file's content.
enum class Format { Unknown, Wfdb, Dicom, Xml, Scp, Edf, Ishne, Mfer, Text };

/// Detects the format from the file's content (and, for WFDB, the header beside a signal file).
Format detectFormat(const QString &path);

/// What the user tells a reader that a file does not say (text files: rate, units, lead names).
struct ReadOptions {
    TextOptions text;
};

/// The one entry point for loading a recording of any supported format. Errors name the file,
/// the format and what is wrong.
Result<Ecg> readEcg(const QString &path, const ReadOptions &options = {});

struct WriteOptions {
    /// De-identify on the way out (every format alike: Deidentifier::apply).
    std::optional<Deidentifier> deidentify;
};

/// Writes a record in the format the output path asks for: `.hea`, `.dat` or no suffix = WFDB,
/// `.dcm` = DICOM ECG waveform, `.edf` = EDF+. Missing folders on the way are created owner-only, and the files are
/// owner-only (0600) whatever the umask: a record is protected health information.
Status writeEcg(const Ecg &ecg, const QString &path, const WriteOptions &options = {});

/// File-dialog filter for every readable format.
QString openFileFilter();

} // namespace ecgscope::io
