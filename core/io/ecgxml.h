#pragma once

#include "core/record/ecg.h"
#include "core/result.h"

namespace ecgscope::io {

/// Reads the XML ECG formats, told apart by their root element:
/// - HL7 aECG (`AnnotatedECG`): the rhythm series' sequences (MDC_ECG_LEAD_* codes), value = origin +
///   scale x digit in the units given, rate from the time sequence's increment; derived (representative
///   beat) series are skipped; 8-lead files get their limb leads derived; annotations become statements
///   (coded) and measurements (physical quantities).
/// - GE MUSE (`RestingECG`): the Rhythm waveform (the Median one is skipped), base64 little-endian int16
///   per lead x LeadAmplitudeUnitsPerBit, CRC-32 of each lead checked, III/aVR/aVL/aVF derived,
///   demographics, diagnosis statements and measurements.
/// - Philips Sierra / PageWriter (`restingecgdata`, versions 1.03-1.04): base64 waveforms, uncompressed or
///   XLI (LZW with 10-bit codes, then second-order delta decoding); III, aVR, aVL, aVF are stored as
///   residuals and rebuilt from I and II; scale from `resolution` / `signalresolution` (µV).
/// Errors name the file, the format and the problem.
Result<Ecg> readEcgXml(const QString &path);

/// CRC-32 (IEEE 802.3, as zlib), for MUSE's LeadDataCRC32.
quint32 crc32(const QByteArray &bytes);

/// Philips XLI decompression of one lead's chunk (after its 8-byte header), exposed for tests and fuzzing.
/// @return the decoded samples, or an error for a stream that is not XLI
Result<std::vector<qint16>> decodeXliChunk(const QByteArray &compressed, qint16 firstValue);

} // namespace ecgscope::io
