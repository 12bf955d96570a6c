#pragma once

#include "core/dataset/manifest.h"

namespace ecgscope::dataset {

/// A PhysioNet/CinC Challenge 2020/2021-style folder (searched recursively for `.hea` files): labels from
/// the `#Dx:` SNOMED-CT codes (and EcgScope's own `#Label:` lines). The headers carry no patient id, so
/// each record is its own patient unless a `#Patient-ID:` line says otherwise.
Result<Manifest> importChallengeFolder(const QString &dir, const MappingOptions &options, ImportReport &report);

/// PTB-XL: `ptbxl_database.csv` (scp_codes, patient_id, strat_fold) and the records at 100 Hz
/// (`filename_lr`) or 500 Hz (`filename_hr`).
Result<Manifest> importPtbXl(const QString &dir, int rateHz, const MappingOptions &options, ImportReport &report);

/// A folder of ECG files of any readable format with a CSV of labels: a header row naming the columns
/// `file` (path relative to the folder), `label`, and optionally `patient_id` and `split`. A label is a
/// class number 1-6, a class name ("AF/AFL", "Other"), or a code "SNOMED-CT:164889003" / "PTB-XL:AFIB".
Result<Manifest> importLabelCsv(const QString &folder, const QString &csvPath, const MappingOptions &options, ImportReport &report);

} // namespace ecgscope::dataset
