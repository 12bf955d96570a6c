#pragma once

#include "core/record/ecg.h"

#include <optional>
#include <utility>
#include <vector>

namespace ecgscope::dsp {

/// Global measurements of a resting ECG, computed by EcgScope itself (not the acquiring system's).
/// Times in ms; fiducials are relative to the R peak of the representative (median) beat.
struct Intervals {
    std::vector<int> rPeaks;       ///< detected R peaks, sample indices
    double heartRateBpm = 0.0;     ///< from the mean RR; 0 with fewer than two beats
    double rrMeanMs = 0.0;
    double rrSdMs = 0.0;           ///< RR variability: standard deviation of RR
    std::vector<int> dominantBeats; ///< the R peaks averaged into the median beat (the others are premature or differently shaped)
    /// The median beat's window relative to its R peak, [from, to] ms (from < 0); 0, 0 with too few beats.
    std::pair<double, double> beatWindowMs{0.0, 0.0};
    std::optional<double> pOnsetMs, qrsOnsetMs, qrsOffsetMs, tEndMs; ///< relative to the R peak
    std::optional<double> prMs, qrsMs, qtMs;
    std::optional<double> qtcBazettMs, qtcFridericiaMs; ///< QT / RR^(1/2), QT / RR^(1/3) with RR in s
    std::optional<double> qrsAxisDeg; ///< frontal QRS axis, -180 to 180° (0° = lead I, +90° = aVF)

    /// Whether the beat at R peak `rPeak` (a sample index of rPeaks) is one of the dominant beats.
    bool isDominant(int rPeak) const;

    /// One line for a header, e.g. "HR 72 bpm, RR 833 ± 12 ms, PR 160 ms, QRS 92 ms, QT/QTc 380/416 ms, axis 45°".
    QString summary() const;
};

/// Detects R peaks (detectQrs), builds a median beat from the dominant beats (premature beats and beats
/// whose QRS differs from the majority are left out) on 0.5-40 Hz filtered leads, and delineates it on
/// the spatial magnitude of the independent leads (I, II, V1-V6) above the isoelectric PR level:
/// QRS onset and offset where the magnitude leaves and returns to baseline (2% of its QRS peak, at least
/// 20 µV, passed slowly; or where the leads stop moving, as with ST elevation), T end where the magnitude
/// after the T peak falls to 5% of it or stops falling, P onset likewise for the largest wave 40-450 ms
/// before the QRS, when the dominant beats are regular and each has that wave (no PR in fibrillation;
/// flutter waves tied to the QRS can pass for P waves). The frontal QRS axis from the median beat's net QRS
/// areas in I and aVF (II − I/2, whose lead vector is √3/2 long), above their isoelectric levels. A
/// measurement is left empty when it cannot be found.
Intervals measureIntervals(const Ecg &ecg);

} // namespace ecgscope::dsp
