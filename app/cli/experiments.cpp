#include "app/cli/command.h"
#include "app/cli/console.h"
#include "app/cli/trainoptions.h"
#include "core/ml/comparison.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QTextStream>

#include <algorithm>
#include <cmath>

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
    p.addOption({QStringLiteral("repeats"), QStringLiteral("Repeat every run K times with seeds seed..seed+K-1; each repeat draws a new patient-wise 70/15/15 split "
                                                           "(unless --keep-split or several sources). Prints mean +- SD and paired bootstrap intervals."),
                 QStringLiteral("K"), QStringLiteral("1")});
    p.addOption({QStringLiteral("keep-split"), QStringLiteral("Repeats: keep the manifest's split, vary only the training seed.")});
    addTrainOptions(p);
    p.process(args);
    if (!p.isSet(QStringLiteral("manifest")) || !p.isSet(QStringLiteral("output")))
        return fail(QStringLiteral("experiments: --manifest and -o are required (see --help)"));
    const int repeats = p.value(QStringLiteral("repeats")).toInt();
    if (repeats < 1)
        return fail(QStringLiteral("experiments: --repeats must be at least 1"));
    auto manifest = trainingManifest(p);
    if (!manifest)
        return fail(manifest.error());
    const QDir outDir(p.value(QStringLiteral("output")));
    QTextStream out(stdout);
    const bool severalSources = std::any_of(manifest->entries.begin(), manifest->entries.end(), [](const dataset::Entry &e) { return !e.source.isEmpty(); });
    const bool resplit = repeats > 1 && !p.isSet(QStringLiteral("keep-split")) && !severalSources;
    out << manifest->splitTable() << '\n';
    if (repeats > 1)
        out << repeats << " repeats, " << (resplit ? "each on a new patient-wise split" : "on the same split, other training seeds") << "\n\n";
    out.flush();

    // runs[r] = the runs of repeat r, in the same order in every repeat.
    std::vector<std::vector<ml::RunRecord>> runs(static_cast<size_t>(repeats));
    const uint64_t seed = p.value(QStringLiteral("seed")).toULongLong();
    for (int r = 0; r < repeats; ++r) {
        dataset::Manifest data = manifest.value();
        if (resplit) {
            dataset::SplitOptions split;
            split.seed = seed + uint64_t(r);
            if (Status s = dataset::assignSplits(data, split); !s)
                return fail(s.error());
        }
        for (const QString &arch : p.value(QStringLiteral("arch")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            for (const QString &strategy : p.value(QStringLiteral("strategies")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                auto config = trainConfig(p, arch.trimmed(), strategy.trimmed());
                if (!config)
                    return fail(config.error());
                config->seed = seed + uint64_t(r);
                // The strategies are compared on their own decisions: no thresholds unless asked for.
                if (!p.isSet(QStringLiteral("thresholds")))
                    config->thresholds.kind = ml::ThresholdRule::None;
                const QString runDir = repeats > 1 ? outDir.filePath(QStringLiteral("repeat-%1/%2").arg(r + 1).arg(config->folderName())) : outDir.filePath(config->folderName());
                out << "== " << config->name() << (repeats > 1 ? QStringLiteral(", repeat %1/%2").arg(r + 1).arg(repeats) : QString()) << " -> " << runDir << '\n';
                out.flush();
                ConsoleProgress progress;
                auto result = ml::train(data, config.value(), runDir, &progress);
                progress.finish();
                if (!result)
                    return fail(result.error());
                runs[size_t(r)].push_back(ml::RunRecord::fromResult(config->name(), result.value()));
            }
        }
    }

    const std::vector<ml::RunRecord> &first = runs.front();
    const QStringList headers{QStringLiteral("micro-P"), QStringLiteral("micro-R"), QStringLiteral("micro-F1"), QStringLiteral("macro-P"),
                              QStringLiteral("macro-R"), QStringLiteral("macro-F1"), QStringLiteral("accuracy")};
    out << "\nTest set, " << (first.empty() ? 0 : first.front().test.count) << " records" << (repeats > 1 ? QStringLiteral(" per repeat; mean +- SD over %1 repeats").arg(repeats) : QString()) << '\n';
    out << QStringLiteral("run").leftJustified(26);
    for (const QString &h : headers)
        out << h.rightJustified(repeats > 1 ? 15 : 9);
    if (repeats > 1)
        out << QStringLiteral("   macro-F1 - none [95% paired bootstrap]");
    out << '\n';
    QString summary = QStringLiteral("run,") + QStringList(ml::comparisonColumns(first.empty() ? QStringList() : first.front().test.classNames).mid(0, 7)).join(QStringLiteral("_mean,")) +
                      QStringLiteral("_mean,macro_f1_sd,delta_macro_f1_vs_none,delta_low,delta_high\n");
    for (size_t i = 0; i < first.size(); ++i) {
        std::vector<double> mean(headers.size(), 0.0), sd(headers.size(), 0.0);
        for (const auto &repeat : runs) {
            const std::vector<double> v = ml::comparisonValues(repeat[i].test);
            for (qsizetype m = 0; m < headers.size(); ++m)
                mean[size_t(m)] += v[size_t(m)] / repeats;
        }
        for (const auto &repeat : runs) {
            const std::vector<double> v = ml::comparisonValues(repeat[i].test);
            for (qsizetype m = 0; m < headers.size(); ++m)
                sd[size_t(m)] += repeats > 1 ? std::pow(v[size_t(m)] - mean[size_t(m)], 2) / (repeats - 1) : 0.0;
        }
        out << first[i].name.leftJustified(26);
        for (qsizetype m = 0; m < headers.size(); ++m)
            out << (repeats > 1 ? QStringLiteral("%1 +- %2").arg(mean[size_t(m)], 0, 'f', 3).arg(std::sqrt(sd[size_t(m)]), 0, 'f', 3)
                                : QString::number(mean[size_t(m)], 'f', 3)).rightJustified(repeats > 1 ? 15 : 9);
        // Paired with the same network's "none" run of each repeat: same records, same split.
        const QString none = first[i].name.section(QStringLiteral(" / "), 0, 0) + QStringLiteral(" / none");
        const auto baseline = std::find_if(first.begin(), first.end(), [&](const ml::RunRecord &x) { return x.name == none; });
        ml::PairedDifference d;
        const bool paired = repeats > 1 && baseline != first.end() && first[i].name != none;
        if (paired) {
            std::vector<ml::PairedPredictions> groups;
            for (const auto &repeat : runs) {
                const ml::Evaluation &a = repeat[size_t(baseline - first.begin())].test, &b = repeat[i].test;
                groups.push_back({a.truth, a.predicted, b.predicted});
            }
            d = ml::pairedMacroF1Difference(groups, int(first[i].test.classNames.size()));
            out << QStringLiteral("   %1 [%2, %3]").arg(d.difference, 0, 'f', 3).arg(d.interval.low, 0, 'f', 3).arg(d.interval.high, 0, 'f', 3);
        }
        out << '\n';
        summary += first[i].name;
        for (double v : mean)
            summary += QLatin1Char(',') + QString::number(v, 'f', 4);
        summary += QLatin1Char(',') + QString::number(std::sqrt(sd[5]), 'f', 4);
        summary += paired ? QStringLiteral(",%1,%2,%3\n").arg(d.difference, 0, 'f', 4).arg(d.interval.low, 0, 'f', 4).arg(d.interval.high, 0, 'f', 4) : QStringLiteral(",,,\n");
    }
    for (const ml::RunRecord &r : first)
        out << '\n' << r.name << (repeats > 1 ? " (repeat 1; rows: true class, columns: predicted)\n" : " (rows: true class, columns: predicted)\n") << r.test.confusionText();
    std::vector<ml::RunRecord> all;
    for (const auto &repeat : runs)
        all.insert(all.end(), repeat.begin(), repeat.end());
    for (const auto &[name, text] : {std::pair{QStringLiteral("experiments.csv"), ml::comparisonCsv(all)}, std::pair{QStringLiteral("summary.csv"), summary}}) {
        QFile f(outDir.filePath(name));
        if (!f.open(QIODevice::WriteOnly) || f.write(text.toUtf8()) < 0)
            return fail(QStringLiteral("%1: cannot write").arg(f.fileName()));
        out << "\nwrote " << f.fileName();
    }
    out << '\n';
    return 0;
}

} // namespace ecgscope::cli
