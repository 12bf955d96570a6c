#include "core/dsp/filter.h"

#include "core/record/ecg.h"

#include <algorithm>
#include <cmath>

namespace ecgscope::dsp {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kButterworthQ = 0.70710678118654752;

Biquad normalised(double b0, double b1, double b2, double a0, double a1, double a2)
{
    return {b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0};
}

void runForward(std::vector<double> &x, const Biquad &s)
{
    // Transposed direct form II.
    double z1 = 0.0, z2 = 0.0;
    // Start in the steady state for the first sample, so a DC offset does not produce a step response.
    const double dcGain = (s.b0 + s.b1 + s.b2) / (1.0 + s.a1 + s.a2);
    if (!x.empty() && std::isfinite(dcGain)) {
        const double x0 = x.front(), y0 = dcGain * x0;
        z2 = s.b2 * x0 - s.a2 * y0;
        z1 = s.b1 * x0 - s.a1 * y0 + z2;
    }
    for (double &v : x) {
        const double in = v;
        const double out = s.b0 * in + z1;
        z1 = s.b1 * in - s.a1 * out + z2;
        z2 = s.b2 * in - s.a2 * out;
        v = out;
    }
}

} // namespace

Biquad Biquad::lowpass(double cutoffHz, double rateHz)
{
    const double w = 2.0 * kPi * cutoffHz / rateHz, alpha = std::sin(w) / (2.0 * kButterworthQ), c = std::cos(w);
    return normalised((1 - c) / 2, 1 - c, (1 - c) / 2, 1 + alpha, -2 * c, 1 - alpha);
}

Biquad Biquad::highpass(double cutoffHz, double rateHz, double q)
{
    const double w = 2.0 * kPi * cutoffHz / rateHz, alpha = std::sin(w) / (2.0 * q), c = std::cos(w);
    return normalised((1 + c) / 2, -(1 + c), (1 + c) / 2, 1 + alpha, -2 * c, 1 - alpha);
}

Biquad Biquad::notch(double centreHz, double rateHz, double q)
{
    const double w = 2.0 * kPi * centreHz / rateHz, alpha = std::sin(w) / (2.0 * q), c = std::cos(w);
    return normalised(1, -2 * c, 1, 1 + alpha, -2 * c, 1 - alpha);
}

std::vector<float> filtfilt(const std::vector<float> &samples, const std::vector<Biquad> &sections, double rateHz)
{
    const long n = long(samples.size());
    if (n < 2 || sections.empty())
        return samples;
    const long pad = std::min(n - 1, std::max(1L, long(rateHz)));
    // Odd reflection about the end samples keeps value and slope continuous.
    std::vector<double> x;
    x.reserve(size_t(n + 2 * pad));
    for (long i = pad; i >= 1; --i)
        x.push_back(2.0 * samples.front() - samples[size_t(i)]);
    x.insert(x.end(), samples.begin(), samples.end());
    for (long i = n - 2; i >= n - 1 - pad; --i)
        x.push_back(2.0 * samples.back() - samples[size_t(i)]);
    for (const Biquad &s : sections)
        runForward(x, s);
    std::reverse(x.begin(), x.end());
    for (const Biquad &s : sections)
        runForward(x, s);
    std::reverse(x.begin(), x.end());
    std::vector<float> out(static_cast<size_t>(n));
    for (long i = 0; i < n; ++i)
        out[size_t(i)] = float(x[size_t(i + pad)]);
    return out;
}

std::vector<Biquad> bandpass(double lowHz, double highHz, double rateHz)
{
    std::vector<Biquad> s;
    if (lowHz > 0.0)
        s.push_back(Biquad::highpass(lowHz, rateHz));
    if (highHz < 0.5 * rateHz * 0.98)
        s.push_back(Biquad::lowpass(highHz, rateHz));
    return s;
}

std::vector<Biquad> DisplayFilter::sections(double rateHz) const
{
    std::vector<Biquad> s;
    const double usable = 0.5 * rateHz * 0.98;
    if (baselineRemoval) {
        // 4th-order Butterworth (pole-pair Qs 1/(2cos(pi/8)) and 1/(2cos(3pi/8))): breathing at 0.3 Hz
        // is attenuated 35 dB after both passes, while 1 Hz passes within 0.02 dB.
        s.push_back(Biquad::highpass(0.5, rateHz, 0.54119610014619698));
        s.push_back(Biquad::highpass(0.5, rateHz, 1.3065629648763766));
    }
    if (notchHz > 0 && notchHz < usable)
        s.push_back(Biquad::notch(notchHz, rateHz));
    if (lowpassHz > 0 && lowpassHz < usable)
        s.push_back(Biquad::lowpass(lowpassHz, rateHz));
    return s;
}

QString DisplayFilter::describe() const
{
    QStringList parts;
    if (baselineRemoval || lowpassHz > 0)
        parts << QStringLiteral("%1-%2 Hz")
                     .arg(baselineRemoval ? QStringLiteral("0.5") : QStringLiteral("0"),
                          lowpassHz > 0 ? QString::number(lowpassHz) : QStringLiteral("full"));
    if (notchHz > 0)
        parts << QStringLiteral("%1 Hz notch").arg(notchHz);
    return parts.isEmpty() ? QStringLiteral("no filter") : parts.join(QStringLiteral(", "));
}

Ecg filtered(const Ecg &ecg, const DisplayFilter &filter)
{
    Ecg out = ecg;
    const std::vector<Biquad> s = filter.sections(ecg.sampleRateHz);
    if (s.empty())
        return out;
    for (LeadSignal &lead : out.leads)
        lead.microvolts = filtfilt(lead.microvolts, s, ecg.sampleRateHz);
    return out;
}

} // namespace ecgscope::dsp
