#pragma once

#include "core/record/ecg.h"
#include "core/result.h"

namespace ecgscope::io {

/// Reads EDF and EDF+ (continuous or discontinuous, read as continuous): the signals whose label names
/// an ECG lead ("I", "ECG II", "EKG V1", "V3R", ...; voltage units) become leads, converted with each
/// signal's physical and digital ranges; other signals (accelerometer, respiration, events) are listed in
/// a note and skipped, as are ECG signals at another rate than the first. Digital values outside the
/// declared range (lead-off markers) are held at the last valid value and counted in a note, never plotted
/// as signal. EDF+ annotations become statements ("12.50 s: text"); EDF+ patient fields become the
/// patient's code, sex, birth date and name. A file cut short keeps its whole records, with a note.
Result<Ecg> readEdf(const QString &path);

/// Writes EDF+C: 1-second data records, one signal per lead labelled "ECG <lead>" in µV, each lead's
/// digital step its stored resolution where known (a read-back is exact in the source's units), else
/// the finest 16-bit step its range allows; the patient and recording fields of EDF+. Rates must be whole
/// Hz. Owner-only, as every record EcgScope writes.
Status writeEdf(const Ecg &ecg, const QString &path);

/// True when the bytes start like an EDF header ("0" and spaces, then a header length that is a
/// multiple of 256).
bool looksLikeEdf(const QByteArray &head);

} // namespace ecgscope::io
