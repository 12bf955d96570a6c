#pragma once

#include <algorithm>
#include <vector>

namespace ecgscope::dsp {

/// The median (the upper one of an even count), by selection; 0 for no values.
template<typename T>
T median(std::vector<T> values)
{
    if (values.empty())
        return T(0);
    const auto mid = values.begin() + long(values.size() / 2);
    std::nth_element(values.begin(), mid, values.end());
    return *mid;
}

} // namespace ecgscope::dsp
