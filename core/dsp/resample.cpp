#include "core/dsp/resample.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <numeric>

namespace ecgscope::dsp {

namespace {

constexpr double kPi = 3.14159265358979323846;
// Zero crossings of the sinc kept on each side, in units of the (lower) Nyquist period:
// 24 gives a stop band near -70 dB with the Blackman window.
constexpr int kHalfZeroCrossings = 24;
// Cutoff as a fraction of the lower of the two Nyquist frequencies, leaving room for the transition band.
constexpr double kCutoffFraction = 0.9;
// Floats per vector of the dot product; kernels are padded with zero taps to a multiple of it.
constexpr size_t kLanes = 8;
// Rational ratios with more phases than this are computed per output sample instead of cached.
constexpr long kMaxCachedPhases = 4096;

double sinc(double x) { return x == 0.0 ? 1.0 : std::sin(kPi * x) / (kPi * x); }

// Mirror index into [0, n) so that edges see a continuation of the signal, not a step to zero.
long mirror(long i, long n)
{
    if (n == 1)
        return 0;
    const long period = 2 * (n - 1);
    i %= period;
    if (i < 0)
        i += period;
    return i < n ? i : period - i;
}

// Normalised interpolation kernel for an output instant `frac` input samples after an input sample:
// taps at offsets firstOffset .. firstOffset + size - 1 from that sample.
struct Kernel {
    long firstOffset = 0;
    std::vector<float> taps;
};

Kernel makeKernel(double frac, double cutoff, double halfWidth)
{
    Kernel k;
    k.firstOffset = long(std::ceil(frac - halfWidth));
    const long lastOffset = long(std::floor(frac + halfWidth));
    std::vector<double> taps;
    double sum = 0.0;
    for (long i = k.firstOffset; i <= lastOffset; ++i) {
        const double d = double(i) - frac;
        const double w = 0.42 + 0.5 * std::cos(kPi * d / halfWidth) + 0.08 * std::cos(2.0 * kPi * d / halfWidth);
        taps.push_back(2.0 * cutoff * sinc(2.0 * cutoff * d) * w);
        sum += taps.back();
    }
    // Normalising by the kernel's sum keeps the DC gain exactly 1 at every fractional phase.
    for (double t : taps)
        k.taps.push_back(float(t / sum));
    // Zero taps up to a whole number of vector lanes: dotProduct then needs no scalar tail.
    k.taps.resize((k.taps.size() + kLanes - 1) / kLanes * kLanes, 0.0f);
    return k;
}

/// The kernels of one pair of integer rates, one per phase; made once per process (they cost more trig
/// than the convolution of a 10 s lead) and shared by every thread.
const std::vector<Kernel> &phaseKernels(long inRate, long outRate, long phases, double cutoff, double halfWidth)
{
    static std::mutex lock;
    static std::map<std::pair<long, long>, std::vector<Kernel>> cache;
    const std::lock_guard<std::mutex> guard(lock);
    std::vector<Kernel> &kernels = cache[{inRate, outRate}];
    if (kernels.empty())
        for (long p = 0; p < phases; ++p)
            kernels.push_back(makeKernel(double(p) / double(phases), cutoff, halfWidth));
    return kernels; // std::map never moves its elements
}

// The inner loop (about 270 taps per output sample for 500 -> 100 Hz): four independent sums of eight
// lanes, so that the vector units are not kept waiting on one running sum; an FMA/AVX clone is chosen at load time
// on CPUs that have it.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("fma", "default")))
#endif
float dotProduct(const float *a, const float *b, size_t n)
{
    using Lanes = float __attribute__((vector_size(kLanes * sizeof(float)))); // one AVX register, two SSE ones
    using Unaligned = float __attribute__((vector_size(kLanes * sizeof(float)), aligned(4), may_alias));
    const auto *x = reinterpret_cast<const Unaligned *>(a);
    const auto *y = reinterpret_cast<const Unaligned *>(b);
    Lanes s0{}, s1{}, s2{}, s3{};
    size_t j = 0;
    for (; j + 4 * kLanes <= n; j += 4 * kLanes, x += 4, y += 4) {
        s0 += x[0] * y[0];
        s1 += x[1] * y[1];
        s2 += x[2] * y[2];
        s3 += x[3] * y[3];
    }
    for (; j < n; j += kLanes) // n is a whole number of lanes
        s0 += *x++ * *y++;
    const Lanes sum = (s0 + s1) + (s2 + s3);
    float acc = 0.0f;
    for (size_t l = 0; l < kLanes; ++l)
        acc += sum[l];
    return acc;
}

} // namespace

std::vector<float> resample(const std::vector<float> &samples, double inRateHz, double outRateHz)
{
    const long n = long(samples.size());
    if (n == 0 || inRateHz == outRateHz)
        return samples;
    const double ratio = outRateHz / inRateHz;
    const long outCount = std::max(1L, std::lround(double(n) * ratio));
    // Cutoff in cycles per input sample (0.5 = input Nyquist).
    const double cutoff = 0.5 * kCutoffFraction * std::min(1.0, ratio);
    const double halfWidth = kHalfZeroCrossings / (2.0 * cutoff); // kernel half-length, in input samples

    // The signal mirrored at both ends once, so that every kernel reads contiguous samples.
    const long pad = long(std::ceil(halfWidth)) + 2 + long(kLanes); // (the zero taps read up to kLanes further)
    std::vector<float> padded(size_t(n + 2 * pad));
    std::copy(samples.begin(), samples.end(), padded.begin() + pad);
    for (long i = 1; i <= pad; ++i) {
        padded[size_t(pad - i)] = samples[size_t(mirror(-i, n))];
        padded[size_t(pad + n - 1 + i)] = samples[size_t(mirror(n - 1 + i, n))];
    }

    // With integer rates the fractional phases repeat every `phases` outputs (e.g. 1 for 500 -> 100 Hz,
    // 25 for 360 -> 500 Hz), so their kernels are computed once.
    const bool integerRates = inRateHz == std::round(inRateHz) && outRateHz == std::round(outRateHz);
    const long g = integerRates ? std::gcd(long(inRateHz), long(outRateHz)) : 1;
    const long phases = integerRates ? long(outRateHz) / g : 0;
    const long step = integerRates ? long(inRateHz) / g : 0;
    const std::vector<Kernel> *cached = phases > 0 && phases <= kMaxCachedPhases
                                            ? &phaseKernels(long(inRateHz), long(outRateHz), phases, cutoff, halfWidth)
                                            : nullptr;
    std::vector<float> out(size_t(outCount), 0.0f);
    Kernel local;
    for (long k = 0; k < outCount; ++k) {
        long base;
        const Kernel *kernel;
        if (cached) {
            base = k * step / phases;
            kernel = &(*cached)[size_t(k * step % phases)];
        } else {
            const double t = double(k) / ratio; // output time in input-sample units
            base = long(std::floor(t));
            local = makeKernel(t - double(base), cutoff, halfWidth);
            kernel = &local;
        }
        // base < n and |offsets| <= halfWidth + 1: the taps stay inside the padding.
        out[size_t(k)] = dotProduct(kernel->taps.data(), padded.data() + base + kernel->firstOffset + pad, kernel->taps.size());
    }
    return out;
}

Ecg resample(const Ecg &ecg, double outRateHz)
{
    if (ecg.sampleRateHz == outRateHz)
        return ecg;
    Ecg out = ecg;
    for (LeadSignal &lead : out.leads)
        lead.microvolts = resample(lead.microvolts, ecg.sampleRateHz, outRateHz);
    out.sampleRateHz = outRateHz;
    out.notes << QStringLiteral("resampled from %1 Hz to %2 Hz").arg(ecg.sampleRateHz).arg(outRateHz);
    return out;
}

} // namespace ecgscope::dsp
