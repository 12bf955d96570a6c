#pragma once

#include "core/dataset/manifest.h"
#include "core/ml/contract.h"
#include "core/ml/metrics.h"
#include "core/progress.h"
#include "core/record/ecg.h"
#include "core/result.h"

#include <QJsonObject>

#include <memory>

namespace ecgscope::ml {

struct Prediction {
    std::vector<float> probabilities; ///< one per class of the model
    int topClass = -1;
    int windows = 0;       ///< 10 s windows the record was cut into (their probabilities are averaged)
    std::vector<double> windowStartsMs;               ///< where each window starts in the record
    std::vector<std::vector<float>> windowProbabilities; ///< each window's own probabilities
    QStringList warnings;  ///< e.g. leads the record lacks
};

/// A trained model loaded for inference. Loading checks the model card (format, classes, contract,
/// architecture) and the sha256 of every weight file, and refuses a mismatch with a message that names
/// the file. Thread-safe for concurrent classify() calls.
class Classifier {
public:
    static Result<std::shared_ptr<Classifier>> load(const QString &modelDir);
    ~Classifier();

    Result<Prediction> classify(const Ecg &ecg) const;
    /// Which parts of the record drove the score of class `cls`: |gradient x input| of the first stage's
    /// output for that class (or its group), summed over leads, smoothed over 50 ms, the maximum over
    /// overlapping windows, normalised to a maximum of 1. One value per 10 ms from the record's start.
    Result<std::vector<float>> saliency(const Ecg &ecg, int cls) const;
    /// Classifies the records of a manifest (a split, or all with "") and compares with their labels.
    Result<Evaluation> evaluate(const dataset::Manifest &manifest, const QString &split, Progress *progress = nullptr) const;

    /// Network time alone (no file reading or preprocessing): milliseconds per ECG for batches of
    /// `batch` 10 s windows, the median of `repeats` runs after a warm-up.
    double forwardMillisecondsPerEcg(int batch, int repeats) const;

    QString modelId() const;
    QStringList classNames() const;
    const InputContract &contract() const;
    const QJsonObject &card() const;
    QString directory() const;

private:
    Classifier();
    struct Impl;
    std::unique_ptr<Impl> d;
};

/// sha256 of a file in hex, or an empty string when it cannot be read.
QString sha256OfFile(const QString &path);

} // namespace ecgscope::ml
