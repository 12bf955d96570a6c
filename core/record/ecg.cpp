#include "core/record/ecg.h"

#include "core/dsp/calibrationpulse.h"

#include <algorithm>
#include <cmath>

namespace ecgscope {

const QStringList &standardLeadNames()
{
    static const QStringList names{QStringLiteral("I"),   QStringLiteral("II"),  QStringLiteral("III"),
                                   QStringLiteral("aVR"), QStringLiteral("aVL"), QStringLiteral("aVF"),
                                   QStringLiteral("V1"),  QStringLiteral("V2"),  QStringLiteral("V3"),
                                   QStringLiteral("V4"),  QStringLiteral("V5"),  QStringLiteral("V6")};
    return names;
}

QString canonicalLeadName(const QString &name)
{
    const QString trimmed = name.trimmed();
    for (const QString &standard : standardLeadNames()) {
        if (trimmed.compare(standard, Qt::CaseInsensitive) == 0)
            return standard;
    }
    return trimmed;
}

QString toString(LabelOrigin origin)
{
    switch (origin) {
    case LabelOrigin::Dataset: return QStringLiteral("dataset");
    case LabelOrigin::Model: return QStringLiteral("model");
    case LabelOrigin::User: return QStringLiteral("user");
    case LabelOrigin::Generator: return QStringLiteral("generator");
    }
    return {};
}

std::optional<LabelOrigin> labelOriginFromString(const QString &text)
{
    for (LabelOrigin o : {LabelOrigin::Dataset, LabelOrigin::Model, LabelOrigin::User, LabelOrigin::Generator}) {
        if (toString(o) == text)
            return o;
    }
    return std::nullopt;
}

bool Label::operator==(const Label &other) const
{
    return code == other.code && system == other.system && origin == other.origin && author == other.author;
}

QString toString(Sex sex)
{
    switch (sex) {
    case Sex::Male: return QStringLiteral("Male");
    case Sex::Female: return QStringLiteral("Female");
    case Sex::Unknown: break;
    }
    return QStringLiteral("Unknown");
}

Sex sexFromString(const QString &text)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("m") || t == QLatin1String("male"))
        return Sex::Male;
    if (t == QLatin1String("f") || t == QLatin1String("female"))
        return Sex::Female;
    return Sex::Unknown;
}

int Ecg::leadIndex(const QString &name) const
{
    const QString wanted = canonicalLeadName(name);
    for (size_t i = 0; i < leads.size(); ++i) {
        if (leads[i].name == wanted)
            return int(i);
    }
    return -1;
}

const LeadSignal *Ecg::lead(const QString &name) const
{
    const int i = leadIndex(name);
    return i < 0 ? nullptr : &leads[size_t(i)];
}

QStringList Ecg::leadNames() const
{
    QStringList names;
    for (const LeadSignal &l : leads)
        names << l.name;
    return names;
}

void Ecg::sortLeads()
{
    const QStringList &order = standardLeadNames();
    std::stable_sort(leads.begin(), leads.end(), [&order](const LeadSignal &a, const LeadSignal &b) {
        const auto rank = [&order](const QString &n) {
            const int i = int(order.indexOf(n));
            return i < 0 ? int(order.size()) : i;
        };
        return rank(a.name) < rank(b.name);
    });
}

QStringList Ecg::deriveMissingLimbLeads()
{
    const LeadSignal *leadI = lead(QStringLiteral("I"));
    const LeadSignal *leadII = lead(QStringLiteral("II"));
    if (!leadI || !leadII)
        return {};
    // Einthoven: III = II - I; Goldberger: aVR = -(I+II)/2, aVL = I - II/2, aVF = II - I/2.
    struct Derivation {
        const char *name;
        float a; // weight of I
        float b; // weight of II
    };
    static const Derivation derivations[] = {
        {"III", -1.0f, 1.0f}, {"aVR", -0.5f, -0.5f}, {"aVL", 1.0f, -0.5f}, {"aVF", -0.5f, 1.0f}};
    const std::vector<float> i = leadI->microvolts;
    const std::vector<float> ii = leadII->microvolts;
    // Copied: adding leads below moves them (the pointers above dangle).
    const double step = leadI->resolutionMicrovolts == leadII->resolutionMicrovolts ? leadI->resolutionMicrovolts : 0.0;
    QStringList derived;
    for (const Derivation &d : derivations) {
        const QString name = QString::fromLatin1(d.name);
        if (lead(name))
            continue;
        LeadSignal s;
        s.name = name;
        s.derived = true;
        s.microvolts.resize(i.size());
        for (size_t k = 0; k < i.size(); ++k)
            s.microvolts[k] = d.a * i[k] + d.b * ii[k];
        // Sums of whole steps are whole steps; the halves of aVR, aVL, aVF are half steps.
        s.resolutionMicrovolts = step * (d.a == -1.0f ? 1.0 : 0.5);
        leads.push_back(std::move(s));
        derived << name;
    }
    if (!derived.isEmpty()) {
        sortLeads();
        notes << QStringLiteral("%1 derived from I and II").arg(derived.join(QStringLiteral(", ")));
    }
    return derived;
}

QString Ecg::finishLoading()
{
    const QString problem = validate();
    if (problem.isEmpty()) {
        dsp::removeCalibrationPulses(*this);
        sortLeads();
        deriveMissingLimbLeads();
        noteImplausibleAmplitudes();
    }
    return problem;
}

void Ecg::noteImplausibleAmplitudes()
{
    // A surface ECG stays within a few mV; most leads reaching 20 mV means a wrong scale in the file.
    // Constant leads are named: they carry no ECG.
    std::vector<float> peaks;
    QStringList flat, noise;
    int stored = 0;
    for (const LeadSignal &l : leads) { // one range per lead serves the peak, the flat and the noise checks
        const auto [lo, hi] = std::minmax_element(l.microvolts.begin(), l.microvolts.end());
        if (const float peak = l.microvolts.empty() ? 0.0f : std::max(std::abs(*lo), std::abs(*hi)); peak > 0.0f)
            peaks.push_back(peak);
        if (l.derived)
            continue;
        ++stored;
        if (!l.hasSignal()) {
            flat << l.name;
            continue;
        }
        // An ECG moves a small part of its range from one sample to the next; samples decoded with the
        // wrong encoding or from the wrong bytes jump across all of it (white noise: a third on average).
        double step = 0.0;
        for (size_t t = 1; t < l.microvolts.size(); ++t)
            step += std::abs(double(l.microvolts[t]) - l.microvolts[t - 1]);
        const double range = double(*hi) - *lo;
        if (range > 2000.0 && step / double(l.microvolts.size() - 1) > 0.15 * range)
            noise << l.name;
    }
    if (!flat.isEmpty())
        notes << QStringLiteral("no signal in %1 (constant: not connected or not recorded)").arg(flat.join(QStringLiteral(", ")));
    if (!noise.isEmpty() && 2 * noise.size() >= stored)
        notes << QStringLiteral("implausible signal: %1 jump across most of their range from sample to sample (noise, not ECG); the file's "
                                "encoding may not be what it declares").arg(noise.join(QStringLiteral(", ")));
    if (peaks.empty())
        return;
    std::nth_element(peaks.begin(), peaks.begin() + long(peaks.size() / 2), peaks.end());
    const float median = peaks[peaks.size() / 2];
    if (median > 20000.0f) {
        notes << QStringLiteral("implausible amplitudes: half the leads reach %1 mV (a surface ECG stays within a few mV); the file's scale may be wrong")
                     .arg(double(median) / 1000.0, 0, 'f', 1);
        return;
    }
    // A step coarser than 20 µV per stored unit hides P waves: no diagnostic ECG device stores that,
    // but a file whose scale is several times too large (an EDF writer's bug seen in the field) does.
    double coarsest = 0.0;
    for (const LeadSignal &l : leads)
        if (!l.derived)
            coarsest = std::max(coarsest, l.resolutionMicrovolts);
    if (coarsest > 20.0)
        notes << QStringLiteral("implausible scale: %1 µV per stored unit is coarser than ECG devices store (1-10 µV); the file's scale may be wrong")
                     .arg(coarsest, 0, 'f', 1);
}

bool LeadSignal::hasSignal() const
{
    return std::any_of(microvolts.begin(), microvolts.end(), [this](float v) { return v != microvolts.front(); });
}

QString Ecg::validate() const
{
    if (!(sampleRateHz > 0.0) || !std::isfinite(sampleRateHz))
        return QStringLiteral("sampling rate %1 Hz is not positive").arg(sampleRateHz);
    if (leads.empty())
        return QStringLiteral("no leads");
    const size_t n = leads.front().microvolts.size();
    if (n == 0)
        return QStringLiteral("no samples");
    for (const LeadSignal &l : leads) {
        if (l.microvolts.size() != n)
            return QStringLiteral("lead %1 has %2 samples, lead %3 has %4")
                .arg(l.name)
                .arg(l.microvolts.size())
                .arg(leads.front().name)
                .arg(n);
        if (!std::all_of(l.microvolts.begin(), l.microvolts.end(), [](float v) { return std::isfinite(v); }))
            return QStringLiteral("lead %1 has non-finite samples").arg(l.name);
    }
    return {};
}

} // namespace ecgscope
