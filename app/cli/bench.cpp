#include "app/cli/command.h"
#include "app/cli/trainoptions.h"
#include "core/io/reader.h"
#include "core/ml/classifier.h"
#include "core/ml/netbench.h"
#include "core/ml/runtime.h"
#include "core/synth/generator.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <algorithm>

namespace ecgscope::cli {

namespace {

/// `bench --net`: a fresh network of a given shape, for the side-by-side comparison with PyTorch.
int runNetBench(const QCommandLineParser &p)
{
    ml::NetBenchOptions o;
    o.net.architecture = p.value(QStringLiteral("net")) == QLatin1String("inception") ? ml::Architecture::Inception : ml::Architecture::ResNet;
    o.net.width = p.value(QStringLiteral("width")).toInt();
    o.net.depth = p.value(QStringLiteral("depth")).toInt();
    o.length = p.value(QStringLiteral("length")).toInt();
    o.batch = p.value(QStringLiteral("batch")).toInt();
    o.repeats = std::max(3, p.value(QStringLiteral("repeats")).toInt());
    o.exportDir = p.value(QStringLiteral("export"));
    auto r = ml::benchmarkNet(o);
    if (!r)
        return fail(r.error());
    QTextStream(stdout) << QJsonDocument(QJsonObject{{QStringLiteral("net"), o.net.name()},
                                                     {QStringLiteral("width"), o.net.width},
                                                     {QStringLiteral("depth"), o.net.depth},
                                                     {QStringLiteral("length"), o.length},
                                                     {QStringLiteral("batch"), o.batch},
                                                     {QStringLiteral("latency_ms"), r->latencyMs},
                                                     {QStringLiteral("batched_ms_per_ecg"), r->batchedMsPerEcg},
                                                     {QStringLiteral("train_samples_per_s"), r->trainSamplesPerSecond},
                                                     {QStringLiteral("parameters"), r->parameters},
                                                     {QStringLiteral("runtime"), ml::runtimeInfo()}})
                               .toJson(QJsonDocument::Compact)
                        << '\n';
    return 0;
}

/// `bench --load`: files read per second, each file read completely into an Ecg (µV floats).
int runLoadBench(const QCommandLineParser &p)
{
    const QStringList files = p.positionalArguments();
    if (files.isEmpty())
        return fail(QStringLiteral("bench --load: expected FILE..."));
    QElapsedTimer clock;
    clock.start();
    const int rounds = std::max(1, p.value(QStringLiteral("repeats")).toInt() / 10);
    for (int r = 0; r < rounds; ++r)
        for (const QString &f : files)
            if (auto e = io::readEcg(f); !e)
                return fail(e.error());
    const double seconds = double(clock.nsecsElapsed()) / 1e9;
    QTextStream(stdout) << QJsonDocument(QJsonObject{{QStringLiteral("files"), int(files.size()) * rounds},
                                                     {QStringLiteral("seconds"), seconds},
                                                     {QStringLiteral("files_per_s"), files.size() * rounds / seconds}})
                               .toJson(QJsonDocument::Compact)
                        << '\n';
    return 0;
}

} // namespace

int runBench(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Measure classification speed: preprocessing, network time per ECG at batch 1 and batch 32, "
                                               "and end-to-end latency on synthetic 10 s 12-lead ECGs at 500 Hz."));
    p.addHelpOption();
    p.addOption({QStringLiteral("model"), QStringLiteral("Model folder (default: the bundled model)."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("LibTorch threads (default: LibTorch's)."), QStringLiteral("N"), QStringLiteral("0")});
    p.addOption({QStringLiteral("repeats"), QStringLiteral("Repetitions per measurement (default 30)."), QStringLiteral("N"), QStringLiteral("30")});
    p.addOption({QStringLiteral("net"), QStringLiteral("Measure a fresh network instead: resnet or inception (JSON output)."), QStringLiteral("ARCH")});
    p.addOption({QStringLiteral("width"), QStringLiteral("--net: width (default 32)."), QStringLiteral("N"), QStringLiteral("32")});
    p.addOption({QStringLiteral("depth"), QStringLiteral("--net: depth (default 2)."), QStringLiteral("N"), QStringLiteral("2")});
    p.addOption({QStringLiteral("length"), QStringLiteral("--net: samples per lead (default 1000)."), QStringLiteral("N"), QStringLiteral("1000")});
    p.addOption({QStringLiteral("batch"), QStringLiteral("--net: batch for throughput and training (default 32)."), QStringLiteral("N"), QStringLiteral("32")});
    p.addOption({QStringLiteral("export"), QStringLiteral("--net: write weights, input and logits for bench/pytorch_bench.py."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("load"), QStringLiteral("Measure reading FILE... instead (files/s, JSON output).")});
    p.addPositionalArgument(QStringLiteral("files"), QStringLiteral("--load: files to read."), QStringLiteral("[FILE...]"));
    p.process(args);
    ml::setThreadCount(p.value(QStringLiteral("threads")).toInt());
    if (p.isSet(QStringLiteral("net")))
        return runNetBench(p);
    if (p.isSet(QStringLiteral("load")))
        return runLoadBench(p);
    auto classifier = ml::Classifier::load(modelDirOption(p));
    if (!classifier)
        return fail(classifier.error());
    const ml::Classifier &model = *classifier.value();
    const int repeats = std::max(3, p.value(QStringLiteral("repeats")).toInt());
    std::vector<Ecg> records; // one per rhythm, each measured repeats / 12 times or more
    for (int i = 0; i < int(synth::allRhythms().size()); ++i) {
        synth::Options o;
        o.rhythm = synth::allRhythms()[size_t(i) % synth::allRhythms().size()];
        o.seed = uint64_t(1000 + i);
        records.push_back(synth::generate(o)->ecg);
    }
    std::vector<double> endToEnd, preprocessing;
    for (int i = 0; i < repeats; ++i) {
        QElapsedTimer clock;
        clock.start();
        if (auto r = ml::prepare(records[size_t(i) % records.size()], model.contract()); !r)
            return fail(r.error());
        preprocessing.push_back(clock.nsecsElapsed() / 1.0e6);
    }
    for (int i = 0; i < repeats; ++i) {
        const Ecg &e = records[size_t(i) % records.size()];
        QElapsedTimer clock;
        clock.start();
        if (auto r = model.classify(e); !r)
            return fail(r.error());
        endToEnd.push_back(clock.nsecsElapsed() / 1.0e6);
    }
    std::sort(endToEnd.begin(), endToEnd.end());
    std::sort(preprocessing.begin(), preprocessing.end());
    const double single = model.forwardMillisecondsPerEcg(1, repeats);
    const double batched = model.forwardMillisecondsPerEcg(32, std::max(3, repeats / 5));
    QTextStream out(stdout);
    out << "model " << model.modelId() << " (" << model.card().value(QStringLiteral("architecture")).toObject().value(QStringLiteral("name")).toString()
        << "), " << ml::runtimeInfo() << '\n'
        << "end-to-end classify, 10 s 12-lead 500 Hz (resample, filter, QRS detection, network): median "
        << QString::number(endToEnd[endToEnd.size() / 2], 'f', 2) << " ms, max " << QString::number(endToEnd.back(), 'f', 2) << " ms\n"
        << "preprocessing only (resample, filter, QRS detection, standardise): median " << QString::number(preprocessing[preprocessing.size() / 2], 'f', 3)
        << " ms\n"
        << "network only, batch 1: " << QString::number(single, 'f', 2) << " ms per ECG\n"
        << "network only, batch 32: " << QString::number(batched, 'f', 2) << " ms per ECG (" << QString::number(1000.0 / batched, 'f', 0) << " ECG/s)\n";
    return 0;
}

} // namespace ecgscope::cli
