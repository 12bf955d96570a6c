#include "app/cli/command.h"
#include "core/io/reader.h"
#include "core/synth/generator.h"

#include <QCommandLineParser>
#include <QTextStream>

namespace ecgscope::cli {

int runSynth(const QStringList &args)
{
    QStringList names;
    for (synth::Rhythm r : synth::allRhythms())
        names << synth::toString(r);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Generate a synthetic 12-lead ECG and write it as a WFDB record."));
    parser.addHelpOption();
    const QCommandLineOption rhythm(QStringLiteral("rhythm"), QStringLiteral("Rhythm: %1.").arg(names.join(QStringLiteral(", "))), QStringLiteral("R"), QStringLiteral("sinus"));
    const QCommandLineOption rate(QStringLiteral("rate"), QStringLiteral("Sampling rate in Hz (default 500)."), QStringLiteral("HZ"), QStringLiteral("500"));
    const QCommandLineOption bpm(QStringLiteral("bpm"), QStringLiteral("Ventricular rate in bpm (default: drawn from the rhythm's range)."), QStringLiteral("BPM"), QStringLiteral("0"));
    const QCommandLineOption duration(QStringLiteral("duration"), QStringLiteral("Duration in ms (default 10000)."), QStringLiteral("MS"), QStringLiteral("10000"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Random seed (default 1)."), QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption noise(QStringLiteral("noise"), QStringLiteral("Noise level, 0 = clean (default 1)."), QStringLiteral("LEVEL"), QStringLiteral("1"));
    const QCommandLineOption output(QStringList{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("Output record (e.g. out/rec or out/rec.hea)."), QStringLiteral("OUT"));
    parser.addOptions({rhythm, rate, bpm, duration, seed, noise, output});
    parser.process(args);

    synth::Options o;
    const auto r = synth::rhythmFromString(parser.value(rhythm));
    if (!r)
        return fail(QStringLiteral("synth: unknown rhythm '%1' (choose from %2)").arg(parser.value(rhythm), names.join(QStringLiteral(", "))));
    o.rhythm = *r;
    bool ok[5];
    o.sampleRateHz = parser.value(rate).toDouble(&ok[0]);
    o.heartRateBpm = parser.value(bpm).toDouble(&ok[1]);
    o.durationMs = parser.value(duration).toDouble(&ok[2]);
    o.seed = parser.value(seed).toULongLong(&ok[3]);
    o.noiseLevel = parser.value(noise).toDouble(&ok[4]);
    if (!(ok[0] && ok[1] && ok[2] && ok[3] && ok[4]))
        return fail(QStringLiteral("synth: --rate, --bpm, --duration, --seed and --noise take numbers"));
    if (!parser.isSet(output))
        return fail(QStringLiteral("synth: -o OUT is required"));
    auto made = synth::generate(o);
    if (!made)
        return fail(made.error());
    if (auto written = io::writeEcg(made->ecg, parser.value(output)); !written)
        return fail(written.error());
    QTextStream(stdout) << "wrote " << parser.value(output) << ": " << synth::toString(o.rhythm) << ", "
                        << made->truth.heartRateBpm << " bpm, " << made->truth.beats.size() << " beats, "
                        << o.sampleRateHz << " Hz, " << o.durationMs << " ms\n";
    return 0;
}

} // namespace ecgscope::cli
