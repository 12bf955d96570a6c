#include "core/io/ecgxml.h"

#include "core/io/leadcodes.h"
#include "core/io/xmltree.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <array>
#include <cmath>

namespace ecgscope::io {

namespace {

constexpr qint64 kMaxXmlBytes = qint64(256) << 20;

QString fail(const QString &path, const QString &format, const QString &problem)
{
    return QStringLiteral("%1: %2: %3").arg(path, format, problem);
}

std::optional<double> microvoltsPer(const QString &unit)
{
    const QString u = unit.trimmed().toLower();
    if (u == QLatin1String("uv") || u == QLatin1String("microvolts") || u == QLatin1String("microvolt"))
        return 1.0;
    if (u == QLatin1String("mv") || u == QLatin1String("millivolts") || u == QLatin1String("millivolt"))
        return 1000.0;
    if (u == QLatin1String("v") || u == QLatin1String("volts"))
        return 1.0e6;
    if (u == QLatin1String("nv"))
        return 1.0e-3;
    return std::nullopt;
}

/// HL7 timestamps: yyyyMMddHHmmss[.fff], any prefix of it.
QDateTime hl7Time(const QString &value)
{
    const QString v = value.left(14);
    if (v.size() >= 14)
        return QDateTime::fromString(v, QStringLiteral("yyyyMMddHHmmss"));
    if (v.size() >= 12)
        return QDateTime::fromString(v.left(12), QStringLiteral("yyyyMMddHHmm"));
    if (v.size() >= 8)
        return QDateTime(QDate::fromString(v.left(8), QStringLiteral("yyyyMMdd")), QTime(0, 0));
    return {};
}

// ---------------------------------------------------------------- HL7 aECG

Result<Ecg> readAecg(const QString &path, const XmlNode &root)
{
    const QString format = QStringLiteral("HL7 aECG");
    // component/series; the rhythm series, else the first.
    std::vector<const XmlNode *> series;
    for (const XmlNode *c : root.childrenNamed(QStringLiteral("component"))) {
        if (const XmlNode *s = c->child(QStringLiteral("series")))
            series.push_back(s);
    }
    if (series.empty())
        return Result<Ecg>::failure(fail(path, format, QStringLiteral("no series")));
    const XmlNode *rhythm = series.front();
    for (const XmlNode *s : series) {
        if (s->at(QStringLiteral("code")) && s->at(QStringLiteral("code"))->attribute(QStringLiteral("code")) == QLatin1String("RHYTHM")) {
            rhythm = s;
            break;
        }
    }
    // The first sequence set (later ones, where present, hold other time segments).
    std::vector<const XmlNode *> sets;
    rhythm->collect(QStringLiteral("sequenceSet"), sets, QStringLiteral("derivation"));
    if (sets.empty())
        return Result<Ecg>::failure(fail(path, format, QStringLiteral("rhythm series has no sequenceSet")));
    Ecg ecg;
    ecg.sourcePath = QFileInfo(path).absoluteFilePath();
    ecg.sourceFormat = format;
    size_t samples = 0;
    for (const XmlNode *c : sets.front()->childrenNamed(QStringLiteral("component"))) {
        const XmlNode *seq = c->child(QStringLiteral("sequence"));
        if (!seq || !seq->child(QStringLiteral("code")) || !seq->child(QStringLiteral("value")))
            continue;
        const QString code = seq->child(QStringLiteral("code"))->attribute(QStringLiteral("code"));
        const XmlNode *value = seq->child(QStringLiteral("value"));
        if (code.startsWith(QLatin1String("TIME_"))) {
            const XmlNode *inc = value->child(QStringLiteral("increment"));
            const double step = inc ? inc->attribute(QStringLiteral("value")).toDouble() : 0.0;
            const QString unit = inc ? inc->attribute(QStringLiteral("unit")) : QString();
            const double seconds = unit == QLatin1String("ms") ? step / 1000.0 : step;
            if (seconds > 0.0)
                ecg.sampleRateHz = std::round(1.0 / seconds * 1e6) / 1e6;
            if (const XmlNode *head = value->child(QStringLiteral("head")); head && code == QLatin1String("TIME_ABSOLUTE"))
                ecg.acquisition.start = hl7Time(head->attribute(QStringLiteral("value")));
            continue;
        }
        const QString lead = leadFromMdcString(code);
        const XmlNode *origin = value->child(QStringLiteral("origin"));
        const XmlNode *scale = value->child(QStringLiteral("scale"));
        const XmlNode *digits = value->child(QStringLiteral("digits"));
        if (!scale || !digits)
            return Result<Ecg>::failure(fail(path, format, QStringLiteral("sequence %1 lacks scale or digits").arg(code)));
        const auto unit = microvoltsPer(scale->attribute(QStringLiteral("unit")));
        const auto originUnit = microvoltsPer(origin ? origin->attribute(QStringLiteral("unit")) : scale->attribute(QStringLiteral("unit")));
        if (!unit || !originUnit)
            return Result<Ecg>::failure(fail(path, format, QStringLiteral("sequence %1 is in '%2', not a voltage").arg(code, scale->attribute(QStringLiteral("unit")))));
        const double s = scale->attribute(QStringLiteral("value")).toDouble() * *unit;
        const double o = origin ? origin->attribute(QStringLiteral("value")).toDouble() * *originUnit : 0.0;
        LeadSignal l;
        l.name = lead.isEmpty() ? code : lead;
        l.resolutionMicrovolts = s;
        const QStringList tokens = digits->text.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
        l.microvolts.reserve(size_t(tokens.size()));
        for (const QString &t : tokens) {
            bool ok = false;
            const int d = t.toInt(&ok);
            if (!ok)
                return Result<Ecg>::failure(fail(path, format, QStringLiteral("sequence %1 has a non-integer digit '%2'").arg(code, t.left(20))));
            l.microvolts.push_back(float(o + s * d));
        }
        samples = std::max(samples, l.microvolts.size());
        ecg.leads.push_back(std::move(l));
    }
    if (!(ecg.sampleRateHz > 0.0))
        return Result<Ecg>::failure(fail(path, format, QStringLiteral("no time sequence with an increment")));
    // Vendors occasionally end sequences a sample early: pad to the longest with the last value.
    for (LeadSignal &l : ecg.leads) {
        if (!l.microvolts.empty() && l.microvolts.size() + 2 >= samples)
            l.microvolts.resize(samples, l.microvolts.back());
    }

    if (const XmlNode *subject = root.at(QStringLiteral("componentOf/timepointEvent/componentOf/subjectAssignment/subject/trialSubject"))) {
        if (const XmlNode *id = subject->child(QStringLiteral("id")))
            ecg.patient.id = id->attribute(QStringLiteral("extension"));
        if (const XmlNode *person = subject->child(QStringLiteral("subjectDemographicPerson"))) {
            ecg.patient.name = person->textAt(QStringLiteral("name")).simplified();
            if (const XmlNode *g = person->child(QStringLiteral("administrativeGenderCode")))
                ecg.patient.sex = sexFromString(g->attribute(QStringLiteral("code")));
            if (const XmlNode *b = person->child(QStringLiteral("birthTime")))
                ecg.patient.birthDate = hl7Time(b->attribute(QStringLiteral("value"))).date();
        }
    }
    for (const XmlNode *cv : root.childrenNamed(QStringLiteral("controlVariable"))) {
        const XmlNode *obs = cv->child(QStringLiteral("relatedObservation"));
        if (obs && obs->child(QStringLiteral("code")) && obs->child(QStringLiteral("code"))->attribute(QStringLiteral("code")) == QLatin1String("21612-7")
            && obs->child(QStringLiteral("value")))
            ecg.patient.ageYears = int(obs->child(QStringLiteral("value"))->attribute(QStringLiteral("value")).toDouble());
    }
    if (const XmlNode *device = rhythm->at(QStringLiteral("author/seriesAuthor")))
        ecg.acquisition.device = QStringList{device->textAt(QStringLiteral("manufacturerOrganization/name")),
                                             device->textAt(QStringLiteral("manufacturedSeriesDevice/manufacturerModelName"))}
                                     .join(QLatin1Char(' '))
                                     .trimmed();
    if (!ecg.acquisition.start.isValid())
        if (const XmlNode *low = rhythm->at(QStringLiteral("effectiveTime/low")))
            ecg.acquisition.start = hl7Time(low->attribute(QStringLiteral("value")));
    // Annotations of the rhythm series: coded findings become statements, quantities measurements.
    std::vector<const XmlNode *> annotations;
    rhythm->collect(QStringLiteral("annotation"), annotations, QStringLiteral("derivation"));
    for (const XmlNode *a : annotations) {
        const XmlNode *value = a->child(QStringLiteral("value"));
        const XmlNode *code = a->child(QStringLiteral("code"));
        if (!value || !code)
            continue;
        const QString type = value->attribute(QStringLiteral("type"));
        const QString name = code->attribute(QStringLiteral("code")).remove(QStringLiteral("MDC_ECG_"));
        if (type == QLatin1String("PQ")) {
            ecg.measurements.push_back({name, value->attribute(QStringLiteral("value")).toDouble(), value->attribute(QStringLiteral("unit"))});
        } else if (type == QLatin1String("ST") && !value->text.trimmed().isEmpty()) {
            ecg.statements << value->text.trimmed();
        } else if (type == QLatin1String("CE") && !value->attribute(QStringLiteral("displayName")).isEmpty() && !a->child(QStringLiteral("support"))) {
            ecg.statements << value->attribute(QStringLiteral("displayName"));
        } else if (type == QLatin1String("CE") && name == QLatin1String("RHY") && !value->attribute(QStringLiteral("displayName")).isEmpty()) {
            ecg.statements << value->attribute(QStringLiteral("displayName"));
        }
    }
    return ecg;
}

// ---------------------------------------------------------------- GE MUSE

double museNumber(const XmlNode &n, const QString &name, double fallback)
{
    bool ok = false;
    const double v = n.textAt(name).toDouble(&ok);
    return ok ? v : fallback;
}

Result<Ecg> readMuse(const QString &path, const XmlNode &root)
{
    const QString format = QStringLiteral("GE MUSE XML");
    const XmlNode *rhythm = nullptr;
    for (const XmlNode *w : root.childrenNamed(QStringLiteral("Waveform"))) {
        if (w->textAt(QStringLiteral("WaveformType")).compare(QLatin1String("Rhythm"), Qt::CaseInsensitive) == 0)
            rhythm = w;
    }
    if (!rhythm)
        return Result<Ecg>::failure(fail(path, format, QStringLiteral("no Rhythm waveform")));
    Ecg ecg;
    ecg.sourcePath = QFileInfo(path).absoluteFilePath();
    ecg.sourceFormat = format;
    ecg.sampleRateHz = museNumber(*rhythm, QStringLiteral("SampleBase"), 0.0) * std::pow(10.0, museNumber(*rhythm, QStringLiteral("SampleExponent"), 0.0));
    if (!(ecg.sampleRateHz > 0.0))
        return Result<Ecg>::failure(fail(path, format, QStringLiteral("Rhythm waveform has no SampleBase")));
    for (const XmlNode *lead : rhythm->childrenNamed(QStringLiteral("LeadData"))) {
        const QString id = lead->textAt(QStringLiteral("LeadID"));
        auto bytes = decodeBase64(lead->textAt(QStringLiteral("WaveFormData")));
        if (!bytes)
            return Result<Ecg>::failure(fail(path, format, QStringLiteral("lead %1: %2").arg(id, bytes.error())));
        if (bytes->size() % 2 != 0)
            return Result<Ecg>::failure(fail(path, format, QStringLiteral("lead %1: odd byte count %2 for 16-bit samples").arg(id).arg(bytes->size())));
        const qint64 declared = qint64(museNumber(*lead, QStringLiteral("LeadSampleCountTotal"), double(bytes->size() / 2)));
        if (declared != bytes->size() / 2)
            return Result<Ecg>::failure(fail(path, format, QStringLiteral("lead %1 declares %2 samples, holds %3").arg(id).arg(declared).arg(bytes->size() / 2)));
        const QString crcText = lead->textAt(QStringLiteral("LeadDataCRC32"));
        if (!crcText.isEmpty() && crcText.toULongLong() != crc32(bytes.value()))
            ecg.notes << QStringLiteral("warning: lead %1 fails its CRC-32 check").arg(id);
        const auto unit = microvoltsPer(lead->textAt(QStringLiteral("LeadAmplitudeUnits")).isEmpty() ? QStringLiteral("microvolts") : lead->textAt(QStringLiteral("LeadAmplitudeUnits")));
        if (!unit)
            return Result<Ecg>::failure(fail(path, format, QStringLiteral("lead %1 amplitude units '%2' are not a voltage").arg(id, lead->textAt(QStringLiteral("LeadAmplitudeUnits")))));
        const double scale = museNumber(*lead, QStringLiteral("LeadAmplitudeUnitsPerBit"), 1.0) * *unit;
        LeadSignal l;
        l.name = canonicalLeadName(id);
        l.resolutionMicrovolts = scale;
        const auto *b = reinterpret_cast<const uchar *>(bytes->constData());
        for (qsizetype i = 0; i + 1 < bytes->size(); i += 2)
            l.microvolts.push_back(float(qint16(quint16(b[i] | (b[i + 1] << 8))) * scale));
        ecg.leads.push_back(std::move(l));
    }
    const XmlNode *patient = root.child(QStringLiteral("PatientDemographics"));
    if (patient) {
        ecg.patient.id = patient->textAt(QStringLiteral("PatientID"));
        ecg.patient.name = QStringList{patient->textAt(QStringLiteral("PatientFirstName")), patient->textAt(QStringLiteral("PatientLastName"))}.join(QLatin1Char(' ')).trimmed();
        ecg.patient.sex = sexFromString(patient->textAt(QStringLiteral("Gender")));
        bool ok = false;
        const int age = patient->textAt(QStringLiteral("PatientAge")).toInt(&ok);
        if (ok && patient->textAt(QStringLiteral("AgeUnits")).compare(QLatin1String("YEARS"), Qt::CaseInsensitive) == 0)
            ecg.patient.ageYears = age;
        ecg.patient.birthDate = QDate::fromString(patient->textAt(QStringLiteral("DateofBirth")), QStringLiteral("MM-dd-yyyy"));
    }
    if (const XmlNode *test = root.child(QStringLiteral("TestDemographics"))) {
        ecg.acquisition.start = QDateTime(QDate::fromString(test->textAt(QStringLiteral("AcquisitionDate")), QStringLiteral("MM-dd-yyyy")),
                                          QTime::fromString(test->textAt(QStringLiteral("AcquisitionTime")), QStringLiteral("HH:mm:ss")));
        ecg.acquisition.device = test->textAt(QStringLiteral("AcquisitionDevice"));
        ecg.acquisition.site = test->textAt(QStringLiteral("SiteName")).isEmpty() ? test->textAt(QStringLiteral("Site")) : test->textAt(QStringLiteral("SiteName"));
    }
    for (const QString &block : {QStringLiteral("Diagnosis"), QStringLiteral("OriginalDiagnosis")}) {
        if (const XmlNode *d = root.child(block); d && ecg.statements.isEmpty()) {
            for (const XmlNode *s : d->childrenNamed(QStringLiteral("DiagnosisStatement")))
                if (!s->textAt(QStringLiteral("StmtText")).isEmpty())
                    ecg.statements << s->textAt(QStringLiteral("StmtText"));
        }
    }
    if (const XmlNode *m = root.child(QStringLiteral("RestingECGMeasurements"))) {
        for (const XmlNode &c : m->children) {
            bool ok = false;
            const double v = c.text.trimmed().toDouble(&ok);
            if (!ok)
                continue;
            const QString unit = c.name.endsWith(QLatin1String("Rate")) ? QStringLiteral("bpm")
                                 : c.name.endsWith(QLatin1String("Axis")) ? QStringLiteral("deg")
                                 : c.name.contains(QLatin1String("Interval")) || c.name.contains(QLatin1String("Duration")) || c.name == QLatin1String("QTCorrected") ? QStringLiteral("ms")
                                                                                                                                                                     : QString();
            ecg.measurements.push_back({c.name, v, unit});
        }
    }
    return ecg;
}

// ---------------------------------------------------------------- Philips

/// LZW with fixed 10-bit codes, read most significant bit first; a code not yet in the table is the
/// previous string plus its own first byte (the KwKwK case).
Result<QByteArray> lzwDecode(const QByteArray &in)
{
    constexpr int kBits = 10;
    constexpr int kMaxCode = (1 << kBits) - 2;
    std::vector<QByteArray> table(256);
    for (int i = 0; i < 256; ++i)
        table[size_t(i)] = QByteArray(1, char(i));
    QByteArray out, previous;
    quint32 bitBuffer = 0;
    int bitCount = 0;
    qsizetype offset = 0;
    while (true) {
        // A code is taken only when more than 24 bits are buffered, as the vendor's encoder pads for.
        while (bitCount <= 24 && offset < in.size()) {
            bitBuffer |= quint32(uchar(in[offset++])) << (24 - bitCount);
            bitCount += 8;
        }
        if (bitCount <= 24)
            break;
        const int code = int(bitBuffer >> (32 - kBits));
        bitBuffer <<= kBits;
        bitCount -= kBits;
        if (code > kMaxCode)
            break;
        QByteArray entry;
        if (code < int(table.size())) {
            entry = table[size_t(code)];
        } else if (code == int(table.size()) && !previous.isEmpty()) {
            entry = previous + previous.front();
        } else {
            return Result<QByteArray>::failure(QStringLiteral("XLI: LZW code %1 is not defined yet").arg(code));
        }
        if (!previous.isEmpty() && int(table.size()) <= kMaxCode)
            table.push_back(previous + entry.front());
        out += entry;
        previous = entry;
    }
    return out;
}

struct PhilipsLead {
    QString name;
    std::vector<qint16> samples;
};

} // namespace

Result<std::vector<qint16>> decodeXliChunk(const QByteArray &compressed, qint16 firstValue)
{
    auto bytes = lzwDecode(compressed);
    if (!bytes)
        return Result<std::vector<qint16>>::failure(bytes.error());
    QByteArray b = bytes.value();
    if (b.size() % 2)
        b.append('\0');
    // The first half of the bytes are the high bytes of the deltas, the second half the low bytes.
    const qsizetype n = b.size() / 2;
    std::vector<qint16> v(static_cast<size_t>(n));
    for (qsizetype i = 0; i < n; ++i)
        v[size_t(i)] = qint16(quint16((uchar(b[i]) << 8) | uchar(b[n + i])));
    // Second-order delta decoding: each sample is predicted as 2y - x and corrected by the stored
    // value of the sample before, offset by 64 (the vendor's scheme). Samples are 16-bit: keeping the
    // history in 16 bits changes nothing for valid data and keeps garbage from overflowing (found by fuzzing).
    if (n >= 2) {
        int x = v[0], y = v[1], last = firstValue;
        for (qsizetype i = 2; i < n; ++i) {
            const int z = 2 * y - x - last;
            last = int(v[size_t(i)]) - 64;
            v[size_t(i)] = qint16(z);
            x = y;
            y = v[size_t(i)];
        }
    }
    return v;
}

namespace {

Result<Ecg> readPhilips(const QString &path, const XmlNode &root)
{
    const QString format = QStringLiteral("Philips XML");
    const QString version = root.textAt(QStringLiteral("documentinfo/documentversion"));
    const XmlNode *signal = root.at(QStringLiteral("dataacquisition/signalcharacteristics"));
    const XmlNode *waveforms = root.at(QStringLiteral("waveforms/parsedwaveforms"));
    if (!signal || !waveforms)
        return Result<Ecg>::failure(fail(path, format, QStringLiteral("no signalcharacteristics or parsedwaveforms (document version '%1')").arg(version)));
    Ecg ecg;
    ecg.sourcePath = QFileInfo(path).absoluteFilePath();
    ecg.sourceFormat = format;
    ecg.sampleRateHz = signal->textAt(QStringLiteral("samplingrate")).toDouble();
    const QString resolutionText = signal->textAt(QStringLiteral("resolution")).isEmpty() ? signal->textAt(QStringLiteral("signalresolution"))
                                                                                           : signal->textAt(QStringLiteral("resolution"));
    const double resolution = resolutionText.toDouble(); // µV per unit
    const double durationMs = waveforms->attribute(QStringLiteral("durationperchannel")).toDouble();
    if (!(ecg.sampleRateHz > 0.0) || !(resolution > 0.0) || !(durationMs > 0.0))
        return Result<Ecg>::failure(fail(path, format, QStringLiteral("sampling rate '%1', resolution '%2' or duration '%3' missing")
                                                           .arg(signal->textAt(QStringLiteral("samplingrate")), resolutionText, waveforms->attribute(QStringLiteral("durationperchannel")))));
    QStringList labels = waveforms->attribute(QStringLiteral("leadlabels")).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (labels.isEmpty()) {
        const QString type = signal->textAt(QStringLiteral("acquisitiontype"));
        if (type != QLatin1String("STD-12") && type != QLatin1String("10-WIRE"))
            return Result<Ecg>::failure(fail(path, format, QStringLiteral("no lead labels and acquisition type '%1'").arg(type)));
        labels = standardLeadNames();
    }
    if (waveforms->attribute(QStringLiteral("dataencoding")) != QLatin1String("Base64"))
        return Result<Ecg>::failure(fail(path, format, QStringLiteral("waveform encoding '%1' is not supported").arg(waveforms->attribute(QStringLiteral("dataencoding")))));
    auto data = decodeBase64(waveforms->text);
    if (!data)
        return Result<Ecg>::failure(fail(path, format, data.error()));
    const QString compression = waveforms->attribute(QStringLiteral("compressmethod")).isEmpty() ? waveforms->attribute(QStringLiteral("compression"))
                                                                                                  : waveforms->attribute(QStringLiteral("compressmethod"));
    const size_t samples = size_t(std::lround(durationMs * ecg.sampleRateHz / 1000.0));
    std::vector<std::vector<qint16>> leads;
    if (compression == QLatin1String("XLI")) {
        qsizetype offset = 0;
        const auto *b = reinterpret_cast<const uchar *>(data->constData());
        while (offset + 8 <= data->size() && leads.size() < size_t(labels.size())) {
            const qint32 size = qint32(quint32(b[offset]) | (quint32(b[offset + 1]) << 8) | (quint32(b[offset + 2]) << 16) | (quint32(b[offset + 3]) << 24));
            const qint16 first = qint16(quint16(b[offset + 6] | (b[offset + 7] << 8)));
            offset += 8;
            if (size < 0 || size > data->size() - offset)
                return Result<Ecg>::failure(fail(path, format, QStringLiteral("XLI chunk %1 declares %2 bytes, %3 remain").arg(leads.size() + 1).arg(size).arg(data->size() - offset)));
            auto lead = decodeXliChunk(data->mid(offset, size), first);
            if (!lead)
                return Result<Ecg>::failure(fail(path, format, QStringLiteral("lead %1: %2").arg(labels.value(int(leads.size())), lead.error())));
            lead->resize(samples, 0);
            leads.push_back(std::move(lead).value());
            offset += size;
        }
    } else if (compression.isEmpty() || compression == QLatin1String("Uncompressed")) {
        if (size_t(data->size()) < samples * size_t(labels.size()) * 2)
            return Result<Ecg>::failure(fail(path, format, QStringLiteral("%1 bytes of waveform for %2 leads x %3 samples").arg(data->size()).arg(labels.size()).arg(samples)));
        const auto *b = reinterpret_cast<const uchar *>(data->constData());
        for (int l = 0; l < labels.size(); ++l) {
            std::vector<qint16> v(samples);
            for (size_t i = 0; i < samples; ++i) {
                const size_t at = 2 * (size_t(l) * samples + i);
                v[i] = qint16(quint16(b[at] | (b[at + 1] << 8)));
            }
            leads.push_back(std::move(v));
        }
    } else {
        return Result<Ecg>::failure(fail(path, format, QStringLiteral("waveform compression '%1' is not supported").arg(compression)));
    }
    if (leads.size() != size_t(labels.size()))
        return Result<Ecg>::failure(fail(path, format, QStringLiteral("%1 leads decoded, %2 labelled").arg(leads.size()).arg(labels.size())));
    // XLI files store III, aVR, aVL and aVF as residuals against their values computed from I and II
    // (integer arithmetic, division truncating toward zero).
    if (compression == QLatin1String("XLI") && labels.mid(0, 6) == standardLeadNames().mid(0, 6)) {
        auto &I = leads[0], &II = leads[1], &III = leads[2], &aVR = leads[3], &aVL = leads[4], &aVF = leads[5];
        for (size_t i = 0; i < samples; ++i) {
            III[i] = qint16(II[i] - I[i] - III[i]);
            aVR[i] = qint16(-aVR[i] - (I[i] + II[i]) / 2);
            aVL[i] = qint16((I[i] - III[i]) / 2 - aVL[i]);
            aVF[i] = qint16((II[i] + III[i]) / 2 - aVF[i]);
        }
    }
    for (int l = 0; l < labels.size(); ++l) {
        LeadSignal s;
        s.name = canonicalLeadName(labels[l]);
        s.resolutionMicrovolts = resolution;
        s.microvolts.resize(samples);
        for (size_t i = 0; i < samples; ++i)
            s.microvolts[i] = float(leads[size_t(l)][i] * resolution);
        ecg.leads.push_back(std::move(s));
    }

    const XmlNode *acquisition = root.child(QStringLiteral("dataacquisition"));
    ecg.acquisition.start = QDateTime(QDate::fromString(acquisition->attribute(QStringLiteral("date")), QStringLiteral("yyyy-MM-dd")),
                                      QTime::fromString(acquisition->attribute(QStringLiteral("time")), QStringLiteral("HH:mm:ss")));
    ecg.acquisition.device = acquisition->textAt(QStringLiteral("machine"));
    ecg.acquisition.site = acquisition->textAt(QStringLiteral("acquirer/institutionname"));
    if (const XmlNode *p = root.at(QStringLiteral("patient/generalpatientdata"))) {
        ecg.patient.id = p->textAt(QStringLiteral("patientid"));
        ecg.patient.name = QStringList{p->textAt(QStringLiteral("name/firstname")), p->textAt(QStringLiteral("name/lastname"))}.join(QLatin1Char(' ')).trimmed();
        ecg.patient.sex = sexFromString(p->textAt(QStringLiteral("sex")));
        bool ok = false;
        const int years = p->textAt(QStringLiteral("age/years")).toInt(&ok);
        if (ok)
            ecg.patient.ageYears = years;
        ecg.patient.birthDate = QDate::fromString(p->textAt(QStringLiteral("age/dateofbirth")), QStringLiteral("yyyy-MM-dd"));
    }
    if (const XmlNode *interpretations = root.child(QStringLiteral("interpretations"))) {
        if (const XmlNode *first = interpretations->child(QStringLiteral("interpretation"))) {
            for (const XmlNode *s : first->childrenNamed(QStringLiteral("statement"))) {
                const QString left = s->textAt(QStringLiteral("leftstatement")), right = s->textAt(QStringLiteral("rightstatement"));
                if (!left.isEmpty())
                    ecg.statements << (right.isEmpty() ? left : left + QStringLiteral(" (") + right + QLatin1Char(')'));
            }
        }
    }
    return ecg;
}

} // namespace

quint32 crc32(const QByteArray &bytes)
{
    static const std::array<quint32, 256> table = [] {
        std::array<quint32, 256> t{};
        for (quint32 i = 0; i < 256; ++i) {
            quint32 c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    quint32 crc = 0xFFFFFFFFu;
    for (char ch : bytes)
        crc = table[(crc ^ uchar(ch)) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

// ---------------------------------------------------------------- Schiller SEMA and GE CardioSoft

/// Comma-separated integers (whitespace and line breaks anywhere) times `scale`; nullopt on anything else.
std::optional<std::vector<float>> numberList(const QString &text, double scale)
{
    std::vector<float> out;
    static const QRegularExpression separator(QStringLiteral("[,\\s]+"));
    for (const QString &token : text.split(separator, Qt::SkipEmptyParts)) {
        bool ok = false;
        const double v = token.toDouble(&ok);
        if (!ok || !std::isfinite(v))
            return std::nullopt;
        out.push_back(float(v * scale));
    }
    return out;
}

/// A measurement from a name and its text; without a unit from the file (nullopt), the unit follows the
/// name (axes in degrees, HR in bpm, the rest durations in ms).
void addMeasurement(Ecg &ecg, const QString &name, const QString &text, std::optional<QString> unit)
{
    bool ok = false;
    const double v = text.trimmed().toDouble(&ok);
    if (!ok)
        return;
    if (!unit)
        unit = name.contains(QLatin1String("AXIS"), Qt::CaseInsensitive) ? QStringLiteral("deg")
               : name.compare(QLatin1String("HR"), Qt::CaseInsensitive) == 0 ? QStringLiteral("bpm")
                                                                              : QStringLiteral("ms");
    ecg.measurements.push_back({name, v, *unit});
}

Result<Ecg> readSchiller(const QString &path, const XmlNode &root)
{
    const QString format = QStringLiteral("Schiller SEMA XML");
    Ecg ecg;
    ecg.sourcePath = QFileInfo(path).absoluteFilePath();
    ecg.sourceFormat = format;
    if (const XmlNode *p = root.child(QStringLiteral("patdata"))) {
        ecg.patient.id = p->textAt(QStringLiteral("id"));
        ecg.patient.name = QStringList{p->textAt(QStringLiteral("firstname")), p->textAt(QStringLiteral("lastname"))}.join(QLatin1Char(' ')).trimmed();
        ecg.patient.birthDate = QDate::fromString(p->textAt(QStringLiteral("birthdate")), QStringLiteral("yyyyMMdd"));
        ecg.patient.sex = sexFromString(p->textAt(QStringLiteral("gender")));
    }
    if (const XmlNode *e = root.child(QStringLiteral("examdescript"))) {
        ecg.acquisition.start = QDateTime(QDate::fromString(e->textAt(QStringLiteral("startdatetime/date")), QStringLiteral("yyyyMMdd")),
                                          QTime::fromString(e->textAt(QStringLiteral("startdatetime/time")).left(6), QStringLiteral("HHmmss")));
        ecg.acquisition.device = QStringList{e->textAt(QStringLiteral("aquiringdevice/hardware/vendor")), e->textAt(QStringLiteral("aquiringdevice/hardware/model"))}
                                     .join(QLatin1Char(' '))
                                     .trimmed();
        ecg.acquisition.site = QStringList{e->textAt(QStringLiteral("idu/aquiring_institute/name")), e->textAt(QStringLiteral("idu/aquiring_department/name"))}
                                   .join(QStringLiteral(", "))
                                   .remove(QRegularExpression(QStringLiteral("^, |, $")));
    }
    std::vector<const XmlNode *> waves;
    root.collect(QStringLiteral("wavedata"), waves);
    const XmlNode *rhythm = nullptr;
    for (const XmlNode *w : waves)
        if (w->textAt(QStringLiteral("type")) == QLatin1String("ECG_RHYTHMS"))
            rhythm = w;
    if (!rhythm)
        return Result<Ecg>::failure(fail(path, format, QStringLiteral("no ECG_RHYTHMS wave data")));
    if (rhythm != waves.front() || waves.size() > 1)
        ecg.notes << QStringLiteral("average beats (ECG_AVERAGES) not shown");
    // The rate is value x 10^(exponent - 1): files say 500 with exponent 1.
    const double exponent = rhythm->textAt(QStringLiteral("resolution/samplerate/exponent")).toDouble();
    ecg.sampleRateHz = rhythm->textAt(QStringLiteral("resolution/samplerate/value")).toDouble() * std::pow(10.0, exponent - 1.0);
    const auto unit = microvoltsPer(rhythm->textAt(QStringLiteral("resolution/yres/units")));
    bool ok = false;
    const double perBit = rhythm->textAt(QStringLiteral("resolution/yres/unitperbit")).toDouble(&ok);
    if (!unit || !ok || !(perBit > 0.0))
        return Result<Ecg>::failure(fail(path, format, QStringLiteral("amplitude resolution '%1 %2' is not a voltage per unit")
                                                           .arg(rhythm->textAt(QStringLiteral("resolution/yres/unitperbit")), rhythm->textAt(QStringLiteral("resolution/yres/units")))));
    for (const XmlNode *c : rhythm->childrenNamed(QStringLiteral("channel"))) {
        const QString name = c->textAt(QStringLiteral("name"));
        auto values = numberList(c->textAt(QStringLiteral("data")), perBit * *unit);
        if (!values)
            return Result<Ecg>::failure(fail(path, format, QStringLiteral("channel %1: data that is not a list of numbers").arg(name)));
        ecg.leads.push_back(LeadSignal{canonicalLeadName(name), std::move(*values), false, perBit * *unit});
    }
    std::vector<const XmlNode *> globals;
    root.collect(QStringLiteral("annotation_global"), globals);
    for (const XmlNode *g : globals)
        addMeasurement(ecg, g->textAt(QStringLiteral("name")), g->textAt(QStringLiteral("value")), std::nullopt);
    std::vector<const XmlNode *> texts;
    root.collect(QStringLiteral("textdata"), texts);
    for (const XmlNode *t : texts)
        if (t->textAt(QStringLiteral("type")) == QLatin1String("INTERPRETATION"))
            for (const QString &line : t->textAt(QStringLiteral("textdata")).split(QLatin1Char('\n'), Qt::SkipEmptyParts))
                if (!line.trimmed().isEmpty())
                    ecg.statements << line.trimmed();
    return ecg;
}

Result<Ecg> readCardioSoft(const QString &path, const XmlNode &root)
{
    const QString format = QStringLiteral("GE CardioSoft XML");
    Ecg ecg;
    ecg.sourcePath = QFileInfo(path).absoluteFilePath();
    ecg.sourceFormat = format;
    // Dates as Day, Month, Year elements; year 1 is the writer's "not given".
    const auto date = [](const XmlNode *d) {
        return d && d->textAt(QStringLiteral("Year")).toInt() >= 1900
                   ? QDate(d->textAt(QStringLiteral("Year")).toInt(), d->textAt(QStringLiteral("Month")).toInt(), d->textAt(QStringLiteral("Day")).toInt())
                   : QDate();
    };
    if (const XmlNode *p = root.child(QStringLiteral("PatientInfo"))) {
        ecg.patient.id = p->textAt(QStringLiteral("PID"));
        ecg.patient.name = QStringList{p->textAt(QStringLiteral("Name/GivenName")), p->textAt(QStringLiteral("Name/FamilyName"))}.join(QLatin1Char(' ')).trimmed();
        ecg.patient.sex = sexFromString(p->textAt(QStringLiteral("Gender")));
        ecg.patient.birthDate = date(p->child(QStringLiteral("BirthDateTime")));
        const XmlNode *age = p->child(QStringLiteral("Age"));
        bool ok = false;
        const int years = age ? age->text.trimmed().toInt(&ok) : 0;
        if (ok && age->attribute(QStringLiteral("units")).compare(QLatin1String("YEARS"), Qt::CaseInsensitive) == 0)
            ecg.patient.ageYears = years;
    }
    const XmlNode *when = root.child(QStringLiteral("ObservationDateTime"));
    if (const QDate day = date(when); day.isValid())
        ecg.acquisition.start = QDateTime(day, QTime(when->textAt(QStringLiteral("Hour")).toInt(), when->textAt(QStringLiteral("Minute")).toInt(),
                                                     when->textAt(QStringLiteral("Second")).toInt()));
    ecg.acquisition.device = QStringList{QStringLiteral("GE"), root.textAt(QStringLiteral("ClinicalInfo/DeviceInfo/Desc")),
                                         root.textAt(QStringLiteral("ClinicalInfo/DeviceInfo/SoftwareVer"))}
                                 .join(QLatin1Char(' '))
                                 .trimmed();
    ecg.acquisition.site = root.textAt(QStringLiteral("PatientVisit/ServicingFacility/Name"));
    const XmlNode *strip = root.child(QStringLiteral("StripData"));
    if (!strip)
        return Result<Ecg>::failure(fail(path, format, QStringLiteral("no StripData (rhythm strip)")));
    ecg.sampleRateHz = strip->textAt(QStringLiteral("SampleRate")).toDouble();
    const XmlNode *resolution = strip->child(QStringLiteral("Resolution"));
    bool ok = false;
    const double perLsb = resolution ? resolution->text.trimmed().toDouble(&ok) : 0.0;
    const QString units = resolution ? resolution->attribute(QStringLiteral("units")) : QString();
    const auto unit = microvoltsPer(units.endsWith(QLatin1String("perLsb"), Qt::CaseInsensitive) ? units.chopped(6) : units);
    if (!unit || !ok || !(perLsb > 0.0))
        return Result<Ecg>::failure(fail(path, format, QStringLiteral("StripData resolution '%1 %2' is not a voltage per unit").arg(resolution ? resolution->text.trimmed() : QString(), units)));
    for (const XmlNode *w : strip->childrenNamed(QStringLiteral("WaveformData"))) {
        const QString name = w->attribute(QStringLiteral("lead"));
        auto values = numberList(w->text, perLsb * *unit);
        if (!values)
            return Result<Ecg>::failure(fail(path, format, QStringLiteral("lead %1: waveform data that is not a list of numbers").arg(name)));
        ecg.leads.push_back(LeadSignal{canonicalLeadName(name), std::move(*values), false, perLsb * *unit});
    }
    if (root.child(QStringLiteral("MedianSamples")))
        ecg.notes << QStringLiteral("median beats (MedianSamples) not shown");
    if (const XmlNode *m = root.child(QStringLiteral("RestingECGMeasurements")))
        for (const XmlNode &c : m->children)
            if (c.children.empty()) { // units as the file gives them; none for counts (QRSNum)
                const QString given = c.attribute(QStringLiteral("units")).toLower();
                addMeasurement(ecg, c.name, c.text, given == QLatin1String("degrees") ? QStringLiteral("deg") : given);
            }
    std::vector<const XmlNode *> texts;
    if (const XmlNode *i = root.child(QStringLiteral("Interpretation")))
        for (const char *name : {"DiagnosisText", "ConclusionText", "StatementText"})
            i->collect(QLatin1String(name), texts);
    for (const XmlNode *t : texts)
        if (!t->text.trimmed().isEmpty())
            ecg.statements << t->text.trimmed();
    return ecg;
}

Result<Ecg> readEcgXml(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<Ecg>::failure(QStringLiteral("%1: XML: cannot open: %2").arg(path, f.errorString()));
    if (f.size() > kMaxXmlBytes)
        return Result<Ecg>::failure(QStringLiteral("%1: XML: %2 bytes is larger than any ECG file").arg(path).arg(f.size()));
    auto tree = parseXml(f.readAll());
    if (!tree)
        return Result<Ecg>::failure(QStringLiteral("%1: XML: %2").arg(path, tree.error()));
    const QString rootName = tree->name;
    Result<Ecg> ecg = Result<Ecg>::failure(
        QStringLiteral("%1: XML: root element <%2> is not an ECG format EcgScope reads (HL7 aECG, GE MUSE, Philips, Schiller SEMA, GE CardioSoft)").arg(path, rootName));
    if (rootName == QLatin1String("AnnotatedECG"))
        ecg = readAecg(path, tree.value());
    else if (rootName == QLatin1String("RestingECG"))
        ecg = readMuse(path, tree.value());
    else if (rootName == QLatin1String("restingecgdata"))
        ecg = readPhilips(path, tree.value());
    else if (rootName.endsWith(QLatin1String("SchillerEDI")))
        ecg = readSchiller(path, tree.value());
    else if (rootName == QLatin1String("CardiologyXML"))
        ecg = readCardioSoft(path, tree.value());
    if (!ecg)
        return ecg;
    if (const QString problem = ecg->finishLoading(); !problem.isEmpty())
        return Result<Ecg>::failure(fail(path, ecg->sourceFormat, problem));
    return ecg;
}

} // namespace ecgscope::io
