#include "core/dataset/classes.h"

#include <QHash>

#include <algorithm>

namespace ecgscope::dataset {

namespace {

struct CodeClass {
    const char *system;
    const char *code;
    int cls;
    const char *meaning;
};

// The mapping, versioned as kMappingVersion: change a row, change the version.
const CodeClass kCodes[] = {
    {"SNOMED-CT", "270492004", AvBlock1or2, "1st degree AV block"},
    {"SNOMED-CT", "195042002", AvBlock1or2, "2nd degree AV block"},
    {"SNOMED-CT", "54016002", AvBlock1or2, "Mobitz type I (Wenckebach)"},
    {"SNOMED-CT", "426761007", Psvt, "supraventricular tachycardia"},
    {"SNOMED-CT", "67198005", Psvt, "paroxysmal supraventricular tachycardia"},
    {"SNOMED-CT", "27885002", HighGradeAvBlock, "complete (3rd degree) AV block"},
    {"SNOMED-CT", "164889003", AfFlutter, "atrial fibrillation"},
    {"SNOMED-CT", "164890007", AfFlutter, "atrial flutter"},
    {"SNOMED-CT", "427084000", SinusTachy, "sinus tachycardia"},
    {"SNOMED-CT", "427172004", Vpc, "premature ventricular contractions"},
    {"SNOMED-CT", "17338001", Vpc, "ventricular premature beats"},
    // Version 2: more names of the same rhythms.
    {"SNOMED-CT", "164884008", Vpc, "ventricular ectopics"},
    {"SNOMED-CT", "11157007", Vpc, "ventricular bigeminy"},
    {"SNOMED-CT", "251180001", Vpc, "ventricular trigeminy"},
    {"SNOMED-CT", "233896004", Psvt, "AV nodal re-entrant tachycardia (AVNRT)"},
    {"SNOMED-CT", "251166008", Psvt, "AV nodal re-entrant tachycardia"},
    {"SNOMED-CT", "233897008", Psvt, "AV re-entrant tachycardia (AVRT)"},
    // Mobitz II conducts through a diseased His-Purkinje system and progresses to complete block: it is
    // treated like high-degree block, not like the benign nodal blocks of class 1.
    {"SNOMED-CT", "28189009", HighGradeAvBlock, "Mobitz type II AV block"},
    {"PTB-XL", "1AVB", AvBlock1or2, "first degree AV block"},
    {"PTB-XL", "2AVB", AvBlock1or2, "second degree AV block"},
    {"PTB-XL", "PSVT", Psvt, "paroxysmal supraventricular tachycardia"},
    {"PTB-XL", "SVTAC", Psvt, "supraventricular tachycardia"},
    {"PTB-XL", "3AVB", HighGradeAvBlock, "third degree AV block"},
    {"PTB-XL", "AFIB", AfFlutter, "atrial fibrillation"},
    {"PTB-XL", "AFLT", AfFlutter, "atrial flutter"},
    {"PTB-XL", "STACH", SinusTachy, "sinus tachycardia"},
    {"PTB-XL", "PVC", Vpc, "ventricular premature complex"},
    {"EcgScope", "avb1", AvBlock1or2, "generator: 1st degree AV block"},
    {"EcgScope", "mobitz1", AvBlock1or2, "generator: Mobitz I"},
    {"EcgScope", "psvt", Psvt, "generator: PSVT"},
    {"EcgScope", "cavb", HighGradeAvBlock, "generator: complete AV block"},
    {"EcgScope", "af", AfFlutter, "generator: atrial fibrillation"},
    {"EcgScope", "flutter", AfFlutter, "generator: atrial flutter"},
    {"EcgScope", "st", SinusTachy, "generator: sinus tachycardia"},
    {"EcgScope", "vpc", Vpc, "generator: VPCs"},
};

// Codes that may or may not be one of the six: a record carrying one of them and no class code is
// excluded rather than taught as "Other" (version 2).
const CodeClass kAmbiguous[] = {
    {"SNOMED-CT", "233917008", -1, "AV block, degree unspecified (1st degree up to complete)"},
    {"SNOMED-CT", "713422000", -1, "atrial tachycardia (may be paroxysmal SVT)"},
};

// Rarest first: the order in which "keep the rarer class" decides.
const int kRarity[] = {HighGradeAvBlock, Psvt, AvBlock1or2, Vpc, AfFlutter, SinusTachy};

} // namespace

QString className(int cls)
{
    static const char *names[] = {"AVB1/2", "PSVT", "AVB3", "AF/AFL", "STach", "VPC", "Other"};
    return cls >= 0 && cls <= Other ? QString::fromLatin1(names[cls]) : QStringLiteral("?");
}

QString classLongName(int cls)
{
    static const char *names[] = {"1st-degree or Mobitz I AV block", "PSVT", "high-degree / complete AV block",
                                  "atrial fibrillation / flutter", "sinus tachycardia", "ventricular premature complexes",
                                  "none of the six"};
    return cls >= 0 && cls <= Other ? QString::fromLatin1(names[cls]) : QStringLiteral("?");
}

QStringList classNames(int count)
{
    QStringList names;
    for (int c = 0; c < count; ++c)
        names << className(c);
    return names;
}

bool isAmbiguousCode(const QString &system, const QString &code)
{
    return std::any_of(std::begin(kAmbiguous), std::end(kAmbiguous), [&](const CodeClass &c) {
        return system == QLatin1String(c.system) && code.trimmed().compare(QLatin1String(c.code), Qt::CaseInsensitive) == 0;
    });
}

bool isKnownMappingVersion(const QString &version)
{
    return version == QLatin1String("ecgscope-map-1") || version == QLatin1String(kMappingVersion);
}

std::optional<int> classOfCode(const QString &system, const QString &code)
{
    static const QHash<QString, int> index = [] {
        QHash<QString, int> h;
        for (const CodeClass &c : kCodes)
            h.insert(QString::fromLatin1(c.system) + QLatin1Char('|') + QString::fromLatin1(c.code).toLower(), c.cls);
        // The class names themselves, for CSV label files that name classes directly.
        for (int cls = 0; cls <= Other; ++cls)
            h.insert(QStringLiteral("EcgScope|") + className(cls).toLower(), cls);
        return h;
    }();
    const auto it = index.constFind(system + QLatin1Char('|') + code.trimmed().toLower());
    if (it == index.constEnd() || *it == Other)
        return std::nullopt;
    return *it;
}

Mapped mapLabels(const std::vector<Label> &labels, const MappingOptions &options)
{
    std::vector<int> found;
    bool ambiguous = false;
    for (const Label &l : labels) {
        if (auto c = classOfCode(l.system, l.code); c && std::find(found.begin(), found.end(), *c) == found.end())
            found.push_back(*c);
        ambiguous = ambiguous || isAmbiguousCode(l.system, l.code);
    }
    Mapped m;
    if (found.size() == 1) {
        m.cls = found.front();
    } else if (found.size() > 1) {
        if (options.keepRarer)
            m.cls = *std::find_if(std::begin(kRarity), std::end(kRarity), [&](int c) {
                return std::find(found.begin(), found.end(), c) != found.end();
            });
        else
            m.exclusion = Exclusion::SeveralTargetClasses;
    } else if (ambiguous) {
        m.exclusion = Exclusion::Ambiguous;
    } else if (options.includeOther) {
        m.cls = Other;
    } else {
        m.exclusion = Exclusion::NoTargetClass;
    }
    return m;
}

QString mappingTable()
{
    QString t = QStringLiteral("mapping %1\n").arg(QLatin1String(kMappingVersion));
    for (const CodeClass &c : kCodes)
        t += QStringLiteral("%1 %2 -> %3 (%4)\n")
                 .arg(QString::fromLatin1(c.system).leftJustified(10), QString::fromLatin1(c.code).leftJustified(10),
                      className(c.cls).leftJustified(7), QString::fromLatin1(c.meaning));
    for (const CodeClass &c : kAmbiguous)
        t += QStringLiteral("%1 %2 -> %3 (%4)\n")
                 .arg(QString::fromLatin1(c.system).leftJustified(10), QString::fromLatin1(c.code).leftJustified(10),
                      QStringLiteral("exclude"), QString::fromLatin1(c.meaning));
    t += QStringLiteral("A record with several of the six is excluded (or keeps the rarer with --keep-rarer); one with only "
                        "codes marked 'exclude' is excluded; one with none of these is 'Other' (with --other).\n"
                        "Version 1 (ecgscope-map-1) lacked the rows after 17338001 and the exclusions; its manifests still load.\n");
    return t;
}

} // namespace ecgscope::dataset
