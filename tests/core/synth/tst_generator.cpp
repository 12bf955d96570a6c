#include "core/synth/generator.h"

#include <QTest>

#include <cmath>
#include <numeric>

using namespace ecgscope;
using synth::Rhythm;

namespace {

/// A plain QRS detector written for this test, independent of the generator: the sum over leads of the
/// squared slope, peaks above 15% of its maximum, at least 200 ms apart. Works on noise-free records.
std::vector<double> detectBeatsMs(const Ecg &ecg)
{
    const int n = ecg.sampleCount();
    std::vector<double> slope(size_t(n), 0.0);
    for (const LeadSignal &l : ecg.leads)
        for (int i = 1; i < n; ++i)
            slope[size_t(i)] += std::pow(l.microvolts[size_t(i)] - l.microvolts[size_t(i - 1)], 2);
    const double threshold = 0.15 * *std::max_element(slope.begin(), slope.end());
    const int refractory = int(0.2 * ecg.sampleRateHz);
    std::vector<double> beats;
    int i = 0;
    while (i < n) {
        if (slope[size_t(i)] < threshold) {
            ++i;
            continue;
        }
        // Centre of the supra-threshold region (the QRS), then skip the refractory period.
        int end = i;
        while (end + 1 < n && (slope[size_t(end + 1)] >= threshold || end + 1 - i < int(0.06 * ecg.sampleRateHz)))
            ++end;
        int best = i;
        for (int k = i; k <= end; ++k)
            if (slope[size_t(k)] > slope[size_t(best)])
                best = k;
        beats.push_back(1000.0 * best / ecg.sampleRateHz);
        i = std::max(end, i + refractory);
    }
    return beats;
}

std::vector<double> intervals(const std::vector<double> &t)
{
    std::vector<double> d;
    for (size_t i = 1; i < t.size(); ++i)
        d.push_back(t[i] - t[i - 1]);
    return d;
}

double mean(const std::vector<double> &v) { return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size()); }

double coefficientOfVariation(const std::vector<double> &v)
{
    const double m = mean(v);
    double s = 0.0;
    for (double x : v)
        s += (x - m) * (x - m);
    return std::sqrt(s / double(v.size())) / m;
}

synth::Synthetic make(Rhythm r, double bpm, uint64_t seed, double noise = 0.0)
{
    synth::Options o;
    o.rhythm = r;
    o.heartRateBpm = bpm;
    o.seed = seed;
    o.noiseLevel = noise;
    auto s = synth::generate(o);
    if (!s)
        qFatal("%s", qPrintable(s.error()));
    return std::move(s).value();
}

} // namespace

class TestGenerator : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void deterministicForSeed()
    {
        const auto a = make(Rhythm::AtrialFibrillation, 0.0, 5, 1.0);
        const auto b = make(Rhythm::AtrialFibrillation, 0.0, 5, 1.0);
        const auto c = make(Rhythm::AtrialFibrillation, 0.0, 6, 1.0);
        for (size_t l = 0; l < 12; ++l)
            QCOMPARE(a.ecg.leads[l].microvolts, b.ecg.leads[l].microvolts);
        QVERIFY(a.ecg.leads[1].microvolts != c.ecg.leads[1].microvolts);
    }

    void shapeAndLabels()
    {
        synth::Options o;
        o.rhythm = Rhythm::Psvt;
        o.sampleRateHz = 250.0;
        o.durationMs = 12000.0;
        auto s = synth::generate(o);
        QVERIFY(s);
        QCOMPARE(s->ecg.leadNames(), standardLeadNames());
        QCOMPARE(s->ecg.sampleCount(), 3000);
        QCOMPARE(s->ecg.sampleRateHz, 250.0);
        QVERIFY(s->ecg.validate().isEmpty());
        QCOMPARE(s->ecg.labels.front().code, QStringLiteral("psvt"));
        QVERIFY(s->ecg.labels.front().origin == LabelOrigin::Generator);
        QCOMPARE(s->ecg.labels.back().code, QStringLiteral("67198005"));
    }

    void limbLeadsObeyEinthovenWithNoise()
    {
        const auto s = make(Rhythm::Sinus, 70.0, 3, 2.0);
        const auto &v = s.ecg.leads;
        for (size_t i = 0; i < v[0].microvolts.size(); i += 7) {
            QVERIFY(std::abs(v[2].microvolts[i] - (v[1].microvolts[i] - v[0].microvolts[i])) < 0.01f);
            QVERIFY(std::abs(v[3].microvolts[i] + v[4].microvolts[i] + v[5].microvolts[i]) < 0.01f);
        }
    }

    void rejectsBadOptions()
    {
        synth::Options o;
        o.rhythm = Rhythm::SinusTachycardia;
        o.heartRateBpm = 80.0;
        auto s = synth::generate(o);
        QVERIFY(!s);
        QVERIFY(s.error().contains(QStringLiteral("st needs a heart rate")));
        o = {};
        o.sampleRateHz = 10.0;
        QVERIFY(!synth::generate(o));
        QVERIFY(!synth::rhythmFromString(QStringLiteral("torsades")));
        QVERIFY(synth::rhythmFromString(QStringLiteral("AF")) == std::optional<Rhythm>(Rhythm::AtrialFibrillation));
    }

    void detectedBeatsMatchTruth_data()
    {
        QTest::addColumn<int>("rhythm");
        QTest::addColumn<double>("bpm");
        for (Rhythm r : synth::allRhythms()) {
            const auto [lo, hi] = synth::rateRangeBpm(r);
            for (uint64_t seed : {1, 2, 3})
                QTest::addRow("%s seed %d", qPrintable(synth::toString(r)), int(seed)) << int(r) << (lo + hi) / 2.0 + double(seed);
        }
    }
    void detectedBeatsMatchTruth()
    {
        QFETCH(int, rhythm);
        QFETCH(double, bpm);
        const auto s = make(Rhythm(rhythm), bpm, uint64_t(bpm) * 7);
        const auto detected = detectBeatsMs(s.ecg);
        // Beats cut by the record's edges may be missed; every complete one is found within 40 ms.
        std::vector<double> truth;
        for (const auto &b : s.truth.beats)
            if (b.qrsOnsetMs > 0.0 && b.qrsOffsetMs < s.ecg.durationMs())
                truth.push_back(b.rPeakMs);
        for (double t : truth) {
            const bool found = std::any_of(detected.begin(), detected.end(), [t](double d) { return std::abs(d - t) < 40.0; });
            QVERIFY2(found, qPrintable(QStringLiteral("no detected beat near %1 ms").arg(t)));
        }
        QVERIFY(detected.size() <= truth.size() + 2);
    }

    void sinusRatesAreWhatWasAsked_data()
    {
        QTest::addColumn<int>("rhythm");
        QTest::addColumn<double>("bpm");
        QTest::newRow("sinus 72") << int(Rhythm::Sinus) << 72.0;
        QTest::newRow("brady 45") << int(Rhythm::SinusBradycardia) << 45.0;
        QTest::newRow("tachy 130") << int(Rhythm::SinusTachycardia) << 130.0;
        QTest::newRow("psvt 190") << int(Rhythm::Psvt) << 190.0;
        QTest::newRow("cavb escape 38") << int(Rhythm::CompleteAvBlock) << 38.0;
    }
    void sinusRatesAreWhatWasAsked()
    {
        QFETCH(int, rhythm);
        QFETCH(double, bpm);
        const auto s = make(Rhythm(rhythm), bpm, 21);
        const double measured = 60000.0 / mean(intervals(detectBeatsMs(s.ecg)));
        QVERIFY2(std::abs(measured - bpm) < 0.06 * bpm, qPrintable(QString::number(measured)));
    }

    void fibrillationIsIrregularAndPsvtRegular()
    {
        for (uint64_t seed : {1, 2, 3, 4}) {
            QVERIFY(coefficientOfVariation(intervals(detectBeatsMs(make(Rhythm::AtrialFibrillation, 100.0, seed).ecg))) > 0.08);
            QVERIFY(coefficientOfVariation(intervals(detectBeatsMs(make(Rhythm::Psvt, 180.0, seed).ecg))) < 0.03);
            QVERIFY(make(Rhythm::AtrialFibrillation, 100.0, seed).truth.pOnsetsMs.empty());
            QVERIFY(make(Rhythm::Psvt, 180.0, seed).truth.pOnsetsMs.empty());
        }
    }

    void avBlocks()
    {
        for (uint64_t seed : {1, 2, 3}) {
            const auto first = make(Rhythm::FirstDegreeAvBlock, 70.0, seed);
            for (const auto &b : first.truth.beats)
                QVERIFY(b.prMs && *b.prMs > 200.0);
            const auto sinus = make(Rhythm::Sinus, 70.0, seed);
            for (const auto &b : sinus.truth.beats)
                QVERIFY2(b.prMs && *b.prMs > 119.5 && *b.prMs < 200.5, qPrintable(QString::number(b.prMs.value_or(-1))));

            // Mobitz I: more P waves than QRS complexes; within a group the PR grows, after the
            // dropped beat it starts short again; the pause is shorter than two P-P cycles.
            const auto w = make(Rhythm::MobitzI, 60.0, seed);
            QVERIFY(w.truth.pOnsetsMs.size() > w.truth.beats.size());
            int resets = 0;
            for (size_t i = 1; i < w.truth.beats.size(); ++i) {
                const double pr0 = *w.truth.beats[i - 1].prMs, pr1 = *w.truth.beats[i].prMs;
                if (pr1 < pr0)
                    ++resets;
            }
            QVERIFY(resets >= 1);
            const double pp = 60000.0 / w.truth.atrialRateBpm;
            const auto rr = intervals(detectBeatsMs(w.ecg));
            QVERIFY(*std::max_element(rr.begin(), rr.end()) < 2.0 * pp);

            // Complete block: atria faster than ventricles and no conducted P.
            const auto c = make(Rhythm::CompleteAvBlock, 40.0, seed);
            QVERIFY(c.truth.atrialRateBpm > 60.0);
            for (const auto &b : c.truth.beats)
                QVERIFY(!b.prMs);
        }
    }

    void pacsArePrematureWithResetSinusNode()
    {
        for (uint64_t seed : {1, 2, 3}) {
            const auto s = make(Rhythm::Pac, 70.0, seed);
            QVERIFY(!s.truth.ectopicPOnsetsMs.empty());
            const double rr = 60000.0 / 70.0;
            const auto &beats = s.truth.beats;
            for (double p : s.truth.ectopicPOnsetsMs) {
                const auto it = std::find_if(beats.begin(), beats.end(), [p](const synth::Beat &b) { return b.prMs && std::abs(b.qrsOnsetMs - *b.prMs - p) < 1.0; });
                if (it == beats.begin() || it == beats.end() || it + 1 == beats.end())
                    continue;
                QVERIFY(it->kind == synth::BeatKind::Sinus); // narrow, conducted
                QVERIFY(it->rPeakMs - (it - 1)->rPeakMs < 0.8 * rr);
                // Non-compensatory: the beats around the PAC are less than two cycles apart.
                QVERIFY((it + 1)->rPeakMs - (it - 1)->rPeakMs < 1.9 * rr);
            }
        }
    }

    void variantsFollowTheirPrevalence()
    {
        int bbb = 0, reversed = 0;
        for (uint64_t seed = 1; seed <= 300; ++seed) {
            synth::Options o;
            o.seed = seed;
            o.durationMs = 2000.0;
            const auto s = synth::generate(o);
            if (s->truth.conduction != synth::Conduction::Normal) {
                ++bbb;
                QVERIFY(s->truth.qrsMs >= 120.0);
            }
            reversed += s->truth.armLeadsReversed;
            o.variants = false;
            QVERIFY(synth::generate(o)->truth.conduction == synth::Conduction::Normal);
        }
        QVERIFY2(bbb > 15 && bbb < 60, qPrintable(QString::number(bbb))); // 12% of 300 = 36
        QVERIFY(reversed < 20);
    }

    void vpcsAreWidePrematureWithCompensatoryPause()
    {
        for (uint64_t seed : {1, 2, 3, 4, 5}) {
            const auto s = make(Rhythm::Vpc, 70.0, seed);
            const auto &beats = s.truth.beats;
            int vpcs = 0;
            const double rr = 60000.0 / 70.0;
            for (size_t i = 1; i + 1 < beats.size(); ++i) {
                if (beats[i].kind != synth::BeatKind::Ventricular)
                    continue;
                ++vpcs;
                QVERIFY(beats[i].qrsOffsetMs - beats[i].qrsOnsetMs >= 120.0);
                QVERIFY(beats[i].rPeakMs - beats[i - 1].rPeakMs < 0.75 * rr);
                // Sinus beats on both sides are two cycles apart (within sinus variability).
                const double around = beats[i + 1].rPeakMs - beats[i - 1].rPeakMs;
                QVERIFY2(std::abs(around - 2.0 * rr) < 0.12 * rr, qPrintable(QString::number(around)));
            }
            QVERIFY(vpcs >= 1);
        }
    }
};

QTEST_APPLESS_MAIN(TestGenerator)
#include "tst_generator.moc"
