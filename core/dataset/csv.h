#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace ecgscope::dataset {

/// RFC 4180 CSV: fields separated by `separator`, quoted fields may hold separators, quotes ("") and
/// line breaks. Returns the rows; an unterminated quote ends the last field at the end of the text.
std::vector<QStringList> parseCsv(const QString &text, QChar separator = QLatin1Char(','));

/// Quotes a field when it holds a separator, quote or line break.
QString csvField(const QString &value, QChar separator = QLatin1Char(','));

} // namespace ecgscope::dataset
