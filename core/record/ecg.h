#pragma once

#include <QDate>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace ecgscope {

/// The twelve standard leads in the order every part of EcgScope uses.
const QStringList &standardLeadNames();

/// Maps a lead name as files spell it ("avr", "AVR", " v1 ") to its standard spelling ("aVR", "V1").
/// Names that are not standard leads (Frank "vx", "V3R", ...) are returned trimmed, unchanged otherwise.
QString canonicalLeadName(const QString &name);

/// Where a label came from; reviews and training care about the difference.
enum class LabelOrigin { Dataset, Model, User, Generator };
QString toString(LabelOrigin origin);
std::optional<LabelOrigin> labelOriginFromString(const QString &text);

/// One diagnostic statement attached to a record.
struct Label {
    QString code;   ///< e.g. "164889003" (SNOMED-CT), "AFIB" (PTB-XL), "af" (generator rhythm)
    QString system; ///< coding system: "SNOMED-CT", "PTB-XL", "EcgScope", ...
    LabelOrigin origin = LabelOrigin::Dataset;
    QString author; ///< user name or model id, where the origin has one

    bool operator==(const Label &other) const;
};

enum class Sex { Unknown, Male, Female };
QString toString(Sex sex);
Sex sexFromString(const QString &text);

struct PatientInfo {
    QString id;
    QString name;
    Sex sex = Sex::Unknown;
    std::optional<int> ageYears;
    bool ageOver89 = false; ///< de-identified: the age is "90 or older" (ageYears holds 90)
    QDate birthDate;
};

struct AcquisitionInfo {
    QDateTime start; ///< invalid when the file does not say
    QString device;
    QString site;
};

/// A measurement the acquiring system made (e.g. "PR Interval" 148 ms).
struct Measurement {
    QString name;
    double value = 0.0;
    QString unit;
};

/// One lead's samples, in microvolts.
struct LeadSignal {
    QString name;
    std::vector<float> microvolts;
    bool derived = false; ///< computed from other leads, not stored in the source file
    double resolutionMicrovolts = 0.0; ///< the source's step, µV per stored unit (0: not known); writers keep it

    /// False for a lead that holds one constant value (not connected or not recorded).
    bool hasSignal() const;
};

/// A beat annotation from the source (an ISHNE .ann file): its sample and the label the file gives
/// ("N" normal, "V" ventricular, ...).
struct BeatAnnotation {
    int sample = 0;
    QString label;
};

/// A device's calibration pulse found at one end of a record and cut off it (dsp::removeCalibrationPulses).
struct CalibrationPulse {
    bool atStart = false;
    double amplitudeMicrovolts = 0.0; ///< the step above the flat level beside it (median over leads)
    double durationMs = 0.0;          ///< the raised plateau
    double onsetMs = 0.0;             ///< where the plateau starts, in the record as stored
    int removedFirstSample = 0;       ///< the cut span (pulse and flat samples around it), as stored
    int removedSamples = 0;
};

/// A recording: all leads share one sampling rate and length.
struct Ecg {
    double sampleRateHz = 0.0;
    std::vector<LeadSignal> leads;
    PatientInfo patient;
    AcquisitionInfo acquisition;
    std::vector<Label> labels;
    QStringList statements; ///< the acquiring system's own interpretation text, when the file has it
    std::vector<Measurement> measurements; ///< the acquiring system's own measurements
    std::vector<BeatAnnotation> beats; ///< the source's own beat annotations, when it has them
    std::vector<CalibrationPulse> calibrationPulses; ///< cut off the record on loading; the sheet draws them
    QStringList notes;      ///< what EcgScope did to the data on loading (derived leads, ...)
    QString sourcePath;
    QString sourceFormat; ///< "WFDB", "DICOM", ...

    int sampleCount() const { return leads.empty() ? 0 : int(leads.front().microvolts.size()); }
    double durationMs() const { return sampleRateHz > 0 ? 1000.0 * sampleCount() / sampleRateHz : 0.0; }
    /// The lead with this name (any spelling canonicalLeadName accepts), or nullptr.
    const LeadSignal *lead(const QString &name) const;
    int leadIndex(const QString &name) const;
    QStringList leadNames() const;

    /// Puts the standard leads first, in standard order; other leads keep their relative order after them.
    void sortLeads();

    /// Adds III, aVR, aVL and aVF computed from I and II (Einthoven/Goldberger) where they are missing,
    /// as 8-lead files store only I, II and V1-V6. Records what it did in notes.
    /// @return the names of the leads it derived (empty when none were missing or I/II are absent)
    QStringList deriveMissingLimbLeads();

    /// Checks the invariants every reader must establish: a positive rate, at least one lead,
    /// equal lead lengths, finite samples. @return an empty string when valid, else the problem.
    QString validate() const;

    /// What every reader does last: validate, cut calibration pulses off the ends, then put the leads in
    /// standard order and derive missing limb leads. @return validate()'s problem (the record is then left as it was), or an empty string
    QString finishLoading();
    /// Adds notes when most leads exceed 20 mV or a lead's stored step is coarser than 20 µV (a wrong scale
    /// in the file, never a real surface ECG), when most leads are noise spanning millivolts (a wrong
    /// encoding), and for leads that hold a constant (no signal).
    void noteImplausibleAmplitudes();
};

} // namespace ecgscope
