#pragma once

#include "core/record/ecg.h"
#include "core/result.h"

#include <QByteArray>

namespace ecgscope {

/// What de-identification does with dates.
enum class DateHandling {
    Remove, ///< acquisition date and time removed (DICOM: a dummy date, marked REMOVED)
    Shift,  ///< moved by a per-patient number of days (keyed, 1-3650 days back): intervals between one
            ///< patient's records are kept, the calendar dates are not
};

/// The one de-identification step every writer and export of EcgScope goes through, after the DICOM
/// PS3.15 Annex E Basic Application Level Confidentiality Profile, applied to the same fields whatever
/// the output format:
/// - removed: patient name, birth date (the age is kept; computed from the birth date when the file has
///   no age), institution, the names of reviewers and authors of labels, the device's interpretation
///   statements that sign or name someone ("confirmed by …") or contain the patient's name or ID;
/// - replaced: the patient ID by a keyed pseudonym (HMAC-SHA-256 under `key`), ages above 89 by "90+"
///   (HIPAA Safe Harbor), dates per `dates`; writers give DICOM output new UIDs;
/// - kept: sex, age, the waveform, the device's make and model, its measurements and its other
///   interpretation statements, the labels' codes.
/// Nobody without the key can map a pseudonym back by trying IDs; whoever holds the key (the study
/// database) can, by computing the pseudonyms of known IDs.
struct Deidentifier {
    QByteArray key; ///< secret, at least 16 bytes (newKey makes 32)
    DateHandling dates = DateHandling::Remove;

    /// 32 bytes from the system's cryptographic random source.
    static QByteArray newKey();

    /// "ANON-" and 16 hex digits of HMAC-SHA-256(key, "patient:" + id); empty for an empty id.
    QString pseudonym(const QString &patientId) const;
    /// Days the dates of this patient move back under DateHandling::Shift (1-3650, from the key).
    int dateShiftDays(const QString &patientId) const;
    /// The record with its protected health information removed or replaced (see above). The patient is
    /// known by its ID, else by its name.
    Ecg apply(const Ecg &ecg) const;
    /// One line for the output's own record of what was done (DICOM DeidentificationMethod).
    QString method() const;
};

/// Reads a key file (64 hex digits), or creates one with a fresh key, owner-only.
/// @return the key, and whether it was created
Result<std::pair<QByteArray, bool>> readOrCreateKeyFile(const QString &path);

} // namespace ecgscope
