#include "app/cli/command.h"
#include "core/dsp/resample.h"
#include "core/io/reader.h"
#include "core/store/studydb.h"

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
    const QCommandLineOption deidentify(QStringLiteral("deidentify"),
                                        QStringLiteral("Remove patient data in any output format: names, birth date (age kept, over 89 as 90+), institution, "
                                                       "authors, naming statements; the ID becomes a keyed pseudonym; dates removed."));
    parser.addOption(deidentify);
    const QCommandLineOption shiftDates(QStringLiteral("shift-dates"), QStringLiteral("With --deidentify: shift dates per patient instead of removing them."));
    parser.addOption(shiftDates);
    const QCommandLineOption database(QStringLiteral("database"), QStringLiteral("With --deidentify: the pseudonyms of this study database's key."),
                                      QStringLiteral("DB"));
    parser.addOption(database);
    const QCommandLineOption keyFile(QStringLiteral("key-file"),
                                     QStringLiteral("With --deidentify: the key in this file (64 hex digits; made, owner-only, when it does not exist)."),
                                     QStringLiteral("FILE"));
    parser.addOption(keyFile);
    addInputOptions(parser);
    parser.addPositionalArgument(QStringLiteral("in"), QStringLiteral("Input ECG file."));
    parser.addPositionalArgument(QStringLiteral("out"), QStringLiteral("Output file."));
    parser.process(args);
    if (parser.positionalArguments().size() != 2)
        return fail(QStringLiteral("convert: expected IN and OUT (see --help)"));
    io::ReadOptions input;
    if (QString error; !inputOptions(parser, input, error))
        return fail(QStringLiteral("convert: ") + error);
    auto ecg = io::readEcg(parser.positionalArguments()[0], input);
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
    io::WriteOptions options;
    if (parser.isSet(deidentify)) {
        const DateHandling dates = parser.isSet(shiftDates) ? DateHandling::Shift : DateHandling::Remove;
        if (parser.isSet(database)) {
            auto db = store::StudyDatabase::open(parser.value(database));
            if (!db)
                return fail(db.error());
            auto d = db.value()->deidentifier(dates);
            if (!d)
                return fail(d.error());
            options.deidentify = d.value();
        } else if (parser.isSet(keyFile)) {
            auto key = readOrCreateKeyFile(parser.value(keyFile));
            if (!key)
                return fail(key.error());
            if (key->second)
                QTextStream(stdout) << "made a new key in " << parser.value(keyFile) << " (keep it private: it maps patients to their pseudonyms)\n";
            options.deidentify = Deidentifier{key->first, dates};
        } else {
            // A key used once: the pseudonym matches no other export (say so; --key-file keeps one).
            QTextStream(stdout) << "de-identifying with a fresh key: the pseudonym will match no other export (--key-file or --database keep one)\n";
            options.deidentify = Deidentifier{Deidentifier::newKey(), dates};
        }
    } else if (parser.isSet(database) || parser.isSet(keyFile) || parser.isSet(shiftDates)) {
        return fail(QStringLiteral("convert: --database, --key-file and --shift-dates go with --deidentify"));
    }
    // DICOM's ECG IODs take 200-1000 Hz: other records are resampled to 500 Hz (and the CLI says so).
    if (out.endsWith(QLatin1String(".dcm"), Qt::CaseInsensitive) && (record.sampleRateHz < 200.0 || record.sampleRateHz > 1000.0)) {
        QTextStream(stdout) << "resampling from " << record.sampleRateHz << " Hz to 500 Hz: DICOM ECG waveforms take 200-1000 Hz\n";
        record = dsp::resample(record, 500.0);
    }
    if (auto written = io::writeEcg(record, out, options); !written)
        return fail(written.error());
    QTextStream(stdout) << "wrote " << out << ": " << record.leads.size() << " leads, " << record.sampleRateHz << " Hz, "
                        << record.durationMs() << " ms\n";
    return 0;
}

} // namespace ecgscope::cli
