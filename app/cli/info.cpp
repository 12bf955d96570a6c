#include "app/cli/command.h"
#include "core/dsp/intervals.h"
#include "core/io/reader.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <algorithm>

namespace ecgscope::cli {

namespace {

QJsonObject toJson(const dsp::Intervals &m)
{
    QJsonObject o{{QStringLiteral("beats"), int(m.rPeaks.size())},
                  {QStringLiteral("heart_rate_bpm"), m.heartRateBpm},
                  {QStringLiteral("rr_mean_ms"), m.rrMeanMs},
                  {QStringLiteral("rr_sd_ms"), m.rrSdMs}};
    const auto add = [&o](const char *key, const std::optional<double> &v) {
        if (v)
            o.insert(QLatin1String(key), *v);
    };
    add("pr_ms", m.prMs);
    add("qrs_ms", m.qrsMs);
    add("qt_ms", m.qtMs);
    add("qtc_bazett_ms", m.qtcBazettMs);
    add("qtc_fridericia_ms", m.qtcFridericiaMs);
    add("qrs_axis_deg", m.qrsAxisDeg);
    return o;
}

/// Beat annotations of the source by label, e.g. {"N": 87, "V": 10}.
QJsonObject beatCounts(const Ecg &ecg)
{
    QJsonObject counts;
    for (const BeatAnnotation &b : ecg.beats)
        counts.insert(b.label, counts.value(b.label).toInt() + 1);
    return counts;
}

QJsonObject toJson(const Ecg &ecg)
{
    QJsonArray leads;
    for (const LeadSignal &l : ecg.leads) {
        const auto [lo, hi] = std::minmax_element(l.microvolts.begin(), l.microvolts.end());
        leads.append(QJsonObject{{QStringLiteral("name"), l.name},
                                 {QStringLiteral("derived"), l.derived},
                                 {QStringLiteral("has_signal"), l.hasSignal()},
                                 {QStringLiteral("resolution_uV"), l.resolutionMicrovolts},
                                 {QStringLiteral("min_uV"), double(*lo)},
                                 {QStringLiteral("max_uV"), double(*hi)}});
    }
    QJsonArray labels;
    for (const Label &l : ecg.labels)
        labels.append(QJsonObject{{QStringLiteral("code"), l.code},
                                  {QStringLiteral("system"), l.system},
                                  {QStringLiteral("origin"), toString(l.origin)},
                                  {QStringLiteral("author"), l.author}});
    QJsonArray measurements;
    for (const Measurement &m : ecg.measurements)
        measurements.append(QJsonObject{{QStringLiteral("name"), m.name}, {QStringLiteral("value"), m.value}, {QStringLiteral("unit"), m.unit}});
    QJsonArray pulses;
    for (const CalibrationPulse &c : ecg.calibrationPulses)
        pulses.append(QJsonObject{{QStringLiteral("at"), c.atStart ? QStringLiteral("start") : QStringLiteral("end")},
                                  {QStringLiteral("amplitude_uV"), c.amplitudeMicrovolts},
                                  {QStringLiteral("duration_ms"), c.durationMs},
                                  {QStringLiteral("removed_samples"), c.removedSamples}});
    QJsonObject patient{{QStringLiteral("id"), ecg.patient.id},
                        {QStringLiteral("name"), ecg.patient.name},
                        {QStringLiteral("sex"), toString(ecg.patient.sex)}};
    if (ecg.patient.ageYears)
        patient.insert(QStringLiteral("age_years"), *ecg.patient.ageYears);
    if (ecg.patient.birthDate.isValid())
        patient.insert(QStringLiteral("birth_date"), ecg.patient.birthDate.toString(Qt::ISODate));
    return QJsonObject{{QStringLiteral("file"), ecg.sourcePath},
                       {QStringLiteral("format"), ecg.sourceFormat},
                       {QStringLiteral("sample_rate_hz"), ecg.sampleRateHz},
                       {QStringLiteral("samples"), ecg.sampleCount()},
                       {QStringLiteral("duration_ms"), ecg.durationMs()},
                       {QStringLiteral("start"), ecg.acquisition.start.toString(Qt::ISODate)},
                       {QStringLiteral("device"), ecg.acquisition.device},
                       {QStringLiteral("site"), ecg.acquisition.site},
                       {QStringLiteral("patient"), patient},
                       {QStringLiteral("leads"), leads},
                       {QStringLiteral("labels"), labels},
                       {QStringLiteral("statements"), QJsonArray::fromStringList(ecg.statements)},
                       {QStringLiteral("measurements"), measurements},
                       {QStringLiteral("ecgscope_measurements"), toJson(dsp::measureIntervals(ecg))},
                       {QStringLiteral("calibration_pulses"), pulses},
                       {QStringLiteral("beat_annotations"), beatCounts(ecg)},
                       {QStringLiteral("notes"), QJsonArray::fromStringList(ecg.notes)}};
}

void printText(QTextStream &out, const Ecg &ecg)
{
    out << "file:      " << ecg.sourcePath << " (" << ecg.sourceFormat << ")\n";
    out << "rate:      " << ecg.sampleRateHz << " Hz\n";
    out << "duration:  " << ecg.durationMs() << " ms (" << ecg.sampleCount() << " samples)\n";
    if (ecg.acquisition.start.isValid())
        out << "start:     " << ecg.acquisition.start.toString(Qt::ISODate) << '\n';
    const PatientInfo &p = ecg.patient;
    out << "patient:   " << (p.id.isEmpty() ? QStringLiteral("-") : p.id) << ", " << toString(p.sex);
    if (p.ageYears)
        out << ", " << *p.ageYears << " y";
    if (!p.name.isEmpty())
        out << ", " << p.name;
    out << '\n';
    if (!ecg.acquisition.device.isEmpty())
        out << "device:    " << ecg.acquisition.device << '\n';
    out << "leads:     " << ecg.leads.size() << '\n';
    for (const LeadSignal &l : ecg.leads) {
        const auto [lo, hi] = std::minmax_element(l.microvolts.begin(), l.microvolts.end());
        if (!l.hasSignal()) {
            out << "  " << l.name.leftJustified(5) << " no signal (constant " << QString::number(*lo, 'f', 1) << " uV)\n";
            continue;
        }
        out << "  " << l.name.leftJustified(5) << " min " << QString::number(*lo, 'f', 1).rightJustified(9) << " uV  max "
            << QString::number(*hi, 'f', 1).rightJustified(9) << " uV" << (l.derived ? "  (derived)" : "") << '\n';
    }
    out << "labels:    " << (ecg.labels.empty() ? "-" : "") << '\n';
    for (const Label &l : ecg.labels)
        out << "  " << l.system << ' ' << l.code << " (" << toString(l.origin) << (l.author.isEmpty() ? QString() : QStringLiteral(", ") + l.author) << ")\n";
    for (const QString &s : ecg.statements)
        out << "statement: " << s << '\n';
    for (const Measurement &m : ecg.measurements)
        out << "measured:  " << m.name << ' ' << m.value << ' ' << m.unit << '\n';
    out << "ecgscope:  " << dsp::measureIntervals(ecg).summary() << '\n';
    if (!ecg.beats.empty()) {
        const QJsonObject counts = beatCounts(ecg);
        QStringList parts;
        for (auto it = counts.begin(); it != counts.end(); ++it)
            parts << QStringLiteral("%1 %2").arg(it.value().toInt()).arg(it.key());
        out << "beats:     " << ecg.beats.size() << " annotated by the source (" << parts.join(QStringLiteral(", ")) << ")\n";
    }
    for (const QString &n : ecg.notes)
        out << "note:      " << n << '\n';
}

} // namespace

int runInfo(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Print leads, sampling rate, duration, metadata and labels of an ECG file."));
    parser.addHelpOption();
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    parser.addOption(json);
    addInputOptions(parser);
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("ECG file of any readable format."));
    parser.process(args);
    if (parser.positionalArguments().size() != 1)
        return fail(QStringLiteral("info: expected one FILE (see --help)"));
    io::ReadOptions input;
    if (QString error; !inputOptions(parser, input, error))
        return fail(QStringLiteral("info: ") + error);
    auto ecg = io::readEcg(parser.positionalArguments().front(), input);
    if (!ecg)
        return fail(ecg.error());
    QTextStream out(stdout);
    if (parser.isSet(json))
        out << QJsonDocument(toJson(ecg.value())).toJson(QJsonDocument::Indented);
    else
        printText(out, ecg.value());
    return 0;
}

} // namespace ecgscope::cli
