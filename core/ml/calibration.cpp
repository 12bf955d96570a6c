#include "core/ml/calibration.h"

#include "core/ml/metrics.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <limits>

namespace ecgscope::ml {

namespace {

constexpr double kFloor = 1e-7;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

int argmax(const std::vector<float> &p) { return int(std::max_element(p.begin(), p.end()) - p.begin()); }

double negativeLogLikelihood(const std::vector<std::vector<float>> &probabilities, const std::vector<int> &truth, double temperature)
{
    double sum = 0.0;
    for (size_t i = 0; i < truth.size(); ++i) {
        // log softmax(log p / T) at the true class, computed stably.
        const auto &p = probabilities[i];
        double top = -std::numeric_limits<double>::infinity();
        for (float v : p)
            top = std::max(top, std::log(std::max(double(v), kFloor)) / temperature);
        double z = 0.0;
        for (float v : p)
            z += std::exp(std::log(std::max(double(v), kFloor)) / temperature - top);
        sum -= std::log(std::max(double(p[size_t(truth[i])]), kFloor)) / temperature - top - std::log(z);
    }
    return sum;
}

} // namespace

QString ThresholdRule::name() const
{
    switch (kind) {
    case None: return QStringLiteral("none");
    case MaxF1: return QStringLiteral("f1");
    case MinPrecision: return QStringLiteral("precision:%1").arg(precision, 0, 'f', 2);
    }
    return {};
}

Result<ThresholdRule> ThresholdRule::fromName(const QString &name)
{
    ThresholdRule r;
    if (name == QLatin1String("none")) {
        r.kind = None;
    } else if (name == QLatin1String("f1")) {
        r.kind = MaxF1;
    } else if (name.startsWith(QLatin1String("precision:"))) {
        bool ok = false;
        r.kind = MinPrecision;
        r.precision = name.mid(10).toDouble(&ok);
        if (!ok || !(r.precision > 0.0 && r.precision < 1.0))
            return Result<ThresholdRule>::failure(QStringLiteral("threshold rule '%1': the precision must be between 0 and 1").arg(name));
    } else {
        return Result<ThresholdRule>::failure(QStringLiteral("unknown threshold rule '%1' (none, f1 or precision:P)").arg(name));
    }
    return r;
}

bool Calibration::isIdentity() const
{
    return temperature == 1.0 && std::all_of(thresholds.begin(), thresholds.end(), [](double t) { return std::isnan(t); });
}

QString Calibration::summary(const QStringList &classNames) const
{
    QString s = QStringLiteral("temperature %1, expected calibration error %2 -> %3; thresholds (%4):")
                    .arg(temperature, 0, 'f', 3).arg(eceBefore, 0, 'f', 3).arg(eceAfter, 0, 'f', 3).arg(rule);
    for (size_t k = 0; k < thresholds.size(); ++k)
        s += QStringLiteral(" %1=%2").arg(classNames.value(int(k)), std::isnan(thresholds[k]) ? QStringLiteral("argmax") : QString::number(thresholds[k], 'f', 3));
    return s;
}

QJsonObject Calibration::toJson() const
{
    QJsonArray t;
    for (double v : thresholds)
        t.append(std::isnan(v) ? QJsonValue() : QJsonValue(v));
    return {{QStringLiteral("temperature"), temperature},
            {QStringLiteral("thresholds"), t},
            {QStringLiteral("rule"), rule},
            {QStringLiteral("records"), records},
            {QStringLiteral("data"), data},
            {QStringLiteral("ece_before"), eceBefore},
            {QStringLiteral("ece_after"), eceAfter}};
}

Calibration Calibration::fromJson(const QJsonObject &json)
{
    Calibration c;
    c.temperature = json.value(QStringLiteral("temperature")).toDouble(1.0);
    if (!(c.temperature > 0.0))
        c.temperature = 1.0;
    for (const QJsonValue &v : json.value(QStringLiteral("thresholds")).toArray())
        c.thresholds.push_back(v.isDouble() ? v.toDouble() : kNaN);
    c.rule = json.value(QStringLiteral("rule")).toString();
    c.records = json.value(QStringLiteral("records")).toInt();
    c.data = json.value(QStringLiteral("data")).toString();
    c.eceBefore = json.value(QStringLiteral("ece_before")).toDouble();
    c.eceAfter = json.value(QStringLiteral("ece_after")).toDouble();
    return c;
}

std::vector<float> applyTemperature(const std::vector<float> &p, double temperature)
{
    if (temperature == 1.0)
        return p;
    std::vector<double> logits(p.size());
    for (size_t c = 0; c < p.size(); ++c)
        logits[c] = std::log(std::max(double(p[c]), kFloor)) / temperature;
    const double top = *std::max_element(logits.begin(), logits.end());
    double z = 0.0;
    for (double &l : logits)
        z += (l = std::exp(l - top));
    std::vector<float> out(p.size());
    for (size_t c = 0; c < p.size(); ++c)
        out[c] = float(logits[c] / z);
    return out;
}

int decide(const std::vector<float> &p, const std::vector<double> &thresholds, int fallbackClass)
{
    const int top = argmax(p);
    if (thresholds.empty())
        return top;
    int best = -1;
    for (size_t c = 0; c < p.size(); ++c) {
        const double t = c < thresholds.size() ? thresholds[c] : kNaN;
        const bool qualifies = std::isnan(t) ? int(c) == top && int(c) != fallbackClass : double(p[c]) >= t;
        if (qualifies && (best < 0 || p[c] > p[size_t(best)]))
            best = int(c);
    }
    if (best >= 0)
        return best;
    return fallbackClass >= 0 && fallbackClass < int(p.size()) ? fallbackClass : top;
}

double fitTemperature(const std::vector<std::vector<float>> &probabilities, const std::vector<int> &truth)
{
    if (truth.empty())
        return 1.0;
    // Golden-section search on log T; the NLL is convex in 1/T for a fixed set of log-probabilities.
    double a = std::log(0.05), b = std::log(20.0);
    const double g = (std::sqrt(5.0) - 1.0) / 2.0;
    double c = b - g * (b - a), d = a + g * (b - a);
    double fc = negativeLogLikelihood(probabilities, truth, std::exp(c)), fd = negativeLogLikelihood(probabilities, truth, std::exp(d));
    for (int it = 0; it < 80; ++it) {
        if (fc < fd) {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = negativeLogLikelihood(probabilities, truth, std::exp(c));
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = negativeLogLikelihood(probabilities, truth, std::exp(d));
        }
    }
    return std::exp(0.5 * (a + b));
}

std::vector<double> chooseThresholds(const std::vector<std::vector<float>> &probabilities, const std::vector<int> &truth,
                                     const ThresholdRule &rule, int skip)
{
    const size_t k = probabilities.empty() ? 0 : probabilities.front().size();
    std::vector<double> out(k, kNaN);
    if (rule.kind == ThresholdRule::None)
        return out;
    for (size_t c = 0; c < k; ++c) {
        const int positives = int(std::count(truth.begin(), truth.end(), int(c)));
        if (int(c) == skip || positives < rule.minPositives)
            continue;
        // Records by descending score: a threshold at the i-th score predicts the first i+1 positive.
        std::vector<std::pair<float, bool>> scored;
        for (size_t i = 0; i < truth.size(); ++i)
            scored.emplace_back(probabilities[i][c], truth[i] == int(c));
        std::sort(scored.begin(), scored.end(), [](const auto &x, const auto &y) { return x.first > y.first; });
        int tp = 0;
        double bestF1 = -1.0;
        for (size_t i = 0; i < scored.size(); ++i) {
            tp += scored[i].second;
            if (i + 1 < scored.size() && scored[i + 1].first == scored[i].first)
                continue; // ties go together
            const double precision = double(tp) / double(i + 1), recall = double(tp) / positives;
            // Half-way to the next lower score: the cut generalises better than the score itself.
            const double below = i + 1 < scored.size() ? scored[i + 1].first : 0.0;
            const double cut = 0.5 * (double(scored[i].first) + below);
            if (rule.kind == ThresholdRule::MaxF1) {
                const double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
                if (f1 > bestF1) { // strictly: among equal F1 the higher threshold (fewer flags) wins
                    bestF1 = f1;
                    out[c] = cut;
                }
            } else if (precision >= rule.precision) {
                out[c] = cut; // lower thresholds keep qualifying: the last one has the highest recall
            }
        }
    }
    return out;
}

Calibration calibrate(const std::vector<std::vector<float>> &probabilities, const std::vector<int> &truth, const ThresholdRule &rule,
                      int fallbackClass)
{
    Calibration c;
    c.records = int(truth.size());
    c.rule = rule.name();
    c.eceBefore = reliability(probabilities, truth).expectedCalibrationError;
    c.temperature = fitTemperature(probabilities, truth);
    std::vector<std::vector<float>> calibrated;
    for (const auto &p : probabilities)
        calibrated.push_back(applyTemperature(p, c.temperature));
    c.eceAfter = reliability(calibrated, truth).expectedCalibrationError;
    c.thresholds = chooseThresholds(calibrated, truth, rule, fallbackClass);
    return c;
}

} // namespace ecgscope::ml
