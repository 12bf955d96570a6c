#include "core/dsp/serial.h"

#include <cmath>

namespace ecgscope::dsp {

std::vector<SerialChange> compareMeasurements(const Intervals &a, const Intervals &b)
{
    const auto rate = [](const Intervals &m) { return m.heartRateBpm > 0 ? std::optional<double>(m.heartRateBpm) : std::nullopt; };
    struct Row {
        const char *name, *unit;
        std::optional<double> before, after;
        double rise, fall; ///< highlighted at a change >= rise or <= -fall (0: never)
    };
    const Row rows[] = {{"HR", "bpm", rate(a), rate(b), 20.0, 20.0},       {"PR", "ms", a.prMs, b.prMs, 40.0, 0.0},
                        {"QRS", "ms", a.qrsMs, b.qrsMs, 20.0, 0.0},       {"QT", "ms", a.qtMs, b.qtMs, 0.0, 0.0},
                        {"QTc", "ms", a.qtcBazettMs, b.qtcBazettMs, 30.0, 0.0}, {"axis", "°", a.qrsAxisDeg, b.qrsAxisDeg, 45.0, 45.0}};
    std::vector<SerialChange> out;
    for (const Row &r : rows) {
        SerialChange c{QLatin1String(r.name), QString::fromUtf8(r.unit), r.before, r.after, std::nullopt, {}};
        if (r.before && r.after) {
            const bool angle = c.unit == QStringLiteral("°");
            c.change = angle ? std::remainder(*r.after - *r.before, 360.0) : *r.after - *r.before;
            const QString text = QStringLiteral("%1 %2%3 %4").arg(c.name).arg(*c.change >= 0 ? QStringLiteral("+") : QString()).arg(*c.change, 0, 'f', 0).arg(c.unit);
            if (r.rise > 0 && *c.change >= r.rise)
                c.flag = QStringLiteral("%1 (limit +%2)").arg(text).arg(r.rise);
            else if (r.fall > 0 && *c.change <= -r.fall)
                c.flag = QStringLiteral("%1 (limit -%2)").arg(text).arg(r.fall);
        }
        if (c.name == QLatin1String("QTc") && r.after && *r.after > 500.0 && (!r.before || *r.before <= 500.0))
            c.flag = QStringLiteral("QTc %1 ms, above 500").arg(*r.after, 0, 'f', 0);
        out.push_back(c);
    }
    return out;
}

QString serialLimits()
{
    return QStringLiteral("HR ±20 bpm, PR +40 ms, QRS +20 ms, QTc +30 ms or above 500 ms, axis ±45°");
}

QString serialText(const std::optional<double> &value, bool sign)
{
    if (!value)
        return QStringLiteral("-");
    const double rounded = std::round(*value) + 0.0; // + 0.0: no "-0"
    return QStringLiteral("%1%2").arg(sign && rounded >= 0 ? QStringLiteral("+") : QString()).arg(rounded, 0, 'f', 0);
}

QString newClassFlag(int before, int after, const QStringList &classNames, int otherClass)
{
    if (before == after || after == otherClass || after < 0 || after >= classNames.size())
        return {};
    return QStringLiteral("new %1").arg(classNames[after]);
}

QStringList changeFlags(const std::vector<SerialChange> &changes, const QString &modelFlag)
{
    QStringList out;
    for (const SerialChange &c : changes)
        if (!c.flag.isEmpty())
            out << c.flag;
    if (!modelFlag.isEmpty())
        out << modelFlag;
    return out;
}

} // namespace ecgscope::dsp
