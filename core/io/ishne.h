#pragma once

#include "core/record/ecg.h"
#include "core/result.h"

namespace ecgscope::io {

/// Reads ISHNE Holter 1.0 (.ecg): the 512-byte header (its CRC-CCITT checked: a mismatch is a note),
/// up to 12 leads by the header's lead codes (5-16 = I...V6; bipolar, X/Y/Z and Frank-like leads keep
/// their names), each lead's resolution in nV, the sampling rate, patient and recording fields, then
/// interleaved 16-bit samples. A file cut short keeps its whole frames, with a note. The beat file of
/// the same name (.ann, "ANN  1.0") becomes the record's beat annotations where present.
Result<Ecg> readIshne(const QString &path);

/// True when the bytes start with ISHNE's magic number ("ISHNE1.0", or "ANN  1.0" for a beat file).
bool looksLikeIshne(const QByteArray &head);

} // namespace ecgscope::io
