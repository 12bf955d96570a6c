#pragma once

#include "core/record/ecg.h"
#include "core/result.h"

#include <cstdint>
#include <vector>

namespace ecgscope::io {

/// Reads SCP-ECG (EN 1064 / ISO 11073-91064, versions 1.x-2.x): the pointer table of Section 0
/// (1-based offsets), Section 1 patient and acquisition tags (every length bounds-checked, ending at tag
/// 255), Section 2 Huffman tables (19999 = the standard's default table; custom tables with table
/// switching), Section 3 lead definitions (SCP lead ids; 8 stored leads get the other four derived;
/// non-standard leads keep their names), Section 6 rhythm data (amplitude in nV per unit, sample interval
/// in µs, first or second difference encoding), Sections 4 and 5 reference-beat subtraction (the reference
/// beat is added back in each type-0 QRS's subtraction zone), Section 7 global and Section 10 per-lead
/// measurements, Sections 8 and 11 statements. The file CRC and every section's CRC (CRC-CCITT, initial 0xFFFF) are checked; a mismatch
/// is a warning note naming the section. Bimodal compression is refused.
Result<Ecg> readScp(const QString &path);

/// CRC-CCITT (polynomial 0x1021, initial value 0xFFFF), as SCP-ECG uses.
quint16 crcCcitt(const uint8_t *data, size_t size);

} // namespace ecgscope::io
