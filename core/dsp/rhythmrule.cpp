#include "core/dsp/rhythmrule.h"

#include "core/dataset/classes.h"
#include "core/dsp/qrs.h"

namespace ecgscope::dsp {

int rhythmRuleClass(const Ecg &ecg)
{
    const RhythmMeasures m = rhythmMeasures(detectQrs(ecg), ecg.sampleRateHz);
    if (m.beats < 4)
        return dataset::Other;
    // Atrial fibrillation: most successive RR intervals change by more than 15%, and their spread is wide.
    if (m.irregularFraction > 0.5 && m.rrCv > 0.1)
        return dataset::AfFlutter;
    if (m.prematureFraction > 0.0)
        return dataset::Vpc;
    if (m.heartRateBpm > 150.0)
        return dataset::Psvt;
    if (m.heartRateBpm > 100.0)
        return dataset::SinusTachy;
    if (m.heartRateBpm > 0.0 && m.heartRateBpm < 45.0)
        return dataset::HighGradeAvBlock;
    return dataset::Other;
}

} // namespace ecgscope::dsp
