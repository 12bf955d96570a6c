#pragma once

#include "core/record/ecg.h"
#include "core/result.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace ecgscope::synth {

/// Rhythms the generator makes: the six target classes of the classifier and sinus rhythm variants.
enum class Rhythm {
    Sinus,              ///< normal sinus rhythm, 60-100 bpm
    SinusBradycardia,   ///< sinus below 60 bpm
    SinusTachycardia,   ///< sinus above 100 bpm
    FirstDegreeAvBlock, ///< sinus with PR > 200 ms
    MobitzI,            ///< Wenckebach: PR lengthens until a P wave is not conducted
    CompleteAvBlock,    ///< P waves and an escape rhythm independent of each other
    Psvt,               ///< regular narrow-QRS tachycardia without visible P waves
    AtrialFibrillation, ///< irregularly irregular RR, fibrillatory baseline, no P waves
    AtrialFlutter,      ///< sawtooth flutter waves at 250-350 /min, 2:1 or 4:1 conduction
    Vpc,                ///< sinus rhythm with premature wide ventricular beats and compensatory pauses
};

const std::vector<Rhythm> &allRhythms();
/// Short names used on the command line and in labels: "sinus", "sb", "st", "avb1", "mobitz1",
/// "cavb", "psvt", "af", "flutter", "vpc".
QString toString(Rhythm rhythm);
std::optional<Rhythm> rhythmFromString(const QString &name);
/// SNOMED-CT codes of the rhythm, as the PhysioNet/CinC Challenges would label it.
QStringList snomedCodes(Rhythm rhythm);

struct Options {
    Rhythm rhythm = Rhythm::Sinus;
    double sampleRateHz = 500.0;
    double durationMs = 10000.0;
    /// Ventricular rate in bpm (for complete AV block: the escape rate; for flutter: the conducted rate);
    /// 0 draws one from the rhythm's usual range.
    double heartRateBpm = 0.0;
    uint64_t seed = 1;
    /// Scales all noise (baseline wander, muscle noise, mains hum); 0 gives a clean signal.
    double noiseLevel = 1.0;
};

/// Range of ventricular rate (bpm) the generator accepts for a rhythm.
std::pair<double, double> rateRangeBpm(Rhythm rhythm);

enum class BeatKind { Sinus, Ventricular };

/// Ground truth of one ventricular complex; times in ms from the start of the record.
struct Beat {
    BeatKind kind = BeatKind::Sinus;
    double rPeakMs = 0.0;
    double qrsOnsetMs = 0.0;
    double qrsOffsetMs = 0.0;
    double tEndMs = 0.0;
    std::optional<double> prMs; ///< P onset to QRS onset, when a P wave was conducted to this beat
};

struct Truth {
    Rhythm rhythm = Rhythm::Sinus;
    double heartRateBpm = 0.0;  ///< nominal ventricular rate
    double atrialRateBpm = 0.0; ///< nominal atrial rate (0 when there is no organised atrial activity)
    double qrsMs = 0.0;         ///< QRS duration of the patient's normal beats
    double qtcMs = 0.0;         ///< Bazett-corrected QT of the patient's normal beats
    std::vector<Beat> beats;
    std::vector<double> pOnsetsMs; ///< every P wave drawn, conducted or not
};

struct Synthetic {
    Ecg ecg;
    Truth truth;
};

/// Makes a 12-lead ECG: a dipole model of the heart (P, Q, R, S and T waves as Gaussian lobes with 3-D
/// directions per simulated patient) projected onto the 12 lead vectors, driven by a rhythm engine that
/// places atrial and ventricular events, plus noise. Deterministic for a seed. The record carries the
/// rhythm as labels (system "EcgScope" and SNOMED-CT), with origin Generator.
Result<Synthetic> generate(const Options &options);

} // namespace ecgscope::synth
