#pragma once

#include "core/record/ecg.h"

namespace ecgscope::dsp {

/// The baseline a classifier must beat: a rule on RR intervals alone (EcgScope's own QRS detection),
/// the 20-line rule a researcher writes first. Irregularly irregular -> AF/AFL; premature beats ->
/// VPC (it cannot tell atrial from ventricular ectopy); regular and faster than 100 bpm -> sinus
/// tachycardia; faster than 150 bpm and regular -> PSVT; slower than 45 bpm and regular -> complete AV
/// block; otherwise "Other". It never finds 1st-degree AV block, which needs the PR interval.
/// Returns a class index of dataset::TargetClass.
int rhythmRuleClass(const Ecg &ecg);

} // namespace ecgscope::dsp
