// The parts of training.h that need no LibTorch: configurations, class weights, balanced draws.
#include "core/ml/training.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <random>

namespace ecgscope::ml {

QString NetConfig::name() const
{
    return architecture == Architecture::ResNet ? QStringLiteral("resnet") : QStringLiteral("inception");
}

QJsonObject NetConfig::toJson() const
{
    return QJsonObject{{QStringLiteral("name"), name()}, {QStringLiteral("width"), width}, {QStringLiteral("depth"), depth}};
}

Result<NetConfig> NetConfig::fromJson(const QJsonObject &json)
{
    NetConfig c;
    const QString n = json.value(QStringLiteral("name")).toString();
    if (n == QLatin1String("resnet"))
        c.architecture = Architecture::ResNet;
    else if (n == QLatin1String("inception"))
        c.architecture = Architecture::Inception;
    else
        return Result<NetConfig>::failure(QStringLiteral("unknown architecture '%1' (resnet or inception)").arg(n));
    c.width = json.value(QStringLiteral("width")).toInt();
    c.depth = json.value(QStringLiteral("depth")).toInt();
    if (c.width < 1 || c.width > 1024 || c.depth < 1 || c.depth > 64)
        return Result<NetConfig>::failure(QStringLiteral("architecture width %1 / depth %2 out of range").arg(c.width).arg(c.depth));
    return c;
}

QString TrainConfig::name() const
{
    return net.name() + QStringLiteral(" / ") + strategy.name();
}

QString TrainConfig::folderName() const
{
    return net.name() + QLatin1Char('-') + QString(strategy.name()).replace(QLatin1Char('+'), QLatin1Char('_'));
}

QString StrategyConfig::name() const
{
    QStringList parts;
    if (subclass)
        parts << QStringLiteral("subclass");
    if (balance)
        parts << QStringLiteral("balance");
    if (focal)
        parts << QStringLiteral("focal");
    if (classWeights)
        parts << QStringLiteral("weights");
    return parts.isEmpty() ? QStringLiteral("none") : parts.join(QLatin1Char('+'));
}

Result<StrategyConfig> StrategyConfig::fromName(const QString &name)
{
    StrategyConfig s;
    for (const QString &part : name.split(QLatin1Char('+'), Qt::SkipEmptyParts)) {
        const QString p = part.trimmed().toLower();
        if (p == QLatin1String("none"))
            continue;
        if (p == QLatin1String("focal"))
            s.focal = true;
        else if (p == QLatin1String("weights") || p == QLatin1String("class-weights"))
            s.classWeights = true;
        else if (p == QLatin1String("balance") || p == QLatin1String("undersample"))
            s.balance = true;
        else if (p == QLatin1String("subclass"))
            s.subclass = true;
        else
            return Result<StrategyConfig>::failure(QStringLiteral("unknown strategy '%1' (none, focal, weights, balance, subclass, or a combination with +)").arg(part));
    }
    if (s.focal && s.classWeights)
        return Result<StrategyConfig>::failure(QStringLiteral("focal loss and class weights do not combine; give focal loss per-class alpha instead"));
    return s;
}

QJsonObject StrategyConfig::toJson() const
{
    QJsonObject o{{QStringLiteral("name"), name()}};
    if (focal) {
        o.insert(QStringLiteral("gamma"), gamma);
        QJsonArray a;
        for (double v : alpha)
            a.append(v);
        o.insert(QStringLiteral("alpha"), a);
    }
    if (classWeights) {
        o.insert(QStringLiteral("scheme"), scheme == WeightScheme::InverseFrequency ? QStringLiteral("inverse-frequency") : QStringLiteral("effective-number"));
        if (scheme == WeightScheme::EffectiveNumber)
            o.insert(QStringLiteral("beta"), beta);
    }
    if (balance)
        o.insert(QStringLiteral("redraw_each_epoch"), redrawEachEpoch);
    if (subclass)
        o.insert(QStringLiteral("groups"), toJsonArray(groups));
    return o;
}

std::vector<std::vector<int>> StrategyConfig::effectiveGroups(int classCount) const
{
    if (!groups.empty())
        return groups;
    std::vector<std::vector<int>> g{{0, 1, 2}};
    for (int c = 3; c < classCount; ++c)
        g.push_back({c});
    return g;
}

std::vector<double> classWeights(const std::vector<int> &counts, WeightScheme scheme, double beta)
{
    const size_t k = counts.size();
    std::vector<double> w(k, 0.0);
    double total = 0.0;
    for (int n : counts)
        total += n;
    for (size_t c = 0; c < k; ++c) {
        if (counts[c] <= 0)
            continue;
        w[c] = scheme == WeightScheme::InverseFrequency ? total / (double(k) * counts[c])
                                                        : (1.0 - beta) / (1.0 - std::pow(beta, counts[c]));
    }
    double sum = 0.0;
    size_t present = 0;
    for (size_t c = 0; c < k; ++c) {
        if (counts[c] > 0) {
            sum += w[c];
            ++present;
        }
    }
    for (double &v : w)
        v = present > 0 ? v * double(present) / sum : v;
    return w;
}

std::vector<size_t> balancedDraw(const std::vector<int> &labels, int classCount, uint64_t seed)
{
    std::vector<std::vector<size_t>> byClass(static_cast<size_t>(classCount));
    for (size_t i = 0; i < labels.size(); ++i)
        byClass[size_t(labels[i])].push_back(i);
    size_t smallest = labels.size();
    for (const auto &members : byClass) {
        if (!members.empty())
            smallest = std::min(smallest, members.size());
    }
    std::mt19937_64 rng(seed);
    std::vector<size_t> draw;
    for (auto &members : byClass) {
        std::shuffle(members.begin(), members.end(), rng);
        draw.insert(draw.end(), members.begin(), members.begin() + long(std::min(smallest, members.size())));
    }
    std::sort(draw.begin(), draw.end());
    return draw;
}

std::vector<float> combineStages(const std::vector<float> &groupProbabilities, const std::vector<std::vector<int>> &groups,
                                 const std::vector<std::vector<float>> &withinGroup, int classCount)
{
    std::vector<float> p(static_cast<size_t>(classCount), 0.0f);
    for (size_t g = 0; g < groups.size(); ++g) {
        for (size_t m = 0; m < groups[g].size(); ++m)
            p[size_t(groups[g][m])] = groupProbabilities[g] * (groups[g].size() == 1 ? 1.0f : withinGroup[g][m]);
    }
    return p;
}

} // namespace ecgscope::ml
