#pragma once

#include "core/ml/training.h"

#include <QJsonObject>

#include <vector>

namespace ecgscope::ml {

/// One finished training run as the comparison (the paper's Table 2) and the training wizard show it.
struct RunRecord {
    QString name;     ///< "resnet / focal"
    QString modelDir; ///< the saved model
    QString modelId;
    Evaluation test;
    std::vector<EpochReport> history;
    double seconds = 0.0;

    static RunRecord fromResult(const QString &name, const TrainResult &result);
    /// The run with its test confusion matrix, its test records' classes and probabilities (the curves
    /// and reliability come back from them) and history; metrics are recomputed.
    QJsonObject toJson() const;
    static Result<RunRecord> fromJson(const QJsonObject &json);
};

/// The metrics of a confusion matrix ([true][predicted]), as evaluate() computes them from the records it
/// counts (AUROC needs the probabilities and is NaN).
Evaluation evaluationFromConfusion(const QStringList &classNames, const std::vector<std::vector<int>> &confusion);

/// A column of the comparison: its identifier (CSV header), its title for people, what it measures.
struct ComparisonColumn {
    QString id, title, description;
};
/// The columns of the comparison: micro and macro precision, recall, F1, accuracy, then F1 of each class.
std::vector<ComparisonColumn> comparisonColumnInfo(const QStringList &classNames);
/// Their identifiers.
QStringList comparisonColumns(const QStringList &classNames);
std::vector<double> comparisonValues(const Evaluation &test);
/// One row per run: run, model_id, the columns above, epochs, seconds.
QString comparisonCsv(const std::vector<RunRecord> &runs);

} // namespace ecgscope::ml
