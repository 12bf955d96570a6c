// ecgscope-cli: every EcgScope function from the command line, one subcommand per file.
#include "app/cli/command.h"
#include "core/ml/runtime.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

namespace {

const ecgscope::cli::Command kCommands[] = {
    {"info", "print leads, rate, duration, metadata and labels of an ECG file", ecgscope::cli::runInfo},
    {"compare", "compare a new ECG with a prior one: measurements, changes, statements, model class", ecgscope::cli::runCompare},
    {"synth", "generate a synthetic 12-lead ECG with a chosen rhythm", ecgscope::cli::runSynth},
    {"convert", "convert an ECG file to another format", ecgscope::cli::runConvert},
    {"classify", "classify ECG files with the bundled (or a given) model", ecgscope::cli::runClassify},
    {"dataset", "import datasets, generate a synthetic corpus, print split tables", ecgscope::cli::runDataset},
    {"train", "train a classifier with an imbalance strategy", ecgscope::cli::runTrain},
    {"evaluate", "evaluate a model on a manifest split or a CinC-style folder", ecgscope::cli::runEvaluate},
    {"calibrate", "fit a model's temperature and decision thresholds on validation records", ecgscope::cli::runCalibrate},
    {"experiments", "train every imbalance strategy and compare them (Table 2)", ecgscope::cli::runExperiments},
    {"bench", "measure classification speed", ecgscope::cli::runBench},
    {"review", "the study database: import, classify, list, confirm/reject/relabel, history, export", ecgscope::cli::runReview},
};

void usage(QTextStream &out)
{
    out << "Usage: ecgscope-cli <command> [options]\n\nCommands:\n";
    for (const auto &c : kCommands)
        out << "  " << QString::fromLatin1(c.name).leftJustified(13) << c.summary << '\n';
    out << "\nRun 'ecgscope-cli <command> --help' for a command's options.\n"
           "Other options: --help, --version\n";
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("ecgscope-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ECGSCOPE_VERSION));
    const QStringList args = QCoreApplication::arguments();
    QTextStream out(stdout);
    if (args.size() < 2 || args[1] == QLatin1String("--help") || args[1] == QLatin1String("-h")) {
        usage(out);
        return args.size() < 2 ? 2 : 0;
    }
    if (args[1] == QLatin1String("--version")) {
        out << "ecgscope-cli " << ECGSCOPE_VERSION << " (" << ecgscope::ml::runtimeInfo() << ")\n";
        return 0;
    }
    for (const auto &c : kCommands) {
        if (args[1] == QLatin1String(c.name)) {
            QStringList rest = args.mid(2);
            rest.prepend(QStringLiteral("ecgscope-cli %1").arg(QLatin1String(c.name)));
            return c.run(rest);
        }
    }
    QTextStream err(stderr);
    err << "ecgscope-cli: unknown command '" << args[1] << "'\n\n";
    usage(err);
    return 2;
}
