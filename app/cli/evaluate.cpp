#include "app/cli/command.h"
#include "app/cli/console.h"
#include "app/cli/trainoptions.h"
#include "core/dataset/importers.h"
#include "core/dsp/rhythmrule.h"
#include "core/io/reader.h"
#include "core/ml/classifier.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTextStream>

#include <cmath>

namespace ecgscope::cli {

namespace {

/// The RR-interval rule's decisions on the records of a split, as an evaluation over seven classes.
Result<ml::Evaluation> evaluateRule(const dataset::Manifest &manifest, const QString &split, Progress *progress)
{
    const auto entries = manifest.inSplit(split);
    std::vector<int> truth, predicted;
    for (size_t i = 0; i < entries.size(); ++i) {
        auto ecg = io::readEcg(entries[i]->path);
        if (!ecg)
            return Result<ml::Evaluation>::failure(ecg.error());
        truth.push_back(entries[i]->label);
        predicted.push_back(dsp::rhythmRuleClass(ecg.value()));
        progress->report(qint64(i + 1), qint64(entries.size()), QStringLiteral("rule"));
    }
    return ml::evaluate(dataset::classNames(dataset::kTargetClassCount + 1), truth, predicted);
}

} // namespace

int runEvaluate(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Evaluate a model on a manifest split or on a CinC-style WFDB folder (labels from #Dx)."));
    p.addHelpOption();
    p.addOption({QStringLiteral("model"), QStringLiteral("Model folder (default: the bundled model)."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("no-calibration"), QStringLiteral("Ignore the model card's temperature and thresholds (the network's own probabilities, arg-max decisions).")});
    p.addOption({QStringLiteral("rule"), QStringLiteral("Evaluate the RR-interval rule (rr) instead of a model: the baseline a model must beat."), QStringLiteral("rr")});
    p.addOption({QStringLiteral("manifest"), QStringLiteral("Manifest CSV."), QStringLiteral("CSV")});
    p.addOption({QStringLiteral("split"), QStringLiteral("Split of the manifest: train, val, test or all (default test)."), QStringLiteral("SPLIT"), QStringLiteral("test")});
    p.addOption({QStringLiteral("folder"), QStringLiteral("CinC-style WFDB folder to evaluate on, every record."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("keep-rarer"), QStringLiteral("Folder: a record with two of the six classes counts as the rarer one (default: excluded).")});
    p.addOption({QStringLiteral("bootstrap"), QStringLiteral("95% bootstrap intervals of recall, precision and the false-flag rate on 'Other' from N resamples (default 2000; 0 = none)."),
                 QStringLiteral("N"), QStringLiteral("2000")});
    p.addOption({QStringLiteral("json"), QStringLiteral("Write the metrics as JSON."), QStringLiteral("FILE")});
    p.addOption({QStringLiteral("csv"), QStringLiteral("Write per-class metrics as CSV (and the confusion matrix beside it)."), QStringLiteral("FILE")});
    p.process(args);
    if (p.isSet(QStringLiteral("manifest")) == p.isSet(QStringLiteral("folder")))
        return fail(QStringLiteral("evaluate: give either --manifest or --folder"));
    const bool rule = p.isSet(QStringLiteral("rule"));
    if (rule && p.value(QStringLiteral("rule")) != QLatin1String("rr"))
        return fail(QStringLiteral("evaluate: the only rule is 'rr' (the RR-interval rule)"));
    std::shared_ptr<ml::Classifier> model;
    if (!rule) {
        auto classifier = ml::Classifier::load(modelDirOption(p));
        if (!classifier)
            return fail(classifier.error());
        model = classifier.value();
        if (p.isSet(QStringLiteral("no-calibration")))
            model->setCalibration({});
    }
    const QString evaluated = model ? model->modelId() : QStringLiteral("rr-rule");
    const int modelClasses = model ? int(model->classNames().size()) : dataset::kTargetClassCount + 1;

    dataset::Manifest manifest;
    QString split = p.value(QStringLiteral("split"));
    QTextStream out(stdout);
    if (p.isSet(QStringLiteral("folder"))) {
        // Records with none of the six count as "Other" when the model can say so.
        dataset::MappingOptions mapping{modelClasses > dataset::kTargetClassCount, p.isSet(QStringLiteral("keep-rarer"))};
        dataset::ImportReport report;
        auto m = dataset::importChallengeFolder(p.value(QStringLiteral("folder")), mapping, report);
        if (!m)
            return fail(m.error());
        manifest = m.value();
        split.clear();
        out << report.summary() << '\n';
    } else {
        auto m = dataset::readManifest(p.value(QStringLiteral("manifest")));
        if (!m)
            return fail(m.error());
        manifest = m.value();
        if (split == QLatin1String("all"))
            split.clear();
    }
    ConsoleProgress progress;
    Result<ml::Evaluation> e = model ? model->evaluate(manifest, split, &progress) : evaluateRule(manifest, split, &progress);
    progress.finish();
    if (!e)
        return fail(e.error());
    const std::vector<int> &truth = e->truth, &predicted = e->predicted;
    const int iterations = p.value(QStringLiteral("bootstrap")).toInt();
    const int other = int(e->classNames.indexOf(QStringLiteral("Other")));
    const ml::BootstrapIntervals ci = ml::bootstrap(truth, predicted, int(e->classNames.size()), other, std::max(1, iterations));
    const auto interval = [](const ml::Interval &i) {
        return std::isnan(i.low) ? QStringLiteral("-") : QStringLiteral("[%1, %2]").arg(i.low, 0, 'f', 2).arg(i.high, 0, 'f', 2);
    };
    out << "model " << evaluated << ", " << e->count << " records\n"
        << "accuracy " << QString::number(e->accuracy, 'f', 3) << ", macro-F1 " << QString::number(e->macroF1, 'f', 3) << ", micro-F1 "
        << QString::number(e->microF1, 'f', 3)
        << (std::isnan(e->calibrationError) ? QString() : QStringLiteral(", expected calibration error %1").arg(e->calibrationError, 0, 'f', 3)) << "\n\n"
        << e->confusionText() << '\n'
        << QStringLiteral("class").leftJustified(8) << QStringLiteral("support").rightJustified(9) << QStringLiteral("precision").rightJustified(11)
        << QStringLiteral("recall").rightJustified(9) << QStringLiteral("F1").rightJustified(8) << QStringLiteral("AUROC").rightJustified(8)
        << (iterations > 0 ? QStringLiteral("   recall 95% CI   precision 95% CI        F1 95% CI") : QString()) << '\n';
    for (int c = 0; c < e->classNames.size(); ++c) {
        const ml::ClassMetrics &m = e->perClass[size_t(c)];
        out << e->classNames[c].leftJustified(8) << QString::number(m.support).rightJustified(9) << QString::number(m.precision, 'f', 3).rightJustified(11)
            << QString::number(m.recall, 'f', 3).rightJustified(9) << QString::number(m.f1, 'f', 3).rightJustified(8)
            << (std::isnan(m.auroc) ? QStringLiteral("-") : QString::number(m.auroc, 'f', 3)).rightJustified(8);
        if (iterations > 0)
            out << interval(ci.recall[size_t(c)]).rightJustified(16) << interval(ci.precision[size_t(c)]).rightJustified(19)
                << interval(ci.f1[size_t(c)]).rightJustified(17);
        out << '\n';
    }
    if (other >= 0 && iterations > 0)
        out << "false flags: " << QString::number(ci.falseFlagRate, 'f', 3) << " of 'Other' records predicted as one of the six, 95% CI "
            << interval(ci.falseFlag) << '\n';
    if (!e->reliability.bins.empty()) {
        out << "\nreliability (records by their top probability): bin, records, mean probability, observed accuracy\n";
        for (const ml::ReliabilityBin &b : e->reliability.bins)
            if (b.count > 0)
                out << QStringLiteral("  %1-%2 %3 %4 %5\n")
                           .arg(b.low, 0, 'f', 1)
                           .arg(b.high, 0, 'f', 1)
                           .arg(b.count, 6)
                           .arg(b.confidence, 6, 'f', 3)
                           .arg(b.accuracy, 6, 'f', 3);
    }
    QJsonObject json = e->toJson();
    // Per-class one-vs-rest precision-recall and ROC curves, for choosing operating points elsewhere.
    if (!e->probabilities.empty()) {
        QJsonObject curves;
        const auto all = ml::operatingCurves(e->probabilities, truth, int(e->classNames.size()));
        for (int c = 0; c < e->classNames.size(); ++c)
            curves.insert(e->classNames[c], all[size_t(c)].toJson());
        json.insert(QStringLiteral("curves"), curves);
    }
    if (iterations > 0) {
        QJsonObject b{{QStringLiteral("iterations"), iterations}};
        QJsonObject recall, precision, f1;
        for (int c = 0; c < e->classNames.size(); ++c) {
            const auto pair = [](const ml::Interval &i) { return std::isnan(i.low) ? QJsonValue() : QJsonValue(QJsonArray{i.low, i.high}); };
            recall.insert(e->classNames[c], pair(ci.recall[size_t(c)]));
            precision.insert(e->classNames[c], pair(ci.precision[size_t(c)]));
            f1.insert(e->classNames[c], pair(ci.f1[size_t(c)]));
        }
        b.insert(QStringLiteral("recall_95"), recall);
        b.insert(QStringLiteral("precision_95"), precision);
        b.insert(QStringLiteral("f1_95"), f1);
        if (other >= 0) {
            b.insert(QStringLiteral("false_flag_rate"), ci.falseFlagRate);
            b.insert(QStringLiteral("false_flag_rate_95"), std::isnan(ci.falseFlag.low) ? QJsonValue() : QJsonValue(QJsonArray{ci.falseFlag.low, ci.falseFlag.high}));
        }
        json.insert(QStringLiteral("bootstrap"), b);
    }
    const auto write = [](const QString &path, const QByteArray &bytes) {
        QFile f(path);
        return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
    };
    if (p.isSet(QStringLiteral("json")) && !write(p.value(QStringLiteral("json")), QJsonDocument(json).toJson()))
        return fail(QStringLiteral("%1: cannot write").arg(p.value(QStringLiteral("json"))));
    if (p.isSet(QStringLiteral("csv"))) {
        const QString csv = p.value(QStringLiteral("csv"));
        const QString confusion = QString(csv).replace(QRegularExpression(QStringLiteral("(\\.csv)?$")), QStringLiteral("-confusion.csv"));
        if (!write(csv, e->metricsCsv().toUtf8()) || !write(confusion, e->confusionCsv().toUtf8()))
            return fail(QStringLiteral("%1: cannot write").arg(csv));
    }
    return 0;
}

} // namespace ecgscope::cli
