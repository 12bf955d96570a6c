#pragma once

#include "core/record/ecg.h"

#include <vector>

namespace ecgscope::dsp {

/// Band-limited resampling of one signal from inRateHz to outRateHz (any ratio).
/// Each output sample is a Blackman-windowed sinc interpolation of the input; when downsampling,
/// the sinc's cutoff is lowered to 0.9 x the new Nyquist frequency, which is the anti-alias filter.
/// Edges are handled by mirroring the signal. Output length is round(n * outRateHz / inRateHz).
std::vector<float> resample(const std::vector<float> &samples, double inRateHz, double outRateHz);

/// Resamples every lead of a record; a record already at outRateHz is returned unchanged.
Ecg resample(const Ecg &ecg, double outRateHz);

} // namespace ecgscope::dsp
