#include "core/record/ecg.h"

#include <QTest>

using namespace ecgscope;

class TestEcg : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void canonicalNames()
    {
        QCOMPARE(canonicalLeadName(QStringLiteral("avr")), QStringLiteral("aVR"));
        QCOMPARE(canonicalLeadName(QStringLiteral(" v1 ")), QStringLiteral("V1"));
        QCOMPARE(canonicalLeadName(QStringLiteral("II")), QStringLiteral("II"));
        QCOMPARE(canonicalLeadName(QStringLiteral("vx")), QStringLiteral("vx"));
        QCOMPARE(canonicalLeadName(QStringLiteral("V3R")), QStringLiteral("V3R"));
    }

    void derivesLimbLeadsFromIAndII()
    {
        Ecg ecg;
        ecg.sampleRateHz = 500.0;
        ecg.leads.push_back({QStringLiteral("V1"), {1.0f, 2.0f}, false});
        ecg.leads.push_back({QStringLiteral("II"), {300.0f, -100.0f}, false, 5.0});
        ecg.leads.push_back({QStringLiteral("I"), {100.0f, 200.0f}, false, 5.0});
        const QStringList derived = ecg.deriveMissingLimbLeads();
        // Steps: III = II - I is whole steps of 5 µV, the augmented leads halves.
        QCOMPARE(ecg.lead(QStringLiteral("III"))->resolutionMicrovolts, 5.0);
        QCOMPARE(ecg.lead(QStringLiteral("aVR"))->resolutionMicrovolts, 2.5);
        QCOMPARE(derived, (QStringList{QStringLiteral("III"), QStringLiteral("aVR"), QStringLiteral("aVL"), QStringLiteral("aVF")}));
        // Hand-computed: III = II - I, aVR = -(I + II)/2, aVL = I - II/2, aVF = II - I/2.
        QCOMPARE(ecg.lead(QStringLiteral("III"))->microvolts, (std::vector<float>{200.0f, -300.0f}));
        QCOMPARE(ecg.lead(QStringLiteral("aVR"))->microvolts, (std::vector<float>{-200.0f, -50.0f}));
        QCOMPARE(ecg.lead(QStringLiteral("aVL"))->microvolts, (std::vector<float>{-50.0f, 250.0f}));
        QCOMPARE(ecg.lead(QStringLiteral("aVF"))->microvolts, (std::vector<float>{250.0f, -200.0f}));
        QVERIFY(ecg.lead(QStringLiteral("aVF"))->derived);
        QVERIFY(!ecg.lead(QStringLiteral("I"))->derived);
        QCOMPARE(ecg.leadNames(), (QStringList{QStringLiteral("I"), QStringLiteral("II"), QStringLiteral("III"), QStringLiteral("aVR"),
                                               QStringLiteral("aVL"), QStringLiteral("aVF"), QStringLiteral("V1")}));
        QCOMPARE(ecg.notes.size(), 1);
        QVERIFY(ecg.notes.front().contains(QStringLiteral("derived from I and II")));
        // Nothing left to derive the second time.
        QVERIFY(ecg.deriveMissingLimbLeads().isEmpty());
    }

    void noDerivationWithoutIAndII()
    {
        Ecg ecg;
        ecg.sampleRateHz = 500.0;
        ecg.leads.push_back({QStringLiteral("II"), {1.0f}, false});
        QVERIFY(ecg.deriveMissingLimbLeads().isEmpty());
        QCOMPARE(ecg.leads.size(), size_t(1));
    }

    void validateReportsProblems()
    {
        Ecg ecg;
        QVERIFY(ecg.validate().contains(QStringLiteral("sampling rate")));
        ecg.sampleRateHz = 250.0;
        QVERIFY(ecg.validate().contains(QStringLiteral("no leads")));
        ecg.leads.push_back({QStringLiteral("I"), {1.0f, 2.0f}, false});
        ecg.leads.push_back({QStringLiteral("II"), {1.0f}, false});
        QVERIFY(ecg.validate().contains(QStringLiteral("lead II has 1 samples")));
        ecg.leads[1].microvolts = {1.0f, std::numeric_limits<float>::quiet_NaN()};
        QVERIFY(ecg.validate().contains(QStringLiteral("non-finite")));
        ecg.leads[1].microvolts = {1.0f, 3.0f};
        QVERIFY(ecg.validate().isEmpty());
        QCOMPARE(ecg.durationMs(), 8.0); // 2 samples at 250 Hz
    }

    void labelOriginRoundTrip()
    {
        for (LabelOrigin o : {LabelOrigin::Dataset, LabelOrigin::Model, LabelOrigin::User, LabelOrigin::Generator})
            QVERIFY(labelOriginFromString(toString(o)) == std::optional<LabelOrigin>(o));
        QVERIFY(!labelOriginFromString(QStringLiteral("nonsense")));
        QVERIFY(sexFromString(QStringLiteral("F")) == Sex::Female);
        QVERIFY(sexFromString(QStringLiteral("Male")) == Sex::Male);
        QVERIFY(sexFromString(QStringLiteral("Unknown")) == Sex::Unknown);
    }
};

QTEST_APPLESS_MAIN(TestEcg)
#include "tst_ecg.moc"
