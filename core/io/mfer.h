#pragma once

#include "core/record/ecg.h"
#include "core/result.h"

namespace ecgscope::io {

/// Reads MFER (ISO 22077-1, Medical waveform Format Encoding Rules; Nihon Kohden, Fukuda Denshi):
/// tag-length-value definitions in either byte order, top-level defaults overridden per channel (tag 0x3F
/// nests each channel's attributes), data blocks of every channel per sequence. Channels whose lead code
/// names an ECG lead and whose sensitivity is a voltage become leads at the first such channel's rate;
/// pressures, status and other channels are listed in a note and skipped. The null value (tag 0x12) is
/// never signal: trailing nulls in every lead are cut, others held at the last valid value, both said.
/// Patient name (in the file's text encoding, UTF-16 included), ID, age, sex and the recording time.
Result<Ecg> readMfer(const QString &path);

/// True when the bytes start like an MFER file: a preamble (tag 0x40, 32 bytes) or a byte-order
/// definition (tag 0x01 with one byte, 0 or 1).
bool looksLikeMfer(const QByteArray &head);

} // namespace ecgscope::io
