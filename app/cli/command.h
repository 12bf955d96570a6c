#pragma once

#include <QStringList>

class QCommandLineParser;

namespace ecgscope::io {
struct ReadOptions;
}

namespace ecgscope::cli {

/// One subcommand of ecgscope-cli: `run` gets the arguments after the subcommand's name
/// (with the program name first, as QCommandLineParser expects) and returns the exit status.
struct Command {
    const char *name;
    const char *summary;
    int (*run)(const QStringList &args);
};

int runInfo(const QStringList &args);
int runSynth(const QStringList &args);
int runConvert(const QStringList &args);
int runDataset(const QStringList &args);
int runTrain(const QStringList &args);
int runEvaluate(const QStringList &args);
int runCalibrate(const QStringList &args);
int runClassify(const QStringList &args);
int runCompare(const QStringList &args);
int runExperiments(const QStringList &args);
int runBench(const QStringList &args);
int runReview(const QStringList &args);

/// Prints "ecgscope-cli: <message>" on stderr and returns 1, the exit status for errors.
int fail(const QString &message);

/// --input-rate, --input-units and --input-leads: what a text file does not say about itself.
void addInputOptions(QCommandLineParser &parser);
/// Their values (units: uV, mV or a number of µV per unit). @return false (with the message) on a bad value
bool inputOptions(const QCommandLineParser &parser, io::ReadOptions &options, QString &error);

} // namespace ecgscope::cli
