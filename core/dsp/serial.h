#pragma once

#include "core/dsp/intervals.h"

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace ecgscope::dsp {

/// One measurement of a prior and a new ECG of a patient, and whether its change passes the limit a
/// reader would want pointed out.
struct SerialChange {
    QString name;                        ///< "HR", "PR", "QRS", "QT", "QTc", "axis"
    QString unit;                        ///< "bpm", "ms", "°"
    std::optional<double> before, after;
    std::optional<double> change;        ///< after - before (the shorter way round for the axis)
    QString flag;                        ///< why it is highlighted, e.g. "QTc +34 ms (limit +30)"; empty when not
};

/// EcgScope's measurements of both ECGs side by side. Highlighted: HR ±20 bpm, PR +40 ms, QRS +20 ms,
/// QTc (Bazett) +30 ms or a new QTc above 500 ms, an axis shift of 45° or more.
std::vector<SerialChange> compareMeasurements(const Intervals &before, const Intervals &after);

/// The limits above as one line for people: "HR ±20 bpm, PR +40 ms, ..., axis ±45°".
QString serialLimits();

/// A value as the comparison prints it: a whole number ("+" before a rise when `sign`), "-" when missing.
QString serialText(const std::optional<double> &value, bool sign = false);

/// The model's finding that is new in the later ECG: "new <class>" when its class differs from the
/// prior's and is not `otherClass` (the model's "no arrhythmia of the six", -1 if none); else empty.
QString newClassFlag(int before, int after, const QStringList &classNames, int otherClass);

/// What a reader should look at, in the table's order: every highlighted change, then the model's flag
/// (when not empty).
QStringList changeFlags(const std::vector<SerialChange> &changes, const QString &modelFlag);

} // namespace ecgscope::dsp
