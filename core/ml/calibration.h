#pragma once

#include "core/result.h"

#include <QJsonObject>
#include <QString>

#include <vector>

namespace ecgscope::ml {

/// How per-class decision thresholds are chosen on validation records.
struct ThresholdRule {
    enum Kind { None, MaxF1, MinPrecision } kind = MaxF1;
    double precision = 0.9; ///< MinPrecision: the lowest threshold whose precision reaches this
    int minPositives = 5;   ///< a class with fewer validation records keeps the plain arg-max decision

    QString name() const; ///< "none", "f1", "precision:0.90"
    /// Parses "none", "f1" or "precision:P" (0 < P < 1).
    static Result<ThresholdRule> fromName(const QString &name);
};

/// What makes a model's probabilities mean what they say and its decisions fit the data: a temperature
/// (calibrated p = softmax(log p / T), the same as dividing a single network's logits by T) and per-class
/// thresholds. Stored in the model card and applied by the Classifier.
struct Calibration {
    double temperature = 1.0;
    /// Per class; NaN = that class is decided by the arg-max alone. Empty = arg-max for every class.
    std::vector<double> thresholds;
    QString rule;              ///< the ThresholdRule's name
    int records = 0;           ///< validation records it was fitted on
    QString data;              ///< which records ("val split of ...")
    double eceBefore = 0.0, eceAfter = 0.0; ///< expected calibration error on those records

    bool isIdentity() const;
    /// "temperature 1.21, expected calibration error 0.033 -> 0.054; thresholds (f1): AVB1/2=argmax ..."
    QString summary(const QStringList &classNames) const;
    QJsonObject toJson() const;
    static Calibration fromJson(const QJsonObject &json);
};

/// softmax(log p / T), with p floored at 1e-7 so that zeros stay finite.
std::vector<float> applyTemperature(const std::vector<float> &probabilities, double temperature);

/// The decided class: among classes whose threshold is set and reached, and the arg-max class when its
/// threshold is NaN, the one of highest probability; when none qualifies, `fallbackClass` (the model's
/// "Other") or, without one, the arg-max.
int decide(const std::vector<float> &probabilities, const std::vector<double> &thresholds, int fallbackClass);

/// The temperature that minimises the negative log-likelihood of the true classes (searched on log T
/// over [0.05, 20]).
double fitTemperature(const std::vector<std::vector<float>> &probabilities, const std::vector<int> &truth);

/// Per-class thresholds on (already calibrated) probabilities, one-vs-rest: MaxF1 takes the threshold
/// of highest F1, MinPrecision the lowest one whose precision reaches the goal (the highest recall at
/// that precision; NaN when none does). Classes in `skip` (the fallback "Other") and classes with too
/// few positives get NaN.
std::vector<double> chooseThresholds(const std::vector<std::vector<float>> &probabilities, const std::vector<int> &truth,
                                     const ThresholdRule &rule, int skip = -1);

/// Fits the temperature, then the thresholds on the calibrated probabilities; reports the ECE before
/// and after.
Calibration calibrate(const std::vector<std::vector<float>> &probabilities, const std::vector<int> &truth, const ThresholdRule &rule,
                      int fallbackClass);

} // namespace ecgscope::ml
