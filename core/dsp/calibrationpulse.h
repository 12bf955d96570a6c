#pragma once

#include "core/record/ecg.h"

#include <optional>

namespace ecgscope::dsp {

/// Finds a device's calibration pulse at the start or the end of a record: flat segments in every lead
/// at once, one of them (40-1000 ms) raised by the same step of 0.45-2.2 mV in every lead above the flat
/// segment beside it (Philips PageWriter and HeartStart exports end with 50 zeros, 100 samples at 1 mV,
/// 50 zeros). Looks 2.5 s into each end; ECG never holds every lead flat at one common offset.
/// @return the pulse and the span of flat samples around it (none when the rest would be under half the record)
std::optional<CalibrationPulse> findCalibrationPulse(const Ecg &ecg, bool atStart);

/// Cuts the pulses findCalibrationPulse finds off both ends of the record, keeps them in
/// ecg.calibrationPulses and says so in a note: measurements, classification and amplitude ranges then
/// see ECG only. Call before any lead is derived from the stored ones.
void removeCalibrationPulses(Ecg &ecg);

} // namespace ecgscope::dsp
