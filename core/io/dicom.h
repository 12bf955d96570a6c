#pragma once

#include "core/record/deidentify.h"
#include "core/record/ecg.h"
#include "core/result.h"

namespace ecgscope::io {

/// Reads DICOM 12-Lead ECG (1.2.840.10008.5.1.4.1.1.9.1.1), General ECG (…9.1.2) and Ambulatory ECG
/// (…9.1.3) Waveform Storage with DCMTK. Of the multiplex groups, the rhythm group is used (label
/// "RHYTHM", else the ORIGINAL group with the most samples); median-beat groups are skipped with a note.
/// Samples: signed or unsigned 16-bit, value = raw x ChannelSensitivity x correction factor + ChannelBaseline
/// in the sensitivity's units (uV, mV, V). Lead identity from ChannelSourceSequence (SCPECG or MDC code,
/// else the code meaning), never from channel order. Patient and acquisition attributes, the waveform
/// annotations' text (statements) and numeric values (measurements) are kept.
Result<Ecg> readDicom(const QString &path);

struct DicomWriteOptions {
    /// The record was de-identified by this (Deidentifier::apply): the file says so (Patient Identity
    /// Removed, De-identification Method, Longitudinal Temporal Information Modified) and gets dummy
    /// dates when the dates were removed.
    const Deidentifier *deidentified = nullptr;
};

/// Writes a record as 12-Lead ECG Waveform Storage when it fits that IOD (at most 13 leads, 16384 samples,
/// 200-1000 Hz), else as General ECG Waveform Storage (up to 24 leads). Leads are coded in the MDC scheme,
/// sensitivity 1 uV per unit where the lead's range allows (coarser otherwise), explicit VR little endian,
/// new UIDs. Rates outside 200-1000 Hz are refused (resample first).
Status writeDicom(const Ecg &ecg, const QString &path, const DicomWriteOptions &options = {});

} // namespace ecgscope::io
