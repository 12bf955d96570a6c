#include "core/record/ecg.h"
#include "core/synth/generator.h"

#include <QDir>
#include <QTest>

#include "tests/core/io/testfiles.h"

#include <random>

using namespace ecgscope;

class TestEcg : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Bytes decoded with the wrong encoding look like full-scale noise (an SCP-ECG 1.3 file at 183 nV per
    // unit came out as +-6 mV of it): said in a note. ECG, however noisy, is not.
    void notesNoiseSpanningMillivolts()
    {
        std::mt19937 random(5);
        std::uniform_int_distribution<int> raw(-32768, 32767);
        Ecg noise;
        noise.sampleRateHz = 1000.0;
        for (const char *name : {"I", "II", "V1", "V2", "V3", "V4", "V5", "V6"}) { // the 8 leads SCP stores
            LeadSignal l{QLatin1String(name), {}, false, 0.183};
            for (int t = 0; t < 10000; ++t)
                l.microvolts.push_back(float(raw(random) * 0.183));
            noise.leads.push_back(l);
        }
        QVERIFY(noise.finishLoading().isEmpty());
        QVERIFY2(noise.notes.join(QLatin1Char(';')).contains(QStringLiteral("implausible signal: I, II, V1, V2, V3, V4, V5, V6 jump")), qPrintable(noise.notes.join(QLatin1Char(';'))));
        synth::Options o;
        o.noiseLevel = 3.0; // three times the generator's realistic noise
        o.rhythm = synth::Rhythm::AtrialFibrillation;
        Ecg ecg = synth::generate(o)->ecg;
        ecg.notes.clear();
        ecg.noteImplausibleAmplitudes();
        QVERIFY2(!ecg.notes.join(QLatin1Char(';')).contains(QStringLiteral("implausible")), qPrintable(ecg.notes.join(QLatin1Char(';'))));
    }

    void noRealRecordIsCalledNoise()
    {
        const QString shared = QStringLiteral(ECGSCOPE_SHARED_DIR);
        if (!QDir(shared).exists())
            QSKIP("../shared is absent");
        int records = 0;
        for (const QString &folder : {QStringLiteral("/samples"), QStringLiteral("/data")}) {
            for (const auto &[file, ecg] : readableRecordsBelow(shared + folder)) {
                ++records;
                QVERIFY2(!ecg.notes.join(QLatin1Char(';')).contains(QStringLiteral("implausible signal")), qPrintable(file));
            }
        }
        QVERIFY(records > 800);
    }

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
