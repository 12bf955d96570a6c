#include "core/dataset/classes.h"
#include "core/dataset/csv.h"

#include <QTest>

using namespace ecgscope;
using namespace ecgscope::dataset;

namespace {
Label snomed(const char *code) { return {QString::fromLatin1(code), QStringLiteral("SNOMED-CT"), LabelOrigin::Dataset, {}}; }
} // namespace

class TestClasses : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void mapsTheIssuesCodes()
    {
        // The mapping given in the learning-core issue, code by code.
        const std::pair<const char *, int> snomedCodes[] = {{"270492004", 0}, {"195042002", 0}, {"54016002", 0}, {"426761007", 1},
                                                            {"67198005", 1},  {"27885002", 2},  {"164889003", 3}, {"164890007", 3},
                                                            {"427084000", 4}, {"427172004", 5}, {"17338001", 5}};
        for (const auto &[code, cls] : snomedCodes)
            QCOMPARE(classOfCode(QStringLiteral("SNOMED-CT"), QString::fromLatin1(code)), std::optional<int>(cls));
        const std::pair<const char *, int> ptbxl[] = {{"1AVB", 0}, {"2AVB", 0}, {"PSVT", 1}, {"SVTAC", 1}, {"3AVB", 2},
                                                      {"AFIB", 3}, {"AFLT", 3}, {"STACH", 4}, {"PVC", 5}};
        for (const auto &[code, cls] : ptbxl)
            QCOMPARE(classOfCode(QStringLiteral("PTB-XL"), QString::fromLatin1(code)), std::optional<int>(cls));
        QVERIFY(!classOfCode(QStringLiteral("SNOMED-CT"), QStringLiteral("426783006"))); // sinus rhythm
        QVERIFY(!classOfCode(QStringLiteral("PTB-XL"), QStringLiteral("NORM")));
        QCOMPARE(classOfCode(QStringLiteral("EcgScope"), QStringLiteral("af/afl")), std::optional<int>(3)); // class names too
    }

    void mappingVersion2()
    {
        // The codes that version 2 adds (issue: ventricular ectopics to VPC, AVNRT/AVRT to PSVT; Mobitz II
        // with the high-degree blocks) and the codes that exclude a record.
        QCOMPARE(QString::fromLatin1(kMappingVersion), QStringLiteral("ecgscope-map-2"));
        const std::pair<const char *, int> added[] = {{"164884008", 5}, {"11157007", 5}, {"251180001", 5}, {"233896004", 1},
                                                      {"251166008", 1}, {"233897008", 1}, {"28189009", 2}};
        for (const auto &[code, cls] : added)
            QCOMPARE(classOfCode(QStringLiteral("SNOMED-CT"), QString::fromLatin1(code)), std::optional<int>(cls));
        // Unspecified AV block alone: excluded, neither a class nor "Other"; with a specific code: that class.
        Mapped m = mapLabels({snomed("233917008"), snomed("426783006")}, {true, false});
        QVERIFY(!m.cls);
        QVERIFY(m.exclusion == Exclusion::Ambiguous);
        QCOMPARE(mapLabels({snomed("233917008"), snomed("270492004")}, {true, false}).cls, std::optional<int>(0));
        QVERIFY(mapLabels({snomed("713422000")}, {true, false}).exclusion == Exclusion::Ambiguous);
        QVERIFY(isKnownMappingVersion(QStringLiteral("ecgscope-map-1")));
        QVERIFY(!isKnownMappingVersion(QStringLiteral("ecgscope-map-9")));
        QVERIFY(mappingTable().contains(QStringLiteral("233917008")));
    }

    void severalClassesExcludedOrRarerKept()
    {
        const std::vector<Label> two{snomed("164889003"), snomed("427172004")}; // AF + PVC
        Mapped m = mapLabels(two, {});
        QVERIFY(!m.cls);
        QVERIFY(m.exclusion == Exclusion::SeveralTargetClasses);
        m = mapLabels(two, {false, true});
        QCOMPARE(m.cls, std::optional<int>(5)); // PVC is rarer than AF
        m = mapLabels({snomed("427084000"), snomed("270492004")}, {false, true});
        QCOMPARE(m.cls, std::optional<int>(0)); // AV block rarer than sinus tachycardia
        // The same class twice is one class.
        QCOMPARE(mapLabels({snomed("164889003"), snomed("164890007")}, {}).cls, std::optional<int>(3));
    }

    void otherOnlyWhenAsked()
    {
        const std::vector<Label> normal{snomed("426783006"), snomed("59118001")};
        Mapped m = mapLabels(normal, {});
        QVERIFY(!m.cls);
        QVERIFY(m.exclusion == Exclusion::NoTargetClass);
        QCOMPARE(mapLabels(normal, {true, false}).cls, std::optional<int>(int(Other)));
        QCOMPARE(classNames(7).last(), QStringLiteral("Other"));
        QVERIFY(mappingTable().contains(QStringLiteral("27885002")));
    }

    void csvQuotes()
    {
        const auto rows = parseCsv(QStringLiteral("a,b,c\n1,\"x, \"\"y\"\"\",3\r\n\n\"multi\nline\",,end"));
        QCOMPARE(rows.size(), size_t(3));
        QCOMPARE(rows[1], (QStringList{QStringLiteral("1"), QStringLiteral("x, \"y\""), QStringLiteral("3")}));
        QCOMPARE(rows[2], (QStringList{QStringLiteral("multi\nline"), QString(), QStringLiteral("end")}));
        QCOMPARE(csvField(QStringLiteral("a,\"b")), QStringLiteral("\"a,\"\"b\""));
        QCOMPARE(csvField(QStringLiteral("plain")), QStringLiteral("plain"));
    }
};

QTEST_APPLESS_MAIN(TestClasses)
#include "tst_classes.moc"
