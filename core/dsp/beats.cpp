#include "core/dsp/beats.h"

#include "core/dsp/statistics.h"

#include <algorithm>
#include <cmath>

namespace ecgscope::dsp {

std::vector<RrInterval> rrIntervals(const Intervals &intervals, double sampleRateHz)
{
    std::vector<RrInterval> out;
    for (size_t i = 1; i < intervals.rPeaks.size(); ++i)
        out.push_back({i, 1000.0 * intervals.rPeaks[i] / sampleRateHz, 1000.0 * (intervals.rPeaks[i] - intervals.rPeaks[i - 1]) / sampleRateHz,
                       intervals.isDominant(intervals.rPeaks[i])});
    return out;
}

BeatOverlay beatOverlay(const std::vector<float> &microvolts, double sampleRateHz, const Intervals &intervals)
{
    BeatOverlay o;
    o.sampleRateHz = sampleRateHz;
    const auto samples = [sampleRateHz](double ms) { return int(std::lround(ms * sampleRateHz / 1000.0)); };
    const int pre = -samples(intervals.beatWindowMs.first), post = samples(intervals.beatWindowMs.second);
    if (pre + post <= 0)
        return o;
    o.startMs = -1000.0 * pre / sampleRateHz;
    // The isoelectric level: 20 ms ending at the QRS onset (within the window), else the window's first 20 ms.
    const int levelEnd = std::clamp(intervals.qrsOnsetMs ? pre + samples(*intervals.qrsOnsetMs) : samples(20.0), 1, pre + post);
    const int levelStart = std::max(0, levelEnd - std::max(1, samples(20.0)));
    const int n = int(microvolts.size());
    for (size_t i = 0; i < intervals.rPeaks.size(); ++i) {
        const int r = intervals.rPeaks[i];
        if (r - pre < 0 || r + post >= n)
            continue;
        BeatOverlay::Beat b{i, intervals.isDominant(r), std::vector<float>(microvolts.begin() + (r - pre), microvolts.begin() + (r + post + 1))};
        double level = 0.0;
        for (int k = levelStart; k < levelEnd; ++k)
            level += b.microvolts[size_t(k)];
        level /= levelEnd - levelStart;
        for (float &v : b.microvolts)
            v -= float(level);
        o.beats.push_back(std::move(b));
    }
    std::vector<float> at;
    for (int k = 0; k <= pre + post; ++k) {
        at.clear();
        for (const BeatOverlay::Beat &b : o.beats)
            if (b.dominant)
                at.push_back(b.microvolts[size_t(k)]);
        if (at.empty())
            break;
        o.median.push_back(median(at));
    }
    return o;
}

} // namespace ecgscope::dsp
