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

/// Four channels' values at one instant: one AVX register of doubles (two SSE ones). Only ever a local
/// or read through `Packed`: memory holds plain doubles, whatever its alignment.
using Lanes = double __attribute__((vector_size(4 * sizeof(double))));
using Packed = double __attribute__((vector_size(4 * sizeof(double)), aligned(8), may_alias));

/// One section over groups of four channels, `frames` instants each (x: [instant][channel], channels a
/// multiple of four), forwards or backwards in time. Transposed direct form II, per channel exactly as
/// for one signal; an AVX/FMA clone where the CPU has it (four channels per instruction).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("fma", "default")))
#endif
void runSection(double *x, long frames, size_t groups, const Biquad &s, bool backwards)
{
    std::vector<double> state(8 * groups, 0.0); // z1 and z2 of each group
    auto *z = reinterpret_cast<Packed *>(state.data());
    auto *rows = reinterpret_cast<Packed *>(x);
    const long first = backwards ? frames - 1 : 0, step = backwards ? -1 : 1;
    // Start in the steady state for the first sample, so a DC offset does not produce a step response.
    const double dcGain = (s.b0 + s.b1 + s.b2) / (1.0 + s.a1 + s.a2);
    if (std::isfinite(dcGain)) {
        for (size_t g = 0; g < groups; ++g) {
            const Lanes x0 = rows[size_t(first) * groups + g], y0 = dcGain * x0;
            z[2 * g + 1] = s.b2 * x0 - s.a2 * y0;
            z[2 * g] = s.b1 * x0 - s.a1 * y0 + z[2 * g + 1];
        }
    }
    for (long t = 0; t < frames; ++t) {
        Packed *row = rows + size_t(first + step * t) * groups;
        for (size_t g = 0; g < groups; ++g) {
            const Lanes in = row[g], z1 = z[2 * g], z2 = z[2 * g + 1];
            const Lanes out = s.b0 * in + z1;
            z[2 * g] = s.b1 * in - s.a1 * out + z2;
            z[2 * g + 1] = s.b2 * in - s.a2 * out;
            row[g] = out;
        }
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
    return filtfilt(std::vector<const std::vector<float> *>{&samples}, sections, rateHz).front();
}

std::vector<std::vector<float>> filtfilt(const std::vector<const std::vector<float> *> &signals, const std::vector<Biquad> &sections, double rateHz)
{
    std::vector<std::vector<float>> out;
    const long n = signals.empty() ? 0 : long(signals.front()->size());
    const bool sameLength = std::all_of(signals.begin(), signals.end(), [n](const std::vector<float> *s) { return long(s->size()) == n; });
    if (!sameLength) { // one at a time
        for (const std::vector<float> *s : signals)
            out.push_back(filtfilt(std::vector<const std::vector<float> *>{s}, sections, rateHz).front());
        return out;
    }
    if (n < 2 || sections.empty()) {
        for (const std::vector<float> *s : signals)
            out.push_back(*s);
        return out;
    }
    const long pad = std::min(n - 1, std::max(1L, long(rateHz)));
    const size_t channels = signals.size(), groups = (channels + 3) / 4, stride = 4 * groups;
    const long frames = n + 2 * pad;
    // [instant][channel] with channels rounded up to whole groups of four (the spare ones stay zero).
    // Odd reflection about the end samples keeps value and slope continuous.
    std::vector<double> x(size_t(frames) * stride, 0.0);
    for (size_t c = 0; c < channels; ++c) {
        const std::vector<float> &v = *signals[c];
        const auto at = [&](long t) -> double & { return x[size_t(t) * stride + c]; };
        for (long i = 1; i <= pad; ++i) {
            at(pad - i) = 2.0 * v.front() - v[size_t(i)];
            at(pad + n - 1 + i) = 2.0 * v.back() - v[size_t(n - 1 - i)];
        }
        for (long i = 0; i < n; ++i)
            at(pad + i) = v[size_t(i)];
    }
    for (const Biquad &s : sections)
        runSection(x.data(), frames, groups, s, false);
    for (const Biquad &s : sections)
        runSection(x.data(), frames, groups, s, true);
    out.assign(channels, std::vector<float>(size_t(n)));
    for (size_t c = 0; c < channels; ++c)
        for (long i = 0; i < n; ++i)
            out[c][size_t(i)] = float(x[size_t(pad + i) * stride + c]);
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
    std::vector<const std::vector<float> *> signals;
    for (const LeadSignal &lead : ecg.leads)
        signals.push_back(&lead.microvolts);
    std::vector<std::vector<float>> f = filtfilt(signals, s, ecg.sampleRateHz);
    for (size_t l = 0; l < f.size(); ++l)
        out.leads[l].microvolts = std::move(f[l]);
    return out;
}

} // namespace ecgscope::dsp
