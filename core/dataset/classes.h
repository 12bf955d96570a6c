#pragma once

#include "core/record/ecg.h"

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace ecgscope::dataset {

/// The six target classes of the mission (Choi & Joo), in this order, class index 0..5, and the
/// optional seventh class "other" (index 6: normal rhythm and anything that is none of the six).
enum TargetClass : int {
    AvBlock1or2 = 0,      ///< 1st-degree or 2nd-degree Mobitz I AV block
    Psvt = 1,             ///< paroxysmal supraventricular tachycardia
    HighGradeAvBlock = 2, ///< high-degree / complete AV block
    AfFlutter = 3,        ///< irregular narrow-QRS tachyarrhythmia: AF or flutter
    SinusTachy = 4,       ///< sinus tachycardia
    Vpc = 5,              ///< ventricular premature complexes
    Other = 6,
};
constexpr int kTargetClassCount = 6;

/// Version of the code-to-class mapping below; stored in manifests and model cards.
/// Version 2 adds ventricular ectopics/bigeminy/trigeminy to VPC, AVNRT and AVRT to PSVT, Mobitz II to
/// high-degree block, and excludes records whose only relevant code is ambiguous (unspecified AV block,
/// atrial tachycardia). Class indices are the same in both versions.
inline const char *kMappingVersion = "ecgscope-map-2";

/// Versions whose manifests and model cards this EcgScope reads (ecgscope-map-1 and -2).
bool isKnownMappingVersion(const QString &version);

/// Short names ("AVB1/2", "PSVT", "AVB3", "AF/AFL", "STach", "VPC", "Other") and long names.
QString className(int cls);
QString classLongName(int cls);
/// Names of the classes a model with `count` classes (6 or 7) predicts.
QStringList classNames(int count);

/// How a record's codes become one class.
struct MappingOptions {
    bool includeOther = false; ///< records with none of the six become "other" instead of being dropped
    bool keepRarer = false;    ///< a record with two of the six keeps the rarer class instead of being excluded
};

/// Source codes of one of the six classes in each coding system, or nothing when the code is none of them.
/// Systems: "SNOMED-CT" (CinC), "PTB-XL" (scp_codes), "EcgScope" (generator rhythms and class names).
std::optional<int> classOfCode(const QString &system, const QString &code);
/// Codes that exclude a record that has no class code (unspecified AV block, atrial tachycardia).
bool isAmbiguousCode(const QString &system, const QString &code);

/// Why a record got no class.
enum class Exclusion { None, NoTargetClass, SeveralTargetClasses, Ambiguous };

struct Mapped {
    std::optional<int> cls;
    Exclusion exclusion = Exclusion::None;
};

/// Maps a record's labels to one class. Several of the six: excluded, or the rarer one with keepRarer
/// (rarity = the mission's prevalence order: AVB3 < PSVT < AVB1/2 < VPC < AF/AFL < STach).
Mapped mapLabels(const std::vector<Label> &labels, const MappingOptions &options);

/// A human-readable table of the mapping, for the README and `dataset mapping`.
QString mappingTable();

} // namespace ecgscope::dataset
