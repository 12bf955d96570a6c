#include "app/cli/command.h"
#include "core/dsp/resample.h"
#include "core/io/reader.h"

#include <QCommandLineParser>
#include <QTextStream>

namespace ecgscope::cli {

int runConvert(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Convert an ECG file of any readable format. The output format follows OUT's suffix: "
                                                    ".hea or none = WFDB (format 16), .dcm = DICOM 12-lead / General ECG waveform."));
    parser.addHelpOption();
    const QCommandLineOption rate(QStringLiteral("rate"), QStringLiteral("Resample to this rate in Hz (anti-aliased)."), QStringLiteral("HZ"));
    parser.addOption(rate);
    const QCommandLineOption deidentify(QStringLiteral("deidentify"), QStringLiteral("DICOM: remove patient name, id, birth date and institution."));
    parser.addOption(deidentify);
    parser.addPositionalArgument(QStringLiteral("in"), QStringLiteral("Input ECG file."));
    parser.addPositionalArgument(QStringLiteral("out"), QStringLiteral("Output file."));
    parser.process(args);
    if (parser.positionalArguments().size() != 2)
        return fail(QStringLiteral("convert: expected IN and OUT (see --help)"));
    auto ecg = io::readEcg(parser.positionalArguments()[0]);
    if (!ecg)
        return fail(ecg.error());
    Ecg record = std::move(ecg).value();
    if (parser.isSet(rate)) {
        bool ok = false;
        const double hz = parser.value(rate).toDouble(&ok);
        if (!ok || !(hz >= 50.0 && hz <= 10000.0))
            return fail(QStringLiteral("convert: --rate must be 50-10000 Hz, not '%1'").arg(parser.value(rate)));
        record = dsp::resample(record, hz);
    }
    const QString out = parser.positionalArguments()[1];
    // DICOM's ECG IODs take 200-1000 Hz: other records are resampled to 500 Hz (and the CLI says so).
    if (out.endsWith(QLatin1String(".dcm"), Qt::CaseInsensitive) && (record.sampleRateHz < 200.0 || record.sampleRateHz > 1000.0)) {
        QTextStream(stdout) << "resampling from " << record.sampleRateHz << " Hz to 500 Hz: DICOM ECG waveforms take 200-1000 Hz\n";
        record = dsp::resample(record, 500.0);
    }
    if (auto written = io::writeEcg(record, out, {parser.isSet(deidentify)}); !written)
        return fail(written.error());
    QTextStream(stdout) << "wrote " << out << ": " << record.leads.size() << " leads, " << record.sampleRateHz << " Hz, "
                        << record.durationMs() << " ms\n";
    return 0;
}

} // namespace ecgscope::cli
