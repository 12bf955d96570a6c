#pragma once

#include "core/dsp/intervals.h"

#include <vector>

namespace ecgscope::dsp {

/// One RR interval: the tachogram's and the Poincaré plot's point, placed at the beat that ends it.
struct RrInterval {
    size_t beat = 0;       ///< index of the ending beat in Intervals::rPeaks
    double timeMs = 0.0;   ///< that beat's R peak, from the record's start
    double rrMs = 0.0;     ///< from the previous R peak
    bool dominant = true;  ///< the ending beat is one of the median beat's (else premature or shaped otherwise)
};
/// Every RR interval of the detected beats, in order.
std::vector<RrInterval> rrIntervals(const Intervals &intervals, double sampleRateHz);

/// The beats of one lead in the median beat's window, aligned at their R peaks, each shifted to 0 µV at
/// its own isoelectric level (the 20 ms before the median beat's QRS onset, else the window's start), and
/// their sample-by-sample median over the dominant beats. Beats whose window runs off the record are left out.
struct BeatOverlay {
    struct Beat {
        size_t beat = 0; ///< index in Intervals::rPeaks
        bool dominant = true;
        std::vector<float> microvolts;
    };
    double startMs = 0.0;      ///< time of each beat's first sample relative to its R peak
    double sampleRateHz = 0.0;
    std::vector<Beat> beats;
    std::vector<float> median; ///< empty when no dominant beat is whole
};
BeatOverlay beatOverlay(const std::vector<float> &microvolts, double sampleRateHz, const Intervals &intervals);

} // namespace ecgscope::dsp
