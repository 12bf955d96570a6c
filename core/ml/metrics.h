#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace ecgscope::ml {

struct ClassMetrics {
    int support = 0; ///< true members of the class
    double precision = 0.0;
    double recall = 0.0;
    double f1 = 0.0;
    double auroc = 0.0; ///< one-vs-rest; NaN when the class or its complement is absent
};

/// Predicted probability against observed frequency: records binned by their highest probability into
/// equal bins of [0, 1]; each bin's mean top probability (confidence) and the share of its records whose
/// top class is the true one (accuracy).
struct ReliabilityBin {
    double low = 0.0, high = 0.0;
    int count = 0;
    double confidence = 0.0; ///< NaN for an empty bin
    double accuracy = 0.0;   ///< NaN for an empty bin
};
struct Reliability {
    std::vector<ReliabilityBin> bins; ///< empty without probabilities
    /// Top-label expected calibration error: the record-weighted mean of |accuracy - confidence| (NaN
    /// without records).
    double expectedCalibrationError = 0.0;

    QJsonArray binsJson() const;
};
Reliability reliability(const std::vector<std::vector<float>> &probabilities, const std::vector<int> &truth, int bins = 10);

/// One point of a class's one-vs-rest curves: records whose score reaches `threshold` are called positive.
struct OperatingPoint {
    double threshold = 0.0;
    int truePositives = 0, falsePositives = 0, falseNegatives = 0, trueNegatives = 0;
    double precision() const;          ///< TP / (TP + FP); 1 when nothing is called positive
    double recall() const;             ///< TP / (TP + FN); 0 without positives
    double falsePositiveRate() const;  ///< FP / (FP + TN); 0 without negatives
};
/// Precision-recall and ROC curves of one class: a point at every distinct score, highest threshold first
/// (each point calls positive every record scoring at least its threshold).
struct OperatingCurve {
    std::vector<OperatingPoint> points;
    int positives = 0, negatives = 0;
    double auroc = 0.0;            ///< NaN when either group is empty
    double averagePrecision = 0.0; ///< sum over points of (recall step) x precision; NaN without positives

    /// The point of the lowest threshold that is still >= `threshold` (what deciding at `threshold` does);
    /// nullptr when no score reaches it.
    const OperatingPoint *at(double threshold) const;
    QJsonObject toJson() const;
};
OperatingCurve operatingCurve(const std::vector<float> &scores, const std::vector<bool> &positive);
/// The curve of the worklist's flag rule for class `cls`: a record is flagged as `cls` when its decided
/// class is `cls` and the probability of `cls` reaches the threshold (StudyDatabase::isFlagged). Records
/// decided otherwise are never flagged as `cls`: the curve ends at the recall of the decided class.
OperatingCurve flagCurve(const std::vector<std::vector<float>> &probabilities, const std::vector<int> &decided, const std::vector<int> &truth, int cls);
/// The one-vs-rest curve of class `cls` on the probability of that class.
OperatingCurve operatingCurve(const std::vector<std::vector<float>> &probabilities, const std::vector<int> &truth, int cls);
/// One-vs-rest curves of every class on the probability of that class.
std::vector<OperatingCurve> operatingCurves(const std::vector<std::vector<float>> &probabilities, const std::vector<int> &truth, int classCount);

/// Classification metrics of one evaluation. Precision of a class never predicted, and recall of a class
/// never present, are 0. Macro averages are over the classes present in the truth or the predictions,
/// as scikit-learn's default: a class absent from both does not count.
struct Evaluation {
    QStringList classNames;
    std::vector<std::vector<int>> confusion; ///< [true][predicted] counts
    std::vector<ClassMetrics> perClass;
    double accuracy = 0.0;
    double microPrecision = 0.0, microRecall = 0.0, microF1 = 0.0; ///< equal to accuracy for single-label data
    double macroPrecision = 0.0, macroRecall = 0.0, macroF1 = 0.0;
    int count = 0;
    double calibrationError = 0.0; ///< top-label expected calibration error of the probabilities (NaN without them)
    Reliability reliability;           ///< of the probabilities (no bins without them)
    std::vector<int> truth, predicted; ///< per record, when computed from records (not from a stored matrix)
    std::vector<std::vector<float>> probabilities; ///< per record, when computed with them

    QJsonObject toJson() const;
    /// One row per class plus micro/macro rows: class,support,precision,recall,f1,auroc.
    QString metricsCsv() const;
    /// The confusion matrix with class names on both axes.
    QString confusionCsv() const;
    /// The confusion matrix as aligned text, rows = true class.
    QString confusionText() const;
};

/// Integer lists and matrices (counts, classes, groups) as JSON arrays.
QJsonArray toJsonArray(const std::vector<int> &values);
QJsonArray toJsonArray(const std::vector<std::vector<int>> &rows);

/// Computes the metrics from true labels, predicted labels and (for AUROC) the predicted probabilities
/// (`probabilities[i][c]`; may be empty, then AUROC is NaN).
Evaluation evaluate(const QStringList &classNames, const std::vector<int> &truth, const std::vector<int> &predicted,
                    const std::vector<std::vector<float>> &probabilities = {});

/// 95% percentile-bootstrap intervals (records resampled with replacement) of per-class recall and
/// precision and of the false-flag rate: the share of records whose true class is `otherClass` that are
/// predicted as any other class. Deterministic for a seed. Intervals of undefined quantities are NaN.
struct Interval {
    double low = 0.0, high = 0.0;
};
struct BootstrapIntervals {
    std::vector<Interval> recall, precision, f1;
    double falseFlagRate = 0.0; ///< on the data as they are
    Interval falseFlag;
};
BootstrapIntervals bootstrap(const std::vector<int> &truth, const std::vector<int> &predicted, int classCount, int otherClass,
                             int iterations = 2000, uint64_t seed = 1);

/// The 2.5th and 97.5th percentiles of a sample (NaN for an empty one).
Interval percentileInterval(std::vector<double> values);

/// Two models' predictions of the same records (one group per repeat of an experiment).
struct PairedPredictions {
    std::vector<int> truth, first, second;
};
struct PairedDifference {
    double difference = 0.0; ///< mean over the groups of macro-F1(second) - macro-F1(first)
    Interval interval;       ///< its 95% paired percentile-bootstrap interval
};
/// Paired bootstrap of a macro-F1 difference: each iteration resamples the records of every group (with
/// replacement, the same records for both models) and recomputes the mean difference.
PairedDifference pairedMacroF1Difference(const std::vector<PairedPredictions> &groups, int classCount, int iterations = 2000,
                                         uint64_t seed = 1);

/// Area under the ROC curve of `scores` for the positives (Mann-Whitney U, ties count one half).
double auroc(const std::vector<float> &scores, const std::vector<bool> &positive);

} // namespace ecgscope::ml
