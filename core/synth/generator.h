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
    SinusArrhythmia,    ///< sinus rhythm with marked respiratory variation of RR
    Pac,                ///< sinus rhythm with premature atrial beats (narrow QRS, reset sinus node)
};

const std::vector<Rhythm> &allRhythms();
/// Short names used on the command line and in labels: "sinus", "sb", "st", "avb1", "mobitz1",
/// "cavb", "psvt", "af", "flutter", "vpc", "sa", "pac".
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
    /// Scales all noise (baseline wander, muscle noise, mains hum, electrode motion); 0 gives a clean signal.
    double noiseLevel = 1.0;
    /// Draws patient-level variants from the seed, at roughly their prevalence in 12-lead archives:
    /// bundle-branch block (8% right, 4% left), ST-T changes (10%), LA/RA electrode reversal (2%).
    bool variants = true;
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

enum class Conduction { Normal, RightBundleBranchBlock, LeftBundleBranchBlock };

struct Truth {
    Rhythm rhythm = Rhythm::Sinus;
    Conduction conduction = Conduction::Normal;
    bool stChanges = false;
    bool armLeadsReversed = false;
    double heartRateBpm = 0.0;  ///< nominal ventricular rate
    double atrialRateBpm = 0.0; ///< nominal atrial rate (0 when there is no organised atrial activity)
    double qrsMs = 0.0;         ///< QRS duration of the patient's normal beats
    double qtcMs = 0.0;         ///< Bazett-corrected QT of the patient's normal beats
    double qrsAxisDeg = 0.0;    ///< frontal axis of the normal beats' net QRS vector (their lobes' areas), 0° = lead I, +90° = aVF
    std::vector<Beat> beats;
    std::vector<double> pOnsetsMs; ///< every sinus P wave drawn, conducted or not
    std::vector<double> ectopicPOnsetsMs; ///< premature atrial (PAC) P waves
};

struct Synthetic {
    Ecg ecg;
    Truth truth;
};

/// Makes a 12-lead ECG. Rates, QRS widths and QTc are drawn per rhythm from the 5th/50th/95th
/// percentiles measured on 10,646 real ECGs (Chapman-Shaoxing); axes likewise. A dipole model of the heart (P, Q, R, S and T waves as Gaussian lobes with 3-D
/// directions per simulated patient) projected onto the 12 lead vectors, driven by a rhythm engine that
/// places atrial and ventricular events, plus noise. Deterministic for a seed. The record carries the
/// rhythm as labels (system "EcgScope" and SNOMED-CT), with origin Generator.
Result<Synthetic> generate(const Options &options);

} // namespace ecgscope::synth
