#pragma once

#include "core/dataset/manifest.h"
#include "core/ml/calibration.h"
#include "core/ml/contract.h"
#include "core/ml/metrics.h"
#include "core/progress.h"
#include "core/record/ecg.h"
#include "core/result.h"

#include <QJsonObject>

#include <memory>

namespace ecgscope::ml {

struct Prediction {
    std::vector<float> probabilities; ///< one per class of the model, calibrated (the card's temperature)
    int topClass = -1;     ///< the model's decision: its per-class thresholds applied (see ml::decide)
    int windows = 0;       ///< 10 s windows the record was cut into (their probabilities are averaged)
    std::vector<double> windowStartsMs;               ///< where each window starts in the record
    std::vector<std::vector<float>> windowProbabilities; ///< each window's own probabilities
    QStringList warnings;  ///< e.g. leads the record lacks
};

/// A model's calibrated probabilities and decisions for the records of a manifest, with their labels.
struct Scores {
    std::vector<int> truth, decided;
    std::vector<std::vector<float>> probabilities; ///< padded to the larger of the model's and the manifest's classes
};

/// A trained model loaded for inference. Loading checks the model card (format, classes, contract,
/// architecture) and the sha256 of every weight file, and refuses a mismatch with a message that names
/// the file. Thread-safe for concurrent classify() calls.
class Classifier {
public:
    static Result<std::shared_ptr<Classifier>> load(const QString &modelDir);
    ~Classifier();

    Result<Prediction> classify(const Ecg &ecg) const;
    /// Classifies records already prepared (ml::prepare with contract()) in one pass of the network over
    /// all their windows: how a batch of records is classified fast. One prediction per record, in order.
    std::vector<Prediction> classifyPrepared(const std::vector<const Prepared *> &records) const;
    /// Which parts of the record drove the score of class `cls`: |gradient x input| of the first stage's
    /// output for that class (or its group), summed over leads, smoothed over 50 ms, the maximum over
    /// overlapping windows, normalised to a maximum of 1. One value per 10 ms from the record's start.
    Result<std::vector<float>> saliency(const Ecg &ecg, int cls) const;
    /// Classifies the records of a manifest (a split, or all with "").
    Result<Scores> score(const dataset::Manifest &manifest, const QString &split, Progress *progress = nullptr) const;
    /// Classifies the records of a manifest (a split, or all with "") and compares with their labels.
    Result<Evaluation> evaluate(const dataset::Manifest &manifest, const QString &split, Progress *progress = nullptr) const;

    /// The temperature and thresholds in use (from the card; identity when it has none).
    const Calibration &calibration() const;
    /// Replaces them in this object (not in the card: see writeCalibration). Not to be called while
    /// another thread classifies.
    void setCalibration(const Calibration &calibration);

    /// Network time alone (no file reading or preprocessing): milliseconds per ECG for batches of
    /// `batch` 10 s windows, the median of `repeats` runs after a warm-up.
    double forwardMillisecondsPerEcg(int batch, int repeats) const;

    QString modelId() const;
    QStringList classNames() const;
    /// Index of "Other", the class decided when no threshold is reached; -1 for a six-class model.
    int otherClass() const;
    const InputContract &contract() const;
    const QJsonObject &card() const;
    QString directory() const;

private:
    Classifier();
    struct Impl;
    std::unique_ptr<Impl> d;
};

/// Stores a calibration in a model folder's card (`calibration`); the weights and their checksums stay.
Status writeCalibration(const QString &modelDir, const Calibration &calibration);

/// sha256 of a file in hex, or an empty string when it cannot be read.
QString sha256OfFile(const QString &path);

} // namespace ecgscope::ml
