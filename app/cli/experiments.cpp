#include "app/cli/command.h"
#include "app/cli/console.h"
#include "app/cli/trainoptions.h"
#include "core/ml/comparison.h"

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

    std::vector<ml::RunRecord> runs;
    for (const QString &arch : p.value(QStringLiteral("arch")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        for (const QString &strategy : p.value(QStringLiteral("strategies")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            auto config = trainConfig(p, arch.trimmed(), strategy.trimmed());
            if (!config)
                return fail(config.error());
            const QString runDir = outDir.filePath(config->folderName());
            out << "== " << config->name() << " -> " << runDir << '\n';
            out.flush();
            ConsoleProgress progress;
            auto result = ml::train(manifest.value(), config.value(), runDir, &progress);
            progress.finish();
            if (!result)
                return fail(result.error());
            runs.push_back(ml::RunRecord::fromResult(config->name(), result.value()));
        }
    }

    out << "\nTest set, " << (runs.empty() ? 0 : runs.front().test.count) << " records\n";
    out << QStringLiteral("run").leftJustified(26);
    for (const char *h : {"micro-P", "micro-R", "micro-F1", "macro-P", "macro-R", "macro-F1", "accuracy"})
        out << QString::fromLatin1(h).rightJustified(9);
    out << '\n';
    for (const ml::RunRecord &r : runs) {
        out << r.name.leftJustified(26);
        const std::vector<double> values = ml::comparisonValues(r.test);
        for (size_t i = 0; i < 7; ++i)
            out << QString::number(values[i], 'f', 3).rightJustified(9);
        out << '\n';
    }
    for (const ml::RunRecord &r : runs)
        out << '\n' << r.name << " (rows: true class, columns: predicted)\n" << r.test.confusionText();
    const QString csv = ml::comparisonCsv(runs);
    QFile f(outDir.filePath(QStringLiteral("experiments.csv")));
    if (!f.open(QIODevice::WriteOnly) || f.write(csv.toUtf8()) < 0)
        return fail(QStringLiteral("%1: cannot write").arg(f.fileName()));
    out << "\nwrote " << f.fileName() << '\n';
    return 0;
}

} // namespace ecgscope::cli
