#pragma once

#include <QString>

#include <vector>

namespace ecgscope {
struct Ecg;
}

namespace ecgscope::dsp {

/// One second-order IIR section (normalised, a0 = 1), designed with the bilinear transform
/// (RBJ audio-EQ formulas). Frequencies in Hz.
struct Biquad {
    double b0 = 1.0, b1 = 0.0, b2 = 0.0, a1 = 0.0, a2 = 0.0;

    /// Butterworth (Q = 1/sqrt(2)) low-pass at cutoffHz.
    static Biquad lowpass(double cutoffHz, double rateHz);
    /// High-pass at cutoffHz; the default q gives a 2nd-order Butterworth.
    static Biquad highpass(double cutoffHz, double rateHz, double q = 0.70710678118654752);
    /// Notch at centreHz; q = centre / bandwidth (30 removes ±1 Hz around 50 Hz).
    static Biquad notch(double centreHz, double rateHz, double q = 30.0);
};

/// A cascade of sections applied forwards and then backwards: zero phase (R peaks stay where they are),
/// squared magnitude response. The signal is extended at both ends by odd reflection (one second or
/// the whole signal, whichever is shorter) so that edges do not ring.
std::vector<float> filtfilt(const std::vector<float> &samples, const std::vector<Biquad> &sections, double rateHz);
/// The same for several signals at once (the leads of a record: four at a time in vector lanes), each
/// filtered exactly as alone.
std::vector<std::vector<float>> filtfilt(const std::vector<const std::vector<float> *> &signals, const std::vector<Biquad> &sections, double rateHz);

/// High-pass at lowHz and low-pass at highHz (highHz at or above Nyquist is skipped).
std::vector<Biquad> bandpass(double lowHz, double highHz, double rateHz);

/// The viewer's display filters: they change what is drawn, never the stored record.
struct DisplayFilter {
    bool baselineRemoval = false; ///< 4th-order Butterworth high-pass at 0.5 Hz, run both ways (baseline wander)
    int notchHz = 0;              ///< 0 (off), 50 or 60: mains notch
    int lowpassHz = 0;            ///< 0 (off), 40, 100 or 150

    bool isOff() const { return !baselineRemoval && notchHz == 0 && lowpassHz == 0; }
    /// The sections for a record at rateHz (notch and low-pass are skipped at or above Nyquist).
    std::vector<Biquad> sections(double rateHz) const;
    /// How a printout states it, e.g. "0.5-40 Hz, 50 Hz notch", or "no filter".
    QString describe() const;
};

/// A copy of the record with every lead filtered zero-phase by `filter`.
Ecg filtered(const Ecg &ecg, const DisplayFilter &filter);

} // namespace ecgscope::dsp
