#pragma once

#include <QElapsedTimer>

#include <algorithm>
#include <vector>

namespace ecgscope {

/// Times `work` `repeats` times (at least once) after one untimed warm-up run (first-call allocations,
/// kernel selection, font caches). @return the times in ms, ascending
template<typename Work>
std::vector<double> timeRepeatedMs(int repeats, Work &&work)
{
    work();
    std::vector<double> ms;
    for (int i = 0; i < std::max(1, repeats); ++i) {
        QElapsedTimer clock;
        clock.start();
        work();
        ms.push_back(double(clock.nsecsElapsed()) / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    return ms;
}

/// The median of ascending times.
inline double medianOf(const std::vector<double> &sorted)
{
    return sorted[sorted.size() / 2];
}

} // namespace ecgscope
