#include "core/ml/metrics.h"

#include <QJsonArray>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace ecgscope::ml {

namespace {
double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }
double harmonic(double p, double r) { return p + r > 0 ? 2 * p * r / (p + r) : 0.0; }
/// JSON null for an undefined (NaN) value.
QJsonValue number(double v) { return std::isnan(v) ? QJsonValue() : QJsonValue(v); }

/// Class `cls` against the rest: each record's probability of it, and whether it is its true class.
struct OneVsRest {
    std::vector<float> scores;
    std::vector<bool> positive;
};
OneVsRest oneVsRest(const std::vector<std::vector<float>> &probabilities, const std::vector<int> &truth, int cls)
{
    OneVsRest o;
    for (size_t i = 0; i < truth.size(); ++i) {
        o.scores.push_back(probabilities[i][size_t(cls)]);
        o.positive.push_back(truth[i] == cls);
    }
    return o;
}
} // namespace

double auroc(const std::vector<float> &scores, const std::vector<bool> &positive)
{
    std::vector<size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
    // Average ranks over ties, then U = sum of positive ranks - P(P+1)/2.
    std::vector<double> rank(scores.size());
    for (size_t i = 0; i < order.size();) {
        size_t j = i;
        while (j + 1 < order.size() && scores[order[j + 1]] == scores[order[i]])
            ++j;
        for (size_t k = i; k <= j; ++k)
            rank[order[k]] = 0.5 * double(i + j) + 1.0;
        i = j + 1;
    }
    double pos = 0, neg = 0, sum = 0;
    for (size_t i = 0; i < scores.size(); ++i) {
        if (positive[i]) {
            ++pos;
            sum += rank[i];
        } else {
            ++neg;
        }
    }
    if (pos == 0 || neg == 0)
        return std::numeric_limits<double>::quiet_NaN();
    return (sum - pos * (pos + 1) / 2) / (pos * neg);
}

Reliability reliability(const std::vector<std::vector<float>> &probabilities, const std::vector<int> &truth, int bins)
{
    Reliability r;
    if (probabilities.empty()) {
        r.expectedCalibrationError = std::numeric_limits<double>::quiet_NaN();
        return r;
    }
    std::vector<double> confidence(size_t(bins), 0.0), correct(size_t(bins), 0.0);
    std::vector<int> count(size_t(bins), 0);
    for (size_t i = 0; i < truth.size(); ++i) {
        const auto top = std::max_element(probabilities[i].begin(), probabilities[i].end());
        const double conf = *top;
        const size_t b = size_t(std::clamp(int(conf * bins), 0, bins - 1));
        confidence[b] += conf;
        correct[b] += int(top - probabilities[i].begin()) == truth[i];
        ++count[b];
    }
    for (size_t b = 0; b < size_t(bins); ++b) {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        r.bins.push_back({double(b) / bins, double(b + 1) / bins, count[b], count[b] ? confidence[b] / count[b] : nan,
                          count[b] ? correct[b] / count[b] : nan});
        r.expectedCalibrationError += std::abs(correct[b] - confidence[b]) / double(truth.size()); // = n_b/N |acc_b - conf_b|
    }
    return r;
}

QJsonArray Reliability::binsJson() const
{
    QJsonArray a;
    for (const ReliabilityBin &b : bins)
        a.append(QJsonObject{{QStringLiteral("low"), b.low},
                             {QStringLiteral("high"), b.high},
                             {QStringLiteral("count"), b.count},
                             {QStringLiteral("confidence"), number(b.confidence)},
                             {QStringLiteral("accuracy"), number(b.accuracy)}});
    return a;
}

double OperatingPoint::precision() const { return truePositives + falsePositives > 0 ? double(truePositives) / (truePositives + falsePositives) : 1.0; }
double OperatingPoint::recall() const { return ratio(truePositives, truePositives + falseNegatives); }
double OperatingPoint::falsePositiveRate() const { return ratio(falsePositives, falsePositives + trueNegatives); }

const OperatingPoint *OperatingCurve::at(double threshold) const
{
    const OperatingPoint *found = nullptr;
    for (const OperatingPoint &p : points) // highest threshold first
        if (p.threshold >= threshold)
            found = &p;
    return found;
}

QJsonObject OperatingCurve::toJson() const
{
    QJsonArray threshold, precision, recall, fpr;
    for (const OperatingPoint &p : points) {
        threshold.append(p.threshold);
        precision.append(p.precision());
        recall.append(p.recall());
        fpr.append(p.falsePositiveRate());
    }
    return QJsonObject{{QStringLiteral("positives"), positives},
                       {QStringLiteral("negatives"), negatives},
                       {QStringLiteral("auroc"), number(auroc)},
                       {QStringLiteral("average_precision"), number(averagePrecision)},
                       {QStringLiteral("threshold"), threshold},
                       {QStringLiteral("precision"), precision},
                       {QStringLiteral("recall"), recall},
                       {QStringLiteral("false_positive_rate"), fpr}};
}

OperatingCurve operatingCurve(const std::vector<float> &scores, const std::vector<bool> &positive)
{
    OperatingCurve c;
    c.positives = int(std::count(positive.begin(), positive.end(), true));
    c.negatives = int(positive.size()) - c.positives;
    c.auroc = auroc(scores, positive);
    std::vector<size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
    int tp = 0, fp = 0;
    double previousRecall = 0.0;
    for (size_t i = 0; i < order.size();) {
        const float threshold = scores[order[i]];
        for (; i < order.size() && scores[order[i]] == threshold; ++i)
            (positive[order[i]] ? tp : fp) += 1;
        const OperatingPoint p{threshold, tp, fp, c.positives - tp, c.negatives - fp};
        c.averagePrecision += (p.recall() - previousRecall) * p.precision();
        previousRecall = p.recall();
        c.points.push_back(p);
    }
    if (c.positives == 0)
        c.averagePrecision = std::numeric_limits<double>::quiet_NaN();
    return c;
}

OperatingCurve flagCurve(const std::vector<std::vector<float>> &probabilities, const std::vector<int> &decided, const std::vector<int> &truth, int cls)
{
    OneVsRest o = oneVsRest(probabilities, truth, cls);
    for (size_t i = 0; i < truth.size(); ++i)
        if (decided[i] != cls)
            o.scores[i] = -1.0f; // below any threshold: never flagged as cls
    OperatingCurve c = operatingCurve(o.scores, o.positive);
    c.points.erase(std::remove_if(c.points.begin(), c.points.end(), [](const OperatingPoint &p) { return p.threshold < 0.0; }), c.points.end());
    return c;
}

OperatingCurve operatingCurve(const std::vector<std::vector<float>> &probabilities, const std::vector<int> &truth, int cls)
{
    const OneVsRest o = oneVsRest(probabilities, truth, cls);
    return operatingCurve(o.scores, o.positive);
}

std::vector<OperatingCurve> operatingCurves(const std::vector<std::vector<float>> &probabilities, const std::vector<int> &truth, int classCount)
{
    std::vector<OperatingCurve> curves;
    for (int c = 0; c < classCount; ++c)
        curves.push_back(operatingCurve(probabilities, truth, c));
    return curves;
}

Evaluation evaluate(const QStringList &classNames, const std::vector<int> &truth, const std::vector<int> &predicted,
                    const std::vector<std::vector<float>> &probabilities)
{
    const size_t k = size_t(classNames.size());
    Evaluation e;
    e.classNames = classNames;
    e.count = int(truth.size());
    e.truth = truth;
    e.predicted = predicted;
    e.probabilities = probabilities;
    e.confusion.assign(k, std::vector<int>(k, 0));
    for (size_t i = 0; i < truth.size(); ++i)
        ++e.confusion[size_t(truth[i])][size_t(predicted[i])];
    int correct = 0, averaged = 0;
    for (size_t c = 0; c < k; ++c) {
        const int tp = e.confusion[c][c];
        int rowSum = 0, colSum = 0;
        for (size_t o = 0; o < k; ++o) {
            rowSum += e.confusion[c][o];
            colSum += e.confusion[o][c];
        }
        correct += tp;
        ClassMetrics m;
        m.support = rowSum;
        m.precision = ratio(tp, colSum);
        m.recall = ratio(tp, rowSum);
        m.f1 = harmonic(m.precision, m.recall);
        m.auroc = std::numeric_limits<double>::quiet_NaN();
        if (!probabilities.empty()) {
            const OneVsRest o = oneVsRest(probabilities, truth, int(c));
            m.auroc = auroc(o.scores, o.positive);
        }
        e.perClass.push_back(m);
        // Macro averages over the classes that occur in the truth or the predictions (scikit-learn's
        // default labels): a class absent from both, like PSVT in most real data, says nothing.
        if (rowSum > 0 || colSum > 0) {
            e.macroPrecision += m.precision;
            e.macroRecall += m.recall;
            e.macroF1 += m.f1;
            ++averaged;
        }
    }
    if (averaged > 0) {
        e.macroPrecision /= averaged;
        e.macroRecall /= averaged;
        e.macroF1 /= averaged;
    }
    e.accuracy = ratio(correct, e.count);
    e.reliability = reliability(probabilities, truth);
    e.calibrationError = e.reliability.expectedCalibrationError;
    // Single-label: every error is one false positive and one false negative, so micro P = R = F1 = accuracy.
    e.microPrecision = e.microRecall = e.microF1 = e.accuracy;
    return e;
}

BootstrapIntervals bootstrap(const std::vector<int> &truth, const std::vector<int> &predicted, int classCount, int otherClass,
                             int iterations, uint64_t seed)
{
    const size_t n = truth.size();
    const auto rates = [&](const std::vector<size_t> &sample, std::vector<double> &recall, std::vector<double> &precision, std::vector<double> &f1,
                           double &falseFlag) {
        std::vector<int> tp(size_t(classCount), 0), actual(size_t(classCount), 0), called(size_t(classCount), 0);
        int others = 0, flagged = 0;
        for (size_t i : sample) {
            ++actual[size_t(truth[i])];
            ++called[size_t(predicted[i])];
            tp[size_t(truth[i])] += truth[i] == predicted[i];
            if (truth[i] == otherClass) {
                ++others;
                flagged += predicted[i] != otherClass;
            }
        }
        const double nan = std::numeric_limits<double>::quiet_NaN();
        for (int c = 0; c < classCount; ++c) {
            recall[size_t(c)] = actual[size_t(c)] ? double(tp[size_t(c)]) / actual[size_t(c)] : nan;
            precision[size_t(c)] = called[size_t(c)] ? double(tp[size_t(c)]) / called[size_t(c)] : nan;
            // A present class never predicted has F1 0; an absent one has none.
            f1[size_t(c)] = actual[size_t(c)] ? harmonic(called[size_t(c)] ? precision[size_t(c)] : 0.0, recall[size_t(c)]) : nan;
        }
        falseFlag = others ? double(flagged) / others : nan;
    };
    std::vector<size_t> all(n);
    std::iota(all.begin(), all.end(), 0);
    std::vector<double> recall(static_cast<size_t>(classCount)), precision(static_cast<size_t>(classCount)), f1(static_cast<size_t>(classCount));
    BootstrapIntervals b;
    rates(all, recall, precision, f1, b.falseFlagRate);
    std::vector<std::vector<double>> recalls(static_cast<size_t>(classCount)), precisions(static_cast<size_t>(classCount)),
        f1s(static_cast<size_t>(classCount));
    std::vector<double> flags;
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<size_t> pick(0, n ? n - 1 : 0);
    std::vector<size_t> sample(n);
    for (int it = 0; it < iterations && n > 0; ++it) {
        for (size_t &s : sample)
            s = pick(rng);
        double flag;
        rates(sample, recall, precision, f1, flag);
        for (int c = 0; c < classCount; ++c) {
            if (!std::isnan(recall[size_t(c)]))
                recalls[size_t(c)].push_back(recall[size_t(c)]);
            if (!std::isnan(precision[size_t(c)]))
                precisions[size_t(c)].push_back(precision[size_t(c)]);
            if (!std::isnan(f1[size_t(c)]))
                f1s[size_t(c)].push_back(f1[size_t(c)]);
        }
        if (!std::isnan(flag))
            flags.push_back(flag);
    }
    for (int c = 0; c < classCount; ++c) {
        b.recall.push_back(percentileInterval(recalls[size_t(c)]));
        b.precision.push_back(percentileInterval(precisions[size_t(c)]));
        b.f1.push_back(percentileInterval(f1s[size_t(c)]));
    }
    b.falseFlag = percentileInterval(flags);
    return b;
}

Interval percentileInterval(std::vector<double> values)
{
    if (values.empty())
        return Interval{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
    std::sort(values.begin(), values.end());
    return Interval{values[size_t(0.025 * double(values.size() - 1))], values[size_t(0.975 * double(values.size() - 1))]};
}

PairedDifference pairedMacroF1Difference(const std::vector<PairedPredictions> &groups, int classCount, int iterations, uint64_t seed)
{
    const auto macroF1Of = [classCount](const std::vector<int> &truth, const std::vector<int> &predicted, const std::vector<size_t> &sample) {
        std::vector<int> tp(size_t(classCount), 0), actual(size_t(classCount), 0), called(size_t(classCount), 0);
        for (size_t i : sample) {
            ++actual[size_t(truth[i])];
            ++called[size_t(predicted[i])];
            tp[size_t(truth[i])] += truth[i] == predicted[i];
        }
        double sum = 0.0;
        int averaged = 0;
        for (int c = 0; c < classCount; ++c)
            if (actual[size_t(c)] > 0 || called[size_t(c)] > 0) { // as evaluate() averages
                sum += harmonic(ratio(tp[size_t(c)], called[size_t(c)]), ratio(tp[size_t(c)], actual[size_t(c)]));
                ++averaged;
            }
        return averaged ? sum / averaged : 0.0;
    };
    // The mean over the groups of B's macro-F1 minus A's, each group resampled within itself.
    const auto difference = [&](const std::vector<std::vector<size_t>> &samples) {
        double d = 0.0;
        for (size_t g = 0; g < groups.size(); ++g)
            d += macroF1Of(groups[g].truth, groups[g].second, samples[g]) - macroF1Of(groups[g].truth, groups[g].first, samples[g]);
        return groups.empty() ? 0.0 : d / double(groups.size());
    };
    std::vector<std::vector<size_t>> samples;
    for (const PairedPredictions &g : groups) {
        samples.emplace_back(g.truth.size());
        std::iota(samples.back().begin(), samples.back().end(), 0);
    }
    PairedDifference out;
    out.difference = difference(samples);
    std::mt19937_64 rng(seed);
    std::vector<double> draws;
    for (int it = 0; it < iterations; ++it) {
        for (auto &sample : samples) {
            std::uniform_int_distribution<size_t> pick(0, sample.empty() ? 0 : sample.size() - 1);
            for (size_t &s : sample)
                s = pick(rng);
        }
        draws.push_back(difference(samples));
    }
    out.interval = percentileInterval(draws);
    return out;
}

QJsonArray toJsonArray(const std::vector<int> &values)
{
    QJsonArray a;
    for (int v : values)
        a.append(v);
    return a;
}

QJsonArray toJsonArray(const std::vector<std::vector<int>> &rows)
{
    QJsonArray a;
    for (const auto &row : rows)
        a.append(toJsonArray(row));
    return a;
}

QJsonObject Evaluation::toJson() const
{
    QJsonObject classes;
    for (int c = 0; c < classNames.size(); ++c) {
        const ClassMetrics &m = perClass[size_t(c)];
        classes.insert(classNames[c], QJsonObject{{QStringLiteral("support"), m.support},
                                                  {QStringLiteral("precision"), m.precision},
                                                  {QStringLiteral("recall"), m.recall},
                                                  {QStringLiteral("f1"), m.f1},
                                                  {QStringLiteral("auroc"), number(m.auroc)}});
    }
    return QJsonObject{{QStringLiteral("count"), count},
                       {QStringLiteral("classes"), QJsonArray::fromStringList(classNames)},
                       {QStringLiteral("confusion"), toJsonArray(confusion)},
                       {QStringLiteral("per_class"), classes},
                       {QStringLiteral("accuracy"), accuracy},
                       {QStringLiteral("expected_calibration_error"), number(calibrationError)},
                       {QStringLiteral("reliability"), reliability.binsJson()},
                       {QStringLiteral("micro"), QJsonObject{{QStringLiteral("precision"), microPrecision}, {QStringLiteral("recall"), microRecall}, {QStringLiteral("f1"), microF1}}},
                       {QStringLiteral("macro"), QJsonObject{{QStringLiteral("precision"), macroPrecision}, {QStringLiteral("recall"), macroRecall}, {QStringLiteral("f1"), macroF1}}}};
}

QString Evaluation::metricsCsv() const
{
    QString t;
    QTextStream s(&t);
    s << "class,support,precision,recall,f1,auroc\n";
    for (int c = 0; c < classNames.size(); ++c) {
        const ClassMetrics &m = perClass[size_t(c)];
        s << classNames[c] << ',' << m.support << ',' << m.precision << ',' << m.recall << ',' << m.f1 << ','
          << (std::isnan(m.auroc) ? QString() : QString::number(m.auroc)) << '\n';
    }
    s << "micro," << count << ',' << microPrecision << ',' << microRecall << ',' << microF1 << ",\n";
    s << "macro," << count << ',' << macroPrecision << ',' << macroRecall << ',' << macroF1 << ",\n";
    return t;
}

QString Evaluation::confusionCsv() const
{
    QString t = QStringLiteral("true\\predicted,") + classNames.join(QLatin1Char(',')) + QLatin1Char('\n');
    for (int c = 0; c < classNames.size(); ++c) {
        t += classNames[c];
        for (int v : confusion[size_t(c)])
            t += QLatin1Char(',') + QString::number(v);
        t += QLatin1Char('\n');
    }
    return t;
}

QString Evaluation::confusionText() const
{
    QString t = QStringLiteral("true \\ pred").leftJustified(12);
    for (const QString &n : classNames)
        t += n.rightJustified(8);
    t += QLatin1Char('\n');
    for (int c = 0; c < classNames.size(); ++c) {
        t += classNames[c].leftJustified(12);
        for (int v : confusion[size_t(c)])
            t += QString::number(v).rightJustified(8);
        t += QLatin1Char('\n');
    }
    return t;
}

} // namespace ecgscope::ml
