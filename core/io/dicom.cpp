#include "core/io/dicom.h"

#include "core/io/leadcodes.h"
#include "core/privatefile.h"

#include <dcmtk/dcmdata/dctk.h>

#include <QFileInfo>

#include <algorithm>
#include <cmath>

namespace ecgscope::io {

namespace {

constexpr const char *kTwelveLead = "1.2.840.10008.5.1.4.1.1.9.1.1";
constexpr const char *kGeneralEcg = "1.2.840.10008.5.1.4.1.1.9.1.2";
constexpr const char *kAmbulatoryEcg = "1.2.840.10008.5.1.4.1.1.9.1.3";

QString fail(const QString &path, const QString &problem) { return QStringLiteral("%1: DICOM: %2").arg(path, problem); }

QString text(DcmItem *item, const DcmTagKey &tag)
{
    OFString s;
    if (item && item->findAndGetOFStringArray(tag, s).good())
        return QString::fromUtf8(s.c_str()).trimmed();
    return {};
}

double number(DcmItem *item, const DcmTagKey &tag, double fallback)
{
    Float64 v = 0.0;
    return item && item->findAndGetFloat64(tag, v).good() && std::isfinite(v) ? double(v) : fallback;
}

std::optional<double> microvoltsPerUnit(const QString &unit)
{
    const QString u = unit.trimmed();
    if (u == QLatin1String("uV") || u.compare(QLatin1String("microvolt"), Qt::CaseInsensitive) == 0)
        return 1.0;
    if (u == QLatin1String("mV") || u.compare(QLatin1String("millivolt"), Qt::CaseInsensitive) == 0)
        return 1000.0;
    if (u == QLatin1String("V") || u.compare(QLatin1String("volt"), Qt::CaseInsensitive) == 0)
        return 1.0e6;
    if (u == QLatin1String("nV"))
        return 1.0e-3;
    return std::nullopt;
}

/// DICOM person names use '^' between components.
QString personName(const QString &dicom) { return QString(dicom).replace(QLatin1Char('^'), QLatin1Char(' ')).simplified(); }

/// The ECG lead a channel records, by its ChannelSourceSequence; empty for any other channel.
QString channelLead(DcmItem *definition)
{
    DcmItem *source = nullptr;
    definition->findAndGetSequenceItem(DCM_ChannelSourceSequence, source, 0);
    return leadFromDicomCode(text(source, DCM_CodeValue), text(source, DCM_CodingSchemeDesignator), text(source, DCM_CodeMeaning));
}

int ecgChannelCount(DcmItem *group)
{
    DcmSequenceOfItems *definitions = nullptr;
    if (group->findAndGetSequence(DCM_ChannelDefinitionSequence, definitions).bad() || !definitions)
        return 0;
    int count = 0;
    for (unsigned long i = 0; i < definitions->card(); ++i)
        count += channelLead(definitions->getItem(i)).isEmpty() ? 0 : 1;
    return count;
}

void readAnnotations(DcmDataset *ds, Ecg &ecg)
{
    DcmSequenceOfItems *annotations = nullptr;
    if (ds->findAndGetSequence(DCM_WaveformAnnotationSequence, annotations).bad() || !annotations)
        return;
    for (unsigned long i = 0; i < annotations->card(); ++i) {
        DcmItem *a = annotations->getItem(i);
        const QString statement = text(a, DCM_UnformattedTextValue);
        if (!statement.isEmpty()) {
            ecg.statements << statement;
            continue;
        }
        DcmItem *concept = nullptr;
        DcmItem *units = nullptr;
        a->findAndGetSequenceItem(DCM_ConceptNameCodeSequence, concept, 0);
        a->findAndGetSequenceItem(DCM_MeasurementUnitsCodeSequence, units, 0);
        const QString name = text(concept, DCM_CodeMeaning);
        Float64 value = 0.0;
        if (!name.isEmpty() && a->findAndGetFloat64(DCM_NumericValue, value).good()) {
            // Annotations may carry a concept alone (e.g. a coded statement): keep those as statements.
            ecg.measurements.push_back({name, double(value), text(units, DCM_CodeValue)});
        } else if (!name.isEmpty() && !a->tagExists(DCM_ReferencedSamplePositions)) {
            // (Annotations at sample positions are fiducials such as "QRS onset", not statements.)
            DcmItem *conceptValue = nullptr;
            a->findAndGetSequenceItem(DCM_ConceptCodeSequence, conceptValue, 0);
            const QString meaning = text(conceptValue, DCM_CodeMeaning);
            ecg.statements << (meaning.isEmpty() ? name : name + QStringLiteral(": ") + meaning);
        }
    }
}

} // namespace

Result<Ecg> readDicom(const QString &path)
{
    DcmFileFormat file;
    // Elements above 64 kB are read on access only, so a hostile declared length cannot allocate up front.
    const OFCondition loaded = file.loadFile(OFFilename(QFile::encodeName(path).constData()), EXS_Unknown, EGL_noChange, 65536);
    if (loaded.bad())
        return Result<Ecg>::failure(fail(path, QStringLiteral("cannot parse: %1").arg(QString::fromLatin1(loaded.text()))));
    DcmDataset *ds = file.getDataset();
    const QString sopClass = text(ds, DCM_SOPClassUID);
    const bool ecgClass = sopClass == QLatin1String(kTwelveLead) || sopClass == QLatin1String(kGeneralEcg) || sopClass == QLatin1String(kAmbulatoryEcg);
    DcmSequenceOfItems *groups = nullptr;
    if (ds->findAndGetSequence(DCM_WaveformSequence, groups).bad() || !groups || groups->card() == 0)
        return Result<Ecg>::failure(fail(path, ecgClass ? QStringLiteral("no WaveformSequence")
                                                        : QStringLiteral("SOP class '%1' holds no waveform").arg(sopClass)));
    // The rhythm group: labelled RHYTHM, else the original group with the most ECG leads, then samples
    // (a hemodynamic file may hold the ECG and the pressures in separate groups).
    DcmItem *group = nullptr;
    std::pair<int, Uint32> best{-1, 0};
    for (unsigned long i = 0; i < groups->card(); ++i) {
        DcmItem *g = groups->getItem(i);
        if (text(g, DCM_MultiplexGroupLabel).compare(QLatin1String("RHYTHM"), Qt::CaseInsensitive) == 0) {
            group = g;
            break;
        }
        Uint32 samples = 0;
        g->findAndGetUint32(DCM_NumberOfWaveformSamples, samples);
        const std::pair<int, Uint32> score{ecgChannelCount(g), samples};
        if (text(g, DCM_WaveformOriginality) != QLatin1String("DERIVED") && score > best) {
            best = score;
            group = g;
        }
    }
    QStringList skipped;
    for (unsigned long i = 0; i < groups->card(); ++i) {
        if (groups->getItem(i) != group) {
            const QString label = text(groups->getItem(i), DCM_MultiplexGroupLabel);
            skipped << (label.isEmpty() ? QStringLiteral("group %1").arg(i + 1) : label);
        }
    }
    if (!group)
        return Result<Ecg>::failure(fail(path, QStringLiteral("no original waveform group")));

    Uint16 channels = 0, bitsAllocated = 0;
    Uint32 samples = 0;
    group->findAndGetUint16(DCM_NumberOfWaveformChannels, channels);
    group->findAndGetUint32(DCM_NumberOfWaveformSamples, samples);
    group->findAndGetUint16(DCM_WaveformBitsAllocated, bitsAllocated);
    const double rate = number(group, DCM_SamplingFrequency, 0.0);
    const QString interpretation = text(group, DCM_WaveformSampleInterpretation);
    if (channels == 0 || samples == 0 || !(rate > 0.0))
        return Result<Ecg>::failure(fail(path, QStringLiteral("waveform group declares %1 channels, %2 samples, %3 Hz").arg(channels).arg(samples).arg(rate)));
    if (bitsAllocated != 16 || (interpretation != QLatin1String("SS") && interpretation != QLatin1String("US")))
        return Result<Ecg>::failure(fail(path, QStringLiteral("waveform samples of %1 bits '%2' are not supported (16-bit SS or US)").arg(bitsAllocated).arg(interpretation)));
    const Uint16 *data = nullptr;
    unsigned long count = 0;
    if (group->findAndGetUint16Array(DCM_WaveformData, data, &count).bad() || !data)
        return Result<Ecg>::failure(fail(path, QStringLiteral("WaveformData is missing or not 16-bit")));
    if (count != static_cast<unsigned long>(channels) * samples)
        return Result<Ecg>::failure(fail(path, QStringLiteral("WaveformData holds %1 values, %2 channels x %3 samples need %4")
                                                   .arg(count).arg(channels).arg(samples).arg(qulonglong(channels) * samples)));
    DcmSequenceOfItems *definitions = nullptr;
    if (group->findAndGetSequence(DCM_ChannelDefinitionSequence, definitions).bad() || !definitions || definitions->card() != channels)
        return Result<Ecg>::failure(fail(path, QStringLiteral("ChannelDefinitionSequence does not describe the %1 channels").arg(channels)));

    Ecg ecg;
    ecg.sampleRateHz = rate;
    ecg.sourcePath = QFileInfo(path).absoluteFilePath();
    ecg.sourceFormat = QStringLiteral("DICOM");
    const bool isSigned = interpretation == QLatin1String("SS");
    QStringList others; // channels that are not ECG leads: listed, not read
    for (Uint16 c = 0; c < channels; ++c) {
        DcmItem *def = definitions->getItem(c);
        DcmItem *source = nullptr, *unitItem = nullptr;
        def->findAndGetSequenceItem(DCM_ChannelSourceSequence, source, 0);
        def->findAndGetSequenceItem(DCM_ChannelSensitivityUnitsSequence, unitItem, 0);
        QString name = channelLead(def);
        const QString meaning = text(source, DCM_CodeMeaning);
        const QString unit = text(unitItem, DCM_CodeValue);
        const auto scale = microvoltsPerUnit(unit.isEmpty() ? QStringLiteral("mV") : unit);
        // Other SOP classes (hemodynamic, electrophysiology) hold ECG leads beside pressures: a channel
        // counts by its source code there; in an ECG SOP class any voltage channel is ECG.
        if (!scale || (name.isEmpty() && !ecgClass)) {
            others << QStringLiteral("%1 (%2)").arg(meaning.isEmpty() ? QStringLiteral("channel %1").arg(c + 1) : meaning,
                                                    unit.isEmpty() ? QStringLiteral("no unit") : unit);
            continue;
        }
        if (name.isEmpty())
            name = meaning.isEmpty() ? QStringLiteral("channel %1").arg(c + 1) : meaning;
        const double sensitivity = number(def, DCM_ChannelSensitivity, 1.0);
        const double correction = number(def, DCM_ChannelSensitivityCorrectionFactor, 1.0);
        const double baseline = number(def, DCM_ChannelBaseline, 0.0);
        LeadSignal lead;
        lead.name = name;
        lead.resolutionMicrovolts = sensitivity * correction * *scale;
        lead.microvolts.resize(samples);
        for (Uint32 t = 0; t < samples; ++t) {
            const Uint16 raw = data[size_t(t) * channels + c];
            const double v = isSigned ? double(Sint16(raw)) : double(raw);
            lead.microvolts[t] = float((v * sensitivity * correction + baseline) * *scale);
        }
        ecg.leads.push_back(std::move(lead));
    }
    if (ecg.leads.empty())
        return Result<Ecg>::failure(fail(path, QStringLiteral("SOP class '%1': no channel is an ECG lead (%2)").arg(sopClass, others.join(QStringLiteral(", ")))));
    if (!ecgClass)
        ecg.notes << QStringLiteral("ECG leads read from a waveform of SOP class %1 (not an ECG SOP class)").arg(sopClass);
    if (!others.isEmpty())
        ecg.notes << QStringLiteral("channels that are not ECG leads, not shown: %1").arg(others.join(QStringLiteral(", ")));
    if (!skipped.isEmpty())
        ecg.notes << QStringLiteral("waveform groups not shown: %1").arg(skipped.join(QStringLiteral(", ")));

    ecg.patient.name = personName(text(ds, DCM_PatientName));
    ecg.patient.id = text(ds, DCM_PatientID);
    ecg.patient.sex = sexFromString(text(ds, DCM_PatientSex));
    ecg.patient.birthDate = QDate::fromString(text(ds, DCM_PatientBirthDate), QStringLiteral("yyyyMMdd"));
    const QString age = text(ds, DCM_PatientAge); // "045Y"
    if (age.endsWith(QLatin1Char('Y')))
        ecg.patient.ageYears = age.chopped(1).toInt();
    const QString acquired = text(ds, DCM_AcquisitionDateTime);
    ecg.acquisition.start = acquired.isEmpty()
                                ? QDateTime(QDate::fromString(text(ds, DCM_ContentDate), QStringLiteral("yyyyMMdd")),
                                            QTime::fromString(text(ds, DCM_ContentTime).left(6), QStringLiteral("HHmmss")))
                                : QDateTime::fromString(acquired.left(14), QStringLiteral("yyyyMMddHHmmss"));
    if (text(ds, DCM_LongitudinalTemporalInformationModified) == QLatin1String("REMOVED"))
        ecg.acquisition.start = QDateTime(); // the dates are de-identification's dummies
    ecg.acquisition.device = QStringList{text(ds, DCM_Manufacturer), text(ds, DCM_ManufacturerModelName)}.join(QLatin1Char(' ')).trimmed();
    ecg.acquisition.site = text(ds, DCM_InstitutionName);
    readAnnotations(ds, ecg);

    if (const QString problem = ecg.finishLoading(); !problem.isEmpty())
        return Result<Ecg>::failure(fail(path, problem));
    return ecg;
}

Status writeDicom(const Ecg &ecg, const QString &path, const DicomWriteOptions &options)
{
    const QString problem = ecg.validate();
    if (!problem.isEmpty())
        return Status::failure(fail(path, QStringLiteral("cannot write an invalid record: %1").arg(problem)));
    if (ecg.sampleRateHz < 200.0 || ecg.sampleRateHz > 1000.0)
        return Status::failure(fail(path, QStringLiteral("ECG waveform IODs need 200-1000 Hz, the record has %1 Hz (convert with --rate)").arg(ecg.sampleRateHz)));
    const size_t channels = ecg.leads.size();
    const size_t samples = size_t(ecg.sampleCount());
    const bool twelveLead = channels <= 13 && samples <= 16384;
    if (!twelveLead && channels > 24)
        return Status::failure(fail(path, QStringLiteral("%1 leads: General ECG Waveform Storage holds at most 24").arg(channels)));

    DcmFileFormat file;
    DcmDataset *ds = file.getDataset();
    char uid[100];
    const auto put = [ds](const DcmTagKey &tag, const QString &value) { ds->putAndInsertString(tag, value.toUtf8().constData()); };
    put(DCM_SpecificCharacterSet, QStringLiteral("ISO_IR 192"));
    put(DCM_SOPClassUID, QLatin1String(twelveLead ? kTwelveLead : kGeneralEcg));
    put(DCM_SOPInstanceUID, QLatin1String(dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT)));
    put(DCM_StudyInstanceUID, QLatin1String(dcmGenerateUniqueIdentifier(uid, SITE_STUDY_UID_ROOT)));
    put(DCM_SeriesInstanceUID, QLatin1String(dcmGenerateUniqueIdentifier(uid, SITE_SERIES_UID_ROOT)));
    // Content date and acquisition date-time are required: a record without a date (or whose dates
    // de-identification removed) gets the dummy 1900-01-01 00:00, never today's date, marked below.
    const bool dated = ecg.acquisition.start.isValid();
    const QDateTime start = dated ? ecg.acquisition.start : QDateTime(QDate(1900, 1, 1), QTime(0, 0));
    put(DCM_StudyDate, dated ? start.toString(QStringLiteral("yyyyMMdd")) : QString());
    put(DCM_StudyTime, dated ? start.toString(QStringLiteral("HHmmss")) : QString());
    put(DCM_ContentDate, start.toString(QStringLiteral("yyyyMMdd")));
    put(DCM_ContentTime, start.toString(QStringLiteral("HHmmss")));
    put(DCM_AcquisitionDateTime, start.toString(QStringLiteral("yyyyMMddHHmmss")));
    put(DCM_Modality, QStringLiteral("ECG"));
    put(DCM_Manufacturer, ecg.acquisition.device);
    put(DCM_InstitutionName, ecg.acquisition.site);
    put(DCM_ReferringPhysicianName, {});
    put(DCM_StudyID, QStringLiteral("1"));
    put(DCM_AccessionNumber, {});
    put(DCM_SeriesNumber, QStringLiteral("1"));
    put(DCM_InstanceNumber, QStringLiteral("1"));
    put(DCM_PatientName, QString(ecg.patient.name).replace(QLatin1Char(' '), QLatin1Char('^')));
    put(DCM_PatientID, ecg.patient.id);
    put(DCM_PatientBirthDate, ecg.patient.birthDate.isValid() ? ecg.patient.birthDate.toString(QStringLiteral("yyyyMMdd")) : QString());
    if (const Deidentifier *d = options.deidentified) {
        put(DCM_PatientIdentityRemoved, QStringLiteral("YES"));
        put(DCM_DeidentificationMethod, d->method());
    }
    // The dummy dates are marked so readers (ours included) do not take them for the acquisition's.
    if (!dated)
        put(DCM_LongitudinalTemporalInformationModified, QStringLiteral("REMOVED"));
    else if (options.deidentified && options.deidentified->dates == DateHandling::Shift)
        put(DCM_LongitudinalTemporalInformationModified, QStringLiteral("MODIFIED"));
    put(DCM_PatientSex, ecg.patient.sex == Sex::Male ? QStringLiteral("M") : ecg.patient.sex == Sex::Female ? QStringLiteral("F") : QStringLiteral("O"));
    if (ecg.patient.ageYears)
        put(DCM_PatientAge, QStringLiteral("%1Y").arg(*ecg.patient.ageYears, 3, 10, QLatin1Char('0')));
    ds->insertEmptyElement(DCM_AcquisitionContextSequence);

    DcmItem *group = nullptr;
    ds->findOrCreateSequenceItem(DCM_WaveformSequence, group, -2);
    group->putAndInsertString(DCM_WaveformOriginality, "ORIGINAL");
    group->putAndInsertUint16(DCM_NumberOfWaveformChannels, Uint16(channels));
    group->putAndInsertUint32(DCM_NumberOfWaveformSamples, Uint32(samples));
    group->putAndInsertString(DCM_SamplingFrequency, QString::number(ecg.sampleRateHz, 'g', 10).toLatin1().constData());
    group->putAndInsertString(DCM_MultiplexGroupLabel, "RHYTHM");
    std::vector<Uint16> data(channels * samples);
    for (size_t c = 0; c < channels; ++c) {
        const LeadSignal &lead = ecg.leads[c];
        const float peak = std::abs(*std::max_element(lead.microvolts.begin(), lead.microvolts.end(), [](float a, float b) { return std::abs(a) < std::abs(b); }));
        // 1 uV per unit where the lead fits in 16 bits, else the smallest whole number of uV that does.
        const double sensitivity = peak < 32000.0f ? 1.0 : std::ceil(double(peak) / 32000.0);
        for (size_t t = 0; t < samples; ++t)
            data[t * channels + c] = Uint16(Sint16(std::lround(lead.microvolts[t] / sensitivity)));
        DcmItem *def = nullptr, *source = nullptr, *units = nullptr;
        group->findOrCreateSequenceItem(DCM_ChannelDefinitionSequence, def, -2);
        def->findOrCreateSequenceItem(DCM_ChannelSourceSequence, source, -2);
        const int code = codeFromLead(lead.name);
        if (code) {
            source->putAndInsertString(DCM_CodeValue, QStringLiteral("2:%1").arg(code).toLatin1().constData());
            source->putAndInsertString(DCM_CodingSchemeDesignator, "MDC");
            source->putAndInsertString(DCM_CodeMeaning, (QStringLiteral("Lead ") + lead.name).toUtf8().constData());
        } else {
            // Not in the MDC table: a private code keeps the name.
            source->putAndInsertString(DCM_CodeValue, lead.name.left(16).toUtf8().constData());
            source->putAndInsertString(DCM_CodingSchemeDesignator, "99ECGSCOPE");
            source->putAndInsertString(DCM_CodeMeaning, lead.name.toUtf8().constData());
        }
        def->putAndInsertString(DCM_ChannelSensitivity, QString::number(sensitivity, 'g', 10).toLatin1().constData());
        def->findOrCreateSequenceItem(DCM_ChannelSensitivityUnitsSequence, units, -2);
        units->putAndInsertString(DCM_CodeValue, "uV");
        units->putAndInsertString(DCM_CodingSchemeDesignator, "UCUM");
        units->putAndInsertString(DCM_CodeMeaning, "microvolt");
        def->putAndInsertString(DCM_ChannelSensitivityCorrectionFactor, "1");
        def->putAndInsertString(DCM_ChannelBaseline, "0");
        def->putAndInsertString(DCM_ChannelSampleSkew, "0");
        def->putAndInsertUint16(DCM_WaveformBitsStored, 16);
    }
    group->putAndInsertUint16(DCM_WaveformBitsAllocated, 16);
    group->putAndInsertString(DCM_WaveformSampleInterpretation, "SS");
    group->putAndInsertUint16Array(DCM_WaveformData, data.data(), static_cast<unsigned long>(data.size()));

    for (const QString &statement : ecg.statements) {
        DcmItem *a = nullptr;
        ds->findOrCreateSequenceItem(DCM_WaveformAnnotationSequence, a, -2);
        a->putAndInsertString(DCM_UnformattedTextValue, statement.toUtf8().constData());
        const Uint16 wholeGroup[] = {1, 0}; // multiplex group 1, channel 0 = all channels
        a->putAndInsertUint16Array(DCM_ReferencedWaveformChannels, wholeGroup, 2);
        a->putAndInsertUint16(DCM_AnnotationGroupNumber, 0);
    }

    // Written beside the target and renamed, so a failed write never leaves half a file under the name.
    const QString part = path + QStringLiteral(".part");
    if (Status s = createPrivateFile(part); !s) // DCMTK then writes into it, keeping the owner-only mode
        return s;
    const OFCondition saved = file.saveFile(OFFilename(QFile::encodeName(part).constData()), EXS_LittleEndianExplicit);
    if (saved.bad()) {
        QFile::remove(part);
        return Status::failure(fail(path, QStringLiteral("cannot write: %1").arg(QString::fromLatin1(saved.text()))));
    }
    QFile::remove(path);
    if (!QFile::rename(part, path))
        return Status::failure(fail(path, QStringLiteral("cannot move %1 into place").arg(part)));
    return success();
}

} // namespace ecgscope::io
