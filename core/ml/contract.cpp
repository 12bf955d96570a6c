#include "core/ml/contract.h"

#include "core/dsp/filter.h"
#include "core/dsp/qrs.h"
#include "core/dsp/resample.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace ecgscope::ml {

namespace {
// Plausible range of an ECG lead's robust peak-to-peak amplitude in µV: below it the data are likely
// in mV or V without a unit conversion, above it in nV or raw ADC counts of a high-resolution device.
constexpr double kMinPlausibleUv = 20.0;
constexpr double kMaxPlausibleUv = 50000.0;
} // namespace

InputContract::InputContract() : leads(standardLeadNames()), features(rhythmFeatureNames()) {}

const QStringList &rhythmFeatureNames()
{
    static const QStringList names{QStringLiteral("heart_rate"), QStringLiteral("rr_cv"), QStringLiteral("rmssd_ratio"),
                                   QStringLiteral("irregular_fraction"), QStringLiteral("premature_fraction"), QStringLiteral("pause_ratio")};
    return names;
}

namespace {
std::vector<float> featureValues(const dsp::RhythmMeasures &m, const QStringList &names)
{
    std::vector<float> v;
    for (const QString &n : names) {
        const double x = n == QLatin1String("heart_rate") ? m.heartRateBpm / 100.0
                         : n == QLatin1String("rr_cv") ? m.rrCv
                         : n == QLatin1String("rmssd_ratio") ? m.rmssdRatio
                         : n == QLatin1String("irregular_fraction") ? m.irregularFraction
                         : n == QLatin1String("premature_fraction") ? m.prematureFraction
                                                                     : std::max(0.0, m.longestPauseRatio - 1.0);
        v.push_back(float(std::min(x, 5.0))); // bounded: a detection failure must not produce huge inputs
    }
    return v;
}
} // namespace

QJsonObject InputContract::toJson() const
{
    return QJsonObject{{QStringLiteral("sample_rate_hz"), sampleRateHz},
                       {QStringLiteral("samples"), samples},
                       {QStringLiteral("leads"), QJsonArray::fromStringList(leads)},
                       {QStringLiteral("units"), units},
                       {QStringLiteral("band_low_hz"), bandLowHz},
                       {QStringLiteral("band_high_hz"), bandHighHz},
                       {QStringLiteral("features"), QJsonArray::fromStringList(features)},
                       {QStringLiteral("normalisation"), QStringLiteral("per-lead standardisation (zero mean, unit variance) per window")}};
}

Result<InputContract> InputContract::fromJson(const QJsonObject &json)
{
    InputContract c;
    c.sampleRateHz = json.value(QStringLiteral("sample_rate_hz")).toDouble();
    c.samples = json.value(QStringLiteral("samples")).toInt();
    c.leads.clear();
    for (const auto &v : json.value(QStringLiteral("leads")).toArray())
        c.leads << v.toString();
    c.units = json.value(QStringLiteral("units")).toString();
    c.bandLowHz = json.value(QStringLiteral("band_low_hz")).toDouble();
    c.bandHighHz = json.value(QStringLiteral("band_high_hz")).toDouble();
    c.features.clear();
    for (const auto &v : json.value(QStringLiteral("features")).toArray()) {
        if (!rhythmFeatureNames().contains(v.toString()))
            return Result<InputContract>::failure(QStringLiteral("input contract names an unknown feature '%1'").arg(v.toString()));
        c.features << v.toString();
    }
    if (!(c.sampleRateHz > 0) || c.samples <= 0 || c.leads.isEmpty())
        return Result<InputContract>::failure(QStringLiteral("input contract is incomplete (rate, samples, leads)"));
    if (c.units != QLatin1String("uV"))
        return Result<InputContract>::failure(QStringLiteral("input contract asks for units '%1'; EcgScope records are in uV").arg(c.units));
    return c;
}

bool InputContract::operator==(const InputContract &o) const
{
    return sampleRateHz == o.sampleRateHz && samples == o.samples && leads == o.leads && units == o.units &&
           bandLowHz == o.bandLowHz && bandHighHz == o.bandHighHz && features == o.features;
}

Result<Prepared> prepare(const Ecg &ecg, const InputContract &c, double strideMs)
{
    const QString invalid = ecg.validate();
    if (!invalid.isEmpty())
        return Result<Prepared>::failure(QStringLiteral("%1: %2").arg(ecg.sourcePath, invalid));
    // The leads at the model's rate (and nothing else of the record: QRS detection needs only them).
    Ecg at;
    at.sampleRateHz = c.sampleRateHz;
    for (const LeadSignal &l : ecg.leads)
        at.leads.push_back({l.name, dsp::resample(l.microvolts, ecg.sampleRateHz, c.sampleRateHz), l.derived, l.resolutionMicrovolts});
    const auto sections = dsp::bandpass(c.bandLowHz, c.bandHighHz, c.sampleRateHz);
    const int n = at.sampleCount();
    Prepared p;
    std::vector<const LeadSignal *> leads; // the contract's leads in order, null where missing
    std::vector<const std::vector<float> *> present;
    for (const QString &name : c.leads) {
        leads.push_back(at.lead(name));
        if (!leads.back())
            p.missingLeads << name;
        else
            present.push_back(&leads.back()->microvolts);
    }
    std::vector<std::vector<float>> bandpassed = dsp::filtfilt(present, sections, c.sampleRateHz); // all leads at once
    std::vector<std::vector<float>> filtered; // the contract's leads in order, empty where missing
    std::vector<double> spans;
    size_t next = 0;
    for (const LeadSignal *lead : leads) {
        if (!lead) {
            filtered.emplace_back();
            continue;
        }
        filtered.push_back(std::move(bandpassed[next++]));
        // The 1st to 99th percentile: two selections, not a sort.
        std::vector<float> v = filtered.back();
        const auto hi = v.begin() + long(0.99 * (n - 1)), lo = v.begin() + long(0.01 * (n - 1));
        std::nth_element(v.begin(), hi, v.end());
        std::nth_element(v.begin(), lo, hi);
        spans.push_back(*hi - *lo);
    }
    if (spans.empty())
        return Result<Prepared>::failure(QStringLiteral("%1: none of the model's leads (%2) is in the record").arg(ecg.sourcePath, c.leads.join(QStringLiteral(", "))));
    std::nth_element(spans.begin(), spans.begin() + long(spans.size() / 2), spans.end());
    const double span = spans[spans.size() / 2];
    if (span < kMinPlausibleUv || span > kMaxPlausibleUv)
        return Result<Prepared>::failure(QStringLiteral("%1: median lead amplitude %2 uV is not plausible for an ECG in microvolts (wrong units in the file?)")
                                             .arg(ecg.sourcePath).arg(span, 0, 'g', 3));

    // Window starts: 0, stride, ... and a last one flush with the end, so the whole record is covered.
    std::vector<long> starts{0};
    const long stride = std::max(1L, std::lround(strideMs * c.sampleRateHz / 1000.0));
    if (n > c.samples) {
        for (long s = stride; s + c.samples < n; s += stride)
            starts.push_back(s);
        starts.push_back(n - c.samples);
    }
    const size_t leadCount = size_t(c.leads.size());
    const std::vector<int> peaks = c.features.isEmpty() ? std::vector<int>() : dsp::detectQrs(at);
    for (long s : starts) {
        Window w;
        w.startMs = 1000.0 * double(s) / c.sampleRateHz;
        w.values.assign(leadCount * size_t(c.samples), 0.0f);
        for (size_t l = 0; l < leadCount; ++l) {
            if (filtered[l].empty())
                continue;
            const long len = std::min<long>(c.samples, n - s);
            double mean = 0.0, sq = 0.0;
            for (long i = 0; i < len; ++i)
                mean += filtered[l][size_t(s + i)];
            mean /= double(len);
            for (long i = 0; i < len; ++i)
                sq += std::pow(filtered[l][size_t(s + i)] - mean, 2);
            const double sd = std::sqrt(sq / double(len)) + 1.0; // +1 µV keeps a flat lead from exploding
            float *out = w.values.data() + l * size_t(c.samples);
            for (long i = 0; i < len; ++i)
                out[i] = float((filtered[l][size_t(s + i)] - mean) / sd);
        }
        if (!c.features.isEmpty())
            w.features = featureValues(dsp::rhythmMeasures(peaks, c.sampleRateHz, int(s), int(s + c.samples)), c.features);
        p.windows.push_back(std::move(w));
    }
    return p;
}

} // namespace ecgscope::ml
