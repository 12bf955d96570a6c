#pragma once

#include <vector>

namespace ecgscope::dsp {

/// One second-order IIR section (normalised, a0 = 1), designed with the bilinear transform
/// (RBJ audio-EQ formulas). Frequencies in Hz.
struct Biquad {
    double b0 = 1.0, b1 = 0.0, b2 = 0.0, a1 = 0.0, a2 = 0.0;

    /// Butterworth (Q = 1/sqrt(2)) low-pass at cutoffHz.
    static Biquad lowpass(double cutoffHz, double rateHz);
    /// Butterworth high-pass at cutoffHz.
    static Biquad highpass(double cutoffHz, double rateHz);
    /// Notch at centreHz; q = centre / bandwidth (30 removes ±1 Hz around 50 Hz).
    static Biquad notch(double centreHz, double rateHz, double q = 30.0);
};

/// A cascade of sections applied forwards and then backwards: zero phase (R peaks stay where they are),
/// squared magnitude response. The signal is extended at both ends by odd reflection (one second or
/// the whole signal, whichever is shorter) so that edges do not ring.
std::vector<float> filtfilt(const std::vector<float> &samples, const std::vector<Biquad> &sections, double rateHz);

/// High-pass at lowHz and low-pass at highHz (highHz at or above Nyquist is skipped).
std::vector<Biquad> bandpass(double lowHz, double highHz, double rateHz);

} // namespace ecgscope::dsp
