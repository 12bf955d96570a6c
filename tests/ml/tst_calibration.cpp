// Temperature scaling, decision thresholds and the expected calibration error, against hand computation.
#include "core/ml/calibration.h"
#include "core/ml/metrics.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace ecgscope::ml;

namespace {
const double kNone = std::numeric_limits<double>::quiet_NaN();

/// Two-class rows {1 - s, s} for scores s of class 1.
std::vector<std::vector<float>> rows(const std::vector<float> &scores)
{
    std::vector<std::vector<float>> out;
    for (float s : scores)
        out.push_back({1.0f - s, s});
    return out;
}
} // namespace

class TestCalibration : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void temperatureByHand()
    {
        // T = 2 takes square roots of the odds: 0.8 : 0.2 = 4 becomes 2, i.e. 2/3 and 1/3.
        const auto p = applyTemperature({0.8f, 0.2f}, 2.0);
        QVERIFY(std::abs(p[0] - 2.0f / 3.0f) < 1e-6f);
        QVERIFY(std::abs(p[1] - 1.0f / 3.0f) < 1e-6f);
        QCOMPARE(applyTemperature({0.8f, 0.2f}, 1.0), (std::vector<float>{0.8f, 0.2f}));
        // Zeros stay finite and keep their order.
        const auto z = applyTemperature({1.0f, 0.0f, 0.0f}, 3.0);
        QVERIFY(z[0] > z[1] && std::isfinite(z[1]));
    }

    void fittedTemperatureMatchesTheObservedFrequency()
    {
        // Every record says 0.9 : 0.1 but class 0 is right 3 times in 4. The likelihood is highest where
        // the calibrated odds are 3 : 1, i.e. 9^(1/T) = 3, T = 2.
        const auto p = rows({0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f});
        const std::vector<int> truth{0, 0, 0, 1, 0, 0, 0, 1};
        QVERIFY2(std::abs(fitTemperature(p, truth) - 2.0) < 1e-3, qPrintable(QString::number(fitTemperature(p, truth))));
    }

    void eceByHand()
    {
        // Two records at confidence 0.9, one right: |0.5 - 0.9| x 2/4; two at 0.6, both right: |1 - 0.6| x 2/4.
        const std::vector<std::vector<float>> p{{0.9f, 0.1f}, {0.9f, 0.1f}, {0.6f, 0.4f}, {0.4f, 0.6f}};
        const std::vector<int> truth{0, 1, 0, 1};
        QVERIFY(std::abs(reliability(p, truth).expectedCalibrationError - 0.4) < 1e-6);
        // An evaluation with probabilities reports the same figure; without them, none.
        QVERIFY(std::abs(evaluate({QStringLiteral("A"), QStringLiteral("B")}, truth, {0, 0, 0, 1}, p).calibrationError - 0.4) < 1e-6);
        QVERIFY(std::isnan(evaluate({QStringLiteral("A"), QStringLiteral("B")}, truth, {0, 0, 0, 1}).calibrationError));
        // A calibrated set: confidence 0.75, right 3 times in 4.
        QVERIFY(std::abs(reliability(rows({0.25f, 0.25f, 0.25f, 0.25f}), {0, 0, 0, 1}).expectedCalibrationError) < 1e-6);
    }

    void thresholdsByHand()
    {
        // Scores of class 1, best first: 0.9+ 0.7- 0.6+ 0.3+ 0.2- 0.1-. F1 of the cuts: 0.5, 0.4, 0.667, 0.857,
        // 0.75, 0.667: the best keeps the first four, cut half-way between 0.3 and 0.2.
        const auto p = rows({0.9f, 0.7f, 0.6f, 0.3f, 0.2f, 0.1f});
        const std::vector<int> truth{1, 0, 1, 1, 0, 0};
        ThresholdRule f1;
        f1.minPositives = 1;
        auto t = chooseThresholds(p, truth, f1, 0);
        QVERIFY(std::isnan(t[0])); // the fallback class gets none
        QVERIFY(std::abs(t[1] - 0.25) < 1e-6);
        // Precision >= 0.7: the cuts after 0.9 (1.0) and after 0.3 (0.75) qualify; the lower has more recall.
        ThresholdRule precise{ThresholdRule::MinPrecision, 0.7, 1};
        QVERIFY(std::abs(chooseThresholds(p, truth, precise, 0)[1] - 0.25) < 1e-6);
        precise.precision = 0.8; // only the first cut, half-way between 0.9 and 0.7
        QVERIFY(std::abs(chooseThresholds(p, truth, precise, 0)[1] - 0.8) < 1e-6);
        // Too few positives: no threshold.
        f1.minPositives = 4;
        QVERIFY(std::isnan(chooseThresholds(p, truth, f1, 0)[1]));
        QVERIFY(ThresholdRule::fromName(QStringLiteral("precision:0.95"))->precision == 0.95);
        QVERIFY(!ThresholdRule::fromName(QStringLiteral("precision:2")));
        QVERIFY(!ThresholdRule::fromName(QStringLiteral("best")));
    }

    void thresholdsChangeDecisions()
    {
        // Classes A, B and Other (the fallback, index 2).
        const std::vector<float> p{0.10f, 0.35f, 0.55f};
        QCOMPARE(decide(p, {}, 2), 2);                       // arg-max
        QCOMPARE(decide(p, {kNone, 0.30, kNone}, 2), 1);     // B reaches its threshold: B, though Other is higher
        QCOMPARE(decide(p, {kNone, 0.40, kNone}, 2), 2);     // it does not: the fallback
        const std::vector<float> q{0.50f, 0.30f, 0.20f};
        QCOMPARE(decide(q, {0.60, kNone, kNone}, 2), 2);     // A is the arg-max but below its threshold: Other
        QCOMPARE(decide(q, {0.60, kNone, kNone}, -1), 0);    // no fallback: the arg-max
        QCOMPARE(decide(q, {kNone, kNone, kNone}, 2), 0);    // no thresholds at all: the arg-max
        QCOMPARE(decide(q, {0.40, 0.25, kNone}, 2), 0);      // both reach theirs: the more probable
    }

    void calibrationRoundTrip()
    {
        Calibration c;
        c.temperature = 1.7;
        c.thresholds = {kNone, 0.3, kNone};
        c.rule = QStringLiteral("f1");
        c.records = 12;
        const Calibration back = Calibration::fromJson(c.toJson());
        QCOMPARE(back.temperature, 1.7);
        QVERIFY(std::isnan(back.thresholds[0]) && back.thresholds[1] == 0.3);
        QCOMPARE(back.records, 12);
        QVERIFY(!back.isIdentity());
        QVERIFY(Calibration::fromJson({}).isIdentity());
    }

    void pairedBootstrapOfAMacroF1Difference()
    {
        // The second model gets one more record right in each of two repeats of four records (2 classes).
        PairedPredictions g{{0, 0, 1, 1}, {0, 0, 1, 0}, {0, 0, 1, 1}};
        // macro-F1: first = (F1 class 0: P 2/3 R 1 -> 0.8; class 1: P 1 R 0.5 -> 0.667) / 2 = 0.733; second = 1.
        const PairedDifference d = pairedMacroF1Difference({g, g}, 2, 500, 3);
        QVERIFY(std::abs(d.difference - (1.0 - (0.8 + 2.0 / 3.0) / 2.0)) < 1e-9);
        QVERIFY(d.interval.low <= d.difference && d.difference <= d.interval.high);
        QVERIFY(d.interval.low >= 0.0); // never worse on any resample
    }
};

QTEST_APPLESS_MAIN(TestCalibration)
#include "tst_calibration.moc"
