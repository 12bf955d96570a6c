#include "core/dsp/qrs.h"

#include "core/dsp/filter.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ecgscope::dsp {

std::vector<int> detectQrs(const Ecg &ecg)
{
    const int n = ecg.sampleCount();
    const double fs = ecg.sampleRateHz;
    if (n < int(fs))
        return {};
    const std::vector<Biquad> band{Biquad::highpass(5.0, fs), Biquad::lowpass(std::min(15.0, 0.45 * fs), fs)};
    std::vector<double> energy(size_t(n), 0.0);
    std::vector<const std::vector<float> *> signals;
    for (const LeadSignal &lead : ecg.leads)
        signals.push_back(&lead.microvolts);
    const std::vector<std::vector<float>> filtered = filtfilt(signals, band, fs); // all leads at once
    for (const std::vector<float> &f : filtered) {
        // Five-point derivative, squared.
        for (int i = 2; i + 2 < n; ++i) {
            const double d = (2.0 * f[size_t(i + 2)] + f[size_t(i + 1)] - f[size_t(i - 1)] - 2.0 * f[size_t(i - 2)]) * fs / 8.0;
            energy[size_t(i)] += d * d;
        }
    }
    const int window = std::max(1, int(std::lround(0.150 * fs)));
    std::vector<double> integrated(size_t(n), 0.0);
    double running = 0.0;
    for (int i = 0; i < n; ++i) {
        running += energy[size_t(i)];
        if (i >= window)
            running -= energy[size_t(i - window)];
        integrated[size_t(i)] = running / window;
    }
    // Candidate peaks: local maxima of the integral at least 200 ms apart (the larger one wins).
    const int refractory = int(std::lround(0.200 * fs));
    std::vector<int> candidates;
    for (int i = 1; i + 1 < n; ++i) {
        if (integrated[size_t(i)] <= integrated[size_t(i - 1)] || integrated[size_t(i)] < integrated[size_t(i + 1)])
            continue;
        if (!candidates.empty() && i - candidates.back() < refractory) {
            if (integrated[size_t(i)] > integrated[size_t(candidates.back())])
                candidates.back() = i;
            continue;
        }
        candidates.push_back(i);
    }
    if (candidates.empty())
        return {};
    // Thresholds learnt from the first two seconds, then adapted: signal and noise peak estimates.
    const int learn = std::min(n, int(2.0 * fs));
    double signalPeak = *std::max_element(integrated.begin(), integrated.begin() + learn) * 0.5;
    double noisePeak = std::accumulate(integrated.begin(), integrated.begin() + learn, 0.0) / learn * 0.5;
    std::vector<int> qrs;
    std::vector<int> rejected;
    for (int c : candidates) {
        const double v = integrated[size_t(c)];
        const double threshold = noisePeak + 0.25 * (signalPeak - noisePeak);
        if (v > threshold) {
            // Search back for a missed beat in a long gap, with half the threshold.
            if (qrs.size() >= 2) {
                const double meanRr = double(qrs.back() - qrs.front()) / double(qrs.size() - 1);
                if (c - qrs.back() > 1.66 * meanRr) {
                    int best = -1;
                    for (int r : rejected)
                        if (r > qrs.back() + refractory && r < c - refractory && integrated[size_t(r)] > 0.5 * threshold && (best < 0 || integrated[size_t(r)] > integrated[size_t(best)]))
                            best = r;
                    if (best >= 0)
                        qrs.push_back(best);
                }
            }
            qrs.push_back(c);
            signalPeak = 0.125 * v + 0.875 * signalPeak;
            rejected.clear();
        } else {
            noisePeak = 0.125 * v + 0.875 * noisePeak;
            rejected.push_back(c);
        }
    }
    // From the integral's peak (which lags) to the steepest point in the preceding window, then to the
    // largest deflection of the band-passed leads within 60 ms of it.
    const int refine = int(std::lround(0.060 * fs));
    for (int &r : qrs) {
        const int from = std::max(0, r - window);
        int steep = int(std::max_element(energy.begin() + from, energy.begin() + r + 1) - energy.begin());
        int best = steep;
        double bestValue = -1.0;
        for (int i = std::max(0, steep - refine); i <= std::min(n - 1, steep + refine); ++i) {
            double v = 0.0;
            for (const auto &f : filtered)
                v += double(f[size_t(i)]) * f[size_t(i)];
            if (v > bestValue) {
                bestValue = v;
                best = i;
            }
        }
        r = best;
    }
    std::sort(qrs.begin(), qrs.end());
    qrs.erase(std::unique(qrs.begin(), qrs.end()), qrs.end());
    return qrs;
}

RhythmMeasures rhythmMeasures(const std::vector<int> &peaks, double sampleRateHz, int fromSample, int toSample)
{
    std::vector<double> rr;
    int previous = -1, beats = 0;
    for (int p : peaks) {
        if (p < fromSample || (toSample >= 0 && p >= toSample))
            continue;
        ++beats;
        if (previous >= 0)
            rr.push_back(1000.0 * (p - previous) / sampleRateHz);
        previous = p;
    }
    RhythmMeasures m;
    m.beats = beats;
    if (rr.size() < 2)
        return m;
    m.rrMeanMs = std::accumulate(rr.begin(), rr.end(), 0.0) / double(rr.size());
    m.heartRateBpm = 60000.0 / m.rrMeanMs;
    double sq = 0.0, diffSq = 0.0;
    std::vector<double> sorted = rr;
    std::sort(sorted.begin(), sorted.end());
    const double median = sorted[sorted.size() / 2];
    int irregular = 0, premature = 0;
    for (size_t i = 0; i < rr.size(); ++i) {
        sq += (rr[i] - m.rrMeanMs) * (rr[i] - m.rrMeanMs);
        if (i > 0) {
            diffSq += (rr[i] - rr[i - 1]) * (rr[i] - rr[i - 1]);
            irregular += std::abs(rr[i] - rr[i - 1]) > 0.15 * median;
        }
        if (i + 1 < rr.size() && rr[i] < 0.8 * median && rr[i + 1] > rr[i] * 1.2)
            ++premature;
    }
    m.rrCv = std::sqrt(sq / double(rr.size())) / m.rrMeanMs;
    m.rmssdRatio = std::sqrt(diffSq / double(rr.size() - 1)) / m.rrMeanMs;
    m.irregularFraction = double(irregular) / double(rr.size() - 1);
    m.prematureFraction = double(premature) / double(rr.size());
    m.longestPauseRatio = sorted.back() / median;
    return m;
}

} // namespace ecgscope::dsp
