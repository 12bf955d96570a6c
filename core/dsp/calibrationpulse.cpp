#include "core/dsp/calibrationpulse.h"

#include "core/dsp/statistics.h"

#include <algorithm>
#include <cmath>

namespace ecgscope::dsp {

namespace {

constexpr double kSearchMs = 2500.0;
constexpr double kMinPlateauMs = 40.0, kMaxPlateauMs = 1000.0;
constexpr double kMinStepUv = 450.0, kMaxStepUv = 2200.0;

/// A span of samples where every lead stays within its tolerance of one value.
struct Run {
    int first = 0, end = 0; // as stored, [first, end)
    int length() const { return end - first; }
};

/// Reads the record from one end: position k counts from the first sample (atStart) or from the last.
struct Ends {
    const Ecg &ecg;
    bool atStart;
    int n = ecg.sampleCount();
    int index(int k) const { return atStart ? k : n - 1 - k; }
    float at(size_t lead, int k) const { return ecg.leads[lead].microvolts[size_t(index(k))]; }
};

/// Each lead's level over a run: its median.
std::vector<double> levels(const Ecg &ecg, const Run &run)
{
    std::vector<double> out;
    for (const LeadSignal &l : ecg.leads)
        out.push_back(median(std::vector<double>(l.microvolts.begin() + run.first, l.microvolts.begin() + run.end)));
    return out;
}

/// The common step from `base` to `plateau` when every lead takes it alike, else 0.
double commonStep(const std::vector<double> &base, const std::vector<double> &plateau, const std::vector<double> &tolerance)
{
    std::vector<double> steps;
    for (size_t l = 0; l < base.size(); ++l)
        steps.push_back(plateau[l] - base[l]);
    const double step = median(steps);
    if (step < kMinStepUv || step > kMaxStepUv) // raised: the zeros beside a pulse are no pulse themselves
        return 0.0;
    for (size_t l = 0; l < steps.size(); ++l)
        if (std::abs(steps[l] - step) > std::max(0.05 * std::abs(step), 2.0 * tolerance[l]))
            return 0.0;
    return step;
}

} // namespace

std::optional<CalibrationPulse> findCalibrationPulse(const Ecg &ecg, bool atStart)
{
    const Ends ends{ecg, atStart};
    const double fs = ecg.sampleRateHz;
    if (ecg.leads.empty() || ends.n < 4 || !(fs > 0))
        return std::nullopt;
    // A few stored steps (filtered copies ring a little), at least 10 µV.
    std::vector<double> tolerance;
    for (const LeadSignal &l : ecg.leads)
        tolerance.push_back(std::max(3.0 * l.resolutionMicrovolts, 10.0));
    const int search = std::min(ends.n, int(std::lround(kSearchMs / 1000.0 * fs)));
    const int minFlat = std::max(4, int(std::lround(0.010 * fs)));      // a flat run worth the name
    const int maxEdge = std::max(3, int(std::lround(0.006 * fs)));      // samples a step takes to settle
    // Flat runs from the end inwards, joined by short edges; the first gap wider than an edge is ECG.
    std::vector<Run> runs; // in the order met, the outermost first
    int k = 0, edge = 0;
    while (k < search) {
        int j = k + 1;
        while (j < ends.n) {
            bool flat = true;
            for (size_t l = 0; l < ecg.leads.size() && flat; ++l)
                flat = std::abs(ends.at(l, j) - ends.at(l, k)) <= tolerance[l];
            if (!flat)
                break;
            ++j;
        }
        if (j - k >= minFlat) {
            const int a = ends.index(k), b = ends.index(j - 1);
            runs.push_back({std::min(a, b), std::max(a, b) + 1});
            edge = 0;
        } else if ((edge += j - k) > maxEdge || runs.empty()) {
            break;
        }
        k = j;
    }
    // The pulse: a plateau raised by one common step above the flat level on each side it has (both
    // sides: the zeros around a Philips pulse).
    std::optional<CalibrationPulse> best;
    int bestSides = 0;
    for (size_t r = 0; r < runs.size(); ++r) {
        const double plateauMs = 1000.0 * runs[r].length() / fs;
        if (plateauMs < kMinPlateauMs || plateauMs > kMaxPlateauMs)
            continue;
        const std::vector<double> plateau = levels(ecg, runs[r]);
        double step = 0.0;
        int sides = 0;
        bool innerBaseline = false;
        for (const size_t beside : {r + 1, r - 1}) {
            if (beside >= runs.size())
                continue; // (r - 1 wraps round for the outermost run)
            const double s = commonStep(levels(ecg, runs[beside]), plateau, tolerance);
            if (s != 0.0 && (step == 0.0 || std::abs(s - step) <= 0.05 * std::abs(step))) {
                step = s;
                ++sides;
                innerBaseline = innerBaseline || beside == r + 1;
            }
        }
        if (sides == 0 || sides <= bestSides)
            continue;
        bestSides = sides;
        best = CalibrationPulse{};
        best->atStart = atStart;
        best->amplitudeMicrovolts = step;
        best->durationMs = plateauMs;
        best->onsetMs = 1000.0 * runs[r].first / fs;
        // The cut ends at the flat level before the pulse; what lies further in is ECG, however flat.
        const Run &inner = runs[innerBaseline ? r + 1 : r];
        best->removedFirstSample = atStart ? 0 : inner.first;
        best->removedSamples = atStart ? inner.end : ends.n - inner.first;
    }
    if (!best)
        return std::nullopt;
    if (2 * best->removedSamples > ends.n)
        return std::nullopt; // a record of little but the pulse: nothing left to call ECG
    return best;
}

void removeCalibrationPulses(Ecg &ecg)
{
    for (const bool atStart : {false, true}) {
        const std::optional<CalibrationPulse> pulse = findCalibrationPulse(ecg, atStart);
        if (!pulse)
            continue;
        for (LeadSignal &l : ecg.leads) {
            const auto first = l.microvolts.begin() + pulse->removedFirstSample;
            l.microvolts.erase(first, first + pulse->removedSamples);
        }
        // The source's beat annotations keep pointing at their beats.
        const int first = pulse->removedFirstSample, end = first + pulse->removedSamples;
        ecg.beats.erase(std::remove_if(ecg.beats.begin(), ecg.beats.end(), [&](const BeatAnnotation &b) { return b.sample >= first && b.sample < end; }),
                        ecg.beats.end());
        for (BeatAnnotation &b : ecg.beats)
            b.sample -= b.sample >= end ? pulse->removedSamples : 0;
        const double fs = ecg.sampleRateHz;
        ecg.notes << QStringLiteral("calibration pulse of %1 µV × %2 ms in every lead at the %3 (%4-%5 ms as stored) is not ECG: "
                                    "cut off with the flat samples around it")
                         .arg(pulse->amplitudeMicrovolts, 0, 'f', 0)
                         .arg(pulse->durationMs, 0, 'f', 0)
                         .arg(atStart ? QStringLiteral("start") : QStringLiteral("end"))
                         .arg(1000.0 * pulse->removedFirstSample / fs, 0, 'f', 0)
                         .arg(1000.0 * (pulse->removedFirstSample + pulse->removedSamples) / fs, 0, 'f', 0);
        ecg.calibrationPulses.push_back(*pulse);
    }
}

} // namespace ecgscope::dsp
