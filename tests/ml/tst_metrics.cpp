#include "core/ml/metrics.h"
#include "core/ml/training.h"

#include <QJsonArray>
#include <QTest>

#include <cmath>

using namespace ecgscope::ml;

class TestMetrics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void handComputedThreeClassExample()
    {
        // truth:     A A A B B C C C C C
        // predicted: A A B B C C C C A C
        const std::vector<int> truth{0, 0, 0, 1, 1, 2, 2, 2, 2, 2};
        const std::vector<int> pred{0, 0, 1, 1, 2, 2, 2, 2, 0, 2};
        const Evaluation e = evaluate({QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("C")}, truth, pred);
        QCOMPARE(e.confusion, (std::vector<std::vector<int>>{{2, 1, 0}, {0, 1, 1}, {1, 0, 4}}));
        // A: P = 2/3, R = 2/3; B: P = 1/2, R = 1/2; C: P = 4/5, R = 4/5. Accuracy 7/10.
        QCOMPARE(e.perClass[0].precision, 2.0 / 3.0);
        QCOMPARE(e.perClass[1].recall, 0.5);
        QCOMPARE(e.perClass[2].f1, 0.8);
        QCOMPARE(e.accuracy, 0.7);
        QCOMPARE(e.microF1, 0.7);
        QVERIFY(std::abs(e.macroF1 - (2.0 / 3.0 + 0.5 + 0.8) / 3.0) < 1e-12);
        QCOMPARE(e.perClass[2].support, 5);
        QVERIFY(e.confusionCsv().startsWith(QStringLiteral("true\\predicted,A,B,C\nA,2,1,0\n")));
        QVERIFY(e.metricsCsv().contains(QStringLiteral("micro,10,0.7,0.7,0.7,")));
    }

    void absentClassesInMacroAverages()
    {
        // B neither present nor predicted: left out of the macro averages (scikit-learn's default labels).
        Evaluation e = evaluate({QStringLiteral("A"), QStringLiteral("B")}, {0, 0}, {0, 0});
        QCOMPARE(e.perClass[1].recall, 0.0);
        QCOMPARE(e.perClass[1].precision, 0.0);
        QCOMPARE(e.macroF1, 1.0);
        // B predicted once but never present: it counts, with F1 0. A: P 1, R 1/2, F1 2/3.
        e = evaluate({QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("C")}, {0, 0}, {0, 1});
        QVERIFY(std::abs(e.macroF1 - (2.0 / 3.0 + 0.0) / 2.0) < 1e-12);
        QVERIFY(std::abs(e.macroRecall - 0.25) < 1e-12);
    }

    void aurocByHand()
    {
        // Positives 0.9, 0.4; negatives 0.5, 0.1, 0.4 (one tie): pairs won 3 + (1 + 0.5) of 6 = 0.75.
        QCOMPARE(auroc({0.9f, 0.5f, 0.4f, 0.1f, 0.4f}, {true, false, true, false, false}), 0.75);
        QVERIFY(std::isnan(auroc({0.1f, 0.2f}, {true, true})));
    }

    void operatingCurveByHand()
    {
        // Scores 0.9+, 0.8+, 0.8-, 0.6-, 0.3+ (+ = positive): thresholds at each distinct score.
        const OperatingCurve c = operatingCurve({0.9f, 0.8f, 0.8f, 0.6f, 0.3f}, {true, false, true, false, true});
        QCOMPARE(c.positives, 3);
        QCOMPARE(c.negatives, 2);
        QCOMPARE(int(c.points.size()), 4);
        const double precision[] = {1.0, 2.0 / 3, 0.5, 0.6}, recall[] = {1.0 / 3, 2.0 / 3, 2.0 / 3, 1.0}, fpr[] = {0.0, 0.5, 1.0, 1.0};
        const float threshold[] = {0.9f, 0.8f, 0.6f, 0.3f};
        for (size_t i = 0; i < 4; ++i) {
            QCOMPARE(float(c.points[i].threshold), threshold[i]);
            QVERIFY(std::abs(c.points[i].precision() - precision[i]) < 1e-12);
            QVERIFY(std::abs(c.points[i].recall() - recall[i]) < 1e-12);
            QVERIFY(std::abs(c.points[i].falsePositiveRate() - fpr[i]) < 1e-12);
        }
        // AP = 1/3 x 1 + 1/3 x 2/3 + 0 x 1/2 + 1/3 x 0.6 (scikit-learn's average_precision_score: 0.7556)
        QVERIFY(std::abs(c.averagePrecision - (1.0 / 3 + 2.0 / 9 + 0.2)) < 1e-12);
        // 6 positive-negative pairs: 0.9 beats both, 0.8 beats 0.6 and ties 0.8, 0.3 beats none: 3.5 / 6.
        QVERIFY(std::abs(c.auroc - 3.5 / 6) < 1e-12);
        // Deciding at 0.7 calls the two records of 0.8 and above positive; nothing reaches 0.95.
        QCOMPARE(float(c.at(0.7)->threshold), 0.8f);
        QCOMPARE(c.at(0.7)->truePositives, 2);
        QVERIFY(c.at(0.95) == nullptr);
        const QJsonObject json = c.toJson();
        QCOMPARE(json.value(QStringLiteral("recall")).toArray().size(), 4);
        QVERIFY(std::abs(json.value(QStringLiteral("precision")).toArray().at(1).toDouble() - 2.0 / 3) < 1e-12);
    }

    void flagCurveFollowsTheDecidedClass()
    {
        // Class 1: records decided 1 with p1 0.9 (true 1), 0.7 (true 0); record decided 0 with p1 0.45 (true 1).
        const OperatingCurve c = flagCurve({{0.1f, 0.9f}, {0.3f, 0.7f}, {0.55f, 0.45f}}, {1, 1, 0}, {1, 0, 1}, 1);
        QCOMPARE(int(c.points.size()), 2); // the record decided 0 is never flagged as 1
        QCOMPARE(c.points[1].truePositives, 1);
        QCOMPARE(c.points[1].falsePositives, 1);
        QCOMPARE(c.points[1].recall(), 0.5);
        QCOMPARE(c.points[0].precision(), 1.0);
    }

    void reliabilityByHand()
    {
        // Top probabilities 0.95 (right), 0.85 (wrong), 0.6 (right), 0.55 (right) in ten bins.
        const Reliability r = reliability({{0.95f, 0.05f}, {0.85f, 0.15f}, {0.4f, 0.6f}, {0.55f, 0.45f}}, {0, 1, 1, 0});
        QCOMPARE(int(r.bins.size()), 10);
        QCOMPARE(r.bins[8].count, 1);
        QVERIFY(std::abs(r.bins[8].confidence - 0.85) < 1e-6);
        QCOMPARE(r.bins[8].accuracy, 0.0);
        QCOMPARE(r.bins[5].count, 1);
        QCOMPARE(r.bins[5].accuracy, 1.0);
        QCOMPARE(r.bins[0].count, 0);
        QVERIFY(std::isnan(r.bins[0].confidence));
        // (|1 - 0.55| + |1 - 0.6| + |0 - 0.85| + |1 - 0.95|) / 4
        QVERIFY(std::abs(r.expectedCalibrationError - 1.75 / 4) < 1e-6);
        QCOMPARE(r.binsJson().size(), 10);
        QVERIFY(std::isnan(reliability({}, {}).expectedCalibrationError));
    }

    void bootstrapBracketsThePointEstimates()
    {
        // 40 "other" records, 10 of them flagged; 20 of class 0, 15 recalled.
        std::vector<int> truth, pred;
        for (int i = 0; i < 40; ++i) {
            truth.push_back(1);
            pred.push_back(i < 10 ? 0 : 1);
        }
        for (int i = 0; i < 20; ++i) {
            truth.push_back(0);
            pred.push_back(i < 15 ? 0 : 1);
        }
        const auto b = bootstrap(truth, pred, 2, 1, 2000, 7);
        QCOMPARE(b.falseFlagRate, 0.25);
        QVERIFY(b.falseFlag.low < 0.25 && b.falseFlag.high > 0.25);
        // Binomial standard error sqrt(.25 * .75 / 40) = 0.068: the interval spans about +-2 of them.
        QVERIFY2(b.falseFlag.high - b.falseFlag.low > 0.2 && b.falseFlag.high - b.falseFlag.low < 0.34,
                 qPrintable(QStringLiteral("%1 %2").arg(b.falseFlag.low).arg(b.falseFlag.high)));
        QVERIFY(b.recall[0].low < 0.75 && b.recall[0].high > 0.75);
        QCOMPARE(bootstrap(truth, pred, 2, 1, 2000, 7).falseFlag.low, b.falseFlag.low); // deterministic
    }

    void classWeightsByHand()
    {
        // Counts 10, 30, 60: inverse frequency 100/(3*n) = 3.333, 1.111, 0.556, mean already 1.667 -> normalised.
        auto w = classWeights({10, 30, 60}, WeightScheme::InverseFrequency);
        QVERIFY(std::abs(w[0] / w[2] - 6.0) < 1e-12);
        QVERIFY(std::abs((w[0] + w[1] + w[2]) / 3.0 - 1.0) < 1e-12);
        // Effective number, beta 0.9: (1-b)/(1-b^n): n=1 -> 1, n=2 -> 0.1/0.19.
        w = classWeights({1, 2, 0}, WeightScheme::EffectiveNumber, 0.9);
        QVERIFY(std::abs(w[0] / w[1] - 1.9) < 1e-12);
        QCOMPARE(w[2], 0.0);
        QVERIFY(std::abs(w[0] + w[1] - 2.0) < 1e-12);
    }

    void balancedDrawEqualisesClasses()
    {
        std::vector<int> labels;
        for (int c = 0; c < 4; ++c)
            labels.insert(labels.end(), size_t(5 + 20 * c), c);
        const auto draw = balancedDraw(labels, 5, 3); // class 4 is empty and ignored
        std::vector<int> counts(5, 0);
        for (size_t i : draw)
            ++counts[size_t(labels[i])];
        QCOMPARE(counts, (std::vector<int>{5, 5, 5, 5, 0}));
        QCOMPARE(balancedDraw(labels, 5, 3), draw);
        QVERIFY(balancedDraw(labels, 5, 4) != draw);
    }

    void subclassCombination()
    {
        // Groups {1,2,3},{4},{5},{6}: p(group) = .5 .2 .2 .1; p(class | merged group) = .2 .3 .5.
        const auto p = combineStages({0.5f, 0.2f, 0.2f, 0.1f}, {{0, 1, 2}, {3}, {4}, {5}}, {{0.2f, 0.3f, 0.5f}, {}, {}, {}}, 6);
        const std::vector<float> expected{0.1f, 0.15f, 0.25f, 0.2f, 0.2f, 0.1f};
        for (size_t c = 0; c < 6; ++c)
            QVERIFY(std::abs(p[c] - expected[c]) < 1e-6f);
    }

    void strategyNames()
    {
        QCOMPARE(StrategyConfig::fromName(QStringLiteral("focal+subclass"))->name(), QStringLiteral("subclass+focal"));
        QCOMPARE(StrategyConfig::fromName(QStringLiteral("none"))->name(), QStringLiteral("none"));
        QVERIFY(!StrategyConfig::fromName(QStringLiteral("smote")));
        QVERIFY(!StrategyConfig::fromName(QStringLiteral("focal+weights")));
        QCOMPARE(StrategyConfig().effectiveGroups(7).size(), size_t(5));
    }
};

QTEST_APPLESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
