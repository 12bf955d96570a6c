#include "core/ml/comparison.h"

#include <QJsonArray>

#include <cmath>

namespace ecgscope::ml {

RunRecord RunRecord::fromResult(const QString &name, const TrainResult &result)
{
    return RunRecord{name, result.modelDir, result.modelId, result.test, result.history, result.seconds};
}

namespace {

/// The per-record classes and probabilities (4 decimals) of an evaluation made from records.
QJsonValue testRecordsJson(const Evaluation &test)
{
    if (test.probabilities.empty() || test.probabilities.size() != test.truth.size())
        return QJsonValue();
    QJsonArray probabilities;
    for (const std::vector<float> &p : test.probabilities) {
        QJsonArray row;
        for (float v : p)
            row.append(std::round(double(v) * 1e4) / 1e4);
        probabilities.append(row);
    }
    return QJsonObject{{QStringLiteral("truth"), toJsonArray(test.truth)},
                       {QStringLiteral("predicted"), toJsonArray(test.predicted)},
                       {QStringLiteral("probabilities"), probabilities}};
}

} // namespace

QJsonObject RunRecord::toJson() const
{
    QJsonArray history;
    for (const EpochReport &r : this->history)
        history.append(QJsonObject{{QStringLiteral("stage"), r.stage},
                                   {QStringLiteral("epoch"), r.epoch},
                                   {QStringLiteral("epochs"), r.epochs},
                                   {QStringLiteral("train_loss"), r.trainLoss},
                                   {QStringLiteral("val_macro_f1"), r.validationMacroF1},
                                   {QStringLiteral("learning_rate"), r.learningRate},
                                   {QStringLiteral("seconds"), r.seconds}});
    return QJsonObject{{QStringLiteral("name"), name},
                       {QStringLiteral("model_dir"), modelDir},
                       {QStringLiteral("model_id"), modelId},
                       {QStringLiteral("classes"), QJsonArray::fromStringList(test.classNames)},
                       {QStringLiteral("confusion"), toJsonArray(test.confusion)},
                       {QStringLiteral("test_records"), testRecordsJson(test)},
                       {QStringLiteral("history"), history},
                       {QStringLiteral("seconds"), seconds}};
}

Result<RunRecord> RunRecord::fromJson(const QJsonObject &json)
{
    RunRecord r;
    r.name = json.value(QStringLiteral("name")).toString();
    r.modelDir = json.value(QStringLiteral("model_dir")).toString();
    r.modelId = json.value(QStringLiteral("model_id")).toString();
    r.seconds = json.value(QStringLiteral("seconds")).toDouble();
    QStringList classes;
    for (const QJsonValue &v : json.value(QStringLiteral("classes")).toArray())
        classes << v.toString();
    std::vector<std::vector<int>> confusion;
    for (const QJsonValue &row : json.value(QStringLiteral("confusion")).toArray()) {
        confusion.emplace_back();
        for (const QJsonValue &v : row.toArray())
            confusion.back().push_back(v.toInt());
        if (confusion.back().size() != size_t(classes.size()))
            return Result<RunRecord>::failure(QStringLiteral("run %1: the confusion matrix does not match its %2 classes").arg(r.name).arg(classes.size()));
    }
    if (confusion.size() != size_t(classes.size()) || classes.isEmpty())
        return Result<RunRecord>::failure(QStringLiteral("run %1: no confusion matrix").arg(r.name));
    r.test = evaluationFromConfusion(classes, confusion);
    // The test records' classes and probabilities (runs stored before they were kept have none): the
    // curves and the reliability diagram come from them when they agree with the matrix.
    const QJsonObject records = json.value(QStringLiteral("test_records")).toObject();
    std::vector<int> truth, predicted;
    std::vector<std::vector<float>> probabilities;
    for (const QJsonValue &v : records.value(QStringLiteral("truth")).toArray())
        truth.push_back(v.toInt());
    for (const QJsonValue &v : records.value(QStringLiteral("predicted")).toArray())
        predicted.push_back(v.toInt());
    for (const QJsonValue &row : records.value(QStringLiteral("probabilities")).toArray()) {
        probabilities.emplace_back();
        for (const QJsonValue &v : row.toArray())
            probabilities.back().push_back(float(v.toDouble()));
    }
    const auto valid = [&] {
        if (truth.empty() || truth.size() != predicted.size() || probabilities.size() != truth.size())
            return false;
        for (size_t i = 0; i < truth.size(); ++i)
            if (truth[i] < 0 || truth[i] >= classes.size() || predicted[i] < 0 || predicted[i] >= classes.size()
                || probabilities[i].size() != size_t(classes.size()))
                return false;
        return true;
    };
    if (valid()) {
        Evaluation withRecords = evaluate(classes, truth, predicted, probabilities);
        if (withRecords.confusion == r.test.confusion)
            r.test = std::move(withRecords);
    }
    for (const QJsonValue &v : json.value(QStringLiteral("history")).toArray()) {
        const QJsonObject o = v.toObject();
        r.history.push_back({o.value(QStringLiteral("stage")).toString(), o.value(QStringLiteral("epoch")).toInt(), o.value(QStringLiteral("epochs")).toInt(),
                             o.value(QStringLiteral("train_loss")).toDouble(), o.value(QStringLiteral("val_macro_f1")).toDouble(),
                             o.value(QStringLiteral("learning_rate")).toDouble(), o.value(QStringLiteral("seconds")).toDouble()});
    }
    return r;
}

Evaluation evaluationFromConfusion(const QStringList &classNames, const std::vector<std::vector<int>> &confusion)
{
    std::vector<int> truth, predicted;
    for (size_t t = 0; t < confusion.size(); ++t)
        for (size_t p = 0; p < confusion[t].size(); ++p)
            for (int k = 0; k < confusion[t][p]; ++k) {
                truth.push_back(int(t));
                predicted.push_back(int(p));
            }
    return evaluate(classNames, truth, predicted);
}

std::vector<ComparisonColumn> comparisonColumnInfo(const QStringList &classNames)
{
    const QString micro = QStringLiteral(" over all test records pooled (with one class per record, micro precision, recall and F1 equal accuracy)");
    const QString macro = QStringLiteral(" averaged over the classes present in the test set, each class counting the same however rare");
    std::vector<ComparisonColumn> columns{
        {QStringLiteral("micro_precision"), QStringLiteral("Micro precision"), QStringLiteral("Precision") + micro},
        {QStringLiteral("micro_recall"), QStringLiteral("Micro recall"), QStringLiteral("Recall (sensitivity)") + micro},
        {QStringLiteral("micro_f1"), QStringLiteral("Micro F1"), QStringLiteral("F1") + micro + QStringLiteral("; the paper's headline figure")},
        {QStringLiteral("macro_precision"), QStringLiteral("Macro precision"), QStringLiteral("Precision") + macro},
        {QStringLiteral("macro_recall"), QStringLiteral("Macro recall"), QStringLiteral("Recall (sensitivity)") + macro},
        {QStringLiteral("macro_f1"), QStringLiteral("Macro F1"), QStringLiteral("F1") + macro},
        {QStringLiteral("accuracy"), QStringLiteral("Accuracy"), QStringLiteral("Share of test records given their true class")},
    };
    for (const QString &c : classNames)
        columns.push_back({QStringLiteral("f1_%1").arg(c), QStringLiteral("F1 %1").arg(c),
                           QStringLiteral("F1 of class %1: the harmonic mean of its precision and recall on the test set").arg(c)});
    return columns;
}

QStringList comparisonColumns(const QStringList &classNames)
{
    QStringList ids;
    for (const ComparisonColumn &c : comparisonColumnInfo(classNames))
        ids << c.id;
    return ids;
}

std::vector<double> comparisonValues(const Evaluation &t)
{
    std::vector<double> v{t.microPrecision, t.microRecall, t.microF1, t.macroPrecision, t.macroRecall, t.macroF1, t.accuracy};
    for (const ClassMetrics &m : t.perClass)
        v.push_back(m.f1);
    return v;
}

QString comparisonCsv(const std::vector<RunRecord> &runs)
{
    if (runs.empty())
        return {};
    QString csv = QStringLiteral("run,model_id,") + comparisonColumns(runs.front().test.classNames).join(QLatin1Char(',')) + QStringLiteral(",epochs,seconds\n");
    for (const RunRecord &r : runs) {
        csv += r.name + QLatin1Char(',') + r.modelId;
        for (double v : comparisonValues(r.test))
            csv += QLatin1Char(',') + QString::number(v, 'f', 4);
        csv += QStringLiteral(",%1,%2\n").arg(r.history.size()).arg(r.seconds, 0, 'f', 1);
    }
    return csv;
}

} // namespace ecgscope::ml
