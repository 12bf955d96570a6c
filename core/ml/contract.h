#pragma once

#include "core/record/ecg.h"
#include "core/result.h"

#include <QJsonObject>
#include <QStringList>

#include <vector>

namespace ecgscope::ml {

/// What a model expects as input, stored in its card and enforced at inference: records are resampled
/// to `sampleRateHz`, band-pass filtered (zero phase), cut into windows of `samples` (10 s), and each
/// lead is standardised (zero mean, unit variance) in the listed order. Units are µV on entry.
struct InputContract {
    double sampleRateHz = 100.0;
    int samples = 1000;
    QStringList leads; ///< the 12 standard leads by default
    QString units = QStringLiteral("uV");
    double bandLowHz = 0.5;
    double bandHighHz = 40.0;
    /// Rhythm measures from EcgScope's own QRS detection fed beside the waveform, by name (see
    /// rhythmFeatureNames()); empty for a waveform-only model.
    QStringList features;

    InputContract();
    double windowMs() const { return 1000.0 * samples / sampleRateHz; }
    QJsonObject toJson() const;
    static Result<InputContract> fromJson(const QJsonObject &json);
    bool operator==(const InputContract &other) const;
};

/// Names of the rhythm features a contract may ask for: heart_rate (bpm / 100), rr_cv, rmssd_ratio,
/// irregular_fraction, premature_fraction, pause_ratio (longest / median RR, minus 1).
const QStringList &rhythmFeatureNames();

/// One model input: leads x samples, row-major, standardised; and the window's rhythm features.
struct Window {
    double startMs = 0.0; ///< where the window starts in the record
    std::vector<float> values;
    std::vector<float> features;
};

/// Turns a record into model inputs. A record of up to one window gives one window (zero-padded at the
/// end when shorter); a longer one gives windows every `strideMs` that cover it to its end, so nothing
/// is silently cut. Leads the record lacks are zero (and named in `missingLeads`).
/// Fails when the record's amplitudes cannot be microvolts (e.g. a file in volts or mV read without units).
struct Prepared {
    std::vector<Window> windows;
    QStringList missingLeads;
};
Result<Prepared> prepare(const Ecg &ecg, const InputContract &contract, double strideMs = 5000.0);

} // namespace ecgscope::ml
