#include "app/cli/command.h"
#include "app/cli/console.h"
#include "app/cli/trainoptions.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QTextStream>

namespace ecgscope::cli {

int runExperiments(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Train every imbalance strategy on the same split and print one comparison table "
                                               "(the paper's Table 2) with the confusion matrices."));
    p.addHelpOption();
    p.addOption({QStringLiteral("manifest"), QStringLiteral("Manifest CSV."), QStringLiteral("CSV")});
    p.addOption({QStringLiteral("arch"), QStringLiteral("Architectures, comma-separated (default resnet)."), QStringLiteral("ARCHS"), QStringLiteral("resnet")});
    p.addOption({QStringLiteral("strategies"), QStringLiteral("Strategies, comma-separated (default none,focal,weights,balance,subclass)."),
                 QStringLiteral("LIST"), QStringLiteral("none,focal,weights,balance,subclass")});
    p.addOption({QStringList{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("Folder for the runs (one model folder each) and experiments.csv."), QStringLiteral("DIR")});
    addTrainOptions(p);
    p.process(args);
    if (!p.isSet(QStringLiteral("manifest")) || !p.isSet(QStringLiteral("output")))
        return fail(QStringLiteral("experiments: --manifest and -o are required (see --help)"));
    auto manifest = dataset::readManifest(p.value(QStringLiteral("manifest")));
    if (!manifest)
        return fail(manifest.error());
    const QDir outDir(p.value(QStringLiteral("output")));
    QTextStream out(stdout);
    out << manifest->splitTable() << '\n';
    out.flush();

    struct Row {
        QString arch, strategy;
        ml::TrainResult result;
    };
    std::vector<Row> rows;
    for (const QString &arch : p.value(QStringLiteral("arch")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        for (const QString &strategy : p.value(QStringLiteral("strategies")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            auto config = trainConfig(p, arch.trimmed(), strategy.trimmed());
            if (!config)
                return fail(config.error());
            const QString runDir = outDir.filePath(QStringLiteral("%1-%2").arg(config->net.name(), QString(config->strategy.name()).replace(QLatin1Char('+'), QLatin1Char('_'))));
            out << "== " << config->net.name() << " / " << config->strategy.name() << " -> " << runDir << '\n';
            out.flush();
            ConsoleProgress progress;
            auto result = ml::train(manifest.value(), config.value(), runDir, &progress);
            progress.finish();
            if (!result)
                return fail(result.error());
            rows.push_back({config->net.name(), config->strategy.name(), result.value()});
        }
    }

    QString csv = QStringLiteral("architecture,strategy,micro_precision,micro_recall,micro_f1,macro_precision,macro_recall,macro_f1,accuracy,epochs,seconds,samples_per_second\n");
    out << "\nTest set, " << (rows.empty() ? 0 : rows.front().result.test.count) << " records\n";
    out << QStringLiteral("architecture").leftJustified(13) << QStringLiteral("strategy").leftJustified(18);
    for (const char *h : {"micro-P", "micro-R", "micro-F1", "macro-P", "macro-R", "macro-F1", "accuracy"})
        out << QString::fromLatin1(h).rightJustified(9);
    out << '\n';
    for (const Row &r : rows) {
        const ml::Evaluation &t = r.result.test;
        const double values[] = {t.microPrecision, t.microRecall, t.microF1, t.macroPrecision, t.macroRecall, t.macroF1, t.accuracy};
        out << r.arch.leftJustified(13) << r.strategy.leftJustified(18);
        csv += r.arch + QLatin1Char(',') + r.strategy;
        for (double v : values) {
            out << QString::number(v, 'f', 3).rightJustified(9);
            csv += QLatin1Char(',') + QString::number(v, 'f', 4);
        }
        csv += QStringLiteral(",%1,%2,%3\n").arg(r.result.history.size()).arg(r.result.seconds, 0, 'f', 1).arg(r.result.samplesPerSecond, 0, 'f', 1);
        out << '\n';
    }
    for (const Row &r : rows)
        out << '\n' << r.arch << " / " << r.strategy << " (rows: true class, columns: predicted)\n" << r.result.test.confusionText();
    QFile f(outDir.filePath(QStringLiteral("experiments.csv")));
    if (!f.open(QIODevice::WriteOnly) || f.write(csv.toUtf8()) < 0)
        return fail(QStringLiteral("%1: cannot write").arg(f.fileName()));
    out << "\nwrote " << f.fileName() << '\n';
    return 0;
}

} // namespace ecgscope::cli
