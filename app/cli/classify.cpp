#include "app/cli/command.h"
#include "app/cli/trainoptions.h"
#include "core/io/reader.h"
#include "core/ml/classifier.h"
#include "core/ml/pipeline.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <algorithm>

namespace ecgscope::cli {

int runClassify(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Classify ECG files: top class and the probability of every class."));
    p.addHelpOption();
    p.addOption({QStringLiteral("model"), QStringLiteral("Model folder (default: the bundled model)."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("json"), QStringLiteral("Print JSON.")});
    p.addOption({QStringLiteral("workers"), QStringLiteral("Threads reading and preparing files (default: one per core but one)."), QStringLiteral("N"), QStringLiteral("0")});
    p.addOption({QStringLiteral("batch"), QStringLiteral("Windows per pass of the network (default 32; 1 classifies one record at a time)."), QStringLiteral("N"), QStringLiteral("32")});
    p.addPositionalArgument(QStringLiteral("files"), QStringLiteral("ECG files."), QStringLiteral("FILE..."));
    p.process(args);
    if (p.positionalArguments().isEmpty())
        return fail(QStringLiteral("classify: expected at least one FILE"));
    auto classifier = ml::Classifier::load(modelDirOption(p));
    if (!classifier)
        return fail(classifier.error());
    const ml::Classifier &model = *classifier.value();
    QTextStream out(stdout);
    QJsonArray results;
    int failures = 0;
    // Files are read and prepared in parallel and classified in batches; results come in input order.
    const ml::PipelineOptions pipeline{p.value(QStringLiteral("workers")).toInt(), std::max(1, p.value(QStringLiteral("batch")).toInt())};
    ml::classifyFiles(model, p.positionalArguments(), [&](ml::FileOutcome &&outcome) {
        const QString &file = outcome.path;
        const Result<ml::Prediction> &prediction = outcome.prediction;
        if (!prediction) {
            ++failures;
            if (p.isSet(QStringLiteral("json")))
                results.append(QJsonObject{{QStringLiteral("file"), file}, {QStringLiteral("error"), prediction.error()}});
            else
                QTextStream(stderr) << "ecgscope-cli: " << prediction.error() << '\n';
            return;
        }
        const ml::Prediction &pr = prediction.value();
        if (p.isSet(QStringLiteral("json"))) {
            QJsonObject probs;
            for (int c = 0; c < model.classNames().size(); ++c)
                probs.insert(model.classNames()[c], double(pr.probabilities[size_t(c)]));
            results.append(QJsonObject{{QStringLiteral("file"), file},
                                       {QStringLiteral("model_id"), model.modelId()},
                                       {QStringLiteral("top_class"), model.classNames()[pr.topClass]},
                                       {QStringLiteral("probability"), double(pr.probabilities[size_t(pr.topClass)])},
                                       {QStringLiteral("probabilities"), probs},
                                       {QStringLiteral("windows"), pr.windows},
                                       {QStringLiteral("warnings"), QJsonArray::fromStringList(pr.warnings)}});
            return;
        }
        out << file << ": " << model.classNames()[pr.topClass] << " (" << QString::number(pr.probabilities[size_t(pr.topClass)], 'f', 3) << ")  [";
        for (int c = 0; c < model.classNames().size(); ++c)
            out << (c ? "  " : "") << model.classNames()[c] << ' ' << QString::number(pr.probabilities[size_t(c)], 'f', 3);
        out << "]  model " << model.modelId();
        if (pr.windows > 1)
            out << ", " << pr.windows << " windows";
        out << '\n';
        for (const QString &w : pr.warnings)
            out << "  warning: " << w << '\n';
    }, pipeline);
    if (p.isSet(QStringLiteral("json")))
        out << QJsonDocument(results).toJson();
    return failures == 0 ? 0 : 1;
}

} // namespace ecgscope::cli
