#pragma once

#include <QString>

namespace ecgscope::io {

/// Lead identity in the numbering shared by SCP-ECG (EN 1064 lead table) and the ISO/IEEE 11073 MDC
/// ECG lead codes (DICOM "MDC 2:N", HL7 aECG MDC_ECG_LEAD_*): 1 = I, 2 = II, 3-8 = V1-V6, 61 = III,
/// 62 = aVR, 63 = aVL, 64 = aVF, and others (V7, V3R, X, Y, Z, ...) under their own names.
/// @return the lead name, or an empty string for an unknown number
QString leadFromCode(int code);

/// The code of a lead name (any spelling canonicalLeadName accepts), or 0 when it has none.
int codeFromLead(const QString &name);

/// Lead from DICOM's ChannelSourceSequence: the code value in the SCPECG scheme ("5.6.3-9-61") or the
/// MDC scheme ("2:61"), else the free-text meaning ("Lead aVR", "aVR"). Empty when none of them is known.
QString leadFromDicomCode(const QString &value, const QString &scheme, const QString &meaning);

/// Lead from an HL7 aECG / MDC string code ("MDC_ECG_LEAD_AVR"); empty when unknown.
QString leadFromMdcString(const QString &code);

} // namespace ecgscope::io
