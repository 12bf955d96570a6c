#pragma once

#include "core/record/ecg.h"

#include <vector>

namespace ecgscope::dsp {

/// QRS detection after Pan & Tompkins (1985), on all leads at once: each lead is band-passed 5-15 Hz
/// (zero phase), differentiated and squared; the sum over leads is integrated over 150 ms; peaks of the
/// integral are classified as QRS or noise with adaptive thresholds, with a 200 ms refractory period and a
/// search-back for missed beats when an RR interval exceeds 1.66 x the recent mean. Each detection is
/// placed on the steepest point of the QRS, then on the largest deflection within 60 ms.
/// @return R-peak sample indices, ascending
std::vector<int> detectQrs(const Ecg &ecg);

/// Rhythm measures from R peaks (sample indices at `sampleRateHz`) in [fromSample, toSample).
struct RhythmMeasures {
    int beats = 0;
    double heartRateBpm = 0.0;     ///< from the mean RR
    double rrMeanMs = 0.0;
    double rrCv = 0.0;             ///< standard deviation / mean of RR
    double rmssdRatio = 0.0;       ///< RMS of successive RR differences / mean RR
    double irregularFraction = 0.0; ///< successive RR changes larger than 15% of the median RR
    double prematureFraction = 0.0; ///< beats > 20% early followed by a longer cycle
    double longestPauseRatio = 0.0; ///< longest RR / median RR
};
RhythmMeasures rhythmMeasures(const std::vector<int> &peaks, double sampleRateHz, int fromSample = 0, int toSample = -1);

} // namespace ecgscope::dsp
