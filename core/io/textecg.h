#pragma once

#include "core/record/ecg.h"
#include "core/result.h"

namespace ecgscope::io {

/// What a text file does not say about itself: the user gives it.
struct TextOptions {
    double rateHz = 0.0;              ///< 0: the file must say it
    double microvoltsPerUnit = 0.0;   ///< 0: the file must say it (a header's "mV"/"uV"), else refused
    QStringList leads;                ///< column names, when the file has no header line
};

/// Reads ECG samples stored as text, one row per sample and one column per lead: CSV, semicolon, tab or
/// space separated (detected from the first data line), with or without a header line of lead names
/// (units in brackets, "I [mV]", or a "units" line are honoured), GE MUSE's text export (`Rhythm signal:
/// 5000 X 12` over 12 columns I … V6) included. Columns that are empty in every row (unconnected leads)
/// are left out with a note. The rate and units come from the file where it gives them ("rate: 500 Hz",
/// a time column in s or ms), else from `options`; without either the read is refused, naming what is
/// missing.
Result<Ecg> readTextEcg(const QString &path, const TextOptions &options = {});

/// True when the first bytes are text whose first data line is numbers in columns.
bool looksLikeTextEcg(const QByteArray &head);

} // namespace ecgscope::io
