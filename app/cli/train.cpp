#include "app/cli/command.h"
#include "app/cli/console.h"
#include "app/cli/trainoptions.h"

#include <QCommandLineParser>
#include <QDir>
#include <QTextStream>

namespace ecgscope::cli {

namespace {

/// Prints a run's test results: the metrics summary and the confusion matrix.
void printResult(QTextStream &out, const ml::TrainResult &r)
{
    const ml::Evaluation &t = r.test;
    out << "model " << r.modelId << " in " << r.modelDir << '\n'
        << "training: " << r.history.size() << " epochs, " << QString::number(r.seconds, 'f', 0) << " s, "
        << QString::number(r.samplesPerSecond, 'f', 1) << " samples/s\n"
        << "test (" << t.count << " records): accuracy " << QString::number(t.accuracy, 'f', 3) << ", macro-F1 "
        << QString::number(t.macroF1, 'f', 3) << ", micro-F1 " << QString::number(t.microF1, 'f', 3) << '\n'
        << t.confusionText();
}

} // namespace

int runTrain(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Train a classifier on a manifest's train split, early-stop on val, evaluate on test."));
    p.addHelpOption();
    p.addOption({QStringLiteral("manifest"), QStringLiteral("Manifest CSV (from 'dataset import' or 'dataset synth')."), QStringLiteral("CSV")});
    p.addOption({QStringLiteral("arch"), QStringLiteral("resnet or inception (default resnet)."), QStringLiteral("ARCH"), QStringLiteral("resnet")});
    p.addOption({QStringLiteral("strategy"), QStringLiteral("none, focal, weights, balance, subclass, or combined with + (default none)."), QStringLiteral("S"), QStringLiteral("none")});
    p.addOption({QStringList{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("Model folder to write."), QStringLiteral("DIR")});
    addTrainOptions(p);
    p.process(args);
    if (!p.isSet(QStringLiteral("manifest")) || !p.isSet(QStringLiteral("output")))
        return fail(QStringLiteral("train: --manifest and -o are required (see --help)"));
    auto manifest = dataset::readManifest(p.value(QStringLiteral("manifest")));
    if (!manifest)
        return fail(manifest.error());
    auto config = trainConfig(p, p.value(QStringLiteral("arch")), p.value(QStringLiteral("strategy")));
    if (!config)
        return fail(config.error());
    QTextStream out(stdout);
    out << manifest->splitTable() << '\n';
    out.flush();
    ConsoleProgress progress;
    auto result = ml::train(manifest.value(), config.value(), p.value(QStringLiteral("output")), &progress);
    progress.finish();
    if (!result)
        return fail(result.error());
    printResult(out, result.value());
    return 0;
}

} // namespace ecgscope::cli
