#include "app/cli/command.h"
#include "app/cli/console.h"
#include "app/cli/trainoptions.h"
#include "core/freeport.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QProcess>
#include <QTextStream>
#include <QThread>

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
    if (!r.parentId.isEmpty())
        out << "fine-tuned from " << r.parentId << '\n';
    for (const QString &note : r.notes)
        out << "note: " << note << '\n';
    const ml::Calibration &c = r.calibration;
    if (c.records > 0)
        out << "calibration on " << c.records << " validation records: " << c.summary(t.classNames) << '\n';
}

} // namespace

int runTrain(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Train a classifier on a manifest's train split, early-stop on val, evaluate on test."));
    p.addHelpOption();
    p.addOption({QStringLiteral("manifest"), QStringLiteral("Manifest CSV (from 'dataset import' or 'dataset synth'), optionally with a sampling weight: PATH:W. "
                                                            "Repeat it to train on several sources at once."), QStringLiteral("CSV[:W]")});
    p.addOption({QStringLiteral("arch"), QStringLiteral("resnet or inception (default resnet)."), QStringLiteral("ARCH"), QStringLiteral("resnet")});
    p.addOption({QStringLiteral("strategy"), QStringLiteral("none, focal, weights, balance, subclass, or combined with + (default none)."), QStringLiteral("S"), QStringLiteral("none")});
    p.addOption({QStringList{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("Model folder to write."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("nproc"), QStringLiteral("Distributed on this machine: start N processes (this one is rank 0) over loopback."), QStringLiteral("N"), QStringLiteral("1")});
    addTrainOptions(p);
    p.process(args);
    if (!p.isSet(QStringLiteral("manifest")) || !p.isSet(QStringLiteral("output")))
        return fail(QStringLiteral("train: --manifest and -o are required (see --help)"));
    const int nproc = p.value(QStringLiteral("nproc")).toInt();
    if (nproc < 1 || (nproc > 1 && p.isSet(QStringLiteral("world-size"))))
        return fail(QStringLiteral("train: --nproc N (N >= 1) starts its own ranks; do not combine it with --world-size"));
    auto manifest = trainingManifest(p);
    if (!manifest)
        return fail(manifest.error());
    auto config = trainConfig(p, p.value(QStringLiteral("arch")), p.value(QStringLiteral("strategy")));
    if (!config)
        return fail(config.error());
    // --nproc: this process is rank 0; ranks 1..N-1 are this program with the same arguments, started here.
    std::vector<std::unique_ptr<QProcess>> workers;
    if (nproc > 1) {
        const int port = freeLoopbackPort();
        config->distributed = {nproc, 0, QStringLiteral("127.0.0.1"), port, {}, config->distributed.timeoutSeconds};
        if (config->threads == 0)
            config->threads = std::max(1, QThread::idealThreadCount() / nproc); // share the cores
        QStringList base = args.mid(1);
        for (qsizetype i = 0; i < base.size(); ++i) {
            if (base[i] == QLatin1String("--nproc") || base[i].startsWith(QLatin1String("--nproc="))) {
                base.removeAt(i);
                if (i < base.size() && !base[i].startsWith(QLatin1Char('-')))
                    base.removeAt(i);
                break;
            }
        }
        for (int r = 1; r < nproc; ++r) {
            auto w = std::make_unique<QProcess>();
            w->setProcessChannelMode(QProcess::ForwardedErrorChannel); // a worker's errors reach the terminal
            w->setStandardOutputFile(QProcess::nullDevice());
            w->start(QCoreApplication::applicationFilePath(),
                     QStringList{QStringLiteral("train")} + base +
                         QStringList{QStringLiteral("--world-size"), QString::number(nproc), QStringLiteral("--rank"), QString::number(r),
                                     QStringLiteral("--master"), QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--threads"),
                                     QString::number(config->threads)});
            workers.push_back(std::move(w));
        }
    }
    const bool quiet = config->distributed.rank != 0; // ranks other than 0 report errors only
    QTextStream out(stdout);
    if (!quiet) {
        out << manifest->splitTable() << '\n';
        out.flush();
    }
    ConsoleProgress progress;
    auto result = ml::train(manifest.value(), config.value(), p.value(QStringLiteral("output")), quiet ? nullptr : &progress);
    progress.finish();
    for (auto &w : workers) {
        w->waitForFinished(-1);
        if (w->exitStatus() != QProcess::NormalExit || w->exitCode() != 0)
            return fail(QStringLiteral("train: a worker process failed (exit %1)%2").arg(w->exitCode()).arg(result ? QString() : QStringLiteral("; ") + result.error()));
    }
    if (!result)
        return fail(result.error());
    if (!quiet) {
        printResult(out, result.value());
        if (config->distributed.worldSize > 1)
            out << "distributed: " << config->distributed.worldSize << " processes, " << result->steps << " steps, all-reduce "
                << QString::number(1000.0 * result->communicationSeconds / std::max(1, result->steps), 'f', 2) << " ms per step on rank 0\n";
    }
    return 0;
}

} // namespace ecgscope::cli
