#include "app/cli/command.h"
#include "app/cli/trainoptions.h"
#include "core/io/reader.h"
#include "core/ml/classifier.h"
#include "core/ml/runtime.h"
#include "core/synth/generator.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QTextStream>

#include <algorithm>

namespace ecgscope::cli {

int runBench(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Measure classification speed: preprocessing, network time per ECG at batch 1 and batch 32, "
                                               "and end-to-end latency on synthetic 10 s 12-lead ECGs at 500 Hz."));
    p.addHelpOption();
    p.addOption({QStringLiteral("model"), QStringLiteral("Model folder (default: the bundled model)."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("LibTorch threads (default: LibTorch's)."), QStringLiteral("N"), QStringLiteral("0")});
    p.addOption({QStringLiteral("repeats"), QStringLiteral("Repetitions per measurement (default 30)."), QStringLiteral("N"), QStringLiteral("30")});
    p.process(args);
    ml::setThreadCount(p.value(QStringLiteral("threads")).toInt());
    auto classifier = ml::Classifier::load(modelDirOption(p));
    if (!classifier)
        return fail(classifier.error());
    const ml::Classifier &model = *classifier.value();
    const int repeats = std::max(3, p.value(QStringLiteral("repeats")).toInt());
    std::vector<Ecg> records;
    for (int i = 0; i < repeats; ++i) {
        synth::Options o;
        o.rhythm = synth::allRhythms()[size_t(i) % synth::allRhythms().size()];
        o.seed = uint64_t(1000 + i);
        records.push_back(synth::generate(o)->ecg);
    }
    std::vector<double> endToEnd;
    for (const Ecg &e : records) {
        QElapsedTimer clock;
        clock.start();
        if (auto r = model.classify(e); !r)
            return fail(r.error());
        endToEnd.push_back(clock.nsecsElapsed() / 1.0e6);
    }
    std::sort(endToEnd.begin(), endToEnd.end());
    const double single = model.forwardMillisecondsPerEcg(1, repeats);
    const double batched = model.forwardMillisecondsPerEcg(32, std::max(3, repeats / 5));
    QTextStream out(stdout);
    out << "model " << model.modelId() << " (" << model.card().value(QStringLiteral("architecture")).toObject().value(QStringLiteral("name")).toString()
        << "), " << ml::runtimeInfo() << '\n'
        << "end-to-end classify, 10 s 12-lead 500 Hz (resample, filter, QRS detection, network): median "
        << QString::number(endToEnd[endToEnd.size() / 2], 'f', 2) << " ms, max " << QString::number(endToEnd.back(), 'f', 2) << " ms\n"
        << "network only, batch 1: " << QString::number(single, 'f', 2) << " ms per ECG\n"
        << "network only, batch 32: " << QString::number(batched, 'f', 2) << " ms per ECG (" << QString::number(1000.0 / batched, 'f', 0) << " ECG/s)\n";
    return 0;
}

} // namespace ecgscope::cli
